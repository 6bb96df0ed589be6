"""Exercises of c1w3 (being written)."""

EXERCISES = []
