"""Numerical differentiation in every form we could think of, as
submissions for the cost tests (see forms.py for the catalogue)."""
