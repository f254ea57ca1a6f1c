"""Regression tests for issue 14: every bad input found by the fuzzer gets a located message and
exit 2, in bounded time and memory, never a traceback."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from cadence import limits
from cadence.cli import main
from tests.conftest import DATA

TINY = (DATA / "tiny.yaml").read_text(encoding="utf-8")


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def scenario(tmp_path: Path, text: str, name: str = "case.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def refused(tmp_path: Path, text: str, *expected: str) -> str:
    """Validate ``text``: exit 2, every error located by file and line, each ``expected`` said."""
    path = scenario(tmp_path, text)
    result = run("validate", str(path))
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert errors
    for line in errors:
        assert re.match(rf"error: {re.escape(str(path))}:\d+[: ]", line), line
    for text in expected:
        assert text in result.stderr, result.stderr
    return result.stderr


# -- reading -----------------------------------------------------------------------------------


@pytest.mark.parametrize("char", ["\x1b", "\x00", "\x7f"])
def test_control_character_is_located(tmp_path: Path, char: str):
    """ESC or NUL in the file was a ReaderError traceback."""
    text = TINY.replace("Liten halvårsplan", f"Liten{char}halvårsplan")
    refused(tmp_path, text, f"case.yaml:3: control character U+{ord(char):04X}")


@pytest.mark.parametrize("opening, closing", [("[", "]"), ("{a: ", "}")])
def test_deep_nesting_is_located(tmp_path: Path, opening: str, closing: str):
    """1,000 levels of nesting was a RecursionError."""
    text = TINY + "description: " + opening * 1000 + closing * 1000 + "\n"
    refused(tmp_path, text, "nested")


def test_moderate_nesting_is_a_limit(tmp_path: Path):
    """Nesting the parser survives is still refused before the types are built."""
    text = TINY + "description: " + "[" * 40 + "]" * 40 + "\n"
    refused(tmp_path, text, f"nested more than {limits.DEPTH} levels")


def test_huge_period_is_refused(tmp_path: Path):
    """0001-01-01 … 9999-12-31 was an OverflowError; 200 years passed and planned for minutes."""
    text = TINY.replace(
        "{start: 2026-01-01, end: 2026-06-30}", "{start: 0001-01-01, end: 9999-12-31}"
    )
    refused(tmp_path, text, "outside the years 1900–2199")
    text = TINY.replace("end: 2026-06-30", "end: 2226-06-30")
    refused(tmp_path, text, "outside the years")
    text = TINY.replace("end: 2026-06-30", "end: 2031-01-01")
    refused(tmp_path, text, "case.yaml:4 period.end: the period", "longer than 5 years")


def test_five_years_is_allowed(tmp_path: Path):
    """A period of exactly five years is a real one (a mandate period plus a year)."""
    text = TINY.replace("end: 2026-06-30", "end: 2030-12-31")
    assert run("validate", str(scenario(tmp_path, text))).exit_code == 0


def test_long_timezone_is_located(tmp_path: Path):
    """A 10,000-character time zone was an OSError (file name too long)."""
    text = TINY.replace("end: 2026-06-30}", "end: 2026-06-30, timezone: " + "E" * 10_000 + "}")
    refused(tmp_path, text, "case.yaml:4 period.timezone")
    text = TINY.replace("end: 2026-06-30}", "end: 2026-06-30, timezone: " + "E" * 300 + "}")
    refused(tmp_path, text, "case.yaml:4 period.timezone: longer than 64")


def test_long_ids_are_refused_before_solving(tmp_path: Path):
    """Ids of 300 characters were "File name too long" while writing, after the solve."""
    long = "A" * 300
    text = TINY.replace("id: AGA", f"id: {long}").replace("groups: [AGA]", f"groups: [{long}]")
    refused(tmp_path, text, "groups[1].id: id longer than 64 characters")


# -- time and memory ---------------------------------------------------------------------------


def test_busy_ics_device_is_refused(tmp_path: Path):
    """`busy_ics: /dev/zero` grew until MemoryError."""
    text = TINY.replace("  - {id: chef,", "  - {id: chef, busy_ics: /dev/zero,")
    refused(tmp_path, text, "people[3].busy_ics", "not a regular file")


def test_busy_ics_fifo_does_not_block(tmp_path: Path):
    """A FIFO as busy_ics is refused at once instead of waiting for a writer."""
    os.mkfifo(tmp_path / "pipe.ics")
    text = TINY.replace("  - {id: chef,", "  - {id: chef, busy_ics: pipe.ics,")
    refused(tmp_path, text, "not a regular file")


def test_busy_ics_too_large(tmp_path: Path, monkeypatch):
    """A busy .ics over the size limit is refused without parsing it."""
    monkeypatch.setattr(limits, "BUSY_BYTES", 1000)
    (tmp_path / "big.ics").write_bytes(b"BEGIN:VCALENDAR\r\n" + b"X" * 2000)
    text = TINY.replace("  - {id: chef,", "  - {id: chef, busy_ics: big.ics,")
    refused(tmp_path, text, "larger than 1 000 bytes")


def _one_event(folder: Path, lines: str) -> str:
    (folder / "one.ics").write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:a\r\n"
        + lines
        + "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    return TINY.replace("  - {id: chef,", "  - {id: chef, busy_ics: one.ics,")


@pytest.mark.parametrize("freq", ["SECONDLY", "MINUTELY"])
def test_busy_ics_endless_recurrence_is_refused_unexpanded(tmp_path: Path, freq: str):
    """An event every second or minute is refused from its rule, before any expansion (the
    expanding library built windows of millions of occurrences)."""
    text = _one_event(
        tmp_path, f"DTSTART:20260101T080000\r\nDTEND:20260101T080001\r\nRRULE:FREQ={freq}\r\n"
    )
    start = time.monotonic()
    refused(tmp_path, text, "people[3].busy_ics", f"more than {limits.BUSY_EXPANSION}")
    assert time.monotonic() - start < 5


def test_busy_ics_recurrence_since_long_ago_is_refused(tmp_path: Path):
    """A daily event since 1800 is expanded from its start: refused by the estimate."""
    text = _one_event(
        tmp_path, "DTSTART:18000101T080000\r\nDTEND:18000101T090000\r\nRRULE:FREQ=DAILY\r\n"
    )
    refused(tmp_path, text, "repeat about")


def test_busy_ics_event_of_centuries_is_cut_to_the_period(tmp_path: Path):
    """An event until 9999 makes the person busy on the period's days, in no time."""
    text = _one_event(tmp_path, "DTSTART:20260101T080000\r\nDTEND:99991231T090000\r\n")
    start = time.monotonic()
    result = run("validate", str(scenario(tmp_path, text)))
    assert time.monotonic() - start < 5
    assert result.exit_code in (0, 2)
    assert "Traceback" not in result.output


def test_large_scenario_file_is_refused_unread(tmp_path: Path):
    """A 50 MB people list ran past 180 s and a 50 MB comment 75 s: refused by size at once."""
    path = scenario(tmp_path, TINY + "#" + "x" * (limits.SCENARIO_BYTES + 10) + "\n")
    start = time.monotonic()
    result = run("validate", str(path))
    assert time.monotonic() - start < 5
    assert result.exit_code == 2
    assert "larger than 1 000 000 bytes" in result.stderr


def test_many_values_within_the_size_are_refused_unparsed(tmp_path: Path):
    """The YAML library reads about 6,000 values a second: a file of small values that fits the
    size is refused by their count, at the line where it passes the limit, before parsing."""
    text = TINY + "description: [" + "a, " * limits.SCENARIO_ITEMS + "a]\n"
    start = time.monotonic()
    refused(tmp_path, text, "case.yaml:59: more than 20000 lines and commas")
    assert time.monotonic() - start < 5


def test_many_people_within_the_size_are_refused(tmp_path: Path):
    """People beyond the limit are refused with the line of the list, in seconds."""
    people = "".join(
        f"  - {{id: p{i}, name: P, organisation: RS}}\n" for i in range(limits.PEOPLE + 1)
    )
    text = TINY.replace("people:\n", "people:\n" + people)
    start = time.monotonic()
    refused(tmp_path, text, f"people: {limits.PEOPLE + 5} people, more than the {limits.PEOPLE}")
    assert time.monotonic() - start < 30


def test_alias_bomb_is_bounded(tmp_path: Path):
    """Nested aliases that would expand to billions of values are refused by size."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    text = TINY + "description: " + "\n".join(lines).replace("\n", "\n  ") + "\n"
    text = TINY + "weights:\n  " + "\n  ".join(lines) + "\n"
    start = time.monotonic()
    refused(tmp_path, text, "more than 200000 values")
    assert time.monotonic() - start < 10


def test_numbers_out_of_range(tmp_path: Path):
    """Huge numbers and infinities are refused with their line, before any arithmetic."""
    refused(tmp_path, TINY.replace("weight: 3", "weight: 1e400"), "case.yaml:10", "out of range")
    refused(tmp_path, TINY.replace("weight: 3", "weight: " + "9" * 40), "out of range")
    refused(
        tmp_path,
        TINY.replace("{min: 6, max: 6, years", "{min: 6, max: 100000, years", 1),
        "more than 260",
    )
    text = TINY.replace("min_days_between: 21\n    max", "min_days_between: 99999\n    max")
    refused(tmp_path, text, "groups[0].min_days_between: 99999 is more than 3660")


# -- values ------------------------------------------------------------------------------------


def test_time_with_seconds_is_refused(tmp_path: Path):
    """ "09:00:00" was accepted as a time."""
    text = TINY.replace(
        'start_times: ["09:00", "13:00"]\n    min_days_between: 21\n    max',
        'start_times: ["09:00:00"]\n    min_days_between: 21\n    max',
    )
    refused(tmp_path, text, "groups[0].start_times[0]", 'expected a time like "09:00"')


def test_binary_name_is_refused(tmp_path: Path):
    """A `!!binary` value was accepted as a name."""
    text = TINY.replace("name: Liten halvårsplan", "name: !!binary aGVsbG8=")
    refused(tmp_path, text, "case.yaml:3 name: binary data")


# -- ids and file names ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "first, second, slug",
    [("AGA", "aga", "aga"), ("AGÄ", "AGAE", "agae"), ("AG-A", "AG A", "ag-a")],
)
def test_group_ids_that_fold_together(tmp_path: Path, first: str, second: str, slug: str):
    """Group ids that give the same feed file and UID are refused, naming both places."""
    text = TINY.replace("id: AGA", f"id: {first}").replace("groups: [AGA]", f"groups: [{first}]")
    text = text.replace("id: AGB", f"id: {second}")
    refused(
        tmp_path,
        text,
        f"groups[2].id: group id '{second}' gives the same file name and UID ('{slug}') as "
        f"'{first}' at line 35",
    )


def test_person_ids_that_fold_together(tmp_path: Path):
    """Person ids that give the same personer/<id>.ics are refused, naming both places."""
    text = TINY.replace("{id: chef,", "{id: ORDF-A,")
    text = text.replace("person: chef", "person: ORDF-A")
    refused(tmp_path, text, "people[3].id: person id 'ORDF-A'", "as 'ordf-a' at line 15")


@pytest.mark.parametrize("ident", ["東京", "'..'", "'---'"])
def test_ids_that_fold_to_nothing(tmp_path: Path, ident: str):
    """Ids of CJK characters or `..` gave `personer/.ics`."""
    text = TINY.replace("{id: chef,", f"{{id: {ident},").replace("person: chef", f"person: {ident}")
    refused(tmp_path, text, "people[3].id", "has no letter or digit a file name can use")


# -- options -----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["-1", "0", "nan", "inf", "1e308", "-inf"])
def test_time_limit_must_be_positive_and_finite(value: str):
    """--time-limit -1, 0, nan exited 1 "no plan found"; inf and 1e308 were accepted."""
    result = run("plan", str(DATA / "tiny.yaml"), "--time-limit", value)
    assert result.exit_code == 2
    assert "--time-limit" in result.stderr


@pytest.mark.parametrize(
    "option, value",
    [("--workers", "0"), ("--workers", "-1"), ("--keep-cancelled", "-5")],
)
def test_solver_options_in_range(option: str, value: str):
    """--workers 0 was accepted, -1 exited 1; --keep-cancelled -5 was accepted."""
    result = run("plan", str(DATA / "tiny.yaml"), option, value)
    assert result.exit_code == 2
    assert option in result.stderr


@pytest.mark.parametrize("port", ["99999", "-1", "0"])
def test_serve_port_in_range(tmp_path: Path, port: str):
    """`serve --port 99999` or `-1` was an OverflowError traceback."""
    result = run("serve", str(tmp_path), "--port", port)
    assert result.exit_code == 2
    assert "--port" in result.stderr


def test_out_below_a_file_is_refused_before_solving(tmp_path: Path):
    """--out below a file was a NotADirectoryError after the whole solve."""
    (tmp_path / "file").write_text("x")
    start = time.monotonic()
    result = run("plan", str(DATA / "tiny.yaml"), "--out", str(tmp_path / "file" / "out"))
    assert time.monotonic() - start < 5
    assert result.exit_code == 2
    assert "is a file" in result.stderr
    assert "Traceback" not in result.output


def test_out_not_writable_is_refused_before_solving(tmp_path: Path):
    """--out where nothing can be written was a PermissionError traceback (root writes
    anywhere a user could, so the test uses /proc, where nobody can create a folder)."""
    result = run("plan", str(DATA / "tiny.yaml"), "--out", "/proc/self/cadence-out")
    assert result.exit_code == 2
    assert "cannot write" in result.stderr
    assert "Traceback" not in result.output


# -- every kind of exception from reading input ----------------------------------------------


@pytest.mark.parametrize(
    "kind, change, expected",
    [
        ("reader", ("Liten", "Liten\x00"), "control character U+0000"),
        ("composer", ("kind: region}", "kind: *nowhere}"), "YAML syntax error"),
        ("scanner", ("name: Liten", "name: @Liten"), "YAML syntax error"),
        ("duplicate key", ("name: Liten", "name: A\nname: Liten"), "duplicate key"),
        ("recursion", ("name: Liten", "name: " + "[" * 3000 + "]" * 3000 + "\nx: Liten"), "nested"),
        ("overflow", ("start: 2026-01-01,", "start: 0001-01-01,"), "outside the years"),
        ("impossible date", ("end: 2026-06-30", "end: 2026-02-30"), "2026-02-30 is not a date"),
        ("impossible time", ("end: 2026-06-30", "end: 2026-06-30T25:00:00"), "hour must be"),
        ("impossible offset", ("end: 2026-06-30", "end: 2026-06-30 10:00:00+99:00"), "offset"),
        (
            "os error (path)",
            ("  - {id: chef,", "  - {id: chef, busy_ics: " + "b" * 5000 + ","),
            "busy_ics",
        ),
        (
            "os error (folder)",
            ("  - {id: chef,", "  - {id: chef, busy_ics: .,"),
            "not a regular file",
        ),
    ],
)
def test_every_reading_error_is_located(tmp_path: Path, kind: str, change, expected: str):
    """Each kind of exception reading can raise is a located message with exit 2."""
    old, new = change
    assert old in TINY
    refused(tmp_path, TINY.replace(old, new, 1), expected)


def test_scenario_path_too_long_is_exit_2(tmp_path: Path):
    """A scenario path the system cannot open (too long) is a message, not an OSError."""
    result = run("validate", str(tmp_path / ("s" * 5000 + ".yaml")))
    assert result.exit_code == 2
    assert "scenario file" in result.stderr


def test_scenario_fifo_is_refused_at_once(tmp_path: Path):
    """A FIFO given as the scenario is refused instead of waiting for a writer."""
    os.mkfifo(tmp_path / "pipe.yaml")
    result = run("validate", str(tmp_path / "pipe.yaml"))
    assert result.exit_code == 2
    assert "not a regular file" in result.stderr


def test_plan_json_size_is_capped(tmp_path: Path, monkeypatch):
    """plan.json over the size limit is refused before it is parsed."""
    from cadence.errors import InputError
    from cadence.state import read

    monkeypatch.setattr(limits, "STATE_BYTES", 100)
    (tmp_path / "plan.json").write_text("{" + " " * 200 + "}")
    with pytest.raises(InputError, match="larger than 100 bytes"):
        read(tmp_path / "plan.json")
    (tmp_path / "plan.json").write_text("[" * 100_000)
    monkeypatch.setattr(limits, "STATE_BYTES", 1_000_000)
    with pytest.raises(InputError, match=r"cannot read|damaged"):
        read(tmp_path / "plan.json")


@pytest.mark.parametrize("char", ["\x1c", "\x1e"])
def test_separators_python_splits_on_are_control_characters_too(tmp_path: Path, char: str):
    """U+001C..U+001E end a line for Python but not for YAML: still found, on the right line."""
    refused(tmp_path, TINY.replace("Liten", f"Liten{char}"), "case.yaml:3: control character")


@pytest.mark.parametrize("command", ["diff", "check"])
def test_plan_file_device_is_refused(command: str):
    """`cadence diff /dev/zero …` ran out of memory; `check --plan /dev/zero` likewise."""
    if command == "diff":
        result = run("diff", "/dev/zero", "/dev/zero")
    else:
        result = run("check", str(DATA / "tiny.yaml"), "--plan", "/dev/zero")
    assert result.exit_code == 2
    assert "plan file is not a regular file" in result.stderr


def test_per_month_and_year_counts_are_in_range(tmp_path: Path):
    """Counts given per month or for one year are held to the same limit as min and max."""
    text = TINY.replace("{min: 6, max: 6, years", "{per_month: 30, years", 1)
    refused(tmp_path, text, "groups[0].meetings: 360 meetings a year, more than 260")
    text = TINY.replace("{year: 2026, min: 3, max: 3}", "{year: 2026, min: 3, max: 900}", 1)
    refused(tmp_path, text, "900 meetings a year")
