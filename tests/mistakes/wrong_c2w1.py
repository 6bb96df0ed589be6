"""Typical wrong answers (being written)."""

WRONG = {}
