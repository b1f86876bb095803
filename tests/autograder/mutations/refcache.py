"""The hidden inputs and references of every graded function for one
grading seed, computed once from the unmutated ``solutions`` package and
kept on disk.

The references are centred differences of the reference forward passes,
far slower than any student's call, so mutation testing computes them once
per seed and reuses them for every mutant. A seed's file is
``<build>/references/<code hash>/seed-<seed>.npz`` (packed: see
:func:`pack`); the hash covers the
code that produced it (the solutions, the hidden cases, the input drawing
and the specs), so changing that code computes them again.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np

from autograder.cases import HIDDEN_TESTS
from tests.autograder.mutations.callgraph import BUILD, ROOT

CODE = ("solutions", "autograder/cases", "autograder/course_checks")
"""Folders whose Python files produce the hidden inputs and references."""


def code_hash() -> str:
    """SHA-256 (first 16 hex digits) of the code that draws the inputs and
    computes the references."""
    digest = hashlib.sha256()
    for folder in CODE:
        for path in sorted((ROOT / folder).rglob("*.py")):
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def seed_path(seed: int, build: Path = BUILD) -> Path:
    """The cache file of one seed (always under the repository's build
    folder, whatever folder the mutated modules are in)."""
    return build / "references" / code_hash() / f"seed-{seed}.npz"


def compute(seed: int) -> dict[str, np.ndarray]:
    """Inputs ("<function>/<case>/in/<arg>") and references
    ("<function>/<case>/ref/<output>") of every hidden test for `seed`."""
    arrays = {}
    for name, test in HIDDEN_TESTS.items():
        for case_name, inputs in test.draw(seed).items():
            if case_name not in test.case_names():
                continue  # the timing input is not judged
            for arg, value in inputs.items():
                arrays[f"{name}/{case_name}/in/{arg}"] = np.asarray(value)
            references = test.reference(inputs, test.case(case_name))
            for output, value in zip(test.spec.outputs, references, strict=True):
                arrays[f"{name}/{case_name}/ref/{output.name}"] = np.asarray(value)
    return arrays


def pack(arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Many small arrays as five: their names, dtypes, shapes, offsets and
    one byte buffer. Reading a seed then costs one zip entry per field, not
    one per array (hundreds), which is what a per-mutant check, reading
    every seed, spends its time on otherwise."""
    names = list(arrays)
    values = [np.asarray(arrays[name]) for name in names]
    sizes = [array.nbytes for array in values]
    return {
        "names": np.array(names),
        "dtypes": np.array([array.dtype.str for array in values]),
        "shapes": np.array([json.dumps(array.shape) for array in values]),
        "offsets": np.cumsum([0, *sizes])[:-1].astype(np.int64),
        "buffer": np.frombuffer(b"".join(a.tobytes(order="C") for a in values), dtype=np.uint8),
    }


def unpack(data: Mapping[str, np.ndarray], prefixes: tuple[str, ...] = ("",)):
    """The arrays :func:`pack` packed whose names start with one of
    `prefixes`, as read-only views of its buffer."""
    buffer = data["buffer"]
    buffer.flags.writeable = False
    arrays = {}
    for name, dtype, shape, offset in zip(
        data["names"].tolist(),
        data["dtypes"].tolist(),
        data["shapes"].tolist(),
        data["offsets"].tolist(),
        strict=True,
    ):
        if not name.startswith(prefixes):
            continue
        shape = tuple(json.loads(shape))
        count = math.prod(shape)
        arrays[name] = np.frombuffer(buffer, dtype=dtype, count=count, offset=offset).reshape(
            shape
        )
    return arrays


def ensure(seed: int, build: Path = BUILD) -> Path:
    """The seed's file, computed and written first if missing (atomically:
    two processes filling the cache never read half a file)."""
    path = seed_path(seed, build)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp.npz")
        np.savez(partial, **pack(compute(seed)))
        os.replace(partial, path)
    return path


class SeedData:
    """One seed's inputs and references (of some hidden tests).

    arrays: {"<function>/<case>/in/<arg>" or "<function>/<case>/ref/<output>": array}.
    cases(name): {case name: {argument: array}} as HiddenTest.draw gives;
    references(name): {case name: outputs in the spec's order}.
    """

    def __init__(self, arrays: Mapping[str, np.ndarray]):
        self._arrays = arrays

    @classmethod
    def read(cls, path: Path, tests: Iterable[str] | None = None) -> SeedData:
        """From a seed's file, the arrays of `tests` only (None: all)."""
        prefixes = ("",) if tests is None else tuple(f"{name}/" for name in tests)
        with np.load(path, allow_pickle=False) as data:
            return cls(unpack({key: data[key] for key in data.files}, prefixes))

    def cases(self, name: str) -> dict[str, dict[str, np.ndarray]]:
        found: dict[str, dict[str, np.ndarray]] = {}
        for key, value in self._arrays.items():
            function, case, kind, arg = key.split("/", 3)
            if function == name and kind == "in":
                found.setdefault(case, {})[arg] = value
        return found

    def references(self, name: str) -> dict[str, tuple]:
        test = HIDDEN_TESTS[name]
        return {
            case: tuple(self._arrays[f"{name}/{case}/ref/{o.name}"] for o in test.spec.outputs)
            for case in test.case_names()
        }


def bundle_path(test: str, seeds: int, build: Path = BUILD) -> Path:
    return build / "references" / code_hash() / f"bundle-{seeds}" / f"{test}.npz"


def write_bundles(seeds: int, build: Path = BUILD) -> None:
    """For each hidden test, the arrays of seeds 0..seeds-1 gathered from
    the seeds' files into one file, so that a per-mutant check reads one
    file per test instead of one per seed (most of its time otherwise)."""
    gathered: dict[str, dict[str, np.ndarray]] = {name: {} for name in HIDDEN_TESTS}
    for seed in range(seeds):
        for key, value in SeedData.read(ensure(seed, build))._arrays.items():
            gathered[key.split("/", 1)[0]][f"{seed}|{key}"] = value
    for name, arrays in gathered.items():
        path = bundle_path(name, seeds, build)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp.npz")
        np.savez(partial, **pack(arrays))
        os.replace(partial, path)


def load(tests: Iterable[str], seeds: Iterable[int], build: Path = BUILD) -> list[SeedData]:
    """The data of `tests` for each of `seeds`: from the bundles of seeds
    0..N-1 when they exist and hold every seed asked for, else seed by seed
    (computing a missing seed)."""
    seeds, tests = list(seeds), list(tests)
    count = max(seeds, default=-1) + 1
    paths = [bundle_path(name, count, build) for name in tests]
    if not all(path.exists() for path in paths):
        return [SeedData.read(ensure(seed, build), tests) for seed in seeds]
    wanted = {str(seed): index for index, seed in enumerate(seeds)}
    per_seed: list[dict[str, np.ndarray]] = [{} for _ in seeds]
    for path in paths:
        with np.load(path, allow_pickle=False) as data:
            for key, value in unpack({k: data[k] for k in data.files}).items():
                seed, name = key.split("|", 1)
                if seed in wanted:
                    per_seed[wanted[seed]][name] = value
    return [SeedData(arrays) for arrays in per_seed]


def main(argv: list[str]) -> None:
    """python -m tests.autograder.mutations.refcache FIRST COUNT [STEP]:
    compute the missing seeds FIRST, FIRST+STEP, ... below FIRST+COUNT."""
    first, count, *step = (int(arg) for arg in argv)
    for seed in range(first, first + count, step[0] if step else 1):
        ensure(seed)


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
