"""Tested solutions of the exercises, one module per week (shown collapsed on the exercise pages)."""
