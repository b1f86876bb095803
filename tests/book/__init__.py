"""Tests of the built course book."""
