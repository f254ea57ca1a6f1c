"""plan.json: the published state, the memory that keeps every meeting's identity for good.

For every meeting ever published: its id and UID, SEQUENCE, times, status (planned, held,
cancelled), when it last changed and a digest of its published content; and the coordinator's
changes (moves, cancellations, additions), which every later run keeps. The state lives in the
output folder beside the feeds; without it cadence would hand out new UIDs and every subscriber
would see each meeting twice, so a missing, corrupt or foreign state stops cadence.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Literal

from cadence import limits
from cadence.errors import InputError
from cadence.output import MANIFEST

FILE = "plan.json"
FORMAT = "cadence-state/1"
PUBLISHED_MARKERS = ("alla.ics", "plan.csv", MANIFEST)
"""Files that show a folder holds published output (so a missing state is an error)."""

Status = Literal["planned", "held", "cancelled"]
Action = Literal["move", "cancel", "add"]


@dataclass(frozen=True)
class Record:
    """One meeting as last published."""

    id: str
    uid: str
    group: str
    start: datetime
    end: datetime
    sequence: int
    status: Status
    changed: datetime
    """UTC: the DTSTAMP and LAST-MODIFIED of its event."""
    digest: str
    """Of its event without the stamps: a change in text alone renews LAST-MODIFIED."""


@dataclass(frozen=True)
class Change:
    """A change the coordinator asked for; every later run keeps it."""

    action: Action
    meeting: str
    """The meeting's id (for ``add``, the id the new meeting got)."""
    group: str
    day: date | None = None
    start: time | None = None


@dataclass(frozen=True)
class State:
    scenario: str
    """The scenario's name: a state of another scenario is refused."""
    source: str
    """The scenario file's stem, part of every UID."""
    records: tuple[Record, ...] = ()
    changes: tuple[Change, ...] = field(default=())

    def record(self, meeting_id: str) -> Record | None:
        return next((r for r in self.records if r.id == meeting_id), None)

    def next_id(self, group: str, year: int, taken: Iterable[str] = ()) -> str:
        """A new meeting's id, numbered after every id the group ever had that year (and
        ``taken``): an id, like its UID, is never used for another meeting."""
        prefix = f"{group}-{year}-"
        numbers = [
            int(i[len(prefix) :])
            for i in (*(r.id for r in self.records), *taken)
            if i.startswith(prefix) and i[len(prefix) :].isdigit()
        ]
        return f"{prefix}{max(numbers, default=0) + 1:02d}"

    def with_change(self, change: Change) -> State:
        return replace(self, changes=(*self.changes, change))


def extra(state: State) -> dict[tuple[str, int], int]:
    """(group, year) → meetings the coordinator added (+) or cancelled (-)."""
    counts: dict[tuple[str, int], int] = {}
    for change in state.changes:
        if change.action == "add" and change.day:
            key = (change.group, change.day.year)
            counts[key] = counts.get(key, 0) + 1
        elif change.action == "cancel":
            record = state.record(change.meeting)
            if record is not None:
                key = (change.group, record.start.year)
                counts[key] = counts.get(key, 0) - 1
    return counts


def dumps(state: State) -> bytes:
    """Stable JSON: the same state gives the same bytes."""

    def plain(value: Any) -> Any:
        if isinstance(value, datetime | date | time):
            return value.isoformat()
        raise TypeError(type(value))

    document = {
        "format": FORMAT,
        "scenario": state.scenario,
        "source": state.source,
        "meetings": [asdict(r) for r in sorted(state.records, key=lambda r: (r.start, r.id))],
        "changes": [asdict(c) for c in state.changes],
    }
    text = json.dumps(document, ensure_ascii=False, indent=1, default=plain)
    return (text + "\n").encode("utf-8")


def load(folder: Path, scenario_name: str, source: str) -> State | None:
    """The folder's state; None when the folder holds no published output at all.

    Raises InputError when output was published but the state is missing, unreadable or belongs
    to another scenario: starting over would give every meeting a new UID.
    """
    path = folder / FILE
    if not path.exists():
        published = [m for m in PUBLISHED_MARKERS if (folder / m).exists()]
        if published:
            raise InputError(
                f"{path}: missing, but {folder} holds published feeds ({', '.join(published)}). "
                "Without it every meeting would get a new UID and subscribers would see each "
                "meeting twice. Restore plan.json from your backup, or publish into a new "
                "folder with --out."
            )
        return None
    state = read(path)
    if state.scenario != scenario_name or state.source != source:
        raise InputError(
            f"{path}: belongs to scenario '{state.scenario}' ({state.source}.yaml), not "
            f"'{scenario_name}' ({source}.yaml); use the scenario it was made from, or "
            "another --out folder"
        )
    return state


def read(path: Path) -> State:
    """A state file, whichever scenario it belongs to; InputError when unreadable or damaged."""
    try:
        data = limits.read_capped(path, limits.STATE_BYTES, "published state (plan.json)")
        document = json.loads(data.decode("utf-8"))
        if document.get("format") != FORMAT:
            raise ValueError(f"format is {document.get('format')!r}, expected {FORMAT!r}")
        state = State(
            scenario=str(document["scenario"]),
            source=str(document["source"]),
            records=tuple(_record(r) for r in document["meetings"]),
            changes=tuple(_change(c) for c in document["changes"]),
        )
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as err:
        raise InputError(f"{path}: cannot read the published state: {err}") from None
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        raise InputError(
            f"{path}: the published state is damaged ({err}); restore it from your backup"
        ) from None
    return state


def _record(raw: dict[str, Any]) -> Record:
    status = raw["status"]
    if status not in ("planned", "held", "cancelled"):
        raise ValueError(f"meeting {raw.get('id')}: unknown status {status!r}")
    start, end = datetime.fromisoformat(raw["start"]), datetime.fromisoformat(raw["end"])
    changed = datetime.fromisoformat(raw["changed"])
    if start.tzinfo is None or end.tzinfo is None or changed.tzinfo is None:
        raise ValueError(f"meeting {raw.get('id')}: times without UTC offset")
    return Record(
        id=str(raw["id"]),
        uid=str(raw["uid"]),
        group=str(raw["group"]),
        start=start,
        end=end,
        sequence=int(raw["sequence"]),
        status=status,
        changed=changed,
        digest=str(raw["digest"]),
    )


def _change(raw: dict[str, Any]) -> Change:
    action = raw["action"]
    if action not in ("move", "cancel", "add"):
        raise ValueError(f"unknown change {action!r}")
    day = date.fromisoformat(raw["day"]) if raw.get("day") else None
    start = time.fromisoformat(raw["start"]) if raw.get("start") else None
    return Change(action, str(raw["meeting"]), str(raw["group"]), day, start)
