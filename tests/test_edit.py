"""Scenario edits written into the file: one line changes, every other keeps its bytes."""

from __future__ import annotations

import difflib
import re
from datetime import date, time
from pathlib import Path

import pytest

from cadence import edit, loader
from cadence.calendar import WorkCalendar
from cadence.errors import InputError

ROOT = Path(__file__).parent.parent
SORMLAND = ROOT / "scenarios" / "sormland-2026.yaml"


def changed(before: str, after: str) -> tuple[list[str], list[str]]:
    """(lines only in before, lines only in after)."""
    diff = list(difflib.ndiff(before.splitlines(), after.splitlines()))
    return [x[2:] for x in diff if x[:2] == "- "], [x[2:] for x in diff if x[:2] == "+ "]


def test_absence_in_a_flow_person_changes_that_line_only():
    """Sörmland writes people as one-line mappings: the absence joins that line, nothing else
    moves (ruamel alone would re-wrap the long member lists), and the file still loads."""
    text = SORMLAND.read_text(encoding="utf-8")
    done = edit.add_absence(text, "nsv-ordf", date(2026, 5, 4), date(2026, 5, 8), "Semester")
    gone, added = changed(text, done.text)
    assert gone == ["  - {id: nsv-ordf, name: Ordförande NSV, organisation: RS}"]
    assert added == [
        "  - {id: nsv-ordf, name: Ordförande NSV, organisation: RS, unavailable: "
        "[{start: 2026-05-04, end: 2026-05-08, reason: Semester}]}"
    ]
    assert len(done.text.splitlines()) == len(text.splitlines())
    assert done.label == "Frånvaro: Ordförande NSV 4 maj – 8 maj 2026 (Semester)"
    person = loader.loads(done.text, SORMLAND).scenario.person("nsv-ordf")
    assert len(person.unavailable) == 1


def test_fixed_date_is_added_to_its_group_above_the_blank_line():
    """A decided date for BGÄ: two lines inside BGÄ's mapping, the time quoted as the file does."""
    text = SORMLAND.read_text(encoding="utf-8")
    done = edit.add_fixed(text, "BGÄ", date(2026, 11, 26), time(13, 0))
    gone, added = changed(text, done.text)
    assert gone == []
    assert added == ["    fixed:", '      - {date: 2026-11-26, time: "13:00"}']
    lines = done.text.splitlines()
    at = lines.index('      - {date: 2026-11-26, time: "13:00"}')
    assert lines[at - 1 : at + 3] == ["    fixed:", lines[at], "", "  - id: BGPF"]
    group = loader.loads(done.text, SORMLAND).scenario.group("BGÄ")
    assert [f.date for f in group.fixed] == [date(2026, 11, 26)]


def test_blocked_day_is_a_one_day_blackout():
    """A blocked day joins calendar.blackouts; the calendar then has no working day there."""
    text = SORMLAND.read_text(encoding="utf-8")
    done = edit.add_blocked_day(text, date(2026, 9, 14), "Länsdag")
    assert changed(text, done.text) == ([], ["    - {name: Länsdag, dates: [2026-09-14]}"])
    scenario = loader.loads(done.text, SORMLAND).scenario
    assert not WorkCalendar(scenario.calendar, scenario.period).is_working_day(date(2026, 9, 14))


def test_comments_and_order_are_kept_in_a_block_list(data):
    """tiny.yaml: the new absence follows the person's existing one; comments stay."""
    text = (data / "tiny.yaml").read_text(encoding="utf-8")
    done = edit.add_absence(text, "nvk", date(2026, 3, 16), date(2026, 3, 20), "Semester")
    lines = done.text.splitlines()
    at = lines.index("      - {weekdays: [mon], reason: Ledig måndagar}")
    assert lines[at + 1] == "      - {start: 2026-03-16, end: 2026-03-20, reason: Semester}"
    assert done.text.replace(lines[at + 1] + "\n", "") == text


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (
            lambda t: edit.add_absence(t, "nobody", date(2026, 3, 2), date(2026, 3, 3), "x"),
            "no person 'nobody'",
        ),
        (
            lambda t: edit.add_absence(t, "nvk", date(2026, 3, 3), date(2026, 3, 2), "x"),
            "ends (2026-03-02) before it starts",
        ),
        (
            lambda t: edit.add_absence(t, "nvk", date(2026, 3, 2), date(2026, 3, 3), " "),
            "reason: must not be empty",
        ),
        (lambda t: edit.add_fixed(t, "XX", date(2026, 3, 2), None), "no group 'XX'"),
        (lambda t: edit.add_blocked_day(t, date(2026, 3, 2), "a\nb"), "on one line"),
    ],
)
def test_bad_edits_are_refused_in_words(data, call, words):
    """An edit naming nothing, or with a broken range or text, raises InputError; no text."""
    with pytest.raises(InputError, match=re.escape(words)):
        call((data / "tiny.yaml").read_text(encoding="utf-8"))
