"""Academic integrity: what students can see, and what they hand in.

- :mod:`normalize`: Python code in a normal form where spelling does not
  matter (names, spacing, comments, ``np.dot`` against ``@``, order of
  terms), and the rule of which statements give a graded answer away;
- :mod:`graded`: the graded solutions, read from the assignments' sources;
- :mod:`artifacts`: the code a student-facing file shows (pages, page
  sources, notebooks, scripts, zips);
- :mod:`leaks`: searches that code for the graded solutions;
- :mod:`similarity` and :mod:`similarity_report`: near-identical solution
  code among submissions (``course similarity``);
- :mod:`book_config`: the site's configuration for a public repository.
"""
