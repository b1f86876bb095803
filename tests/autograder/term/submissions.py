"""An LMS download of assignment 3 as a term's end brings it: on time, late,
without a time, broken and hostile, with the roster and the sidecar of times."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import nbformat

from autograder.coursedir import Course

ASSIGNMENT = "a3_lstm"
WRITTEN = "written_cell_state"
"""The written answer of assignment 3: a markdown answer cell worth 3 points."""

TIMEZONE = "Europe/Berlin"
DUE = "2025-10-17 23:59"
DUE_UTC = datetime(2025, 10, 17, 21, 59)
DEADLINES = (
    f'\nc.Deadlines.timezone = "{TIMEZONE}"\nc.Deadlines.due = {{"{ASSIGNMENT}": "{DUE}"}}\n'
)

ROSTER = (
    "student_id,lms_id,first_name,last_name,email\n"
    "alovelace,101,Ada,Lovelace,ada@uni.example\n"
    "ghopper,102,Grace,Hopper,grace@uni.example\n"
    "aturing,103,Alan,Turing,alan@uni.example\n"
    "nosub,105,Noe,Submission,noe@uni.example\n"
)
"""mallory, who sends the hostile notebook, is not on it; nosub sends nothing."""


@dataclass(frozen=True)
class Files:
    on_time: str = f"alovelace_{ASSIGNMENT}.ipynb"  # plain name: its modification time
    late: str = f"hoppergrace_late_102_9001_{ASSIGNMENT}.ipynb"  # Canvas, time in timestamps.csv
    no_time: str = f"turingalan_103_9002_{ASSIGNMENT}.ipynb"  # Canvas, no time anywhere
    broken: str = f"broken_{ASSIGNMENT}.ipynb"
    hostile: str = f"mallory_{ASSIGNMENT}.ipynb"


FILES = Files()
LATE_LOCAL = "2025-10-19 01:00"
"""ghopper's time, Berlin: 2025-10-18 23:00 UTC, 1 day 1 h 1 min late: 2 started days."""
LATE_PENALTY = 2 * 0.10 * 18
"""10 % of a3's 18 points per started day."""


def attack_script(name: str) -> str:
    """Script that, run in the instructor's page, calls Jupyter's API with the
    session's cookie and XSRF token to write pwned-<name>.txt into the course,
    and opens a dialog. Single quotes only, to fit in any attribute."""
    return (
        "alert('xss-" + name + "');"
        "fetch('/api/contents/pwned-" + name + ".txt',{method:'PUT',"
        "headers:{'X-XSRFToken':(document.cookie.match(/_xsrf=([^;]+)/)||[])[1],"
        "'Content-Type':'application/json'},"
        "body:JSON.stringify({type:'file',format:'text',content:'pwned'})})"
    )


HOSTILE_MARKDOWN = (
    f"<script>{attack_script('script')}</script>\n\n"
    f'<img src="x" onerror="{attack_script("onerror")}">\n\n'
    f"[run me](javascript:{attack_script('link')})\n"
)
_OUTPUTS = {
    "HTML": [
        "<script>" + attack_script("html-script") + "</script>",
        '<img src=x onerror="' + attack_script("html-onerror") + '">',
    ],
    "Javascript": [attack_script("javascript-output")],
    "Markdown": ["[run me too](javascript:" + attack_script("markdown-link") + ")"],
}
HOSTILE_OUTPUTS = "from IPython.display import HTML, Javascript, Markdown, display\n" + "".join(
    f"display({kind}({text!r}))\n" for kind, texts in _OUTPUTS.items() for text in texts
)
ATTACK_FILES = [
    f"pwned-{n}.txt"
    for n in (
        "script",
        "onerror",
        "link",
        "html-script",
        "html-onerror",
        "javascript-output",
        "markdown-link",
    )
]


def hostile_notebook(course: Course):
    """The released notebook whose written answer and an added cell's
    outputs try, each three ways, to run in whoever opens them."""
    notebook = nbformat.read(course.release_notebook(ASSIGNMENT), 4)
    for cell in notebook.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == WRITTEN:
            cell.source = HOSTILE_MARKDOWN
    notebook.cells.insert(1, nbformat.v4.new_code_cell(HOSTILE_OUTPUTS))
    return notebook


def _stamp(path: Path, moment: datetime) -> None:
    seconds = moment.replace(tzinfo=UTC).timestamp()
    os.utime(path, (seconds, seconds))


def write_export(course: Course, folder: Path) -> None:
    """The LMS download: five files and Canvas's missing times in timestamps.csv."""
    folder.mkdir(parents=True, exist_ok=True)
    source = nbformat.read(course.source_notebook(ASSIGNMENT), 4)
    for name in (FILES.on_time, FILES.late, FILES.no_time):
        nbformat.write(source, folder / name)
    nbformat.write(hostile_notebook(course), folder / FILES.hostile)
    (folder / FILES.broken).write_text("{not a notebook", encoding="utf-8")
    _stamp(folder / FILES.on_time, datetime(2025, 10, 17, 20, 0))
    _stamp(folder / FILES.hostile, datetime(2025, 10, 17, 10, 0))
    (folder / "timestamps.csv").write_text(
        f"file,submitted_at\n{FILES.late},{LATE_LOCAL}\n", encoding="utf-8"
    )
