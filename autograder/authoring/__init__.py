"""From the text sources in assignments/ to nbgrader's source notebooks."""
