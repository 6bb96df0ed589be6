"""Exercises of c2w2 (being written)."""

EXERCISES = []
