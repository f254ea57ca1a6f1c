"""The smallest bend of one rule that lets a change in without moving anything else.

With every other published meeting pinned where it is, the change usually cannot hold: the
rules that clash are found as :mod:`cadence.clash` finds them, and each one a coordinator may
bend (a lead window, the write-up days, a group's gap, a decided date, a firm meeting the
committee is asked to move) is loosened by the smallest amount that lets the pinned plan hold,
found by re-solving: a bound by probing 1, 2, 4, … days and halving back, a date nearest first.
A person's absence, a closed day, a weekday rule, a count and an agenda item are never bent.
:mod:`cadence.options` re-plans each bend found into an option.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, time, timedelta

from cadence import clash, replan, solver
from cadence.bends import Bend
from cadence.bends import apply as bent
from cadence.clash import Problem
from cadence.errors import InfeasibleError, UndecidedError
from cadence.instance import Held
from cadence.rules import RuleKey
from cadence.scenario import Scenario
from cadence.state import Change, Record, State

EXPLAIN_BUDGET = 2.0
"""Deterministic seconds at most for finding which rules clash when nothing else may move."""
SEARCH_BUDGET = 6.0
"""Deterministic seconds at most for the tries of bent rules. Both budgets are deterministic:
the same input gives the same options on any machine."""
MAX_TRIES = 40
"""Bent rules tried at most (each a feasibility solve of the changed county)."""
LADDER = range(1, 92)
"""Days (or working days) a bound may give, up to a quarter: probed 1, 2, 4, … and halved back."""
DATES_TRIED = 8
"""Other days tried for a firm or decided meeting, nearest first."""
ENOUGH_PINNED = 1
"""Bends found with everything else pinned after which no bend is sought with moves."""
PAIRS = 1
"""Gaps bent as far as they modestly may, for each of which a second rule is sought (each a
clash explanation of the county, 2–6 s, then cheap probes)."""
WITH_MOVES = 2
"""Rules bent at most with moves (each a re-plan of the county, then cheap probes)."""
WITH_MOVES_RULES = ("max_gap", "min_gap", "lead_max")
"""The rules bent with moves: a group's own spacing and a longer lead. Fewer write-up days or a
shorter lead bought a few days of shift and no fewer moves on Sörmland's changes."""
MOVES_LONGEST_SHIFT = 42
"""Days a meeting may shift at most in the re-plan that finds a bend with moves: a bend that
buys no better than a long shift is not worth offering."""


@dataclass
class _Budget:
    left: float
    tries: int = 0

    def take(self) -> float:
        return max(0.0, min(2.0, self.left)) if self.tries < MAX_TRIES else 0.0

    def pay(self, seconds: float) -> None:
        self.left -= seconds
        self.tries += 1


def smallest_bends(
    scenario: Scenario,
    state: State,
    cutoff: date,
    change: Change,
    settings: solver.Settings | None = None,
    fewer_than: int | None = None,
) -> Iterator[tuple[Asked, ...]]:
    """For each rule of "nothing else moves" that clashes (``state`` holds ``change``), the
    bend by the smallest amount with which every other published meeting can stay, and for a
    firm meeting asked to move, its record. ``scenario`` has the bends already decided.

    No bound is bent past a third of the file's value (:func:`_modest`). Where no such bend
    lets everything else stay, a gap the change itself breaks is bent together with a second
    rule (:func:`_pairs`). Failing that, a rule is, with ``settings``, bent as far as it may go
    and the county re-planned with the fewest moves (firm meetings may move:
    :mod:`cadence.options` asks their committee); the bend is then cut to what that plan uses,
    and the option re-plans with it: one rule bent, a few meetings moved, instead of every
    rule kept at the price of a cascade (only when it moves ``fewer_than`` other meetings, when
    given: the all-rules option's count). The firm meetings that plan moves come with it (the
    committee is asked, as for a firm bend): the option's re-plan, which moves a firm meeting
    only as a last resort, would otherwise keep them and cascade anyway."""
    _, decided, extra = replan.decided_meetings(scenario, state, cutoff)
    try:
        setup = replan.prepare(scenario, state, cutoff)
    except InfeasibleError:
        return  # the change itself cannot be held (a closed day): the refusal says why
    stay = [
        r for r in setup.candidates
        if r.id != change.meeting and not any(
            c.action == "move" and c.meeting == r.id for c in setup.changes
        )
    ]  # fmt: skip
    pins = [_held(r) for r in stay]
    problem = Problem(scenario, (*decided, *pins), cutoff, extra)
    account = _Budget(SEARCH_BUDGET)
    found = clash.explain(problem, EXPLAIN_BUDGET, relax=False)
    if found is None:
        return
    by_pin = {(r.group, r.start.date()): r for r in setup.candidates}
    inst = setup.instance
    open_days = {g.id: {inst.day(d) for d in g.days} for g in inst.groups}
    tried: set[Step] = set()
    seen: set[Step] = set()  # ladders, by their first step: a bundle comes with each of its links
    stuck: list[list[Step]] = []  # ladders whose widest step alone does not let all stay
    for rule in found.rules:
        for ladder in map(_modest, _ladders(problem, rule.key, by_pin, change, open_days)):
            if not ladder or ladder[0] in seen:
                continue
            seen.add(ladder[0])
            step = _smallest(ladder, _trial(problem, account))
            if step is None and ladder[0][0].rule in WITH_MOVES_RULES:
                stuck.append(ladder)
            if step is None or step in tried:
                continue
            tried.add(step)
            yield tuple((bend, _record(bend, by_pin)) for bend in step)
    pairs = _pairs(problem, stuck, by_pin, change, open_days, account)
    while len(tried) < ENOUGH_PINNED and (step := next(pairs, None)) is not None:
        if step not in tried:
            tried.add(step)
            yield tuple((bend, _record(bend, by_pin)) for bend in step)
    if settings is None or len(tried) >= ENOUGH_PINNED:
        return
    stuck.sort(key=lambda ladder: -len(ladder[0]))  # a bundle first: it may need no moves
    for ladder in stuck[:WITH_MOVES]:
        found_with = _with_moves(
            problem, decided, stay, ladder, state, cutoff, settings, account, fewer_than
        )
        if found_with is not None and found_with[0] not in tried:
            tried.add(found_with[0])
            yield found_with[1]


def _pairs(
    problem: Problem,
    stuck: Sequence[list[Step]],
    by_pin: dict[tuple[str, date], Record],
    change: Change,
    open_days: dict[str, set[date]],
    account: _Budget,
) -> Iterator[Step]:
    """Two rules bent together where neither alone lets everything else stay: for a rule bent
    as far as it modestly may (``stuck``, its widest step), the rules that still clash, each
    bent by the smallest amount that then holds, and the first rule cut back to what the
    second leaves it. Only a gap the change itself breaks is a first rule (:func:`_broken`).
    LSG on 3 September: its own longest gap (97 days after May's meeting,
    at most 90) and the beredningsgrupper's June meetings 77 days ahead (at most 63)."""
    for first in [ladder for ladder in stuck if _broken(problem, ladder[0])][:PAIRS]:
        wide = _apply(problem, first[-1])
        found = clash.explain(wide, EXPLAIN_BUDGET, relax=False)
        if found is None:
            continue
        rules = {b.rule + b.group + b.to for b in first[0]}
        for rule in found.rules:
            for ladder in map(_modest, _ladders(wide, rule.key, by_pin, change, open_days)):
                if not ladder or {b.rule + b.group + b.to for b in ladder[0]} & rules:
                    continue
                second = _smallest(ladder, _trial(wide, account))
                if second is None:
                    continue
                step = _smallest(first, _trial(_apply(problem, second), account))
                if step is not None:
                    yield (*step, *second)
                    break


def _broken(problem: Problem, step: Step) -> bool:
    """Whether a gap the step bends is broken where the meetings are pinned: the change breaks
    its own group's spacing, and something else besides (else bending the gap as far as it may
    go changes nothing; a lead bent alone as far as it may go that still leaves a clash was
    not worth a second rule on Sörmland's changes, and each try is a clash explanation)."""
    for bend in step:
        if bend.rule not in ("min_gap", "max_gap"):
            continue
        days = sorted(h.day for h in problem.held if h.group == bend.group)
        gaps = [(b - a).days for a, b in itertools.pairwise(days)]
        if any(g < bend.was if bend.rule == "min_gap" else g > bend.was for g in gaps):
            return True
    return False


def _apply(problem: Problem, step: Step) -> Problem:
    """``problem`` with the bends of ``step``: a firm meeting's pin moved to its new day, the
    others bent in the scenario."""
    held = problem.held
    for bend in (b for b in step if b.rule == "firm"):
        day = bend.day
        assert day is not None
        held = tuple(
            replace(h, day=day) if (h.group, h.day) == (bend.group, bend.from_day) else h
            for h in held
        )
    rules = [b for b in step if b.rule != "firm"]
    return replace(problem, held=held, scenario=bent(problem.scenario, rules))


def _record(bend: Bend, by_pin: dict[tuple[str, date], Record]) -> Record | None:
    """A firm bend's published meeting (the committee is asked to move it); else None."""
    if bend.rule != "firm":
        return None
    assert bend.from_day is not None
    return by_pin[(bend.group, bend.from_day)]


def _held(record: Record) -> Held:
    """A published meeting pinned where it is."""
    return Held(record.group, record.start.date(), record.start.time().replace(tzinfo=None))


def _modest(ladder: list[Step]) -> list[Step]:
    """The steps of ``ladder`` worth offering: a bound bent by at most a third of the file's
    (and at least a week), a date any of the days tried. Bent further, "nothing else moves"
    is bought with an arbetsgrupp's meeting 105 days ahead of the beredningsgrupp it prepares
    (at most 42): no coordinator would send that."""
    return [
        step for step in ladder
        if all(b.rule in ("firm", "fixed") or b.size <= max(7, b.was // 3) for b in step)
    ]  # fmt: skip


def _with_moves(
    problem: Problem,
    decided: Sequence[Held],
    stay: Sequence[Record],
    ladder: list[Step],
    state: State,
    cutoff: date,
    settings: solver.Settings,
    account: _Budget,
    fewer_than: int | None,
) -> tuple[Step, tuple[Asked, ...]] | None:
    """The smallest step of ``ladder`` that the fewest-moves re-plan with its widest step
    uses (that plan's places for the meetings ``stay`` pinned, besides the ``decided`` ones,
    probed as :func:`_smallest` probes), and its bends with the firm meetings that plan moves.
    None when even the widest leaves no plan (or the budget is spent)."""
    widest = ladder[-1]
    if account.take() <= 0:
        return None
    try:  # bounded by the caller's budget, as each option's own re-plan is
        done = replan.replan(
            bent(problem.scenario, widest), "", state, settings, cutoff, explain=False,
            goals_stage=False, refuse_firm=False, max_shift=MOVES_LONGEST_SHIFT,
        )  # fmt: skip
    except (InfeasibleError, UndecidedError):
        return None
    inst = done.setup.instance
    where: dict[str, Held] = {}
    for group_id, meetings in done.result.meetings.items():
        for day, slot in meetings:
            on, minute = inst.day(day), inst.group(group_id).slots[slot].start
            meeting_id = done.identities[(group_id, on)][0]
            where[meeting_id] = Held(group_id, on, time(minute // 60, minute % 60))
    placed = [where[r.id] for r in stay if r.id in where]
    moved = sum(1 for r in stay if where.get(r.id) != _held(r))
    if fewer_than is not None and moved >= fewer_than:
        return None  # no fewer moves than keeping every rule: not worth a bent rule
    plan = replace(problem, held=(*decided, *placed))
    step = _smallest(ladder, _trial(plan, account))
    if step is None:
        return None
    asked: list[Asked] = [(bend, None) for bend in step]
    for index in done.result.moves.firm if done.result.moves is not None else ():
        record = done.setup.candidates[index]
        if record.id not in where:
            return None  # a firm meeting would be cancelled: never offered
        to = where[record.id].day
        asked.append((Bend("firm", record.group, meeting=record.id,
                           from_day=record.start.date(), day=to), record))  # fmt: skip
    return step, tuple(asked)


Step = tuple[Bend, ...]
"""One rung of a ladder: the bends made together (one, or a bundle of parallel links)."""
Asked = tuple[Bend, Record | None]
"""A bend, and for a firm meeting the committee is asked to move, its published record."""


def _ladders(
    problem: Problem,
    key: RuleKey,
    by_pin: dict[tuple[str, date], Record],
    change: Change,
    open_days: dict[str, set[date]],
) -> Iterator[list[Step]]:
    """For one clashing rule, the ways to bend it, each a list of steps smallest first (made
    by :func:`_apply`). Only the rules a coordinator may bend: never a person's absence, a
    closed day, a weekday rule, a count or an agenda item.

    A lead window into a group that several groups prepare is also bent as a bundle, each
    preparer's window as far: LSG after the summer break, a week later, has all five
    beredningsgrupper's June meetings too far ahead, and no one window bent alone helps."""
    scenario = problem.scenario
    kind = key[0]
    if kind == "link":
        group = scenario.group(str(key[1]))
        feed = next(f for f in group.feeds if f.to == key[2])
        lead = feed.lead_days
        notice = scenario.group(feed.to).notice_days
        writeup = group.writeup(feed, scenario.writeup_days)
        yield [(Bend("lead_max", group.id, feed.to, lead.max + n, lead.max),) for n in LADDER]
        yield [
            (Bend("lead_min", group.id, feed.to, lead.min - n, lead.min),)
            for n in LADDER
            if lead.min - n > notice
        ]
        yield [(Bend("writeup", group.id, feed.to, writeup - n, writeup),)
               for n in range(1, writeup + 1)]  # fmt: skip
        parallel = [
            (g.id, f.lead_days.max) for g in scenario.groups for f in g.feeds if f.to == feed.to
        ]  # fmt: skip
        if len(parallel) > 1:
            yield [
                tuple(Bend("lead_max", g, feed.to, most + n, most) for g, most in parallel)
                for n in LADDER
            ]
    elif kind in ("min_gap", "max_gap"):
        group = scenario.group(str(key[1]))
        if kind == "min_gap":
            low = group.min_days_between
            yield [(Bend("min_gap", group.id, value=low - n, was=low),) for n in LADDER
                   if low - n >= 1]  # fmt: skip
        elif group.max_days_between is not None:
            high = group.max_days_between
            yield [(Bend("max_gap", group.id, value=high + n, was=high),) for n in LADDER]
    elif kind == "pinned":
        group_id, day = str(key[1]), date.fromisoformat(str(key[2]))
        record = by_pin.get((group_id, day))
        if record is None or record.id == change.meeting or not replan.firm(scenario, group_id):
            return
        yield [
            (Bend("firm", group_id, meeting=record.id, from_day=day, day=other),)
            for other in _nearest(day, open_days.get(group_id, set()))
        ]
    elif kind == "fixed":
        group = scenario.group(str(key[1]))
        fixed = group.fixed[int(key[2])]
        yield [
            (Bend("fixed", group.id, from_day=fixed.date, day=other),)
            for other in _nearest(fixed.date, open_days.get(group.id, set()))
        ]


def _nearest(day: date, open_days: set[date]) -> list[date]:
    """Days the group can meet up to four weeks either side of ``day``, nearest first (later
    first on a tie)."""
    days = []
    for n in range(1, 29):
        for sign in (1, -1):
            other = day + timedelta(days=sign * n)
            if other in open_days:
                days.append(other)
    return days


def _smallest(ladder: list[Step], possible: Callable[[Step], bool | None]) -> Step | None:
    """The first step of ``ladder`` that makes a plan possible. A bound (a window, a gap)
    that works keeps working when widened: probe the 1st, 2nd, 4th, … and halve back; days
    (a firm or decided meeting elsewhere) are tried nearest first."""
    if not ladder:
        return None
    if ladder[0][0].rule in ("firm", "fixed"):
        return clash.first_possible(ladder, possible, False, DATES_TRIED)
    # The largest bend first: when even it does not help, one solve says so.
    widest = ladder[-1]
    if not possible(widest):
        return None
    return clash.first_possible(
        ladder, lambda b: True if b is widest else possible(b), True, DATES_TRIED
    )


def _trial(problem: Problem, account: _Budget) -> Callable[[Step], bool | None]:
    """Whether ``problem`` with a step has a plan."""

    def possible(step: Step) -> bool | None:
        return _possible(_apply(problem, step), account)

    return possible


def _possible(problem: Problem, account: _Budget) -> bool | None:
    """Whether the changed problem has a plan (None: not known in the budget)."""
    budget = account.take()
    if budget <= 0:
        return None
    ok, spent = clash.has_plan(problem, budget, presolve=False)
    account.pay(spent or 0.0)
    return ok
