"""Checks of your functions, as the assignments call them.

This package ships with every assignment as ``course_checks/``. The check
cells of the notebooks call :func:`check_forward`, :func:`check_gradients`
and :func:`check_numerical_gradient` on fixed public inputs. The course's
grader judges the same functions on hidden inputs, outside your notebook.

Its modules, by role:

- ``specs``: what is graded and by which rules (tolerances, shapes, promises);
- ``inputs``: how the inputs of a check are drawn from its spec;
- ``testfunctions``: the functions numerical_gradient is checked on;
- ``calls``: how a graded function is called and what it must return;
- ``compare``: how a returned array is compared with its reference;
- ``fd``: directional finite differences of your own forward pass;
- ``derivatives``: finds numerical derivatives (finite differences, the
  complex step) in the code of a graded function, which earn no points;
- ``visible``: the checks you run;
- ``probe``: the only code that runs on hidden inputs in your notebook's
  kernel while grading; it calls your functions and writes what they
  return, and judges nothing.

It needs NumPy only (and IPython, where it is, to read cells with magics),
and it holds no answer to any exercise.
"""

from .visible import CheckFailed, check_forward, check_gradients, check_numerical_gradient

__all__ = ["CheckFailed", "check_forward", "check_gradients", "check_numerical_gradient"]
