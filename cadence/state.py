"""plan.json: the published state, the memory that keeps every meeting's identity for good.

For every meeting ever published: its id and UID, SEQUENCE, times, status (planned, held,
cancelled), when it last changed and a digest of its published content; and the coordinator's
changes (moves, cancellations, additions), which every later run keeps. The state lives in the
output folder beside the feeds; without it cadence would hand out new UIDs and every subscriber
would see each meeting twice, so a missing, corrupt or foreign state stops cadence.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from cadence import limits
from cadence.bends import RULES, Bend
from cadence.errors import InputError, Problem
from cadence.output import MANIFEST
from cadence.scenario import Scenario

if TYPE_CHECKING:
    from cadence.plan import Plan

FILE = "plan.json"
FORMAT = "cadence-state/2"
FORMATS = ("cadence-state/1", FORMAT)
"""Formats read: /1 has no agenda items (a re-plan then cannot keep items where they were)."""
PUBLISHED_MARKERS = ("alla.ics", "plan.csv", MANIFEST)
"""Files that show a folder holds published output (so a missing state is an error)."""
MAX_DEPTH = 8
"""plan.json nests four deep (document, meetings, a meeting, its items); more is damage."""
MAX_RECORDS = 20_000
MAX_ITEMS = 500
MAX_TEXT = 500
MAX_SEQUENCE = 100_000
"""A meeting changed more often than this is damage, not history."""

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
    items: tuple[tuple[str, str], ...] = ()
    """(due key, title) of each agenda item it carries, by key."""
    note: str | None = None
    """Why it is on another weekday than usual, as published ("" for none); None in a state
    written before notes were kept."""


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
    tracks_items: bool = True
    """False for a state written before agenda items were part of it (format /1)."""
    bends: tuple[Bend, ...] = ()
    """Rules the coordinator chose to bend (an option of a change): later runs keep them.
    Written only when there is one, so a state without any has the same bytes as before."""

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

    def with_bends(self, bends: Iterable[Bend]) -> State:
        """The state with ``bends`` recorded too (one per rule: the latest wins)."""
        kept = {_bend_key(b): b for b in (*self.bends, *bends)}
        return replace(self, bends=tuple(kept.values()))


def _bend_key(bend: Bend) -> tuple[str, str, str, str, str]:
    return (bend.rule, bend.group, bend.to, bend.meeting, str(bend.from_day or ""))


def held_as_published(plan: Plan, state: State, cutoff: date | None) -> Plan:
    """``plan`` with every meeting that took place (before ``cutoff``) at the start and end, and
    with the note, it was published with: the published truth, whatever the scenario now says
    of durations, and whatever reason a day in the past would be given now. A re-plan then never
    publishes a change to the past (no new end or text, no SEQUENCE raised)."""
    if cutoff is None:
        return plan
    records = {r.id: r for r in state.records}
    kept = []
    for meeting in plan.meetings:
        record = records.get(meeting.id)
        if record is not None and record.status != "cancelled" and meeting.start.date() < cutoff:
            zone = meeting.start.tzinfo
            note = meeting.note if record.note is None else record.note or None
            start, end = record.start.astimezone(zone), record.end.astimezone(zone)
            meeting = replace(meeting, start=start, end=end, note=note)
        kept.append(meeting)
    return replace(plan, meetings=tuple(kept))


def held_until(state: State) -> date | None:
    """The day after the last meeting the state records as held (the verifier's ``as_of``):
    what lies before it took place as published. None when nothing is held."""
    days = [r.start.date() for r in state.records if r.status == "held"]
    return max(days) + timedelta(days=1) if days else None


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
        "meetings": [
            {**asdict(r), "items": [{"key": k, "title": t} for k, t in r.items]}
            for r in sorted(state.records, key=lambda r: (r.start, r.id))
        ],
        "changes": [asdict(c) for c in state.changes],
    }
    if state.bends:
        document["bends"] = [
            {k: v for k, v in asdict(b).items() if v not in ("", None)} for b in state.bends
        ]
    text = json.dumps(document, ensure_ascii=False, indent=1, default=plain)
    return (text + "\n").encode("utf-8")


def load(folder: Path, scenario: Scenario, source: str) -> State | None:
    """The folder's state, checked against the scenario; None when the folder holds no
    published output at all.

    Raises InputError when output was published but the state is missing, unreadable, damaged
    or belongs to another scenario: starting over would give every meeting a new UID.
    """
    path = folder / FILE
    published = [m for m in PUBLISHED_MARKERS if (folder / m).exists()]
    if not path.exists():
        if published:
            raise InputError(
                f"{path}: missing, but {folder} holds published feeds ({', '.join(published)}). "
                "Without it every meeting would get a new UID and subscribers would see each "
                "meeting twice. Restore plan.json from your backup, or publish into a new "
                "folder with --out."
            )
        return None
    state, problems = _parse(path)
    if state is not None and (state.scenario != scenario.name or state.source != source):
        raise InputError(
            f"{path}: belongs to scenario '{state.scenario}' ({state.source}.yaml), not "
            f"'{scenario.name}' ({source}.yaml); use the scenario it was made from, or "
            "another --out folder"
        )
    if state is not None:
        problems += _against_scenario(state, scenario)
        if published and not state.records:
            problems.append(f"meetings: empty, but {folder} holds published feeds")
        problems += _feeds_known(folder, state)
    _raise(path, problems)
    assert state is not None
    return state


def read(path: Path) -> State:
    """A state file, whichever scenario it belongs to; InputError when unreadable or damaged
    (every problem named with its record), before anything trusts it."""
    state, problems = _parse(path)
    _raise(path, problems)
    assert state is not None
    return state


def _parse(path: Path) -> tuple[State | None, list[str]]:
    """The state and its problems (InputError when it cannot be read at all)."""
    try:
        # A regular file of bounded size (a FIFO or /dev/zero is refused, not read for ever).
        data = limits.read_capped(path, limits.STATE_BYTES, "published state (plan.json)")
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise InputError(f"{path}: cannot read the published state: {err}") from None
    depth = _depth(text)
    if depth > MAX_DEPTH:
        raise InputError(f"{path}: the published state is damaged (nested {depth} deep)")
    try:
        document = json.loads(text, parse_constant=_no_constant)
    except (json.JSONDecodeError, ValueError, RecursionError) as err:
        raise InputError(f"{path}: cannot read the published state: {err}") from None
    problems: list[str] = []
    state = _document(document, problems)
    if state is not None:
        problems += _invariants(state)
    return state, problems


def _raise(path: Path, problems: list[str]) -> None:
    if problems:
        shown = problems[:20] + ([f"… and {len(problems) - 20} more"] if len(problems) > 20 else [])
        raise InputError(
            [Problem(str(path), None, "", p) for p in shown]
            + [Problem(str(path), None, "", "the published state is damaged; restore it from "
                       "your backup (nothing was written)")]
        )  # fmt: skip


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number plan.json can hold")


def _depth(text: str) -> int:
    """How deep the JSON text nests, strings left out (json.loads would recurse that deep)."""
    deepest = depth = 0
    for match in re.finditer(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', text):
        token = match.group()
        if token in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif token in "]}":
            depth -= 1
    return deepest


class _Bad(ValueError):
    pass


def _document(document: Any, problems: list[str]) -> State | None:
    if not isinstance(document, dict):
        problems.append("not a JSON object")
        return None
    version = document.get("format")
    if version not in FORMATS:
        problems.append(f"format is {version!r}, expected {FORMAT!r}")
        return None
    try:
        scenario = _text(document, "scenario")
        source = _text(document, "source")
        meetings = _list(document, "meetings", MAX_RECORDS)
        changes = _list(document, "changes", MAX_RECORDS)
    except _Bad as err:
        problems.append(str(err))
        return None
    records = []
    for i, raw in enumerate(meetings):
        where = f"meetings[{i}]" + (f" ({raw.get('id')!r})" if isinstance(raw, dict) else "")
        try:
            records.append(_record(raw, version == FORMAT))
        except _Bad as err:
            problems.append(f"{where}: {err}")
    made = []
    for i, raw in enumerate(changes):
        try:
            made.append(_change(raw))
        except _Bad as err:
            problems.append(f"changes[{i}]: {err}")
    bent = []
    try:
        raw_bends = _list(document, "bends", MAX_RECORDS) if "bends" in document else []
    except _Bad as err:
        problems.append(str(err))
        raw_bends = []
    for i, raw in enumerate(raw_bends):
        try:
            bent.append(_bend(raw))
        except _Bad as err:
            problems.append(f"bends[{i}]: {err}")
    if problems:
        return None
    return State(scenario, source, tuple(records), tuple(made), version == FORMAT, tuple(bent))


def _text(raw: Any, key: str, required: bool = True) -> str:
    if not isinstance(raw, dict):
        raise _Bad("not a JSON object")
    value = raw.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value or len(value) > MAX_TEXT:
        raise _Bad(f"{key}: expected text of 1 to {MAX_TEXT} characters, not {_short(value)}")
    return value


def _list(raw: dict[str, Any], key: str, most: int) -> list[Any]:
    value = raw.get(key)
    if not isinstance(value, list) or len(value) > most:
        raise _Bad(f"{key}: expected a list of at most {most}, not {_short(value)}")
    return value


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "…"


def _moment(raw: dict[str, Any], key: str) -> datetime:
    text = _text(raw, key)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise _Bad(f"{key}: {text!r} is not a date and time") from None
    if moment.tzinfo is None:
        raise _Bad(f"{key}: {text!r} has no UTC offset")
    return moment


def _record(raw: Any, with_items: bool) -> Record:
    record_id = _text(raw, "id")
    status = raw.get("status")
    if status not in ("planned", "held", "cancelled"):
        raise _Bad(f"unknown status {_short(status)}")
    sequence = raw.get("sequence")
    if type(sequence) is not int or not 0 <= sequence <= MAX_SEQUENCE:
        raise _Bad(f"sequence: expected a whole number 0 to {MAX_SEQUENCE}, not {_short(sequence)}")
    items: list[tuple[str, str]] = []
    if with_items:
        for item in _list(raw, "items", MAX_ITEMS):
            items.append((_text(item, "key"), _text(item, "title")))
    start, end = _moment(raw, "start"), _moment(raw, "end")
    if end <= start:
        raise _Bad(f"ends ({end}) before it starts ({start})")
    if end - start > timedelta(days=1):
        raise _Bad(f"lasts from {start} to {end}: longer than a day")
    return Record(
        id=record_id,
        uid=_text(raw, "uid"),
        group=_text(raw, "group"),
        start=start,
        end=end,
        sequence=sequence,
        status=status,
        changed=_moment(raw, "changed"),
        digest=_text(raw, "digest"),
        items=tuple(sorted(items)),
        note=_note(raw),
    )


def _note(raw: dict[str, Any]) -> str | None:
    note = raw.get("note")
    if note is None:
        return None
    if not isinstance(note, str) or len(note) > MAX_TEXT:
        raise _Bad(f"note: expected text of at most {MAX_TEXT} characters, not {_short(note)}")
    return note


def _change(raw: Any) -> Change:
    action = raw.get("action") if isinstance(raw, dict) else None
    if action not in ("move", "cancel", "add"):
        raise _Bad(f"unknown change {_short(action)}")
    day_text, start_text = _text(raw, "day", False), _text(raw, "start", False)
    try:
        day = date.fromisoformat(day_text) if day_text else None
        start = time.fromisoformat(start_text) if start_text else None
    except ValueError as err:
        raise _Bad(str(err)) from None
    if action in ("move", "add") and (day is None or start is None):
        raise _Bad(f"a {action} needs its day and start")
    return Change(action, _text(raw, "meeting"), _text(raw, "group"), day, start)


def _bend(raw: Any) -> Bend:
    rule = raw.get("rule") if isinstance(raw, dict) else None
    if rule not in RULES:
        raise _Bad(f"unknown rule {_short(rule)} (one of {', '.join(RULES)})")
    numbers = {}
    for key in ("value", "was"):
        number = raw.get(key, 0)
        if type(number) is not int or not 0 <= number <= limits.DAYS:
            raise _Bad(f"{key}: expected a whole number 0 to {limits.DAYS}, not {_short(number)}")
        numbers[key] = number
    days = {}
    for key in ("from_day", "day"):
        text = _text(raw, key, False)
        try:
            days[key] = date.fromisoformat(text) if text else None
        except ValueError as err:
            raise _Bad(f"{key}: {err}") from None
    if rule in ("fixed", "firm") and (days["from_day"] is None or days["day"] is None):
        raise _Bad(f"a bent {rule} needs from_day and day")
    return Bend(
        rule,
        _text(raw, "group"),
        _text(raw, "to", False),
        numbers["value"],
        numbers["was"],
        _text(raw, "meeting", False),
        days["from_day"],
        days["day"],
    )


def _invariants(state: State) -> list[str]:
    """What holds of any state cadence wrote, whatever the scenario."""
    problems = []
    ids = Counter(r.id for r in state.records)
    uids = Counter(r.uid for r in state.records)
    problems += [f"meeting {i}: its id is on {n} records" for i, n in ids.items() if n > 1]
    problems += [f"UID {u}: on {n} records" for u, n in uids.items() if n > 1]
    numbers: dict[str, set[int]] = {}
    for record in state.records:
        prefix, _, number = record.id.rpartition("-")
        if prefix.startswith(f"{record.group}-") and number.isdigit():
            numbers.setdefault(prefix, set()).add(int(number))
    for prefix, seen in sorted(numbers.items()):
        missing = sorted(set(range(1, max(seen) + 1)) - seen)
        if missing:
            names = ", ".join(f"{prefix}-{n:02d}" for n in missing[:5])
            problems.append(
                f"meeting {names}: missing (a group's ids run without gaps; a deleted record "
                "would come back under a new UID and subscribers would see it twice)"
            )
    by_id = {r.id: r for r in state.records}
    for i, change in enumerate(state.changes):
        named = by_id.get(change.meeting)
        if named is None:
            problems.append(f"changes[{i}]: names meeting {change.meeting}, which has no record")
        elif named.group != change.group:
            problems.append(
                f"changes[{i}]: names {change.meeting} of group {named.group} as {change.group}"
            )
    return problems


def _against_scenario(state: State, scenario: Scenario) -> list[str]:
    return list(_scenario_problems(state, scenario))


def _scenario_problems(state: State, scenario: Scenario) -> Iterator[str]:
    """The state's records against the scenario it is re-planned with."""
    groups = {g.id for g in scenario.groups}
    first, last = scenario.period.start, scenario.period.end
    for record in state.records:
        day = record.start.date()
        if record.status != "cancelled" and record.group not in groups:
            yield f"meeting {record.id}: group {record.group!r} is not in the scenario"
        if record.status == "planned":
            if day.weekday() >= 5:
                yield f"meeting {record.id}: planned on a {day:%A} ({day}), not a working day"
            if not first <= day <= last:
                yield f"meeting {record.id}: planned on {day}, outside the period {first}–{last}"
        elif not first.year - 1 <= day.year <= last.year + 1:
            yield f"meeting {record.id}: {record.status} on {day}, far outside the period"


def _feeds_known(folder: Path, state: State) -> list[str]:
    """Every meeting in the published feed has a record: a deleted record would come back with
    a new UID."""
    feed = folder / "alla.ics"
    if not feed.is_file() or feed.stat().st_size > limits.STATE_BYTES:
        return []
    known = {r.uid for r in state.records}
    text = feed.read_text(encoding="utf-8", errors="replace")
    text = re.sub(r"\r?\n[ \t]", "", text)  # unfold long lines (RFC 5545 3.1)
    published = re.findall(r"^UID:(.*?)\r?$", text, flags=re.MULTILINE)
    return [
        f"UID {uid}: in {feed.name} but without a record (a deleted record would come back "
        "under a new UID)"
        for uid in dict.fromkeys(published)
        if uid not in known
    ]
