"""The change report of a re-plan: what moved, was added or cancelled, why, and whom to tell.

Besides meetings, agenda items that moved to another meeting: ``punkt`` entries, each saying
``Uppföljning nära vård: NSV-2026-04 → NSV-2026-05``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd

from cadence import limits, sv
from cadence.errors import InputError, Problem
from cadence.scenario import Scenario

CSV = "andringar.csv"
MARKDOWN = "andringar.md"
COLUMNS = (
    "ändring",
    "möte",
    "grupp",
    "från",
    "till",
    "orsak",
    "berörda grupper",
    "berörda personer",
    "punkt",
)


@dataclass(frozen=True)
class Entry:
    kind: str
    """flyttat, tillagt or inställt (a meeting), punkt (an agenda item that moved), or avsteg
    (a rule the coordinator chose to bend, its words in ``reason``)."""
    meeting: str
    group: str
    old_start: datetime | None
    new_start: datetime | None
    reason: str
    groups: tuple[str, ...]
    people: tuple[str, ...]
    item: str = ""
    """For punkt: the item's title."""
    from_meeting: str = ""
    """For punkt: the meeting that carried it (``meeting`` carries it now, or none)."""

    @property
    def item_move(self) -> str:
        """``Uppföljning nära vård: NSV-2026-04 → NSV-2026-05`` for punkt, else empty."""
        if self.kind != "punkt":
            return ""
        return f"{self.item}: {self.from_meeting} → {self.meeting or '(inget möte)'}"


def when(moment: datetime | None) -> str:
    """``tisdag 2026-03-10 09.00`` (empty for none)."""
    if moment is None:
        return ""
    return f"{sv.weekday(moment.date())} {moment:%Y-%m-%d %H.%M}"


def frame(entries: Iterable[Entry]) -> pd.DataFrame:
    rows = [
        {
            "ändring": e.kind,
            "möte": e.meeting,
            "grupp": e.group,
            "från": when(e.old_start),
            "till": when(e.new_start),
            "orsak": e.reason,
            "berörda grupper": ", ".join(e.groups),
            "berörda personer": ", ".join(e.people),
            "punkt": e.item_move,
        }
        for e in entries
    ]
    return pd.DataFrame(rows, columns=list(COLUMNS))


def shift_line(shift: int | None) -> list[str]:
    """``Sammanlagd förskjutning av andra möten: 14 dagar.`` (none for a fresh plan)."""
    if shift is None:
        return []
    return [f"Sammanlagd förskjutning av möten du inte själv flyttade: {shift} dagar."]


def text(entries: tuple[Entry, ...], shift: int | None = None) -> str:
    """The report as the terminal shows it."""
    if not entries:
        return "Inga ändringar: inget publicerat möte flyttas, läggs till eller ställs in.\n"
    lines = [f"{len(entries)} ändring(ar):"]
    for e in entries:
        if e.kind == "avsteg":
            lines.append(f"  avsteg   {e.reason}")
            continue
        if e.kind == "punkt":
            lines.append(f"  punkt    {e.item_move}  ({e.reason})")
            lines.append(f"           berörda: {', '.join(e.groups)}; {', '.join(e.people)}")
            continue
        span = {
            "flyttat": f"{when(e.old_start)} → {when(e.new_start)}",
            "tillagt": when(e.new_start),
            "inställt": when(e.old_start),
        }[e.kind]
        lines.append(f"  {e.kind:<8} {e.meeting:<14} {span}  ({e.reason})")
        lines.append(f"           berörda: {', '.join(e.groups)}; {', '.join(e.people)}")
    return "\n".join([*lines, *shift_line(shift)]) + "\n"


def markdown(scenario: Scenario, entries: tuple[Entry, ...], shift: int | None = None) -> str:
    out = [f"# Ändringar – {scenario.name}", ""]
    if not entries:
        out.append("Inga ändringar: inget publicerat möte flyttas, läggs till eller ställs in.")
        return "\n".join(out) + "\n"
    out += [
        "Skicka besked till de berörda: flyttade möten uppdateras av sig själva i de "
        "prenumererade kalendrarna, men kallelser och lokalbokningar behöver följa med.",
        "",
        *_links(scenario),
        *(f"**{e.reason}**" for e in entries if e.kind == "avsteg"),
        *([""] if any(e.kind == "avsteg" for e in entries) else []),
        *[*shift_line(shift), *([""] if shift is not None else [])],
        "| " + " | ".join(COLUMNS) + " |",
        "|" + "---|" * len(COLUMNS),
    ]
    for row in frame(entries).itertuples(index=False):
        cells = [str(c).replace("|", "\\|") for c in row]
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out) + "\n"


def _links(scenario: Scenario) -> list[str]:
    """Where the updated calendars are, when the folder's web address is known."""
    base = scenario.publish.base
    if not base:
        return []
    webcal = "webcal://" + base.split("://", 1)[1]
    return [
        f"Kalendrarna: {base}/index.html (prenumerera: {webcal}/alla.ics, "
        f"samordnarens påminnelser: {webcal}/samordnare.ics)",
        "",
    ]


def report_files(
    scenario: Scenario, entries: tuple[Entry, ...], shift: int | None = None
) -> dict[str, bytes]:
    buffer = io.StringIO()
    frame(entries).to_csv(buffer, index=False, lineterminator="\n")
    return {
        CSV: buffer.getvalue().encode("utf-8"),
        MARKDOWN: markdown(scenario, entries, shift).encode("utf-8"),
    }


KINDS = ("flyttat", "tillagt", "inställt", "punkt", "avsteg")
REPORT_BYTES = 4_000_000
"""A report lists each changed meeting and item once: a few hundred rows at most."""


def read_csv(path: Path) -> tuple[Entry, ...]:
    """The change report a re-plan wrote (``andringar.csv``), checked row by row before anything
    trusts it: the columns, a known kind of change, and readable times."""
    data = limits.read_capped(path, REPORT_BYTES, "change report")
    try:
        rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    except (UnicodeDecodeError, csv.Error) as err:
        raise InputError(f"{path}: cannot read the change report: {err}") from None
    if not rows or tuple(rows[0]) != COLUMNS:
        raise InputError(f"{path}: not a change report (columns {', '.join(COLUMNS)})")
    entries, problems = [], []
    for number, row in enumerate(rows[1:], start=2):
        try:
            entries.append(_entry(row))
        except ValueError as err:
            problems.append(Problem(str(path), number, "", str(err)))
    if problems:
        raise InputError(problems[:20])
    return tuple(entries)


def _entry(row: list[str]) -> Entry:
    if len(row) != len(COLUMNS):
        raise ValueError(f"{len(row)} fields, expected {len(COLUMNS)}")
    kind, meeting, group, old, new, reason, groups, people, item_move = row
    if kind not in KINDS:
        raise ValueError(f"unknown change {kind!r} (known: {', '.join(KINDS)})")
    item, from_meeting = "", ""
    if kind == "punkt":
        item, _, moved = item_move.rpartition(": ")
        from_meeting = moved.split(" → ", 1)[0]
    return Entry(
        kind, meeting, group, _moment(old), _moment(new), reason,
        tuple(g for g in groups.split(", ") if g), tuple(p for p in people.split(", ") if p),
        item, from_meeting,
    )  # fmt: skip


def _moment(text: str) -> datetime | None:
    """``tisdag 2026-03-10 09.00`` (as :func:`when` writes it) → a time; empty → None."""
    if not text:
        return None
    day_and_clock = " ".join(text.split(" ")[-2:])
    try:
        return datetime.strptime(day_and_clock, "%Y-%m-%d %H.%M")
    except ValueError:
        raise ValueError(f"{text!r} is not a day and time like 'tisdag 2026-03-10 09.00'") from None
