"""Checks of the LRS against test material written outside the project (see run.py)."""
