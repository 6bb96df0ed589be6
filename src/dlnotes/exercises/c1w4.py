"""Exercises of c1w4 (being written)."""

EXERCISES = []
