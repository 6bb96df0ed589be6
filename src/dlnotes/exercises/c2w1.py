"""Exercises of c2w1 (being written)."""

EXERCISES = []
