"""How many kernels may run at once: all requested when they fit in the available
memory at their cap, fewer (with the reason) when not, none when not even one fits,
and a clear error for nonsense."""

from __future__ import annotations

import pytest

from autograder.sandbox.admission import admit_kernels, available_memory
from autograder.sandbox.config import GIB, MIB


def test_all_requested_kernels_run_when_they_fit():
    """Do 4 kernels of 2 GiB run at once with exactly 8 GiB available, silently?"""
    assert admit_kernels(4, 2 * GIB, 8 * GIB) == (4, None)


def test_fewer_kernels_run_when_memory_is_short_and_the_message_says_why():
    """With 8 requested, a 2 GiB cap and 6.5 GiB available, do 3 run, with a
    one-line message naming the numbers and the setting?"""
    kernels, message = admit_kernels(8, 2 * GIB, int(6.5 * GIB))

    assert kernels == 3
    assert message == (
        "running 3 kernels at once, not 8: each may use up to 2.0 GiB "
        "(SandboxedKernelManager.memory_cap) and 6.5 GiB of memory is available"
    )
    assert "\n" not in message


def test_one_kernel_is_singular():
    """Is a single admitted kernel reported as "1 kernel"?"""
    assert admit_kernels(2, 3 * GIB, 5 * GIB).message.startswith("running 1 kernel at once,")


def test_no_kernel_runs_when_not_even_one_fits():
    """With less available than one cap, is the answer 0, with what to do?"""
    kernels, message = admit_kernels(2, 2 * GIB, 1 * GIB)

    assert kernels == 0
    assert "no kernel fits" in message and "lower the cap or free memory" in message


def test_available_memory_defaults_to_the_machines():
    """Without `available`, is the machine's available memory (psutil) used: a
    small cap admits the request on this machine, a cap of all memory twice over
    admits none?"""
    available = available_memory()

    assert available > 256 * MIB
    assert admit_kernels(2, 64 * MIB) == (2, None)
    assert admit_kernels(1, 2 * available + GIB).kernels == 0


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ((0, GIB, GIB), "the number of workers must be a whole number >= 1, got 0"),
        ((2.5, GIB, GIB), "the number of workers must be a whole number >= 1, got 2.5"),
        ((True, GIB, GIB), "the number of workers must be a whole number >= 1, got True"),
        ((2, 0, GIB), "the memory cap per kernel, in bytes, must be a whole number >= 1, got 0"),
        ((2, "2G", GIB), "the memory cap per kernel, in bytes, must be .* got '2G'"),
        ((2, GIB, -1), "the available memory, in bytes, must be a whole number >= 0, got -1"),
    ],
)
def test_nonsense_is_refused_naming_what_was_wrong(arguments, message):
    """Is every bad argument refused with what it was and what was expected?"""
    with pytest.raises(ValueError, match=message):
        admit_kernels(*arguments)
