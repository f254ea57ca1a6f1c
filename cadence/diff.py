"""``cadence diff``: compare two published plans (output folders, plan.json or plan.csv)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cadence.errors import InputError
from cadence.export.report import Entry
from cadence.export.table import read_plan
from cadence.state import FILE, load


@dataclass(frozen=True)
class Seen:
    group: str
    start: datetime
    end: datetime
    active: bool


def meetings(path: Path) -> dict[str, Seen]:
    """Meeting id → what a folder, state file or plan file says of it."""
    if path.is_dir():
        path = path / FILE if (path / FILE).exists() else path / "plan.csv"
    if not path.exists():
        raise InputError(f"{path}: no plan.json or plan.csv to compare")
    if path.suffix == ".json":
        import json

        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            state = load(path.parent, raw["scenario"], raw["source"])
        except (OSError, ValueError, KeyError, TypeError) as err:
            raise InputError(f"{path}: cannot read the published state: {err}") from None
        assert state is not None
        return {r.id: Seen(r.group, r.start, r.end, r.status != "cancelled") for r in state.records}
    return {m.id: Seen(m.group, m.start, m.end, True) for m in read_plan(path).meetings}


def compare(old_path: Path, new_path: Path) -> tuple[Entry, ...]:
    old, new = meetings(old_path), meetings(new_path)
    entries = []
    for meeting_id in sorted(old.keys() | new.keys(), key=lambda i: _order(i, old, new)):
        before, after = old.get(meeting_id), new.get(meeting_id)
        was = before is not None and before.active
        now = after is not None and after.active
        if was and not now:
            assert before is not None
            entries.append(_entry("inställt", meeting_id, before.group, before.start, None))
        elif now and not was:
            assert after is not None
            entries.append(_entry("tillagt", meeting_id, after.group, None, after.start))
        elif (
            was
            and now
            and before
            and after
            and (before.start, before.end)
            != (
                after.start,
                after.end,
            )
        ):
            entries.append(_entry("flyttat", meeting_id, after.group, before.start, after.start))
    return tuple(entries)


def _order(meeting_id: str, old: dict[str, Seen], new: dict[str, Seen]) -> tuple[datetime, str]:
    seen = new.get(meeting_id) or old[meeting_id]
    return seen.start, meeting_id


def _entry(
    kind: str, meeting_id: str, group: str, old: datetime | None, new: datetime | None
) -> Entry:
    return Entry(kind, meeting_id, group, old, new, "jämförelse av två planer", (group,), ())
