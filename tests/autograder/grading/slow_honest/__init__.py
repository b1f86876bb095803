"""Honest students whose backward passes are slow: Python loops over the
batch and time, forward passes run again inside the backward, loops over
matrix entries. The cost tests measure them next to the styles of
tests/autograder/integrity/honest/."""
