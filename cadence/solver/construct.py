"""A first plan built round by round, backwards from the deciding body: no search.

Groups are placed one at a time, each after every group it prepares (NSV with its fixed dates
first, then Länsstyrgruppen, the beredningsgrupper, the arbetsgrupper; groups outside the chain
by their stage). Each group's meetings are chosen together by dynamic programming over its
meetings in order: the state is "meeting i on day d", a step from one meeting to the next keeps
the group's minimum and maximum gap, and every window that must hold a meeting of the group (a
placed meeting it prepares: inside the lead window and before that meeting's notice; an agenda
item's days; a fixed date) gets one, because a step may not jump over a whole window. The cost
is the goals of :mod:`cadence.goals` that are known once the later rounds are placed: spread,
weekday and start time, avoided days, the lead to the meetings it prepares, and the people's
load from the groups placed before.

The result is a suggestion, not a plan: days where an attendee is already at another group's
meeting are skipped, but agenda items' finer rules (first meeting of an occurrence, one item
some days before another) are only approximated. :func:`cadence.solver.solve` fixes the
suggested days in the full model and lets CP-SAT fill in (and check) everything else; when a
group cannot be placed at all, there is no suggestion and the solver starts from the rules.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cadence import goals
from cadence.instance import GroupData, Instance, Link
from cadence.solver.variables import Meeting, Variables

INF = float("inf")
MISSED = 1e6
"""The cost of a window without a meeting, or of a taken day, when nothing better exists."""

Placement = dict[str, list[tuple[int, int]]]
"""Group id → (day, slot index) of each required meeting, in order."""


@dataclass(frozen=True)
class _Window:
    """Days ``first``..``last``: one of the group's meetings must lie there."""

    first: int
    last: int


@dataclass(frozen=True)
class _Prepared:
    """A placed meeting the group prepares: the lead is counted from the group's latest
    meeting on or before ``latest``."""

    day: int
    latest: int
    reaches: tuple[int, ...]


@dataclass(frozen=True)
class _Feeder:
    """A group not placed yet that prepares this one with as many meetings: one of its
    meetings per round, so two consecutive meetings of this group leave it a pair of days
    within its own gaps (else the next round finds no days for it, as Socialchefsnätverket
    after Länsstyrgruppen's first meeting after the summer)."""

    link: Link
    days: tuple[int, ...]
    min_gap: int
    max_gap: float

    def earliest(self, day: int) -> int | None:
        """The feeder's earliest day that may prepare a meeting on ``day``."""
        i = bisect.bisect_left(self.days, day - self.link.high)
        if i < len(self.days) and self.days[i] <= self.link.last_source_day(day):
            return self.days[i]
        return None

    def latest(self, day: int) -> int | None:
        i = bisect.bisect_right(self.days, self.link.last_source_day(day)) - 1
        if i >= 0 and self.days[i] >= day - self.link.high:
            return self.days[i]
        return None

    def reach(self, days: Sequence[int]) -> dict[int, tuple[int, int] | None]:
        """For each of ``days``: the feeder's earliest and latest day that may prepare a
        meeting there (None when none may: the windows speak for that day)."""
        found: dict[int, tuple[int, int] | None] = {}
        for day in days:
            first, last = self.earliest(day), self.latest(day)
            found[day] = None if first is None or last is None else (first, last)
        return found

    def allows(self, before_p: tuple[int, int] | None, before_d: tuple[int, int] | None) -> bool:
        """Meetings on p and then d, with the feeder's :meth:`reach` of each, leave the feeder
        a meeting before each within its gaps."""
        if before_p is None or before_d is None:
            return True  # the windows say what they can; this is about the gaps alone
        (first_p, last_p), (first_d, last_d) = before_p, before_d
        return first_d - last_p <= self.max_gap and last_d - first_p >= self.min_gap


def order(instance: Instance) -> list[GroupData]:
    """Groups after every group they prepare; among those ready, the later stage first (the
    deciding body before the groups that prepare it), then the scenario's order."""
    prepares: dict[str, set[str]] = defaultdict(set)
    for link in instance.links:
        prepares[link.source].add(link.to)
    placed: list[GroupData] = []
    done: set[str] = set()
    while len(placed) < len(instance.groups):
        ready = [g for g in instance.groups if g.id not in done and prepares[g.id] <= done]
        if not ready:  # a cycle: the instance refuses these, but stay total
            ready = [g for g in instance.groups if g.id not in done]
        chosen = min(ready, key=lambda g: (-g.stage, g.index))
        placed.append(chosen)
        done.add(chosen.id)
    return placed


class _Occupied:
    """Who is at which placed meeting: per person and day, the (start, end) minutes."""

    def __init__(self, instance: Instance):
        self.instance = instance
        self.hard_day = instance.scenario.person_day_hard
        self.at: dict[tuple[str, int], list[tuple[int, int, str]]] = defaultdict(list)
        self.week: dict[tuple[str, tuple[int, int]], int] = defaultdict(int)

    def add(self, group: GroupData, day: int, slot: int) -> None:
        start = group.slots[slot].start
        end = group.slots[slot].end
        for person in self.instance.attendees[(group.id, day)]:
            self.at[(person, day)].append((start, end, group.id))
            self.week[(person, goals.iso_week(self.instance, day))] += 1

    def remove(self, group: GroupData, placed: Sequence[tuple[int, int]]) -> None:
        """Take the group's placed meetings out again (its fixed ones stay reserved)."""
        fixed = {day for day, _ in group.fixed}
        for day, _ in placed:
            if day in fixed:
                continue
            for person in self.instance.attendees[(group.id, day)]:
                entries = self.at[(person, day)]
                entries.remove(next(e for e in entries if e[2] == group.id))
                self.week[(person, goals.iso_week(self.instance, day))] -= 1

    def free(self, group: GroupData, day: int, slot: int) -> bool:
        start, end = group.slots[slot].start, group.slots[slot].end
        for person in self.instance.attendees[(group.id, day)]:
            for other_start, other_end, other in self.at.get((person, day), ()):
                if other == group.id:
                    continue  # the group's own fixed meeting, reserved in advance
                if self.hard_day or (start < other_end and other_start < end):
                    return False
        return True

    def load_cost(self, group: GroupData, day: int) -> int:
        """The people goals' weighted units that a meeting of ``group`` on ``day`` adds."""
        weights = self.instance.scenario.weights
        limit = self.instance.scenario.person_week_limit
        week = goals.iso_week(self.instance, day)
        cost = 0
        for person in self.instance.attendees[(group.id, day)]:
            if self.week[(person, week)] >= limit:
                cost += weights.person_week
            if not self.hard_day:
                others = [e for e in self.at.get((person, day), ()) if e[2] != group.id]
                cost += weights.person_day * len(others)
        return cost


PASSES = 4
"""Rounds of re-placing each group with all others placed (each never costs more)."""


Lookahead = dict[str, dict[tuple[int, int], float]]
"""Group id → (index of the meeting in ``Variables.meetings``, day) → an estimated cost of the
groups placed later (:meth:`cadence.solver.lagrange.Decomposition.lookahead`)."""


def construct(
    instance: Instance, v: Variables, lookahead: Lookahead | None = None
) -> Placement | None:
    """Days for every group's required meetings (a suggestion: see the module's text), or None
    when a group's gaps leave no way to place its meetings at all.

    The first round places the groups backwards along the chain; each further round places
    every group again, one at a time, with all the others where they are, now knowing the
    meetings that prepare it too; it stops when a round changes nothing."""
    if any(not due.days for due in instance.dues):
        return None  # an item no day can carry: the solver's rules say why
    occupied = _Occupied(instance)
    for group in instance.groups:
        for day, slot in group.fixed:
            occupied.add(group, day, slot)
    placement: Placement = {}
    carried: dict[str, int] = {}
    groups = order(instance)
    for group in groups:
        meetings = [m for m in v.meetings[group.id] if m.mandatory]
        windows, prepared = _needs(instance, group, placement, carried)
        feeders = _feeders(instance, v, group)
        ahead = None
        if lookahead is not None:
            index = {id(m): i for i, m in enumerate(v.meetings[group.id])}
            table = lookahead.get(group.id, {})
            ahead = [{d: table.get((index[id(m)], d), 0.0) for d in m.days} for m in meetings]
        chosen = _place(
            instance, group, meetings, windows, prepared, occupied, strict=True, feeders=feeders,
            ahead=ahead,
        )  # fmt: skip
        if chosen is None:
            # The rounds placed before leave this group no way to keep every rule: place it
            # as well as it can, missing as few of its windows as it must, for the solver to
            # repair.
            chosen = _place(instance, group, meetings, windows, prepared, occupied, strict=False)
        if chosen is None:
            return None
        _put(instance, group, chosen, placement, occupied, carried)
    _passes(instance, v, groups, placement, occupied, carried)
    return placement


def _passes(
    instance: Instance,
    v: Variables,
    groups: list[GroupData],
    placement: Placement,
    occupied: _Occupied,
    carried: dict[str, int],
    rounds: int = PASSES,
) -> None:
    """Re-place each group in turn with the others fixed, until a round changes nothing."""
    for _ in range(rounds):
        changed = False
        for group in groups:
            meetings = [m for m in v.meetings[group.id] if m.mandatory]
            current = placement.pop(group.id)
            occupied.remove(group, current)
            windows, prepared = _needs(instance, group, placement, carried)
            sources = _sources(instance, group, placement)
            chosen = _place(
                instance, group, meetings, windows, prepared, occupied, strict=True,
                sources=sources,
            )  # fmt: skip
            if chosen is None:
                chosen = current
            changed = changed or chosen != current
            _put(instance, group, chosen, placement, occupied, carried)
        if not changed:
            break


def _put(
    instance: Instance,
    group: GroupData,
    chosen: list[tuple[int, int]],
    placement: Placement,
    occupied: _Occupied,
    carried: dict[str, int],
) -> None:
    placement[group.id] = chosen
    fixed_days = {day for day, _ in group.fixed}
    for day, slot in chosen:
        if day not in fixed_days:
            occupied.add(group, day, slot)
    _carry(instance, group, [day for day, _ in chosen], carried)


def _sources(
    instance: Instance, group: GroupData, placement: Placement
) -> list[tuple[Link, list[int]]]:
    """The placed groups that prepare this one: each link with its days, earliest first (the
    meetings before the period included)."""
    found = []
    for link in instance.links:
        if link.to == group.id and link.source in placement:
            source = instance.group(link.source)
            days = sorted([*source.preceding, *(day for day, _ in placement[link.source])])
            found.append((link, days))
    return found


def _needs(
    instance: Instance, group: GroupData, placement: Placement, carried: dict[str, int]
) -> tuple[list[_Window], list[_Prepared]]:
    """The windows the group's meetings must cover and the placed meetings it prepares."""
    windows: list[_Window] = []
    prepared: list[_Prepared] = []
    preceding = group.preceding
    for link in instance.links:
        if link.source != group.id or link.to not in placement:
            continue
        reaches = tuple(goals.lead_reaches(link)) if instance.scenario.weights.lead else ()
        for day, _ in placement[link.to]:
            latest = link.last_source_day(day)
            prepared.append(_Prepared(day, latest, reaches))
            if not any(day - link.high <= p <= latest for p in preceding):
                windows.append(_Window(day - link.high, latest))
    for day, _ in group.fixed:
        windows.append(_Window(day, day))
    for due in instance.dues:
        if due.group != group.id:
            continue
        first, last = due.days[0], due.days[-1]
        if due.before is not None and due.before[0] in carried:
            target = carried[due.before[0]]
            first, last = max(first, target - due.before[2]), min(last, target - due.before[1])
        windows.append(_Window(first, last))
    return windows, prepared


def _feeders(instance: Instance, v: Variables, group: GroupData) -> list[_Feeder]:
    required = sum(1 for m in v.meetings[group.id] if m.mandatory)
    feeders = []
    for link in instance.links:
        if link.to != group.id:
            continue
        source = instance.group(link.source)
        if sum(1 for m in v.meetings[source.id] if m.mandatory) != required:
            continue
        max_gap = source.max_gap if source.max_gap is not None else INF
        feeders.append(_Feeder(link, source.days, source.min_gap, max_gap))
    return feeders


def _carry(instance: Instance, group: GroupData, days: list[int], carried: dict[str, int]) -> None:
    """Which meeting carries each of the group's agenda items: the first one that may (an
    item another item is due before then gives that one its window)."""
    for due in instance.dues:
        if due.group != group.id:
            continue
        carried.pop(due.key, None)  # the group may have moved since
        allowed = set(due.days)
        start = due.occurrence[0] if due.first_meeting else due.days[0]
        on = [d for d in days if d >= start and d in allowed]
        if on:
            carried[due.key] = on[0]


def _own_cost(
    instance: Instance, group: GroupData, day: int, slot: int, ideal: int | None
) -> float:
    """The weighted goals a meeting of the group on ``day`` at ``slot`` costs by itself."""
    weights = instance.scenario.weights
    usual_start = group.slots[group.usual_slot].start
    cost = weights.avoid * instance.avoid[day]
    cost += weights.rhythm * (goals.weekday(instance, day) != group.usual_weekday)
    cost += weights.rhythm * (len(group.slots) > 1 and group.slots[slot].start != usual_start)
    if ideal is not None:
        cost += weights.spread * goals.spread_units(abs(day - ideal))
    return cost


def _place(
    instance: Instance,
    group: GroupData,
    meetings: Sequence[Meeting],
    windows: list[_Window],
    prepared: list[_Prepared],
    occupied: _Occupied,
    strict: bool,
    feeders: Sequence[_Feeder] = (),
    sources: Sequence[tuple[Link, list[int]]] = (),
    ahead: Sequence[Mapping[int, float]] | None = None,
) -> list[tuple[int, int]] | None:
    """The cheapest days for the group's meetings in order, by dynamic programming; None when
    ``strict`` and no days keep every window. Not strict, a step may jump over windows (and a
    meeting may take a day an attendee is taken), at a cost that outweighs every goal."""
    if not meetings:
        return []  # only optional meetings: none is suggested
    weights = instance.scenario.weights
    options = dict(group.options)
    fixed = dict(group.fixed)
    targets = {(t.slice_index, t.k): t.ideal for t in goals.spread_targets(group)}
    usual_start = group.slots[group.usual_slot].start
    max_gap = group.max_gap if group.max_gap is not None else INF

    # Each day once (a day lies in several meetings' domains): its best start and what it
    # costs whichever meeting takes it; None when it cannot be taken.
    per_day: dict[int, tuple[int, float] | None] = {}

    def day_cost(day: int) -> tuple[int, float] | None:
        slots = [fixed[day]] if day in fixed else list(options[day])
        free = [j for j in slots if occupied.free(group, day, j)]
        taken = 0.0
        if not free:
            if strict:
                return None
            free, taken = slots, MISSED
        slot = min(free, key=lambda j: (group.slots[j].start != usual_start, j))
        cost = _own_cost(instance, group, day, slot, None)
        cost += occupied.load_cost(group, day) + taken
        prepared_here = [goals.preparing_day(link, day, days) for link, days in sources]
        if None in prepared_here:
            return None  # nothing placed prepares a meeting on this day
        for (link, _), source in zip(sources, prepared_here, strict=True):
            assert source is not None
            cost += weights.lead * sum(1 for r in goals.lead_reaches(link) if day - source > r)
        return slot, cost

    # Each meeting's days with their best start and its cost.
    candidates: list[list[tuple[int, int, float]]] = []
    for i, meeting in enumerate(meetings):
        ideal = targets.get((meeting.slice_index, meeting.k))
        row = []
        for day in meeting.days:
            if day not in per_day:
                per_day[day] = day_cost(day)
            known = per_day[day]
            if known is None:
                continue
            slot, cost = known
            if ideal is not None:
                cost += weights.spread * goals.spread_units(abs(day - ideal))
            if ahead is not None:
                cost += ahead[i][day]
            row.append((day, slot, cost))
        if not row:
            return None
        candidates.append(row)

    # No step from p to d may jump over a window: d <= reach(p), the earliest window end
    # among the windows that start after p.
    by_first = sorted(windows, key=lambda w: w.first)
    starts = [w.first for w in by_first]
    suffix_min = [INF] * (len(by_first) + 1)
    for i in range(len(by_first) - 1, -1, -1):
        suffix_min[i] = min(suffix_min[i + 1], by_first[i].last)

    def reach(p: float) -> float:
        return suffix_min[bisect.bisect_right(starts, p)] if strict else INF

    def jumped(p: float, d: float) -> float:
        """Not strict: the cost of the windows a step from p to d jumps over."""
        if strict:
            return 0.0
        inside = by_first[bisect.bisect_right(starts, p) :]
        return MISSED * sum(1 for w in inside if w.last < d)

    last_needed = max((w.first for w in windows), default=-INF)
    leads = sorted(prepared, key=lambda r: r.latest)
    latest_days = [r.latest for r in leads]

    def lead_cost(source: float, prepared_meeting: _Prepared) -> int:
        if source == -INF:
            return 0  # nothing prepares it; only possible when no window asks for one
        lead = prepared_meeting.day - source
        return weights.lead * sum(1 for r in prepared_meeting.reaches if lead > r)

    def leads_between(p: float, d: int) -> float:
        """The lead costs of the prepared meetings whose latest preparing day is in [p, d)."""
        lo = bisect.bisect_left(latest_days, p)
        hi = bisect.bisect_left(latest_days, d)
        return sum(lead_cost(p, leads[i]) for i in range(lo, hi))

    all_days = sorted({day for row in candidates for day, _, _ in row})
    reaches = [(f, f.reach(all_days)) for f in feeders]

    previous = group.preceding[-1] if group.preceding else -INF
    best: list[dict[int, float]] = []
    back: list[dict[int, int]] = []
    first_costs: dict[int, float] = {}
    for day, _, cost in candidates[0]:
        if day > reach(-INF if previous == -INF else previous):
            break
        if previous != -INF and not group.min_gap <= day - previous <= max_gap:
            continue
        first_costs[day] = cost + leads_between(previous, day) + jumped(previous, day)
    best.append(first_costs)
    back.append({})
    for i in range(1, len(candidates)):
        here: dict[int, float] = {}
        came: dict[int, int] = {}
        row = candidates[i]
        row_days = [day for day, _, _ in row]
        for p in sorted(best[i - 1]):
            base = best[i - 1][p]
            limit = min(p + max_gap, reach(p))
            j = bisect.bisect_left(row_days, p + group.min_gap)
            # The prepared meetings p leads to, added up as d grows (leads_between(p, d)).
            lead_index, lead_sum = bisect.bisect_left(latest_days, p), 0.0
            while j < len(row) and row[j][0] <= limit:
                day, _, cost = row[j]
                j += 1
                while lead_index < len(leads) and latest_days[lead_index] < day:
                    lead_sum += lead_cost(p, leads[lead_index])
                    lead_index += 1
                if not all(f.allows(r[p], r[day]) for f, r in reaches):
                    continue
                total = base + cost + lead_sum + jumped(p, day)
                if total < here.get(day, INF):
                    here[day] = total
                    came[day] = p
        if not here:
            return None
        best.append(here)
        back.append(came)

    ends = {
        day: total + leads_between(day, instance.horizon + 1) + jumped(day, INF)
        for day, total in best[-1].items()
        if day >= last_needed or not strict
    }
    if not ends:
        return None
    day = min(ends, key=lambda d: (ends[d], d))
    days = [day]
    for i in range(len(candidates) - 1, 0, -1):
        day = back[i][day]
        days.append(day)
    days.reverse()
    slot_of = [{d: s for d, s, _ in row} for row in candidates]
    return [(d, slot_of[i][d]) for i, d in enumerate(days)]
