"""Known partial computations: what a derivation gives with one term missing.

Each :class:`Variant` computes, on the grader's side and from the hidden
inputs, the outputs a student gets who leaves out one named term of a
derivation. When a wrong output matches one of them, the feedback names
the missing term and links the equation that holds it (see diagnosis.py).
The variants may use the reference's analytic pieces: they only explain a
verdict, they never decide one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from autograder.course_checks.inputs import Case


@dataclass(frozen=True)
class Variant:
    """outputs: the outputs the missing term changes; compute: (inputs,
    case) -> {output: value without the term}; hint: the sentence under the
    FAIL line; equation: (page, label) of the equation holding the term."""

    outputs: tuple[str, ...]
    compute: Callable[[Mapping[str, np.ndarray], Case], dict[str, np.ndarray]]
    hint: str
    equation: tuple[str, str] | None = None


VARIANTS: dict[str, tuple[Variant, ...]] = {}
