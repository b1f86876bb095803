"""Differentiation without back-propagation, as a student who skips the
derivations would write it: the engines every numerical form of the cost
tests is built on. A submission includes this module's code in a cell of
its own (tests/autograder/grading/cost_submissions.py).

Each engine returns the gradient of a scalar function with respect to
every array it is given, accurate to far below the grader's tolerance
(relative error 1e-7). A scalar function of stacks of copies is named by
a function of the notebook (looked up when it runs, so that a worker
process forked before the notebook's later cells still finds it)."""

import multiprocessing
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import numpy as np

STEP = 1e-5
"""Centred-difference step (the grader's own)."""

COMPLEX_STEP = 1e-20
"""Complex step: no cancellation, so it can be tiny."""

BLOCK = 128
"""Entries perturbed per batched call (twice as many copies)."""

WORKERS = {}
"""The worker processes, forked once by the first forward pass."""


def centred_differences(scalar, arrays, step=STEP):
    """Gradient of scalar() with respect to every array of `arrays`, each
    entry perturbed in place in turn and put back."""
    grads = []
    for array in arrays:
        grad = np.zeros_like(array)
        for k in np.ndindex(array.shape):
            saved = array[k]
            array[k] = saved + step
            plus = scalar()
            array[k] = saved - step
            minus = scalar()
            array[k] = saved
            grad[k] = (plus - minus) / (2.0 * step)
        grads.append(grad)
    return grads


def complex_step(scalar, arrays):
    """Gradient of scalar() (real-analytic in every array) with respect to
    every array of `arrays` (complex, perturbed in place in turn): the
    imaginary part of f(x + i h e_k) / h."""
    grads = []
    for array in arrays:
        grad = np.zeros(array.shape)
        for k in np.ndindex(array.shape):
            saved = array[k]
            array[k] = saved + 1j * COMPLEX_STEP
            grad[k] = np.imag(scalar()) / COMPLEX_STEP
            array[k] = saved
        grads.append(grad)
    return grads


def differences_of(forward, args, upstream):
    """Gradients of the sum of <upstream[i], forward(*args)[i]> (each
    forward output against its upstream gradient) for every argument, by
    centred differences one entry at a time."""
    work = [np.array(a, dtype=np.float64) for a in args]
    return centred_differences(lambda: weighted_sum(forward(*work), upstream), work)


def complex_gradients(forward, args, upstream):
    """The same gradients as differences_of, by complex steps."""
    work = [np.array(a, dtype=np.complex128) for a in args]
    return complex_step(lambda: weighted_sum(forward(*work), upstream), work)


def weighted_sum(outputs, upstream):
    return sum(np.sum(u * o) for u, o in zip(upstream, outputs, strict=False))


def copies_scalar(name, fixed=(), upstream=None):
    """The scalar of a stack of copies: name(*fixed, *args) for each copy,
    against the upstream gradients (a tuple, one per output; None: the
    function already returns one value per copy)."""

    def scalar(*args):
        values = globals()[name](*fixed, *args)
        if upstream is None:
            return values
        outputs = values if isinstance(values, tuple) else (values,)
        return sum(
            np.sum(o * u, axis=tuple(range(1, o.ndim)))
            for o, u in zip(outputs, upstream, strict=True)
        )

    return scalar


def batched_gradients(scalar, args, step=STEP, only=None):
    """Gradient of scalar(*args) with respect to every argument (or those
    whose positions are in `only`). scalar takes arrays with a leading copy
    axis (size 1 broadcasts) and returns one value per copy: a block of
    entries is perturbed, +step and -step, in one call. A scalar that
    returns an array per copy gives the Jacobian: an array of the
    argument's shape followed by that array's."""
    base = [np.asarray(a, dtype=np.float64)[None] for a in args]
    grads = []
    for j, array in enumerate(base):
        if only is not None and j not in only:
            continue
        flat = array.reshape(-1)
        blocks = []
        for start in range(0, flat.size, BLOCK):
            index = np.arange(start, min(start + BLOCK, flat.size))
            copies = np.repeat(flat[None], 2 * index.size, axis=0)
            rows = np.arange(index.size)
            copies[rows, index] += step
            copies[rows + index.size, index] -= step
            batch = list(base)
            batch[j] = copies.reshape(-1, *array.shape[1:])
            values = scalar(*batch)
            blocks.append((values[: index.size] - values[index.size :]) / (2.0 * step))
        grad = np.concatenate(blocks)
        grads.append(grad.reshape(*array.shape[1:], *grad.shape[1:]))
    return grads


def one_argument(name, fixed, upstream, args, j):
    """The batched gradient of argument j alone (a task for a thread or a worker)."""
    return batched_gradients(copies_scalar(name, fixed, upstream), args, only={j})[0]


def threaded_gradients(name, fixed, upstream, args):
    """batched_gradients, one argument per task, in two threads."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        tasks = [
            pool.submit(one_argument, name, fixed, upstream, args, j) for j in range(len(args))
        ]
        return tuple(task.result() for task in tasks)


def start_workers():
    """Fork two worker processes, once (called by the forward passes)."""
    if "pool" not in WORKERS:
        WORKERS["pool"] = ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork"))
        list(WORKERS["pool"].map(abs, range(4)))  # the workers exist from now on


def worker_gradients(name, fixed, upstream, args):
    """batched_gradients, one argument per task, in the worker processes."""
    start_workers()
    tasks = [
        WORKERS["pool"].submit(one_argument, name, fixed, upstream, args, j)
        for j in range(len(args))
    ]
    return tuple(task.result() for task in tasks)
