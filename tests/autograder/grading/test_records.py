"""The results record of a graded notebook and atomic writes."""

from __future__ import annotations

import os
from datetime import datetime, timedelta

from autograder import __version__
from autograder.grading import records


def test_a_record_names_the_file_the_grader_and_the_time():
    record = records.verdict_record("jdoe", "a1", "a1", "ab" * 32, {"sandboxed": True}, [])
    assert record["submission_sha256"] == "ab" * 32
    assert record["grader_version"] == __version__
    assert datetime.fromisoformat(record["graded_at"]).utcoffset() == timedelta(0)
    assert (record["student"], record["assignment"], record["notebook"]) == ("jdoe", "a1", "a1")


def test_a_record_is_written_whole_and_read_back(tmp_path):
    path = tmp_path / "results" / "a1" / "jdoe" / "a1.json"
    record = records.verdict_record("jdoe", "a1", "a1", None, {}, [{"score": 1.0}])
    records.write_record(path, record)
    assert records.read_record(path) == record
    assert os.listdir(path.parent) == ["a1.json"]  # no temporary file left
    assert path.stat().st_mode & 0o777 == 0o644


def test_an_atomic_write_replaces_the_old_file(tmp_path):
    path = tmp_path / "file"
    records.write_atomically(path, b"old")
    records.write_atomically(path, b"new", mode=0o600)
    assert path.read_bytes() == b"new"
    assert path.stat().st_mode & 0o777 == 0o600
