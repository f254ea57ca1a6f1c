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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from cadence import goals, parts, solver
from cadence import instance as instances
from cadence import plan as plans
from cadence.bends import Bend, words
from cadence.bends import apply as bent
from cadence.bends import path as bend_path
from cadence.calendar import WorkCalendar
from cadence.clash import Problem, Where
from cadence.errors import ImpossibleError, InfeasibleError, InputError, UndecidedError
from cadence.errors import Problem as FileProblem
from cadence.export import ics, publish
from cadence.export.report import Entry, report_files
from cadence.instance import Held, attendees
from cadence.order import Places, assign, places
from cadence.plan import Meeting, Plan
from cadence.planning import explained, raise_unsolved
from cadence.quality import Quality, assess
from cadence.scenario import Scenario
from cadence.solver.stability import HeldItems, Published
from cadence.state import Change, Record, State, Status, dumps, extra, held_as_published
from cadence.verify import Violation, check, order_kept


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
    quality: Quality
    """The plan's quality in the coordinator's words (:mod:`cadence.quality`)."""
    shift: int | None = None
    """Total days the published meetings nobody asked to move shifted (None for a fresh plan)."""


@dataclass(frozen=True)
class Setup:
    """What a re-plan solves: the instance with the held meetings and the coordinator's pins,
    and the published meetings it keeps where it can."""

    instance: instances.Instance
    changes: tuple[Change, ...]
    """The coordinator's changes that still apply."""
    extra: dict[tuple[str, int], int]
    """(group, year) → meetings added (+) or cancelled (-) by the coordinator."""
    candidates: tuple[Record, ...]
    """The published meetings the re-plan may keep or move."""
    published: list[Published] | None
    held_items: HeldItems | None
    places: Places = field(default_factory=Places)
    """Where each published meeting's identity goes: identities keep their order."""


def decided_meetings(
    scenario: Scenario, state: State, cutoff: date | None
) -> tuple[tuple[Change, ...], list[Held], dict[tuple[str, int], int]]:
    """The changes that still apply, the held and pinned meetings, and the changed counts."""
    changes = _live_changes(scenario, state)
    held = [
        Held(r.group, r.start.date(), r.start.time())
        for r in state.records
        if r.status != "cancelled" and cutoff is not None and r.start.date() < cutoff
    ]
    pins, extra = _pins(state, changes, cutoff)
    return changes, [*held, *pins], extra


def prepare(scenario: Scenario, state: State, cutoff: date | None) -> Setup:
    """The instance and stability terms of a re-plan of ``state`` as of ``cutoff``."""
    changes, decided, extra = decided_meetings(scenario, state, cutoff)
    inst = instances.build(scenario, decided, cutoff, extra)
    published, held_items = None, None
    candidates: list[Record] = []
    kept = Places()
    if state.records:
        kept = places(inst, state, changes, cutoff)
        candidates = _candidates(state, changes, cutoff)
        published = [
            replace(_published(scenario, inst, r, changes), position=kept.position.get(r.id))
            for r in candidates
        ]
        if state.tracks_items:
            held_items = _held_items(inst, state, cutoff)
    return Setup(inst, changes, extra, tuple(candidates), published, held_items, kept)


@dataclass(frozen=True)
class Replanned:
    """A re-plan solved but not yet rendered."""

    setup: Setup
    result: solver.Result
    identities: dict[tuple[str, date], tuple[str, str]]
    """(group, day) → (id, UID) of every placed meeting."""


def replan(
    scenario: Scenario,
    source: str,
    state: State,
    settings: solver.Settings,
    cutoff: date | None,
    progress: Callable[[float, float, float], None] | None = None,
    where: Where | None = None,
    explain: bool = True,
    goals_stage: bool = True,
    refuse_firm: bool = True,
    max_shift: int | None = None,
) -> Replanned:
    """Solve a re-plan of ``state`` (``scenario`` with its bends applied, see
    :func:`cadence.bends.apply`); InfeasibleError when the rules cannot all hold (naming
    the rules that clash and what to loosen, see :mod:`cadence.clash`; without ``explain`` only
    that they cannot, for a caller that says why itself), UndecidedError when the budget found
    nothing (without ``explain``), and InfeasibleError when a firm meeting would have to move
    (unless not ``refuse_firm``: :mod:`cadence.options` then asks the committee)."""
    _, decided, extra = decided_meetings(scenario, state, cutoff)
    problem = Problem(scenario, tuple(decided), cutoff, extra)
    try:
        if settings.clock is not None:
            settings.clock.phase("instance")
        setup = prepare(scenario, state, cutoff)
        inst, candidates = setup.instance, setup.candidates
        if setup.published is None:  # a fresh plan: independent parts apart
            result = parts.solve(inst, settings, progress)
        else:
            result = solver.solve(
                inst, settings, progress, setup.published, setup.held_items,
                setup.places.anchors, goals_stage, max_shift,
            )  # fmt: skip
    except InfeasibleError as err:
        if not explain:
            raise
        raise explained(problem, settings, where, str(err)) from None
    if not explain and result.status == "infeasible":
        raise InfeasibleError("the rules cannot all hold at once (the solver proved it)")
    if not explain and not result.has_plan:
        raise UndecidedError(f"no plan found within {settings.time_limit:g} s")
    if result.status == "infeasible" and setup.places.position:
        _order_clash(setup, settings)
    raise_unsolved(result, settings, problem, where)
    if refuse_firm and result.moves is not None and result.moves.firm:
        raise InfeasibleError(_firm_refusal(scenario, [candidates[i] for i in result.moves.firm]))
    placed = {
        (group_id, inst.day(day), inst.group(group_id).slots[slot].start)
        for group_id, meetings in result.meetings.items()
        for day, slot in meetings
    }
    successors = {
        candidates[i].id: (group_id, inst.day(day), inst.group(group_id).slots[slot].start)
        for i, (day, slot) in result.successors.items()
        for group_id in (candidates[i].group,)
    }
    successors.update(assign(setup.places, inst, placed))  # the k-th stays the k-th
    identities = _identities(state, setup.changes, placed, source, successors)
    return Replanned(setup, result, identities)


def run(
    scenario: Scenario,
    source: str,
    state: State | None,
    settings: solver.Settings,
    as_of: date | None,
    progress: Callable[[float, float, float], None] | None = None,
    keep_cancelled_days: int = 0,
    where: Where | None = None,
) -> Run:
    """Plan (or re-plan against ``state``) and render the output folder's files. When no plan
    can keep every rule (a requested move among them), say which rules clash and what would
    make it possible (``where`` names their lines). The rules the coordinator chose to bend
    (recorded in ``state``) stay bent."""
    cutoff = as_of or scenario.period.as_of
    if state is None:
        if cutoff is not None and cutoff > scenario.period.start:
            raise InputError(
                f"as of {cutoff}, meetings before it count as held, but there is no published "
                "plan (plan.json) to read them from: plan without --as-of first, or point --out "
                "at the published folder"
            )
        state = State(scenario.name, source)
    scenario = bent(scenario, state.bends)
    done = replan(scenario, source, state, settings, cutoff, progress, where)
    if settings.clock is not None:
        settings.clock.phase("plan", check=False)  # a plan exists: render it, whatever the time
    return render(scenario, source, state, done, cutoff, keep_cancelled_days, where)


def render(
    scenario: Scenario,
    source: str,
    state: State,
    done: Replanned,
    cutoff: date | None,
    keep_cancelled_days: int = 0,
    where: Where | None = None,
    announced: Sequence[Bend] = (),
) -> Run:
    """The output folder's files of a solved re-plan of ``state`` (``scenario`` with the bends
    already applied): the plan checked by the verifier (and its order against the published
    one), the new state, the change report with the rules bent in this change
    (``announced``) and the total shift of the meetings nobody asked to move."""
    inst, result, changes, extra = (
        done.setup.instance, done.result, done.setup.changes, done.setup.extra
    )  # fmt: skip
    tz = zoneinfo.ZoneInfo(scenario.period.timezone)
    plan = plans.from_result(inst, result, source, done.identities, where)
    plan = held_as_published(plan, state, cutoff)
    violations = tuple(check(scenario, plan, cutoff, extra)) + tuple(
        order_kept(
            [(r.id, r.group, r.start) for r in state.records if r.status != "cancelled"],
            plan,
            {c.meeting for c in changes if c.action == "move"},
        )
    )
    now = ics.stamp_of(cutoff or scenario.period.start)
    kept_ids = {m.id for m in plan.meetings}
    gone = [r for r in state.records if r.id not in kept_ids]
    cancelled = tuple(
        Meeting(r.id, r.uid, r.group, r.start.astimezone(tz), r.end.astimezone(tz), "", None)
        for r in gone
        if cutoff is None or r.start.date() + timedelta(days=keep_cancelled_days) >= cutoff
    )
    plan = replace(plan, cancelled=cancelled)
    carried = _carried(inst, result)
    records = _records(scenario, plan, state, gone, cutoff, now, carried)
    new_state = replace(state, records=records, changes=changes)
    stamps = {r.uid: ics.Stamp(r.sequence, r.changed) for r in records}
    entries = None
    report = None
    shift = None
    if state.records:
        listed = _entries(scenario, inst.calendar, state, new_state, plan, changes)
        asked = {c.meeting for c in changes if c.action == "move"}
        shift = sum(
            abs((e.new_start.date() - e.old_start.date()).days)
            for e in listed
            if e.kind == "flyttat" and e.meeting not in asked and e.new_start and e.old_start
        )
        lines = where or Where()
        notes = [
            Entry("avsteg", b.meeting, b.group, None, None,
                  "Avsteg: " + words(b, lines.of(bend_path(scenario, b))), (b.group,), ())
            for b in announced
        ]  # fmt: skip
        entries = (*notes, *listed)
        report = report_files(scenario, entries, shift)
    files = publish(scenario, plan, cutoff, stamps, report)
    files["plan.json"] = dumps(new_state)
    values = plan.goal_values(inst)
    return Run(
        plan, result, violations, new_state, files, entries, values,
        goals.weighted(inst, values), assess(inst, plan), shift,
    )  # fmt: skip


def _order_clash(setup: Setup, settings: solver.Settings) -> None:
    """Raise InfeasibleError naming the order rule when only it stands in the way: the rules
    hold once meetings may jump past their siblings (which a re-plan never lets them do)."""
    loose = [replace(p, position=None) for p in setup.published or ()]
    free = solver.solve(setup.instance, settings, None, loose, setup.held_items, (), False)
    if free.has_plan:
        raise InfeasibleError(
            "the rules cannot all hold with every group's published meetings kept in their "
            "order (the k-th meeting stays the k-th; a plan exists only if a meeting jumps "
            "past a sibling). cadence move, cancel and add offer options that bend one rule "
            "instead"
        )


def refuse_impossible(state: State | None, impossible: Sequence[FileProblem]) -> None:
    """Refuse a fresh plan (no ``state``) of a file in which the cheap checks found what no
    plan can keep (:attr:`cadence.loader.Loaded.impossible`), before any solve. A re-plan is
    left to the solver: what took place may differ from what the file says now."""
    if state is None and impossible:
        raise ImpossibleError(impossible)


def _live_changes(scenario: Scenario, state: State) -> tuple[Change, ...]:
    """The stored changes that still apply: not those of a group a scenario edit removed, and
    of a meeting moved twice only the last move."""
    groups = {g.id for g in scenario.groups}
    last_move = {c.meeting: i for i, c in enumerate(state.changes) if c.action == "move"}
    return tuple(
        c
        for i, c in enumerate(state.changes)
        if c.group in groups and (c.action != "move" or last_move[c.meeting] == i)
    )


def _candidates(state: State, changes: tuple[Change, ...], cutoff: date | None) -> list[Record]:
    """The published meetings a re-plan may keep or move: planned, not cancelled by the
    coordinator, not yet held."""
    dropped = {c.meeting for c in changes if c.action == "cancel"}
    return [
        r
        for r in state.records
        if r.status == "planned"
        and r.id not in dropped
        and (cutoff is None or r.start.date() >= cutoff)
    ]


def firm(scenario: Scenario, group_id: str) -> bool:
    """Whether a group's dates are firm: only the coordinator moves its published meetings."""
    group = scenario.group(group_id)
    return group.firm or group.kind in scenario.firm_kinds


def _published(
    scenario: Scenario, inst: instances.Instance, record: Record, changes: tuple[Change, ...]
) -> Published:
    """A published meeting as the solver's stability terms see it."""
    moved_to = next(
        (c for c in changes if c.action == "move" and c.meeting == record.id and c.day), None
    )
    to = None
    if moved_to is not None and moved_to.day is not None and moved_to.start is not None:
        to = (inst.index(moved_to.day), moved_to.start.hour * 60 + moved_to.start.minute)
    day = record.start.date()
    people = attendees(scenario.group(record.group), day)
    return Published(
        record.group,
        inst.index(day),
        record.start.hour * 60 + record.start.minute,
        weight=max(1, len(people)),
        firm=firm(scenario, record.group) and moved_to is None,
        items=tuple(key for key, _ in record.items),
        to=to,
    )


def _held_items(inst: instances.Instance, state: State, cutoff: date | None) -> HeldItems | None:
    """The agendas of held meetings as they were published (items still due where they are)."""
    if cutoff is None:
        return None
    dues = {d.key: d for d in inst.dues}
    on = {}
    for record in state.records:
        if record.status == "cancelled" or record.start.date() >= cutoff:
            continue
        day = inst.index(record.start.date())
        for key, _ in record.items:
            due = dues.get(key)
            if due is not None and due.group == record.group and day in due.days:
                on[key] = day
    return HeldItems(inst.index(cutoff), on)


def _carried(
    inst: instances.Instance, result: solver.Result
) -> dict[tuple[str, date], list[tuple[str, str]]]:
    """(group, day) → (due key, title) of each item the meeting carries."""
    carried: dict[tuple[str, date], list[tuple[str, str]]] = {}
    for due in inst.dues:
        if due.key in result.carriers:
            key = (due.group, inst.day(result.carriers[due.key]))
            carried.setdefault(key, []).append((due.key, due.title))
    return carried


def _firm_refusal(scenario: Scenario, records: list[Record]) -> str:
    names = ", ".join(f"{r.id} ({r.start.date()})" for r in records)
    groups = ", ".join(sorted({r.group for r in records}))
    return (
        f"it would move {names}: the dates of {groups} are firm (a decided sammanträdesplan), "
        "and only a move you ask for by name shifts them (cadence move). Choose another date, "
        "or move the firm meeting first"
    )


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
    successors: dict[str, tuple[str, date, int]] | None = None,
) -> dict[tuple[str, date], tuple[str, str]]:
    """(group, day) → (id, UID) for every placed meeting.

    In order: the coordinator's moves and additions, the successors the solver chose (which
    keep agenda items on their meetings), meetings that kept their day and time, then per group
    the remaining published meetings in date order onto the remaining new days; what is left
    gets a new id, numbered after every id the group ever had that year.
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
        successor = (successors or {}).get(record.id)
        if successor is not None and successor in free and record.id not in used:
            assign(successor, record)
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
    carried: dict[tuple[str, date], list[tuple[str, str]]],
) -> tuple[Record, ...]:
    """The new state's records: SEQUENCE up for a changed time, agenda or status, stamps renewed
    for any change subscribers would see, untouched otherwise."""
    digests = ics.digests(scenario, plan)
    old = {r.id: r for r in state.records}
    records = []
    for meeting in plan.meetings:
        past = cutoff is not None and meeting.start.date() < cutoff
        status: Status = "held" if past else "planned"
        before = old.get(meeting.id)
        digest = digests[meeting.uid]
        items = tuple(sorted(carried.get((meeting.group, meeting.start.date()), ())))
        if before is None:
            fields = (meeting.id, meeting.uid, meeting.group, meeting.start, meeting.end)
            records.append(Record(*fields, 0, status, now, digest, items, meeting.note or ""))
            continue
        moved = (before.start, before.end) != (meeting.start, meeting.end)
        agenda = state.tracks_items and {k for k, _ in before.items} != {k for k, _ in items}
        seen_change = moved or before.digest != digest
        raised = moved or agenda or before.status == "cancelled"
        records.append(
            replace(
                before,
                start=meeting.start,
                end=meeting.end,
                sequence=before.sequence + (1 if raised else 0),
                status=status,
                changed=now if seen_change or raised else before.changed,
                digest=digest,
                items=items,
                note=meeting.note or "",
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
    published_years = {r.start.year for r in before.records}
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
                else f"nytt möte: planen omfattar nu också {record.start.year}"
                if record.start.year not in published_years
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
    if before.tracks_items:
        entries += _item_entries(scenario, before, after)
    return entries


def _item_entries(scenario: Scenario, before: State, after: State) -> list[Entry]:
    """Each published agenda item now on another meeting than before, with the reason."""
    old = {r.id: r for r in before.records}
    new = {r.id: r for r in after.records}
    was = {k: (r, t) for r in before.records if r.status != "cancelled" for k, t in r.items}
    now = {k: r for r in after.records if r.status != "cancelled" for k, _ in r.items}
    entries = []
    for key, (home, title) in was.items():
        carrier = now.get(key)
        if carrier is None or carrier.id == home.id:
            continue  # kept, or no longer an item of the scenario
        left = new.get(home.id, old[home.id])
        if left.status == "cancelled":
            reason = f"{home.id} är inställt"
        elif (left.start, left.end) != (home.start, home.end):
            reason = f"{home.id} flyttades utanför punktens tidsfönster"
        else:
            reason = "flyttad för att reglerna ska hålla efter de andra ändringarna"
        day = carrier.start.date()
        people = [scenario.person(p).name for p in attendees(scenario.group(carrier.group), day)]
        entries.append(
            Entry(
                kind="punkt",
                meeting=carrier.id,
                group=carrier.group,
                old_start=home.start,
                new_start=carrier.start,
                reason=reason,
                groups=(carrier.group,),
                people=tuple(people),
                item=title,
                from_meeting=home.id,
            )
        )
    return sorted(entries, key=lambda e: (e.new_start or e.old_start, e.item))


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


# -- The rules of a change: what the coordinator may move, cancel or add --------------------------
# The commands, their dry runs and the tests share these; the CLI only parses and prints.


def pin_time(scenario: Scenario, group_id: str, wanted: time | None, old: time | None) -> time:
    """The time of a moved or added meeting: as asked, else its old time, else the first."""
    return wanted or old or scenario.group(group_id).start_times[0]


def changeable(scenario: Scenario, state: State, meeting_id: str, cutoff: date) -> Record:
    """The published meeting a move or cancellation names: planned, not held, not fixed in the
    scenario. A firm meeting may be changed, by name only."""
    record = state.record(meeting_id)
    if record is None or record.status == "cancelled":
        known = ", ".join(r.id for r in state.records if r.status == "planned")[:300]
        raise InputError(f"no planned meeting '{meeting_id}' in the published plan ({known} …)")
    if record.start.date() < cutoff:
        raise InputError(f"{meeting_id} was on {record.start.date()}, before {cutoff}: it is held")
    group = scenario.group(record.group)
    if any(f.date == record.start.date() for f in group.fixed):
        raise InputError(
            f"{record.id} on {record.start.date()} is fixed in the scenario; change its date "
            f"under groups → {group.id} → fixed there"
        )
    return record


def _not_past(day: date, cutoff: date) -> None:
    if day < cutoff:
        raise InputError(f"{day} is before {cutoff}: no meeting can be put in the past")


def move(
    scenario: Scenario, state: State, meeting_id: str, day: date, at: time | None, cutoff: date
) -> Change:
    """The coordinator moves a published meeting to ``day`` (at ``at``, else its old time)."""
    record = changeable(scenario, state, meeting_id, cutoff)
    _not_past(day, cutoff)
    start = pin_time(scenario, record.group, at, record.start.time())
    return Change("move", record.id, record.group, day, start)


def cancel(scenario: Scenario, state: State, meeting_id: str, cutoff: date) -> Change:
    """The coordinator cancels a published meeting: its group meets once less that year."""
    record = changeable(scenario, state, meeting_id, cutoff)
    return Change("cancel", record.id, record.group, record.start.date())


def add(
    scenario: Scenario, state: State, group_id: str, day: date, at: time | None, cutoff: date
) -> Change:
    """The coordinator adds a meeting of ``group_id`` on ``day``: it meets once more that year."""
    _not_past(day, cutoff)
    if group_id not in {g.id for g in scenario.groups}:
        raise InputError(f"no group '{group_id}' in the scenario")
    start = pin_time(scenario, group_id, at, None)
    return Change("add", state.next_id(group_id, day.year), group_id, day, start)
