"""The roster file: what it holds, and every way it is refused with its reason."""

from __future__ import annotations

import pytest

from autograder.roster import RosterError, read_roster

HEADER = "student_id,lms_id,first_name,last_name,email"


def _roster(tmp_path, text: str, encoding="utf-8"):
    path = tmp_path / "roster.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_a_roster_gives_each_student_as_the_lms_knows_them(tmp_path):
    path = _roster(
        tmp_path,
        f"\ufeff{HEADER},section\njdoe,12345,John,Doe,jdoe@uni.example,A\n\nemile,,Émile,Zola,,\n",
    )
    roster = read_roster(path)
    assert [s.student_id for s in roster.students] == ["jdoe", "emile"]
    jdoe = roster.by_lms_id("12345")
    assert (jdoe.full_name, jdoe.sortable_name, jdoe.section) == ("John Doe", "Doe, John", "A")
    assert roster.by_full_name("  émile   ZOLA ") == [roster.by_student_id("emile")]
    assert roster.by_lms_id("") is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "is empty: expected a header student_id,lms_id,first_name,last_name,email"),
        (
            "student_id,name,email\njdoe,John Doe,j@x\n",
            "has no column lms_id, first_name, last_name (its header: student_id,name,email; "
            "expected student_id,lms_id,first_name,last_name,email, optionally "
            "sis_user_id,sis_login_id,section)",
        ),
        (f"{HEADER}\njdoe,1,J,D,j@x\nj doe,2,J,D,j@y\n", "line 3: student_id 'j doe' is not"),
        (f"{HEADER}\njdoe,1,J,D,j@x\njdoe,2,J,D,j@y\n", "student_id 'jdoe' appears twice"),
        (f"{HEADER}\njdoe,1,J,D,j@x\nann,1,A,B,a@y\n", "lms_id '1' appears twice"),
        (f"{HEADER}\njdoe,1,J,D\n", "line 2: 4 fields where the header has 5"),
    ],
)
def test_a_bad_roster_is_refused_saying_what_and_where(tmp_path, text, message):
    with pytest.raises(RosterError) as raised:
        read_roster(_roster(tmp_path, text))
    assert message in str(raised.value)
    assert str(tmp_path / "roster.csv") in str(raised.value)


def test_a_roster_that_is_not_utf8_or_missing_is_refused(tmp_path):
    with pytest.raises(RosterError, match="is not UTF-8 text"):
        read_roster(_roster(tmp_path, f"{HEADER}\nemile,1,Émile,Zola,e@x\n", "latin-1"))
    with pytest.raises(RosterError, match="does not exist"):
        read_roster(tmp_path / "nowhere.csv")
