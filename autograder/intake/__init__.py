"""Bringing submissions into nbgrader's submitted/ layout."""
