"""The default scenario's plan read as the coordinator reads it before sending it out: plan.csv
and the feeds, checked against the Swedish calendar of 2026 written out here (not taken from
cadence's calendar): every kallelse on a working day, every preparing meeting two working days
before the notice of what it prepares, nobody with two meetings on a day (the first days after
the breaks above all), every meeting on its group's usual weekday or saying why not."""

from __future__ import annotations

import csv
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import icalendar
import pytest
from click.testing import CliRunner

from cadence.cli import main

ROOT = Path(__file__).resolve().parent.parent

# Röda dagar and de facto holidays of 2025 (December) and 2026 (Swedish official lists).
HOLIDAYS = {
    date(2025, 12, 24), date(2025, 12, 25), date(2025, 12, 26), date(2025, 12, 31),
    date(2026, 1, 1), date(2026, 1, 6), date(2026, 4, 3), date(2026, 4, 5), date(2026, 4, 6),
    date(2026, 5, 1), date(2026, 5, 14), date(2026, 5, 24), date(2026, 6, 6), date(2026, 6, 19),
    date(2026, 6, 20), date(2026, 10, 31), date(2026, 12, 24), date(2026, 12, 25),
    date(2026, 12, 26), date(2026, 12, 31),
}  # fmt: skip
# Sörmland's breaks: ISO weeks 26–32 of 2026, and 21 December to 6 January.
BREAKS = [
    (date(2026, 6, 22), date(2026, 8, 9)),
    (date(2025, 12, 21), date(2026, 1, 6)),
    (date(2026, 12, 21), date(2026, 12, 31)),
]
FIRST_DAYS_BACK = {date(2026, 1, 7), date(2026, 8, 10)}
USUAL = {
    "NSV": 3, "LSG": 0, "BGÄ": 1, "BGPF": 2, "BGB": 1, "BGH": 2, "BGD": 2,
    "AVÄ": 1, "AVPF": 2, "AVB": 3, "ANÄ": 2, "ANPF": 3, "ANB": 1,
    "ASÄ": 3, "ASPF": 1, "ASB": 2, "SCN": 3, "IFO": 4, "MASMAR": 2,
}  # fmt: skip
MONTHS = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
          "september", "oktober", "november", "december"]  # fmt: skip


def working(day: date) -> bool:
    in_break = any(first <= day <= last for first, last in BREAKS)
    return day.weekday() < 5 and day not in HOLIDAYS and not in_break


def working_days_between(first: date, last: date) -> int:
    """Working days strictly between two days."""
    return sum(working(first + timedelta(days=i)) for i in range(1, (last - first).days))


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    out = tmp_path_factory.mktemp("sormland") / "out"
    result = CliRunner().invoke(
        main, ["plan", str(ROOT / "scenarios" / "sormland-2026.yaml"), "--out", str(out),
               "--time-limit", "3"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    with (out / "plan.csv").open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r.get("status", "planned") == "planned"]
    return out, rows


def test_every_kallelse_on_a_working_day(published):
    """The notice column and the feed's "Kallelse senast …" name a working day a week before."""
    out, rows = published
    assert len(rows) == 111
    feed = icalendar.Calendar.from_ical((out / "alla.ics").read_bytes())
    texts = {str(e["UID"]): str(e["DESCRIPTION"]) for e in feed.walk("VEVENT")}
    for row in rows:
        day = datetime.fromisoformat(row["start"]).date()
        notice = date.fromisoformat(row["notice"])
        assert working(notice), (row["id"], notice)
        assert notice <= day - timedelta(days=7), row["id"]
        assert all(
            not working(notice + timedelta(days=i)) for i in range(1, (day - notice).days - 6)
        )
        words = f"Kallelse senast {notice.day} {MONTHS[notice.month - 1]}."
        assert words in texts[row["uid"]], (row["id"], words)


def test_preparing_meetings_leave_two_working_days_before_the_notice(published):
    """Each meeting that prepares another is held with two working days left before its notice."""
    _, rows = published
    by_id = {r["id"]: r for r in rows}
    links = 0
    for row in rows:
        notice = date.fromisoformat(row["notice"])
        for source_id in filter(None, (s.strip() for s in row["prepared_by"].split(";"))):
            source = datetime.fromisoformat(by_id[source_id]["start"]).date()
            assert working_days_between(source, notice) >= 2, (source_id, row["id"], notice)
            links += 1
    assert links >= 100  # the chain is there: arbetsgrupper, beredningsgrupper, SCN, LSG


def test_nobody_has_two_meetings_on_a_day(published):
    """Per person feed: one meeting a day at most, and the first days back are not crowded."""
    out, _ = published
    people = sorted((out / "personer").glob("*.ics"))
    assert len(people) >= 60
    for path in people:
        feed = icalendar.Calendar.from_ical(path.read_bytes())
        days = [
            e.decoded("DTSTART").date()
            for e in feed.walk("VEVENT")
            if str(e.get("STATUS", "CONFIRMED")) != "CANCELLED"
        ]
        assert len(days) == len(set(days)), path.name
    for day in FIRST_DAYS_BACK:
        assert working(day)


def test_off_the_usual_weekday_says_why(published):
    """A meeting not on its group's usual weekday has a note saying why (a decided date, with
    its line); the others none."""
    _, rows = published
    for row in rows:
        day = datetime.fromisoformat(row["start"]).date()
        usual = USUAL.get(row["group"])
        if usual is None:  # DIALOG: one fixed day
            continue
        if day.weekday() == usual:
            assert row["note"] == "", row["id"]
        elif (row["group"], day.isoformat()) == ("NSV", "2026-04-17"):  # NSV § 14/26, line 208
            assert row["note"] == "Annan veckodag än vanligt (torsdag): fast datum (rad 208).", row
        else:
            assert re.match(r"Annan veckodag än vanligt \(\w+\): \w+ \d+ \w+ ", row["note"]), row
