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

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta

from cadence import clash, replan
from cadence.bends import Bend
from cadence.bends import apply as bent
from cadence.clash import Problem
from cadence.errors import InfeasibleError
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
    scenario: Scenario, state: State, cutoff: date, change: Change
) -> Iterator[tuple[Bend, Record | None]]:
    """For each rule of "nothing else moves" that clashes (``state`` holds ``change``), the
    bend by the smallest amount with which every other published meeting can stay, and for a
    firm meeting asked to move, its record. ``scenario`` has the bends already decided."""
    _, decided, extra = replan.decided_meetings(scenario, state, cutoff)
    try:
        setup = replan.prepare(scenario, state, cutoff)
    except InfeasibleError:
        return  # the change itself cannot be held (a closed day): the refusal says why
    pins = [
        Held(r.group, r.start.date(), r.start.time().replace(tzinfo=None))
        for r in setup.candidates
        if r.id != change.meeting and not any(
            c.action == "move" and c.meeting == r.id for c in setup.changes
        )
    ]  # fmt: skip
    problem = Problem(scenario, (*decided, *pins), cutoff, extra)
    account = _Budget(SEARCH_BUDGET)
    found = clash.explain(problem, EXPLAIN_BUDGET, relax=False)
    if found is None:
        return
    by_pin = {(r.group, r.start.date()): r for r in setup.candidates}
    inst = setup.instance
    open_days = {g.id: {inst.day(d) for d in g.days} for g in inst.groups}
    tried: set[Bend] = set()
    for rule in found.rules:
        for ladder, make in _ladders(problem, rule.key, by_pin, change, open_days):
            bend = _smallest(ladder, _trial(make, account))
            if bend is None or bend in tried:
                continue
            tried.add(bend)
            record = None
            if bend.rule == "firm":
                assert bend.from_day is not None
                record = by_pin[(bend.group, bend.from_day)]
            yield bend, record


Make = Callable[[Bend], Problem]


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
