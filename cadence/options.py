"""A coordinator's change answered the way she decides it: options side by side.

``cadence move``, ``cancel`` and ``add`` (and the workbench) call :func:`answer`: the change is
re-planned keeping every rule, the fewest published meetings moved, then the nearest (see
:mod:`cadence.solver.stability`). When that moves at most ``changes.max_other_moves`` other
meetings (default 2) and shifts none more than ``changes.max_shift_days`` days (default 28), the
answer is ``applied``: the one option can be applied at once. Otherwise the answer is
``choose``: the all-rules option and up to four options that each bend **one** named rule by
the smallest amount that lets every other published meeting stay (a lead window, the write-up
days, a group's gap between meetings, a decided date, or a firm meeting the committee is asked
to move), found by re-solving as :mod:`cadence.clash` finds loosenings (see
:mod:`cadence.bending`); where no single bend lets everything else stay, two rules bent
together (the change's own group's gap and one more; the lead windows into one group may bend as
a bundle), or one rule bent with the fewest moves besides (a firm meeting among them asked of its
committee in the same option). No bound is bent past a third of the file's value.
A person's absence and a closed day are never bent. When there is no option at all the answer
is ``refused``, with the rules that clash, their lines and the smallest change.

A firm meeting moved by name (the committee's own decision) is a fact: the rules it then breaks
within its own group (its spacing) are bent, reported with their lines, not refused.

Nothing here writes: :func:`apply` gives the files of an option (what
:func:`cadence.replan.run` gives), for the caller to write under the folder's lock;
:mod:`cadence.answers` holds the answer and words it (its JSON as ``docs/changes.schema.json``
describes it, the Swedish summaries, what the command prints).
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import date, datetime, time

from cadence import plan as plans
from cadence import replan, solver, sv
from cadence.answers import (
    Answer,
    Bent,
    Moved,
    Option,
    Request,
    asks_committee,
    summary,
)
from cadence.bending import smallest_bends
from cadence.bends import Bend, words
from cadence.bends import apply as bent
from cadence.bends import path as bend_path
from cadence.clash import Where
from cadence.errors import InfeasibleError
from cadence.instance import attendees
from cadence.replan import Replanned, Run
from cadence.scenario import ChangeLimits, Scenario
from cadence.state import Change, State

MAX_BENT = 4
"""Options that bend a rule, at most."""
LONGEST_SHIFT = 42
"""Days an option shifts a meeting nobody asked to move, at most, where a plan allows it: six
weeks further a meeting is another meeting to its members (a plan that must shift one further
is still offered when no other exists)."""


def answer(
    scenario: Scenario,
    source: str,
    state: State,
    request: Request,
    settings: solver.Settings,
    cutoff: date,
    where: Where | None = None,
) -> Answer:
    """The options for ``request`` against the published ``state`` as of ``cutoff``; writes
    nothing. InputError when the request names no changeable meeting or day."""
    where = where or Where()
    base = bent(scenario, state.bends)
    change = request.change(base, state, cutoff)
    changed = state.with_change(change)
    own = _own_spacing(base, state, change, cutoff)
    limits = scenario.changes
    first = _option(base, source, changed, own, settings, cutoff, where, change)
    if first is not None:
        first = replace(first, keeps_rules=True)
    if first is not None and first.within and not asks_committee(first):
        first = replace(first, id=1)
        return Answer("applied", request, (first,), "", limits, source, cutoff, where)
    options = [first] if first is not None else []
    fewer_than = None
    if first is not None and first.longest_shift <= limits.max_shift_days:
        fewer_than = first.other_moves  # within the shift limit: only fewer moves are better
    bent_found = _bent_options(
        base, source, changed, own, settings, cutoff, where, change, fewer_than
    )
    for found in bent_found:
        if all(found.moves != o.moves for o in options) and _better(found, first, limits):
            options.append(found)
        if len(options) >= 1 + MAX_BENT:
            break
    if not options:
        return Answer(
            "refused", request, (), _refusal(base, source, changed, own, settings, cutoff, where),
            limits, source, cutoff, where,
        )  # fmt: skip
    ranked = sorted(options[1:] if first else options, key=_rank)
    ordered = [*([first] if first else []), *ranked]
    numbered = tuple(replace(o, id=i, summary=summary(o, i, limits)) for i, o in
                     enumerate(ordered, 1))  # fmt: skip
    return Answer("choose", request, numbered, "", limits, source, cutoff, where)


def apply(answer: Answer, number: int, keep_cancelled_days: int = 0) -> Run:
    """The output folder's files with option ``number`` applied (the caller writes them under
    the folder's lock): the plan as the option showed it, its bends recorded in plan.json and
    named in the change report."""
    if answer.status == "refused":
        raise InfeasibleError(f"refused, nothing changed: {answer.refusal}")
    option = answer.option(number)
    return replan.render(
        option.scenario, answer.source, option.state, option.done, answer.cutoff,
        keep_cancelled_days, answer.where, [b.bend for b in option.bends],
    )  # fmt: skip


# -- one option ------------------------------------------------------------------------------


def _rank(option: Option) -> tuple[int, int, int, int]:
    """Fewest other meetings moved, then the least shift, then the smallest bend."""
    size = sum(b.bend.size for b in option.bends)
    return (option.other_moves, option.shift_days, size, option.longest_shift)


def _better(option: Option, first: Option | None, limits: ChangeLimits) -> bool:
    """Whether a bent option is worth a bent rule against the all-rules option ``first``: it
    moves fewer other meetings, or keeps within the shift limit where ``first`` does not."""
    if first is None:
        return True
    return option.other_moves < first.other_moves or (
        first.longest_shift > limits.max_shift_days >= option.longest_shift
    )


def _option(
    scenario: Scenario,
    source: str,
    state: State,
    bends: Sequence[Bend],
    settings: solver.Settings,
    cutoff: date,
    where: Where,
    change: Change,
    asked: Sequence[Bend] = (),
) -> Option | None:
    """The re-plan of ``state`` with ``bends`` (fewest moves, then nearest); a firm meeting it
    must move becomes a bend that asks the committee, as do ``asked`` (firm meetings already
    moved in ``state``). None when there is no such plan."""
    bent_scenario = bent(scenario, bends)
    done = None
    for longest in (LONGEST_SHIFT, None):
        try:
            tried = replan.replan(
                bent_scenario, source, state, settings, cutoff, where=where, explain=False,
                goals_stage=False, refuse_firm=False, max_shift=longest,
            )  # fmt: skip
        except InfeasibleError:
            continue
        if done is None or not _firm_moved(tried):
            done = tried  # without the cap when the cap would make a committee move
        if not _firm_moved(done):
            break
    if done is None:
        return None
    moves = done.result.moves
    firm_moves: list[Bend] = []
    if moves is not None and moves.firm:
        moved_to = _new_starts(scenario, done)
        for index in moves.firm:
            record = done.setup.candidates[index]
            to = moved_to.get(record.id)
            if to is None:
                return None  # a firm meeting would be cancelled: never offered
            firm_moves.append(
                Bend("firm", record.group, meeting=record.id, from_day=record.start.date(),
                     day=to.date())
            )  # fmt: skip
            state = state.with_change(
                Change("move", record.id, record.group, to.date(), to.time().replace(tzinfo=None))
            )
    all_bends = _used(source, done, (*bends, *asked, *firm_moves))
    return _described(bent_scenario, source, state.with_bends(all_bends), all_bends, done, where,
                      change)  # fmt: skip


def _firm_moved(done: Replanned) -> bool:
    return done.result.moves is not None and bool(done.result.moves.firm)


def _new_starts(scenario: Scenario, done: Replanned) -> dict[str, datetime]:
    """Meeting id → its start in the re-plan."""
    tz = zoneinfo.ZoneInfo(scenario.period.timezone)
    inst = done.setup.instance
    starts = {}
    for group_id, meetings in done.result.meetings.items():
        group = inst.group(group_id)
        for day, slot in meetings:
            on = inst.day(day)
            meeting_id, _ = done.identities[(group_id, on)]
            minute = group.slots[slot].start
            starts[meeting_id] = datetime.combine(on, time(minute // 60, minute % 60), tz)
    return starts


def _described(
    scenario: Scenario,
    source: str,
    state: State,
    bends: Sequence[Bend],
    done: Replanned,
    where: Where,
    change: Change,
) -> Option:
    """An option from a solved re-plan: its moves against the published state, its shift, the
    rules it bends with their lines, and whom to tell."""
    new = _new_starts(scenario, done)
    moves = []
    old = {r.id: r for r in state.records if r.status != "cancelled"}
    for record in sorted(old.values(), key=lambda r: (r.start, r.id)):
        to = new.get(record.id)
        if to != record.start:
            moves.append(
                Moved(record.id, record.group, record.start, to, record.id == change.meeting)
            )
    for meeting_id, start in sorted(new.items(), key=lambda kv: (kv[1], kv[0])):
        if meeting_id not in old:
            group_id = next(g for (g, _), (i, _) in done.identities.items() if i == meeting_id)
            moves.append(Moved(meeting_id, group_id, None, start, meeting_id == change.meeting))
    people: dict[str, None] = {}
    for m in moves:
        for day in {x.date() for x in (m.start, m.to) if x is not None}:
            for person in attendees(scenario.group(m.group), day):
                people[scenario.person(person).name] = None
    bents = tuple(
        Bent(b, where.of(bend_path(scenario, b)), words(b, where.of(bend_path(scenario, b))))
        for b in bends
    )
    limits = scenario.changes
    shift = sum(m.shift_days for m in moves if not m.asked)
    option = Option(
        0, tuple(moves), shift, bents, tuple(sorted(people)), "", False, scenario, state, done,
        details=tuple(_preparations(source, done, bends)),
    )  # fmt: skip
    within = option.other_moves <= limits.max_other_moves and (
        option.longest_shift <= limits.max_shift_days
    )
    option = replace(option, within=within)
    return replace(option, summary=summary(option, 1, limits))


def _preparations(source: str, done: Replanned, bends: Sequence[Bend]) -> Iterator[str]:
    """For a bent lead window, each meeting of the plan prepared outside the file's window:
    ``LSG-2026-04 (torsdag 20 augusti) bereder NSV-2026-04 (torsdag 15 oktober), 56 dagar
    före.``"""
    for _, lines, _ in _outside(source, done, bends):
        yield from lines


def _used(source: str, done: Replanned, bends: Sequence[Bend]) -> tuple[Bend, ...]:
    """``bends`` as far as the plan uses them: a bent lead window cut to the longest (or
    shortest) lead the plan has, and left out where the plan keeps the file's window. A bundle
    bends every window into one group by as much; only what some meeting needs is worth
    telling."""
    used = {bend: lead for bend, lines, lead in _outside(source, done, bends)}
    kept = []
    for bend in bends:
        if bend not in used:
            kept.append(bend)
        elif (lead := used[bend]) is not None:
            kept.append(replace(bend, value=lead))
    return tuple(kept)


def _outside(
    source: str, done: Replanned, bends: Sequence[Bend]
) -> Iterator[tuple[Bend, list[str], int | None]]:
    """Each bent lead window with the preparations of the plan outside the file's window, and
    the farthest of their leads from it (None: none outside)."""
    links = [b for b in bends if b.rule in ("lead_max", "lead_min")]
    if not links:
        return
    plan = plans.from_result(done.setup.instance, done.result, source, done.identities)
    by_id = {m.id: m for m in plan.meetings}
    for bend in links:
        lines, leads = [], []
        for meeting in plan.meetings:
            if meeting.group != bend.to:
                continue
            for other in (by_id[i] for i in meeting.prepared_by if by_id[i].group == bend.group):
                lead = (meeting.start.date() - other.start.date()).days
                outside = (bend.rule == "lead_max" and lead > bend.was) or (
                    bend.rule == "lead_min" and lead < bend.was
                )
                if outside:
                    leads.append(lead)
                    lines.append(
                        f"{other.id} ({_day(other.start)}) bereder {meeting.id} "
                        f"({_day(meeting.start)}), {lead} dagar före."
                    )
        farthest = (max(leads) if bend.rule == "lead_max" else min(leads)) if leads else None
        yield bend, lines, farthest


def _day(moment: datetime) -> str:
    return f"{sv.weekday(moment.date())} {sv.day_month(moment.date())}"


def _own_spacing(scenario: Scenario, state: State, change: Change, cutoff: date) -> list[Bend]:
    """A firm meeting moved or cancelled by name is the committee's decision: the gaps to its
    own group's neighbours (which do not move: they are firm too) are bent where they break its
    spacing."""
    if change.action not in ("move", "cancel") or not replan.firm(scenario, change.group):
        return []
    dropped = {c.meeting for c in state.changes if c.action == "cancel"} | {change.meeting}
    others = sorted(
        r.start.date() for r in state.records
        if r.group == change.group and r.status != "cancelled" and r.id not in dropped
    )  # fmt: skip
    day = change.day
    if day is None:
        return []
    before = [d for d in others if d < day]
    after = [d for d in others if d > day]
    if change.action == "cancel":  # its neighbours now follow each other
        gaps = [(after[0] - before[-1]).days] if before and after else []
    else:
        gaps = ([(day - before[-1]).days] if before else []) + (
            [(after[0] - day).days] if after else []
        )
    group = scenario.group(change.group)
    found = []
    longest = group.max_days_between
    if gaps and longest is not None and max(gaps) > longest:
        found.append(Bend("max_gap", group.id, value=max(gaps), was=longest))
    if change.action == "move" and gaps and min(gaps) < group.min_days_between:
        found.append(Bend("min_gap", group.id, value=min(gaps), was=group.min_days_between))
    return found


def _refusal(
    scenario: Scenario,
    source: str,
    state: State,
    bends: Sequence[Bend],
    settings: solver.Settings,
    cutoff: date,
    where: Where,
) -> str:
    """Why no option exists: the rules that clash with their lines and the smallest change
    (:mod:`cadence.clash`)."""
    try:
        replan.replan(bent(scenario, bends), source, state, settings, cutoff, where=where,
                      goals_stage=False, refuse_firm=False)  # fmt: skip
    except InfeasibleError as err:
        return str(err)
    return "no plan keeps every rule and no single rule could be bent in the time given"


# -- options that bend a rule ------------------------------------------------------------------


def _bent_options(
    scenario: Scenario,
    source: str,
    state: State,
    own: Sequence[Bend],
    settings: solver.Settings,
    cutoff: date,
    where: Where,
    change: Change,
    fewer_than: int | None = None,
) -> Iterator[Option]:
    """Options that each bend one rule (or two, or a bundle of lead windows) by the smallest
    amount with which every other published meeting can stay (:mod:`cadence.bending`), each
    re-planned on the whole county; a rule bent with moves only when they are ``fewer_than``
    the all-rules option's."""
    base = bent(scenario, own)
    for found in smallest_bends(base, state, cutoff, change, settings, fewer_than):
        moved, rules, asked = state, list(own), []
        for bend, record in found:
            if record is None:
                rules.append(bend)
                continue
            assert bend.day is not None  # a firm meeting the committee is asked to move
            moved = moved.with_change(
                Change("move", record.id, record.group, bend.day, record.start.time())
            )
            asked.append(bend)
        option = _option(base, source, moved, rules, settings, cutoff, where, change, asked)
        if option is not None:
            yield option
