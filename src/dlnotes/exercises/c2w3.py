"""Exercises of c2w3 (being written)."""

EXERCISES = []
