"""A lower bound on the objective by Lagrangian decomposition: one exact subproblem per group.

What couples the groups is relaxed with prices:

- **The chain.** Each prepared meeting gets a *copy* of its preparing meeting's day: the
  prepared group chooses it inside the lead window (before the notice's write-up days) and pays
  the ``lead`` goal for it, exactly as :func:`cadence.goals.penalties` counts it. The equality
  "the copy is a day the preparing group meets" is priced: ``lam[link][i, c] >= 0`` for "meeting
  i's copy is day c", which the prepared group pays and the preparing group earns on day c.
- **Shared people.** Nobody in two meetings on one day (``person_day_hard``, or the
  ``person_day`` goal, of which ``n - 1`` per person and day is a lower estimate), and the
  ``person_week`` goal: a price per person and day or ISO week, paid by every group the person
  attends then, capped by the goal's weight where the rule is soft.

Each group's subproblem is then the construction's dynamic programme (:mod:`construct`) over
its meetings in order, exact for everything that is the group's own: its days, gaps, fixed
dates and agenda windows, and the goals ``spread``, ``rhythm`` and ``avoid``. Every plan that
keeps the rules is a solution of the relaxed problem with the same cost or more, so for any
prices the sum of the subproblems' minima, less the prices' constants, is a lower bound on the
objective; subgradient steps (Polyak's, towards a known plan's objective) raise it. The costs
are :mod:`cadence.goals`' definitions, term for term: :func:`plan_costs` evaluates a plan the
way the subproblems count it, and the tests hold it to the goals.

Everything is numpy over fixed arrays and a fixed number of steps: the same scenario gives the
same bound on any machine.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from cadence import goals
from cadence.instance import GroupData, Instance, Link
from cadence.solver.variables import Variables

INF = np.inf
STEPS = 250
"""Subgradient steps by default: on Sörmland 2026 100 steps give 264, 200 give 290, 300 give
298 and the dual levels off at about 302 (673 steps, steps aimed at 668); about 8 ms a step."""
SNAPSHOT = 0.7
"""Besides the best step's prices, the best ones after this share of the steps steer the
construction too (at scale 1): on the example county the prices after 175 of 250 steps give
135 (the final ones 155 / 151 / 151 at scales 1 / 1.25 / 1.5); on Sörmland they give 538 and
471 (2026 and 2027), and at scales 1.25 and 1.5 481–628: nothing better than the final ones."""
STEERING = (1.0, 1.25, 1.5)
"""The scales of the prices that steer the construction, each tried (the cheapest plan wins):
the steered plan reacts strongly to them. Constructed plans at 1 / 1.25 / 1.5 / 2 after 250
steps: Sörmland 2026 518 / 496 / 496 / 496 (plain 745), 2027 474 / 432 / 474 / 478 (plain
452), the example county 155 / 151 / 151 / 151 (plain 175); on tests/data/small.yaml only 1
finds the optimum 10 (plain 24). After 150 or 200 steps every scale does worse on Sörmland
(498–806 and 476–617)."""


@dataclass
class _Target:
    """A link seen from the prepared group: for each of its days, the preparing group's
    candidate days (indexes into the preparing group's extended day array) and their leads'
    cost."""

    link: int
    source: int
    """Index of the preparing group in :attr:`Decomposition.groups`."""
    choices: np.ndarray
    """(days of the prepared group, K): index of a candidate day; ``pad`` when none."""
    lead_cost: np.ndarray
    """(days, K): the weighted lead goal of that candidate (inf for ``pad``)."""


@dataclass
class _Group:
    data: GroupData
    days: np.ndarray
    """The group's possible days, sorted (D)."""
    base: np.ndarray
    """(meetings, D): own goals of meeting i on each day (inf outside its domain)."""
    optional: np.ndarray
    """(meetings,) bool: the meeting may be absent."""
    step: np.ndarray
    """(D + 1, D): 0 where a meeting on day p may be followed by the next present meeting on
    day d (gaps, no window jumped over), inf elsewhere; row D is the start (no meeting yet)."""
    end: np.ndarray
    """(D + 1,): 0 where the last present meeting may end the group's meetings."""
    targets: list[_Target]
    n_pre: int
    """The group's meetings before the period, which may prepare at no price."""
    layers: list[tuple[np.ndarray, np.ndarray]] | None = None
    """Without optional meetings: per meeting, its domain (positions in ``days``) and the
    ``step`` rows of the previous meeting's domain to it (a quarter of the work on Sörmland)."""


@dataclass(frozen=True)
class Bound:
    value: int
    """The bound: a whole number, since every plan's objective is."""
    raw: float
    iterations: int
    """Subgradient steps taken."""


class Decomposition:
    """The relaxed problem of an instance; :meth:`bound` solves its Lagrangian dual."""

    def __init__(self, instance: Instance, v: Variables):
        self.instance = instance
        self.snapshots: list[tuple[list[np.ndarray], np.ndarray, np.ndarray]] = []
        self.prices: tuple[list[np.ndarray], np.ndarray, np.ndarray] = (
            [],
            np.zeros(0),
            np.zeros(0),
        )
        weights = instance.scenario.weights
        self.groups: list[_Group] = []
        self.index: dict[str, int] = {}
        for group in instance.groups:
            self.index[group.id] = len(self.groups)
            self.groups.append(self._group(group, v))
        for li, link in enumerate(instance.links):
            if link.to in self.index and link.source in self.index:
                self._link(li, link, weights.lead)
        self._people()

    # -- building ----------------------------------------------------------------------------

    def _group(self, group: GroupData, v: Variables) -> _Group:
        instance = self.instance
        weights = instance.scenario.weights
        days = np.array(group.days, dtype=np.int64)
        position = {int(d): i for i, d in enumerate(days)}
        meetings = v.meetings[group.id]
        targets = {(t.slice_index, t.k): t.ideal for t in goals.spread_targets(group)}
        usual_start = group.slots[group.usual_slot].start
        options = dict(group.options)
        fixed = dict(group.fixed)
        base = np.full((len(meetings), len(days)), INF)
        for i, meeting in enumerate(meetings):
            ideal = targets.get((meeting.slice_index, meeting.k))
            for day in meeting.days:
                slots = [fixed[day]] if day in fixed else list(options[day])
                cost = weights.avoid * instance.avoid[day]
                cost += weights.rhythm * (goals.weekday(instance, day) != group.usual_weekday)
                if len(group.slots) > 1:
                    cost += weights.rhythm * min(group.slots[j].start != usual_start for j in slots)
                if ideal is not None and meeting.mandatory:
                    cost += weights.spread * goals.spread_units(abs(day - ideal))
                base[i, position[day]] = cost
        optional = np.array([not m.mandatory for m in meetings], dtype=bool)

        # Windows that must hold a meeting: fixed dates and agenda items' days.
        windows = [(day, day) for day, _ in group.fixed]
        for due in instance.dues:
            if due.group == group.id and due.days:
                windows.append((due.days[0], due.days[-1]))
        D = len(days)
        previous = days[:, None]
        following = days[None, :]
        gap = following - previous
        max_gap = group.max_gap if group.max_gap is not None else 10**9
        ok = (gap >= group.min_gap) & (gap <= max_gap)
        ok &= following <= self._reach(windows, previous)
        start = np.ones(D, dtype=bool)
        if group.preceding and meetings and meetings[0].mandatory:
            since = days - group.preceding[-1]
            start &= (since >= group.min_gap) & (since <= max_gap)
        start &= days <= self._reach(windows, np.array([-(10**9)]))[0]
        step = np.full((D + 1, D), INF)
        step[:D][ok] = 0.0
        step[D][start] = 0.0
        last_needed = max((first for first, _ in windows), default=-(10**9))
        end = np.full(D + 1, INF)
        end[:D][days >= last_needed] = 0.0
        if not windows and optional.all():
            end[D] = 0.0
        layers = None
        if not optional.any() and len(meetings):
            layers = []
            previous_domain = np.array([D])
            for i in range(len(meetings)):
                domain = np.nonzero(np.isfinite(base[i]))[0]
                layers.append((domain, step[np.ix_(previous_domain, domain)]))
                previous_domain = domain
        return _Group(group, days, base, optional, step, end, [], len(group.preceding), layers)

    @staticmethod
    def _reach(windows: Sequence[tuple[int, int]], after: np.ndarray) -> np.ndarray:
        """For each day in ``after``: the earliest end of a window that starts after it (a
        next meeting beyond it would leave that window empty)."""
        reach = np.full(after.shape, 10**9, dtype=np.int64)
        for first, last in windows:
            reach = np.where(first > after, np.minimum(reach, last), reach)
        return reach

    def _link(self, li: int, link: Link, lead_weight: int) -> None:
        target = self.groups[self.index[link.to]]
        source = self.groups[self.index[link.source]]
        pre = np.array(source.data.preceding, dtype=np.int64)
        extended = np.concatenate([source.days, pre])
        pad = len(extended)
        reaches = np.array(goals.lead_reaches(link), dtype=np.int64)
        rows = []
        for day in target.days:
            day = int(day)
            low, high = day - link.high, link.last_source_day(day)
            rows.append(np.nonzero((extended >= low) & (extended <= high))[0])
        width = max((len(r) for r in rows), default=0) or 1
        choices = np.full((len(rows), width), pad, dtype=np.int64)
        lead_cost = np.full((len(rows), width), INF)
        for i, (day, row) in enumerate(zip(target.days, rows, strict=True)):
            choices[i, : len(row)] = row
            leads = int(day) - extended[row]
            lead_cost[i, : len(row)] = lead_weight * (leads[:, None] > reaches[None, :]).sum(1)
        target.targets.append(_Target(li, self.index[link.source], choices, lead_cost))

    def _people(self) -> None:
        """Per group, the (day position, person) pairs of the people who sit in more than one
        group, and their days and ISO weeks."""
        instance = self.instance
        in_groups: dict[str, set[str]] = {}
        for group in self.groups:
            for day in group.days:
                for person in instance.attendees[(group.data.id, int(day))]:
                    in_groups.setdefault(person, set()).add(group.data.id)
        shared = sorted(p for p, gs in in_groups.items() if len(gs) > 1)
        self.people = {p: i for i, p in enumerate(shared)}
        horizon = instance.horizon
        weeks = sorted({instance.week(d) for d in range(horizon)})
        week_index = {w: i for i, w in enumerate(weeks)}
        self.week_of = np.array([week_index[instance.week(d)] for d in range(horizon)])
        self.n_weeks = len(weeks)
        self.pairs: list[tuple[np.ndarray, np.ndarray]] = []
        for group in self.groups:
            positions, persons = [], []
            for i, day in enumerate(group.days):
                for person in instance.attendees[(group.data.id, int(day))]:
                    if person in self.people:
                        positions.append(i)
                        persons.append(self.people[person])
            self.pairs.append((np.array(positions, dtype=np.int64), np.array(persons, np.int64)))

    # -- the subproblems ---------------------------------------------------------------------

    def _solve_group(
        self, g: int, price: np.ndarray, lam: Sequence[np.ndarray]
    ) -> tuple[float, np.ndarray, list[np.ndarray]]:
        """The group's cheapest meetings under the prices: (cost, chosen day positions,
        per target link the copy chosen for each meeting, -1 when absent)."""
        group = self.groups[g]
        n, D = group.base.shape
        cost = group.base + price[None, :]
        copies = []
        for t in group.targets:
            # (meetings, D, K): a copy's price for each meeting, plus its lead.
            priced = lam[t.link][:, t.choices] + t.lead_cost[None, :, :]
            best = priced.argmin(axis=2)
            rows, columns = np.indices(best.shape, sparse=True)
            cost = cost + priced[rows, columns, best]
            copies.append(t.choices[columns, best])
        if group.layers is not None:
            return self._solve_layers(group, cost, copies)
        value = np.full(D + 1, INF)
        value[D] = 0.0
        came = np.zeros((n, D), dtype=np.int64)
        carried = np.zeros((n, D + 1), dtype=bool)
        for i in range(n):
            total = value[:, None] + group.step
            came[i] = total.argmin(axis=0)
            here = np.empty(D + 1)
            here[:D] = cost[i] + total[came[i], np.arange(D)]
            here[D] = INF
            if group.optional[i]:
                keep = value < here
                carried[i] = keep
                here = np.where(keep, value, here)
            value = here
        final = value + group.end
        state = int(final.argmin())
        total_cost = float(final[state])
        chosen = []
        meeting_copies = [np.full(n, -1, dtype=np.int64) for _ in group.targets]
        for i in range(n - 1, -1, -1):
            if state == D or carried[i, state]:
                continue
            chosen.append(state)
            for c, copy in zip(meeting_copies, copies, strict=True):
                c[i] = copy[i, state]
            state = int(came[i, state])
        return total_cost, np.array(sorted(chosen), dtype=np.int64), meeting_copies

    @staticmethod
    def _solve_layers(
        group: _Group, cost: np.ndarray, copies: list[np.ndarray]
    ) -> tuple[float, np.ndarray, list[np.ndarray]]:
        """:meth:`_solve_group` for a group whose meetings all take place: each meeting's
        states are only its own domain's days."""
        assert group.layers is not None
        n = len(group.layers)
        value = np.zeros(1)
        came = []
        for i, (domain, step) in enumerate(group.layers):
            total = value[:, None] + step
            arg = total.argmin(axis=0)
            came.append(arg)
            value = cost[i, domain] + total[arg, np.arange(len(domain))]
        last_domain = group.layers[-1][0]
        final = value + group.end[last_domain]
        state = int(final.argmin())
        chosen = []
        meeting_copies = [np.full(n, -1, dtype=np.int64) for _ in group.targets]
        for i in range(n - 1, -1, -1):
            position = int(group.layers[i][0][state])
            chosen.append(position)
            for c, copy in zip(meeting_copies, copies, strict=True):
                c[i] = copy[i, position]
            state = int(came[i][state])
        return float(final.min()), np.array(chosen[::-1], dtype=np.int64), meeting_copies

    # -- the dual ----------------------------------------------------------------------------

    def bound(self, upper: float, iterations: int = 200) -> Bound:
        """The best Lagrangian bound found in ``iterations`` subgradient steps, each sized by
        Polyak's rule towards ``upper`` (the objective of a known plan)."""
        instance = self.instance
        weights = instance.scenario.weights
        hard_day = instance.scenario.person_day_hard
        limit = instance.scenario.person_week_limit
        n_people = len(self.people)
        horizon = instance.horizon
        lam = []
        for link in instance.links:
            target = self.groups[self.index[link.to]]
            source = self.groups[self.index[link.source]]
            row = np.zeros((target.base.shape[0], len(source.days) + source.n_pre + 1))
            row[:, -1] = INF  # the pad: no candidate
            lam.append(row)
        prepares = [
            [t.link for t in self._targets() if t.source == g] for g in range(len(self.groups))
        ]
        copy_of = {t.link: (self.index[instance.links[t.link].to], k) for t, k in self._numbered()}
        day_price = np.zeros((n_people, horizon))
        day_cap = INF if hard_day else float(weights.person_day)
        week_price = np.zeros((n_people, self.n_weeks))
        week_cap = float(weights.person_week)
        best = -INF
        theta = 1.0
        stalled = 0
        taken = 0
        self.snapshots = []
        for step in range(iterations):
            taken += 1
            if step == round(SNAPSHOT * iterations):
                self.snapshots.append(self.prices)  # the best prices so far, kept to steer
            value = 0.0
            chosen = []
            all_copies = []
            for g, group in enumerate(self.groups):
                positions, persons = self.pairs[g]
                price = np.zeros(len(group.days))
                if len(positions):
                    day = group.days[positions]
                    paid = day_price[persons, day] + week_price[persons, self.week_of[day]]
                    price += np.bincount(positions, paid, minlength=len(group.days))
                for li in prepares[g]:
                    # Earned on a day the copies of the meetings it prepares are priced at.
                    price -= lam[li][:, : len(group.days)].sum(axis=0)
                cost, days, copies = self._solve_group(g, price, lam)
                value += cost
                chosen.append(days)
                all_copies.append(copies)
            value -= day_price.sum() + limit * week_price.sum()
            if not math.isfinite(value):
                return Bound(0, -INF, taken)  # a group alone cannot keep its own rules
            if value > best + 1e-9:
                best, stalled = value, 0
                self.prices = ([x.copy() for x in lam], day_price.copy(), week_price.copy())
            else:
                stalled += 1
                if stalled >= 10:
                    theta, stalled = theta / 2, 0
            if math.ceil(best - 1e-6) >= upper or theta < 1e-4:
                break
            # The subgradient: how far each relaxed rule is from holding, in the directions
            # the prices can move (a price at 0 does not go below, a capped one not above).
            g_lam = []
            for li, link in enumerate(instance.links):
                width = len(self.groups[self.index[link.source]].days)
                grad = np.zeros_like(lam[li])
                grad[:, chosen[self.index[link.source]]] = -1.0
                target_g, k = copy_of[li]
                copy = all_copies[target_g][k]
                present = copy >= 0
                grad[np.nonzero(present)[0], copy[present]] += 1.0
                grad[:, width:] = 0.0  # meetings before the period prepare for free
                grad[(lam[li] <= 0) & (grad < 0)] = 0.0
                g_lam.append(grad)
            at_day, at_week = [], []
            for g, group in enumerate(self.groups):
                positions, persons = self.pairs[g]
                if not len(positions):
                    continue
                meets = np.zeros(len(group.days), dtype=bool)
                meets[chosen[g]] = True
                on = meets[positions]
                day = group.days[positions[on]]
                at_day.append(persons[on] * horizon + day)
                at_week.append(persons[on] * self.n_weeks + self.week_of[day])
            flat_day = np.concatenate(at_day) if at_day else np.zeros(0, dtype=np.int64)
            flat_week = np.concatenate(at_week) if at_week else np.zeros(0, dtype=np.int64)
            size = n_people * horizon
            day_count = np.bincount(flat_day, minlength=size).reshape(n_people, horizon)
            size = n_people * self.n_weeks
            week_count = np.bincount(flat_week, minlength=size).reshape(n_people, self.n_weeks)
            g_day = day_count - 1.0
            g_week = week_count - limit
            g_day[((day_price <= 0) & (g_day < 0)) | ((day_price >= day_cap) & (g_day > 0))] = 0
            g_week[
                ((week_price <= 0) & (g_week < 0)) | ((week_price >= week_cap) & (g_week > 0))
            ] = 0
            norm = float((g_day**2).sum() + (g_week**2).sum())
            norm += sum(float((grad**2).sum()) for grad in g_lam)
            if norm == 0:
                break  # the relaxed solution keeps every relaxed rule: the bound is exact
            size = theta * max(upper - value, 1.0) / norm
            for li, grad in enumerate(g_lam):
                finite = np.isfinite(lam[li])
                lam[li][finite] = np.maximum(0.0, lam[li][finite] + size * grad[finite])
            day_price = np.clip(day_price + size * g_day, 0.0, day_cap)
            week_price = np.clip(week_price + size * g_week, 0.0, week_cap)
        self.snapshots.append(self.prices)
        return Bound(max(0, math.ceil(best - 1e-6)), best, taken)

    def lookahead(
        self, scale: float = 1.0, snapshot: int = -1
    ) -> dict[str, dict[tuple[int, int], float]]:
        """At the best step's prices: for each group, (meeting index, day) → what the day
        costs beyond the group's own goals as the relaxation sees it: its preparing groups'
        priced copies with their leads, and the prices of its shared people. The backward
        construction (:func:`cadence.solver.construct.construct`) places a group before its
        preparers; this is their side of the bargain, in advance, times ``scale``. The prices
        are the best step's, or those of an earlier ``snapshot`` (:data:`SNAPSHOT`)."""
        lam, day_price, week_price = self.snapshots[snapshot] if self.snapshots else self.prices
        found: dict[str, dict[tuple[int, int], float]] = {}
        for g, group in enumerate(self.groups):
            n, D = group.base.shape
            extra = np.zeros((n, D))
            positions, persons = self.pairs[g]
            if len(positions):
                day = group.days[positions]
                paid = day_price[persons, day] + week_price[persons, self.week_of[day]]
                extra += np.bincount(positions, paid, minlength=D)[None, :]
            for t in group.targets:
                priced = lam[t.link][:, t.choices] + t.lead_cost[None, :, :]
                extra += priced.min(axis=2)
            finite = np.isfinite(group.base)
            found[group.data.id] = {
                (i, int(group.days[p])): scale * float(extra[i, p])
                for i, p in zip(*np.nonzero(finite), strict=True)
            }
        return found

    def _targets(self) -> list[_Target]:
        return [t for group in self.groups for t in group.targets]

    def _numbered(self) -> list[tuple[_Target, int]]:
        """Each link's target view with its place in its group's ``targets``."""
        return [(t, k) for group in self.groups for k, t in enumerate(group.targets)]

    # -- a plan as the subproblems count it --------------------------------------------------

    def plan_costs(self, meetings: Mapping[str, Sequence[int]]) -> dict[str, float]:
        """Each group's subproblem cost of the meetings on ``meetings`` (group id → days) at
        zero prices, with each copy on the day the goals take as the preparing meeting: the
        group's spread, rhythm and avoid, and the lead of the meetings it prepares for."""
        instance = self.instance
        result = {}
        for group in self.groups:
            own = sorted(meetings.get(group.data.id, ()))
            position = {int(d): i for i, d in enumerate(group.days)}
            layers = self._layers(group, own)
            total = 0.0
            for i, day in zip(layers, own, strict=True):
                total += float(group.base[i, position[day]])
            for t in group.targets:
                link = instance.links[t.link]
                source = self.groups[t.source]
                extended = [*(int(d) for d in source.days), *source.data.preceding]
                sources = sorted([*source.data.preceding, *meetings.get(source.data.id, ())])
                for day in own:
                    chosen = goals.preparing_day(link, day, sources)
                    if chosen is None:
                        total = INF
                        continue
                    k = list(t.choices[position[day]]).index(extended.index(chosen))
                    total += float(t.lead_cost[position[day], k])
            result[group.data.id] = total
        return result

    @staticmethod
    def _layers(group: _Group, days: Sequence[int]) -> list[int]:
        """Which meeting (layer) each of ``days`` is: in order, skipping optional layers whose
        domain does not hold the day."""
        position = {int(d): i for i, d in enumerate(group.days)}
        layers, i = [], 0
        for day in days:
            while not math.isfinite(group.base[i, position[day]]) and group.optional[i]:
                i += 1
            layers.append(i)
            i += 1
        return layers
