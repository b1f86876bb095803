"""What a student who differentiates numerically can do about a cost check
that compares CPU times: remember results, do nothing when the grader
times a call, make the grader's measurement fail, or make its subtracted
overhead large. Each form of the cost tests that uses one of these wraps
the vectorised finite differences (a*_batched_fd)."""

import hashlib
import sys
import time

import numpy as np

REMEMBERED = {}


def remembered(arrays, compute):
    """compute(), or what it returned before for arrays of the same content."""
    digest = hashlib.blake2b(digest_size=16)
    for array in arrays:
        array = np.ascontiguousarray(array)
        digest.update(repr((array.shape, array.dtype.str)).encode())
        digest.update(array.tobytes())
    key = digest.hexdigest()
    if key not in REMEMBERED:
        REMEMBERED[key] = compute()
    return REMEMBERED[key]


def called_from(name):
    """Whether a function of that name is among the callers (the grader's
    timed calls are made by run_baseline and run_timed)."""
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_name == name:
            return True
        frame = frame.f_back
    return False


def zeros_like_all(arrays):
    return tuple(np.zeros(np.shape(a)) for a in arrays)


def refuse_when_timed():
    """Raise in the grader's baseline calls (the forward pass fails on the
    timing input only)."""
    if called_from("run_baseline"):
        raise MemoryError("not on inputs this large")


def burn_in_empty_cells(info):
    """pre_run_cell hook: a cell that only says `pass` (the grader's
    measurement of the kernel's own overhead) costs three CPU seconds."""
    if getattr(info, "raw_cell", "") == "pass\n":
        end = time.process_time() + 3.0
        while time.process_time() < end:
            pass


def install_overhead_hook():
    """Register burn_in_empty_cells with IPython (once; nothing outside IPython)."""
    try:
        events = get_ipython().events  # IPython puts get_ipython among the builtins
    except NameError:
        return
    if burn_in_empty_cells not in events.callbacks["pre_run_cell"]:
        events.register("pre_run_cell", burn_in_empty_cells)
