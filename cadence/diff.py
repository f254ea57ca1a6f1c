"""``cadence diff``: compare two published plans (output folders, plan.json or plan.csv)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cadence import limits
from cadence.errors import InputError
from cadence.export.report import Entry
from cadence.export.table import read_plan
from cadence.state import FILE, read


@dataclass(frozen=True)
class Seen:
    group: str
    start: datetime
    end: datetime
    active: bool
    items: tuple[tuple[str, str], ...] = ()
    """(due key, title) of the agenda items it carries (known from plan.json only)."""


def meetings(path: Path) -> dict[str, Seen]:
    """Meeting id → what a folder, state file or plan file says of it."""
    if path.is_dir():
        path = path / FILE if (path / FILE).exists() else path / "plan.csv"
    if not path.exists():
        raise InputError(f"{path}: no plan.json or plan.csv to compare")
    if path.suffix == ".json":
        state = read(path)
        return {
            r.id: Seen(r.group, r.start, r.end, r.status != "cancelled", r.items)
            for r in state.records
        }
    limits.check_file(path, limits.PLAN_BYTES, "plan file")
    return {m.id: Seen(m.group, m.start, m.end, True) for m in read_plan(path).meetings}


def compare(old_path: Path, new_path: Path) -> tuple[Entry, ...]:
    old, new = meetings(old_path), meetings(new_path)
    entries = []
    for meeting_id in sorted(old.keys() | new.keys(), key=lambda i: _order(i, old, new)):
        before, after = old.get(meeting_id), new.get(meeting_id)
        was = before if before is not None and before.active else None
        now = after if after is not None and after.active else None
        if was and not now:
            entries.append(_entry("inställt", meeting_id, was.group, was.start, None))
        elif now and not was:
            entries.append(_entry("tillagt", meeting_id, now.group, None, now.start))
        elif was and now and (was.start, was.end) != (now.start, now.end):
            entries.append(_entry("flyttat", meeting_id, now.group, was.start, now.start))
    return tuple(entries) + _items(old, new)


def _items(old: dict[str, Seen], new: dict[str, Seen]) -> tuple[Entry, ...]:
    """Agenda items on another meeting in ``new`` than in ``old`` (both from plan.json)."""
    was = {k: (i, t) for i, s in old.items() if s.active for k, t in s.items}
    now = {k: i for i, s in new.items() if s.active for k, _ in s.items}
    entries = []
    for key, (home, title) in was.items():
        carrier = now.get(key)
        if carrier is None or carrier == home:
            continue
        seen = new[carrier]
        fields = (carrier, seen.group, old[home].start, seen.start, "jämförelse av två planer")
        entries.append(Entry("punkt", *fields, (seen.group,), (), title, home))
    return tuple(sorted(entries, key=lambda e: (e.new_start, e.item)))


def _order(meeting_id: str, old: dict[str, Seen], new: dict[str, Seen]) -> tuple[datetime, str]:
    seen = new.get(meeting_id) or old[meeting_id]
    return seen.start, meeting_id


def _entry(
    kind: str, meeting_id: str, group: str, old: datetime | None, new: datetime | None
) -> Entry:
    return Entry(kind, meeting_id, group, old, new, "jämförelse av två planer", (group,), ())
