"""Do the specs say what the assignments' docstrings promise, and are they
consistent with themselves?"""

from __future__ import annotations

import re
from pathlib import Path

import jupytext
import pytest

from autograder.course_checks.specs import SPECS

ASSIGNMENTS = Path(__file__).resolve().parents[3] / "assignments"
ITEM = re.compile(r"^\s*(\w+): |,\s+(\w+): (?=\()", re.MULTILINE)
"""Where a parameter or return value starts: a line's first word, or a name
right after a comma when a shape follows ("U: (4H, D) ..., W: (4H, H)")."""
SHAPE = re.compile(r"(?<!\w)\(((?:[A-Z0-9]+|\.\.\.)(?:, *(?:[A-Z0-9]+|\.\.\.))*,?)\)")


def _docstrings() -> dict[str, str]:
    """{graded function: its docstring in the assignments' solution cells}."""
    found = {}
    for path in sorted(ASSIGNMENTS.glob("*/*.md")):
        for cell in jupytext.read(path).cells:
            for match in re.finditer(
                r'^def (\w+)\(.*?\):\n    """(.*?)"""', cell.source, re.S | re.M
            ):
                if match.group(1) in SPECS:
                    found[match.group(1)] = match.group(2)
    return found


def _promised(docstring: str) -> dict[str, dict]:
    """{name: {"shapes": [axes...], "any": bool, "optional": bool}} from the
    Parameters and Returns sections of a docstring."""
    sections = docstring.split("Parameters", 1)[-1]
    items: dict[str, dict] = {}
    matches = list(ITEM.finditer(sections))
    for match, following in zip(matches, [*matches[1:], None], strict=True):
        text = sections[match.end() : following.start() if following else len(sections)]
        entry = items.setdefault(
            match.group(1) or match.group(2), {"shapes": [], "any": False, "optional": False}
        )
        for shape in SHAPE.findall(text):
            entry["shapes"].append(
                tuple(axis.strip() for axis in shape.split(",") if axis.strip())
            )
        entry["any"] |= "any shape" in text or "any number of leading axes" in text
        entry["optional"] |= text.lstrip().startswith("optional") or "None means" in text
    return items


DOCSTRINGS = _docstrings()


def test_every_graded_function_has_a_docstring_in_the_assignments():
    assert set(DOCSTRINGS) == set(SPECS)


@pytest.mark.parametrize("name", sorted(SPECS))
def test_every_promised_shape_is_a_layout_of_the_spec(name):
    """Is every shape the docstring gives an argument or return value one of
    the spec's layouts, and does "any shape" become at least three ranks?"""
    spec = SPECS[name]
    for item, promise in _promised(DOCSTRINGS[name]).items():
        layouts = [layout.axes[item] for layout in spec.layouts if item in layout.axes]
        for shape in promise["shapes"]:
            if "..." in shape:
                assert len({len(axes) for axes in layouts}) >= 3, (item, shape)
            else:
                assert shape in layouts, (item, shape, layouts)
        if promise["any"]:
            assert len({len(axes) for axes in layouts}) >= 3, item


@pytest.mark.parametrize("name", sorted(SPECS))
def test_every_optional_argument_is_declared_optional(name):
    """Is an argument the docstring calls optional (or gives a None meaning)
    optional in the spec, and only those?"""
    spec = SPECS[name]
    promised = {item for item, p in _promised(DOCSTRINGS[name]).items() if p["optional"]}
    declared = {arg.name for arg in spec.args if arg.optional and arg.kind != "step"}
    assert promised & {arg.name for arg in spec.args} == declared


@pytest.mark.parametrize("name", sorted(SPECS))
def test_every_layout_gives_every_array_and_output_its_axes(name):
    """Does every layout name the axes of every array argument, upstream
    gradient and output, with the gradient shaped like its argument?"""
    spec = SPECS[name]
    for layout in spec.layouts:
        for arg in spec.array_args:
            assert arg.name in layout.axes, (layout.name, arg.name)
        for output in spec.outputs:
            assert output.name in layout.axes, (layout.name, output.name)
            if output.of and output.of in layout.axes:
                assert layout.axes[output.name] == layout.axes[output.of], output.name


def test_timed_functions_name_baselines_that_exist():
    """Does every cost baseline name a graded function (or the elementwise
    pass) and only arguments the timed function has?"""
    for spec in SPECS.values():
        if spec.cost_baseline is None:
            continue
        function, names = spec.cost_baseline
        assert function in (*SPECS, "elementwise"), spec.name
        assert set(names) <= {arg.name for arg in spec.args}, spec.name
        assert any(output.is_gradient for output in spec.outputs), spec.name
