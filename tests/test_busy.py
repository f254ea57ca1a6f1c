"""Busy times from an exported calendar become unavailability of the person."""

from datetime import date, time
from pathlib import Path

import pytest

from cadence import busy, loader
from cadence.scenario import Period
from tests.conftest import DATA

PERIOD = Period(start=date(2026, 1, 1), end=date(2026, 12, 31))


def test_busy_events_become_unavailability():
    """Timed events in local time, UTC events converted, all-day ranges, recurrences expanded."""
    found = busy.read_busy(DATA / "busy-nvk.ics", PERIOD)
    as_tuples = [
        (u.dates[0] if u.dates else (u.start, u.end), u.from_time, u.to_time) for u in found
    ]
    assert as_tuples == [
        (date(2026, 3, 10), time(13), time(16)),
        (date(2026, 3, 11), time(8), time(10)),  # 07:00Z is 08:00 in Stockholm in March
        ((date(2026, 3, 16), date(2026, 3, 17)), None, None),  # DTEND is exclusive
        (date(2026, 9, 7), time(9), time(10)),
        (date(2026, 9, 14), time(9), time(10)),
        (date(2026, 9, 21), time(9), time(10)),
    ]


def test_busy_titles_are_not_copied():
    """A private calendar's titles never reach the plan: the reason names only the file."""
    found = busy.read_busy(DATA / "busy-nvk.ics", PERIOD)
    assert {u.reason for u in found} == {"upptagen enligt busy-nvk.ics"}


def test_not_icalendar(tmp_path: Path):
    """A busy file that is not iCalendar is refused with that reason."""
    path = tmp_path / "x.ics"
    path.write_text("this is not a calendar", encoding="utf-8")
    with pytest.raises(busy.BusyFileError, match="not an iCalendar file"):
        busy.read_busy(path, PERIOD)


def test_loader_adds_busy_times(tmp_path: Path):
    """busy_ics is read relative to the scenario file and extends the person's unavailability."""
    text = (
        (DATA / "small.yaml")
        .read_text(encoding="utf-8")
        .replace(
            "{id: nvk, name: Närvårdskoordinator, organisation: RS}",
            "{id: nvk, name: Närvårdskoordinator, organisation: RS, busy_ics: busy-nvk.ics}",
        )
    )
    (tmp_path / "busy-nvk.ics").write_bytes((DATA / "busy-nvk.ics").read_bytes())
    path = tmp_path / "with-busy.yaml"
    path.write_text(text, encoding="utf-8")
    person = loader.load(path).scenario.person("nvk")
    assert len(person.unavailable) == 6


def test_a_busy_time_is_named_at_the_busy_ics_line(tmp_path: Path):
    """A rule from a busy calendar names the line of `busy_ics`, where the coordinator can see
    the file, not the person's first line (stop 18's review)."""
    text = (
        (DATA / "tiny.yaml")
        .read_text(encoding="utf-8")
        .replace(
            "  - {id: chef, name: Socialchef, organisation: KAT}",
            "  - id: chef\n    name: Socialchef\n    organisation: KAT\n    busy_ics: busy.ics",
        )
    )
    (tmp_path / "tiny.yaml").write_text(text, encoding="utf-8")
    event = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:1@test\r\n"
        "DTSTAMP:20260101T000000Z\r\nDTSTART;TZID=Europe/Stockholm:20260416T120000\r\n"
        "DTEND;TZID=Europe/Stockholm:20260416T160000\r\nSUMMARY:Privat\r\nEND:VEVENT\r\n"
        "END:VCALENDAR\r\n"
    )
    (tmp_path / "busy.ics").write_text(event, encoding="utf-8")
    (impossible,) = loader.load(tmp_path / "tiny.yaml").impossible
    assert impossible.message == (
        "BG is fixed on 2026-04-16 (torsdag), but it cannot be held then: Socialchef is away on "
        "2026-04-16 12:00–16:00: upptagen enligt busy.ics (line 25)"
    )
