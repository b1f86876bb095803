"""The red-team suite: hostile and broken submissions graded by `course grade`."""
