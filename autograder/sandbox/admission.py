"""How many sandboxed kernels may run at once without oversubscribing memory:
:func:`admit_kernels`.

Each kernel may use up to its memory cap, so ``workers x cap`` must fit in the memory
the machine has available; otherwise a batch in which several notebooks flood memory
at the same moment would push the machine into swapping or its global OOM killer,
which may pick the grader or another user's process instead of a kernel.
"""

from __future__ import annotations

from typing import NamedTuple

import psutil


class Admission(NamedTuple):
    """How many kernels may run at once, and why fewer than requested (else None)."""

    kernels: int
    message: str | None


def _gib(size: int) -> str:
    return f"{size / 1024**3:.1f} GiB"


def _check_whole(what: str, value: object, lowest: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < lowest:
        raise ValueError(f"{what} must be a whole number >= {lowest}, got {value!r}")


def available_memory() -> int:
    """Bytes of memory the machine can give without swapping (psutil's "available")."""
    return psutil.virtual_memory().available


def admit_kernels(requested: int, memory_cap: int, available: int | None = None) -> Admission:
    """The number of kernels that may run at once: `requested`, or as many as fit
    in `available` bytes at `memory_cap` bytes each, whichever is smaller.

    `available` defaults to :func:`available_memory`. The answer is 0 when not even
    one kernel fits: the caller must then stop with the message rather than run a
    kernel that could oversubscribe memory.

    Raises:
        ValueError: `requested` is not a whole number >= 1, `memory_cap` not one of
            bytes >= 1, or `available` a negative or non-whole number of bytes.
    """
    _check_whole("the number of workers", requested, 1)
    _check_whole("the memory cap per kernel, in bytes,", memory_cap, 1)
    if available is None:
        available = available_memory()
    _check_whole("the available memory, in bytes,", available, 0)
    fitting = available // memory_cap
    if fitting >= requested:
        return Admission(requested, None)
    cap, free = _gib(memory_cap), _gib(available)
    if fitting == 0:
        return Admission(
            0,
            f"no kernel fits: each may use up to {cap} (SandboxedKernelManager.memory_cap) "
            f"and only {free} of memory is available; lower the cap or free memory",
        )
    return Admission(
        fitting,
        f"running {fitting} kernel{'s' if fitting > 1 else ''} at once, not {requested}: "
        f"each may use up to {cap} (SandboxedKernelManager.memory_cap) and {free} of "
        "memory is available",
    )
