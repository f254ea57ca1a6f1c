"""A run of ``cadence plan`` (and move, cancel, add) against the published state.

Without a state, a fresh plan: every meeting gets its id and UID. With one, a re-plan: meetings
before ``as_of`` are held, the coordinator's changes are pins, the fewest published meetings
move (proven), and every meeting keeps its identity: a kept or moved meeting its UID (SEQUENCE
up by one when it moved), a meeting that no longer takes place is published as cancelled, a new
meeting gets a UID never used before. The run returns every file to write, the new state, and
the change report; it writes nothing itself.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from cadence import goals, solver
from cadence import instance as instances
from cadence import plan as plans
from cadence.calendar import WorkCalendar
from cadence.errors import InputError
from cadence.export import ics, publish
from cadence.export.report import Entry, report_files
from cadence.instance import Held, attendees
from cadence.plan import Meeting, Plan
from cadence.planning import raise_unsolved
from cadence.scenario import Scenario
from cadence.solver.stability import Published
from cadence.state import Change, Record, State, Status, dumps, extra
from cadence.verify import Violation, check


@dataclass(frozen=True)
class Run:
    plan: Plan
    result: solver.Result
    violations: tuple[Violation, ...]
    state: State
    files: dict[str, bytes]
    """Every file of the output folder, plan.json and the change report included."""
    entries: tuple[Entry, ...] | None
    """The change report (None for a fresh plan)."""
    goal_values: dict[str, int]
    """The plan's own goal values, computed from the scenario (at a proven optimum the solver's
    agree; before it, a solver's penalty unit may still be set where the plan owes nothing)."""
    objective: int


def run(
    scenario: Scenario,
    source: str,
    state: State | None,
    settings: solver.Settings,
    as_of: date | None,
    progress: Callable[[float, float, float], None] | None = None,
    keep_cancelled_days: int = 0,
) -> Run:
    """Plan (or re-plan against ``state``) and render the output folder's files."""
    cutoff = as_of or scenario.period.as_of
    if state is None:
        if cutoff is not None and cutoff > scenario.period.start:
            raise InputError(
                f"as of {cutoff}, meetings before it count as held, but there is no published "
                "plan (plan.json) to read them from: plan without --as-of first, or point --out "
                "at the published folder"
            )
        state = State(scenario.name, source)
    changes = _live_changes(scenario, state)
    held = [
        Held(r.group, r.start.date(), r.start.time())
        for r in state.records
        if r.status != "cancelled" and cutoff is not None and r.start.date() < cutoff
    ]
    pins, extra = _pins(state, changes, cutoff)
    dropped = {c.meeting for c in changes if c.action == "cancel"}
    inst = instances.build(scenario, [*held, *pins], cutoff, extra)
    published = None
    if state.records:
        published = [
            Published(r.group, inst.index(r.start.date()), r.start.hour * 60 + r.start.minute)
            for r in state.records
            if r.status == "planned"
            and r.id not in dropped
            and (cutoff is None or r.start.date() >= cutoff)
        ]
    result = solver.solve(inst, settings, progress, published)
    raise_unsolved(result, settings)
    tz = zoneinfo.ZoneInfo(scenario.period.timezone)
    placed = {
        (group_id, inst.day(day), inst.group(group_id).slots[slot].start)
        for group_id, meetings in result.meetings.items()
        for day, slot in meetings
    }
    identities = _identities(state, changes, placed, source)
    plan = plans.from_result(inst, result, source, identities)
    violations = tuple(check(scenario, plan, cutoff, extra))
    now = ics.stamp_of(cutoff or scenario.period.start)
    kept_ids = {m.id for m in plan.meetings}
    gone = [r for r in state.records if r.id not in kept_ids]
    cancelled = tuple(
        Meeting(r.id, r.uid, r.group, r.start.astimezone(tz), r.end.astimezone(tz), "", None)
        for r in gone
        if cutoff is None or r.start.date() + timedelta(days=keep_cancelled_days) >= cutoff
    )
    plan = replace(plan, cancelled=cancelled)
    records = _records(scenario, plan, state, gone, cutoff, now)
    new_state = replace(state, records=records, changes=changes)
    stamps = {r.uid: ics.Stamp(r.sequence, r.changed) for r in records}
    entries = None
    report = None
    if state.records:
        entries = tuple(_entries(scenario, inst.calendar, state, new_state, plan, changes))
        report = report_files(scenario, entries)
    files = publish(scenario, plan, cutoff, stamps, report)
    files["plan.json"] = dumps(new_state)
    values = plan.goal_values(inst)
    return Run(
        plan, result, violations, new_state, files, entries, values, goals.weighted(inst, values)
    )


def _live_changes(scenario: Scenario, state: State) -> tuple[Change, ...]:
    """The stored changes that still apply (a scenario edit may have removed a group)."""
    groups = {g.id for g in scenario.groups}
    return tuple(c for c in state.changes if c.group in groups)


def _pins(
    state: State, changes: tuple[Change, ...], cutoff: date | None
) -> tuple[list[Held], dict[tuple[str, int], int]]:
    """Moves and additions become decided meetings; additions and cancellations change counts."""
    pins = [
        Held(c.group, c.day, c.start)
        for c in changes
        if c.action in ("move", "add") and c.day and c.start and (cutoff is None or c.day >= cutoff)
    ]
    return pins, extra(replace(state, changes=changes))


def _identities(
    state: State,
    changes: tuple[Change, ...],
    placed: set[tuple[str, date, int]],
    source: str,
) -> dict[tuple[str, date], tuple[str, str]]:
    """(group, day) → (id, UID) for every placed meeting.

    In order: the coordinator's moves and additions, meetings that kept their day and time,
    then per group the remaining published meetings in date order onto the remaining new days;
    what is left gets a new id, numbered after every id the group ever had that year.
    """
    dropped = {c.meeting for c in changes if c.action == "cancel"}
    active = [r for r in state.records if r.status != "cancelled" and r.id not in dropped]
    free = set(placed)
    taken: dict[tuple[str, date], tuple[str, str]] = {}
    used: set[str] = set()

    def assign(key: tuple[str, date, int], record: Record) -> None:
        free.discard(key)
        taken[(key[0], key[1])] = (record.id, record.uid)
        used.add(record.id)

    by_id = {r.id: r for r in state.records}
    for change in changes:
        if change.action in ("move", "add") and change.day and change.start:
            key = (change.group, change.day, change.start.hour * 60 + change.start.minute)
            record = by_id.get(change.meeting)
            if key not in free or change.meeting in used:
                continue
            if record is not None:
                assign(key, record)
            elif change.action == "add":  # its first run: the id the coordinator was told
                free.discard(key)
                taken[(key[0], key[1])] = (change.meeting, plans.uid_for(change.meeting, source))
                used.add(change.meeting)
    for record in active:
        key = (record.group, record.start.date(), record.start.hour * 60 + record.start.minute)
        if record.id not in used and key in free:
            assign(key, record)
    for group in sorted({g for g, _, _ in free}):
        days = sorted(k for k in free if k[0] == group)
        left = sorted(
            (r for r in active if r.group == group and r.id not in used), key=lambda r: r.start
        )
        for key, record in zip(days, left, strict=False):
            assign(key, record)
    for group, day, _ in sorted(free):
        meeting_id = state.next_id(group, day.year, used)
        taken[(group, day)] = (meeting_id, plans.uid_for(meeting_id, source))
        used.add(meeting_id)
    return taken


def _records(
    scenario: Scenario,
    plan: Plan,
    state: State,
    gone: list[Record],
    cutoff: date | None,
    now: datetime,
) -> tuple[Record, ...]:
    """The new state's records: SEQUENCE up for a changed time or status, stamps renewed for
    any change subscribers would see, untouched otherwise."""
    digests = ics.digests(scenario, plan)
    old = {r.id: r for r in state.records}
    records = []
    for meeting in plan.meetings:
        status: Status = (
            "held" if cutoff is not None and meeting.start.date() < cutoff else "planned"
        )
        before = old.get(meeting.id)
        digest = digests[meeting.uid]
        if before is None:
            fields = (meeting.id, meeting.uid, meeting.group, meeting.start, meeting.end)
            records.append(Record(*fields, 0, status, now, digest))
            continue
        moved = (before.start, before.end) != (meeting.start, meeting.end)
        seen_change = moved or before.digest != digest
        records.append(
            replace(
                before,
                start=meeting.start,
                end=meeting.end,
                sequence=before.sequence + (1 if moved or before.status == "cancelled" else 0),
                status=status,
                changed=now if seen_change else before.changed,
                digest=digest,
            )
        )
    for record in gone:
        if record.status == "cancelled":
            records.append(record)
            continue
        records.append(
            replace(
                record,
                sequence=record.sequence + 1,
                status="cancelled",
                changed=now,
                digest=digests.get(record.uid, record.digest),
            )
        )
    return tuple(records)


def _entries(
    scenario: Scenario,
    cal: WorkCalendar,
    before: State,
    after: State,
    plan: Plan,
    changes: tuple[Change, ...],
) -> list[Entry]:
    """Each moved, added and cancelled meeting, with the reason and who is affected."""
    old = {r.id: r for r in before.records}
    by_id = {m.id: m for m in plan.meetings}
    asked = {(c.action, c.meeting) for c in changes}
    entries = []
    for record in sorted(after.records, key=lambda r: (r.start, r.id)):
        previous = old.get(record.id)
        if record.status == "cancelled":
            if previous is None or previous.status == "cancelled":
                continue
            kind = "inställt"
            reason = (
                "inställt av samordnaren (cadence cancel)"
                if ("cancel", record.id) in asked
                else "behövs inte längre (scenariot kräver färre möten eller datumet gick inte "
                "att behålla)"
            )
        elif previous is None:
            kind = "tillagt"
            reason = (
                "tillagt av samordnaren (cadence add)"
                if ("add", record.id) in asked
                else "nytt möte (scenariot kräver fler möten)"
            )
        elif previous.status == "cancelled":
            kind, reason = "tillagt", "åter i planen"
        elif (previous.start, previous.end) != (record.start, record.end):
            kind = "flyttat"
            reason = (
                "flyttat av samordnaren (cadence move)"
                if ("move", record.id) in asked
                else _forced(scenario, cal, previous)
            )
        else:
            continue
        meeting = by_id.get(record.id)
        chain = (meeting.prepares + meeting.prepared_by) if meeting else ()
        linked = sorted({by_id[i].group for i in chain})
        day = record.start.date()
        people = [scenario.person(p).name for p in attendees(scenario.group(record.group), day)]
        entries.append(
            Entry(
                kind=kind,
                meeting=record.id,
                group=record.group,
                old_start=previous.start if previous else None,
                new_start=None if kind == "inställt" else record.start,
                reason=reason,
                groups=tuple([record.group, *(g for g in linked if g != record.group)]),
                people=tuple(people),
            )
        )
    return entries


def _forced(scenario: Scenario, cal: WorkCalendar, previous: Record) -> str:
    """Why a meeting nobody asked to move had to: its old time, or the rules around it."""
    group = scenario.group(previous.group)
    day, start, end = previous.start.date(), previous.start.time(), previous.end.time()
    if not cal.is_working_day(day):
        return f"det gamla datumet är inte en arbetsdag längre ({cal.blocked_reason(day)})"
    if not cal.fits(day, start, end):
        return "det gamla datumet är en halvdag"
    for person_id in attendees(group, day):
        person = scenario.person(person_id)
        why = cal.unavailable_reason(person, day, start, end)
        if why:
            return f"{person.name} kan inte det gamla datumet ({why})"
    return "flyttat för att kedjan och mötesreglerna ska hålla efter de andra ändringarna"
