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
ENOUGH_PINNED = 2
"""Bends found with everything else pinned after which no bend is sought with moves."""
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

    A rule that no bend of its own lets everything else stay (a week later for a
    beredningsgrupp breaks its own longest gap *and* its link to LSG) is, with ``settings``,
    bent as far as it may go and the county re-planned with the fewest moves (firm meetings
    may move: :mod:`cadence.options` asks their committee); the bend is then cut to what that
    plan uses, and the option re-plans with it: one rule bent, a few meetings moved, instead
    of every rule kept at the price of a cascade (only when it moves ``fewer_than`` other
    meetings, when given: the all-rules option's count). The firm meetings that plan moves come with
    it (the committee is asked, as for a firm bend): the option's re-plan, which moves a firm
    meeting only as a last resort, would otherwise keep them and cascade anyway."""
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
    tried: set[Bend] = set()
    stuck: list[list[Bend]] = []  # ladders whose widest bend alone does not let all stay
    for rule in found.rules:
        for ladder, make in _ladders(problem, rule.key, by_pin, change, open_days):
            bend = _smallest(ladder, _trial(make, account))
            if bend is None and ladder and ladder[0].rule in WITH_MOVES_RULES:
                stuck.append(ladder)
            if bend is None or bend in tried:
                continue
            tried.add(bend)
            record = None
            if bend.rule == "firm":
                assert bend.from_day is not None
                record = by_pin[(bend.group, bend.from_day)]
            yield ((bend, record),)
    if settings is None or len(tried) >= ENOUGH_PINNED:
        return
    for ladder in [_modest(ladder) for ladder in stuck][:WITH_MOVES]:
        if not ladder:
            continue
        found_with = _with_moves(
            problem, decided, stay, ladder, state, cutoff, settings, account, fewer_than
        )
        if found_with is not None and found_with[0][0] not in tried:
            tried.add(found_with[0][0])
            yield found_with


def _held(record: Record) -> Held:
    """A published meeting pinned where it is."""
    return Held(record.group, record.start.date(), record.start.time().replace(tzinfo=None))


def _modest(ladder: list[Bend]) -> list[Bend]:
    """The bends of ``ladder`` a re-plan with moves may use: at most a third of the file's bound
    (and at least a week). Given more, the re-plan trades a move for a lead of three months."""
    return [b for b in ladder if b.size <= max(7, b.was // 3)]


def _with_moves(
    problem: Problem,
    decided: Sequence[Held],
    stay: Sequence[Record],
    ladder: list[Bend],
    state: State,
    cutoff: date,
    settings: solver.Settings,
    account: _Budget,
    fewer_than: int | None,
) -> tuple[Asked, ...] | None:
    """The smallest bend of ``ladder`` that the fewest-moves re-plan with its widest bend
    uses (that plan's places for the meetings ``stay`` pinned, besides the ``decided`` ones,
    probed as :func:`_smallest` probes), with the firm meetings that plan moves. None when even
    the widest leaves no plan (or the budget is spent)."""
    widest = ladder[-1]
    if account.take() <= 0:
        return None
    try:  # bounded by the caller's budget, as each option's own re-plan is
        done = replan.replan(
            bent(problem.scenario, [widest]), "", state, settings, cutoff, explain=False,
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
    bend = _smallest(ladder, _trial(lambda b: replace(plan, scenario=bent(plan.scenario, [b])),
                                    account))  # fmt: skip
    if bend is None:
        return None
    asked: list[Asked] = [(bend, None)]
    for index in done.result.moves.firm if done.result.moves is not None else ():
        record = done.setup.candidates[index]
        if record.id not in where:
            return None  # a firm meeting would be cancelled: never offered
        to = where[record.id].day
        asked.append((Bend("firm", record.group, meeting=record.id,
                           from_day=record.start.date(), day=to), record))  # fmt: skip
    return tuple(asked)


Make = Callable[[Bend], Problem]
Asked = tuple[Bend, Record | None]
"""A bend, and for a firm meeting the committee is asked to move, its published record."""


def _ladders(
    problem: Problem,
    key: RuleKey,
    by_pin: dict[tuple[str, date], Record],
    change: Change,
    open_days: dict[str, set[date]],
) -> Iterator[tuple[list[Bend], Make]]:
    """For one clashing rule, the ways to bend it, each a list of bends smallest first and how
    to make the changed problem of one. Only the rules a coordinator may bend: never a person's
    absence, a closed day, a weekday rule, a count or an agenda item."""
    scenario = problem.scenario

    def _with_bend(bend: Bend) -> Problem:
        return replace(problem, scenario=bent(scenario, [bend]))

    def _with_pin_moved(bend: Bend) -> Problem:
        assert bend.day is not None
        held = tuple(
            replace(h, day=bend.day) if (h.group, h.day) == (bend.group, bend.from_day) else h
            for h in problem.held
        )
        return replace(problem, held=held)

    kind = key[0]
    if kind == "link":
        group = scenario.group(str(key[1]))
        feed = next(f for f in group.feeds if f.to == key[2])
        lead = feed.lead_days
        notice = scenario.group(feed.to).notice_days
        writeup = group.writeup(feed, scenario.writeup_days)
        yield (
            [Bend("lead_max", group.id, feed.to, lead.max + n, lead.max) for n in LADDER],
            (_with_bend),
        )
        yield (
            [
                Bend("lead_min", group.id, feed.to, lead.min - n, lead.min)
                for n in LADDER
                if lead.min - n > notice
            ],
            _with_bend,
        )
        yield [Bend("writeup", group.id, feed.to, writeup - n, writeup)
               for n in range(1, writeup + 1)], _with_bend  # fmt: skip
    elif kind in ("min_gap", "max_gap"):
        group = scenario.group(str(key[1]))
        if kind == "min_gap":
            low = group.min_days_between
            yield [Bend("min_gap", group.id, value=low - n, was=low) for n in LADDER
                   if low - n >= 1], _with_bend  # fmt: skip
        elif group.max_days_between is not None:
            high = group.max_days_between
            yield (
                [Bend("max_gap", group.id, value=high + n, was=high) for n in LADDER],
                (_with_bend),
            )
    elif kind == "pinned":
        group_id, day = str(key[1]), date.fromisoformat(str(key[2]))
        record = by_pin.get((group_id, day))
        if record is None or record.id == change.meeting or not replan.firm(scenario, group_id):
            return
        yield (
            [
                Bend("firm", group_id, meeting=record.id, from_day=day, day=other)
                for other in _nearest(day, open_days.get(group_id, set()))
            ],
            _with_pin_moved,
        )
    elif kind == "fixed":
        group = scenario.group(str(key[1]))
        fixed = group.fixed[int(key[2])]
        yield (
            [
                Bend("fixed", group.id, from_day=fixed.date, day=other)
                for other in _nearest(fixed.date, open_days.get(group.id, set()))
            ],
            _with_bend,
        )


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


def _smallest(ladder: list[Bend], possible: Callable[[Bend], bool | None]) -> Bend | None:
    """The first bend of ``ladder`` that makes a plan possible. A bound (a window, a gap)
    that works keeps working when widened: probe the 1st, 2nd, 4th, … and halve back; days
    (a firm or decided meeting elsewhere) are tried nearest first."""
    if not ladder:
        return None
    if ladder[0].rule in ("firm", "fixed"):
        return clash.first_possible(ladder, possible, False, DATES_TRIED)
    # The largest bend first: when even it does not help, one solve says so.
    widest = ladder[-1]
    if not possible(widest):
        return None
    return clash.first_possible(
        ladder, lambda b: True if b is widest else possible(b), True, DATES_TRIED
    )


def _trial(make: Make, account: _Budget) -> Callable[[Bend], bool | None]:
    def possible(bend: Bend) -> bool | None:
        return _possible(make(bend), account)

    return possible


def _possible(problem: Problem, account: _Budget) -> bool | None:
    """Whether the changed problem has a plan (None: not known in the budget)."""
    budget = account.take()
    if budget <= 0:
        return None
    ok, spent = clash.has_plan(problem, budget, presolve=False)
    account.pay(spent or 0.0)
    return ok
