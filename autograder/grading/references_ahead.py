"""The references of a notebook's hidden tests, computed while its kernel runs.

A reference gradient is a finite difference of the solutions' forward: a
few thousand forward passes per hidden test, which for assignment 2 cost
the grader about half a second per notebook. They depend only on the
hidden inputs, which depend only on the submission's seed, so they can be
computed before the notebook's outputs exist. :class:`ReferencesAhead`
computes them in one background thread of the grader, from the moment the
notebook starts, while the grader itself mostly waits for the kernel (the
student's cells, the probes, the cost measurement); judging a grade cell
then waits only for what is not finished yet.

Nothing of this runs in the kernel or reaches it. The values are exactly
those :func:`autograder.grading.verdict.judge_outputs` would compute
itself (the same function on the same inputs).

The cost check times the solutions in this process with the process's CPU
clock (:func:`autograder.grading.cost.reference_cost`), which would count
this thread too: the notebook's reference costs are measured before the
thread starts (they are measured once per process, so this is free after
the first notebook).
"""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor

from autograder.cases import HiddenTest
from autograder.grading import cost

References = dict[str, tuple]
"""{case name: the reference outputs of that case, in the spec's order}."""


def compute_references(test: HiddenTest, seed: int) -> References:
    """Every hidden case's reference outputs for the inputs `seed` draws."""
    return {
        name: test.reference(inputs, test.case(name)) for name, inputs in test.draw(seed).items()
    }


class ReferencesAhead:
    """The references of the hidden tests {cell index: test} of one notebook
    for one seed, computed in the order of the cells by one thread."""

    def __init__(self, tests: Mapping[int, HiddenTest], seed: int):
        for test in tests.values():
            if test.timing is not None and test.spec.cost_baseline is not None:
                cost.reference_cost(test.draw_timing(seed))  # before the thread: see above
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="references-ahead")
        self._futures: dict[int, Future] = {
            index: self._pool.submit(compute_references, test, seed)
            for index, test in sorted(tests.items())
        }

    def of_cell(self, index: int) -> References:
        """The references of the grade cell at `index` (waits for them)."""
        return self._futures[index].result()

    def close(self) -> None:
        """Stop computing what nobody will ask for (a notebook whose kernel
        died, say) and wait for the thread: it must not run on while the next
        notebook's reference costs are measured."""
        self._pool.shutdown(wait=True, cancel_futures=True)
