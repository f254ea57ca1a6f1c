"""The soft goals of :mod:`cadence.goals` as CP-SAT terms, each weighted by the scenario.

Every unit of penalty is a Boolean ("this meeting is more than 10 days from its ideal day") that
the minimisation pushes to false when it can, so at the optimum each term equals
:func:`cadence.goals.penalties` of the plan. Boolean units suit CP-SAT's core-based search,
which proves lower bounds on sums of many small penalties well.
"""

from __future__ import annotations

import itertools
from collections import defaultdict

from ortools.sat.python import cp_model

from cadence import goals
from cadence.instance import Instance
from cadence.solver.variables import Meeting, Variables

Zero = cp_model.LinearExpr.constant(0)


def _present(meeting: Meeting) -> cp_model.LinearExprT:
    """1 when the meeting takes place."""
    return cp_model.LinearExpr.constant(1) if isinstance(meeting.present, int) else meeting.present


def _outside(
    model: cp_model.CpModel, meeting: Meeting, days: list[int], name: str
) -> cp_model.IntVar:
    """A unit that is 1 unless the meeting's day is among ``days`` (or the meeting is absent)."""
    miss = model.new_bool_var(name)
    wanted = set(days)
    inside = [d for d in meeting.days if d in wanted]
    if len(inside) < len(meeting.days):
        model.add_linear_expression_in_domain(
            meeting.day, cp_model.Domain.from_values(inside)
        ).only_enforce_if([miss.Not(), *meeting.when_present()])
    else:
        model.add(miss == 0)
    return miss


class Objective:
    """One linear term per goal (unweighted), and their weighted sum to minimise."""

    def __init__(self, model: cp_model.CpModel, instance: Instance, v: Variables):
        self.terms: dict[str, cp_model.LinearExprT] = {
            "spread": self._spread(model, instance, v),
            "lead": self._lead(model, instance, v),
            "rhythm": self._rhythm(model, instance, v),
            "avoid": self._avoid(model, instance, v),
            "person_week": self._person_week(model, instance, v),
            "person_day": self._person_day(model, instance, v),
        }
        weights = instance.scenario.weights
        self.total = sum((getattr(weights, goal) * term for goal, term in self.terms.items()), Zero)

    @staticmethod
    def _spread(model: cp_model.CpModel, instance: Instance, v: Variables) -> cp_model.LinearExprT:
        units = []
        for group in instance.groups:
            if instance.scenario.weights.spread == 0:
                break
            by_index = {(m.slice_index, m.k): m for m in v.meetings[group.id]}
            for target in goals.spread_targets(group):
                meeting = by_index.get((target.slice_index, target.k))
                if meeting is None:
                    continue
                nested = []
                for limit in goals.SPREAD_THRESHOLDS:
                    near = [d for d in meeting.days if abs(d - target.ideal) <= limit]
                    nested.append(_outside(model, meeting, near, f"spread[{meeting.name},{limit}]"))
                # Further than 10 days implies further than 3: say so, for the LP.
                for near_miss, far_miss in itertools.pairwise(nested):
                    model.add_implication(far_miss, near_miss)
                units.extend(nested)
        return sum(units, Zero)

    @staticmethod
    def _lead(model: cp_model.CpModel, instance: Instance, v: Variables) -> cp_model.LinearExprT:
        units = []
        for li, link in enumerate(instance.links):
            if instance.scenario.weights.lead == 0:
                break
            sources = v.meetings[link.source]
            preceding = instance.group(link.source).preceding
            for j, downstream in enumerate(v.meetings[link.to]):
                options = v.prepares[(li, j)]
                for reach in goals.lead_reaches(link):
                    late = model.new_bool_var(f"lead[{downstream.name},{link.source},{reach}]")
                    # Not late: the preparing meeting chosen lies within ``reach`` days.
                    for k, chosen in options.items():
                        source = sources[k].day if k >= 0 else preceding[k]
                        model.add(downstream.day - source <= reach).only_enforce_if(
                            [chosen, late.Not()]
                        )
                    units.append(late)
        return sum(units, Zero)

    @staticmethod
    def _rhythm(model: cp_model.CpModel, instance: Instance, v: Variables) -> cp_model.LinearExprT:
        units: list[cp_model.LinearExprT] = []
        if instance.scenario.weights.rhythm == 0:
            return Zero
        for group in instance.groups:
            usual_start = group.slots[group.usual_slot].start
            for meeting in v.meetings[group.id]:
                usual = [
                    d for d in meeting.days if goals.weekday(instance, d) == group.usual_weekday
                ]
                units.append(_outside(model, meeting, usual, f"weekday[{meeting.name}]"))
                if len(group.slots) > 1 and not isinstance(meeting.minute, int):
                    other = model.new_bool_var(f"start[{meeting.name}]")
                    model.add(meeting.minute == usual_start).only_enforce_if(
                        [other.Not(), *meeting.when_present()]
                    )
                    units.append(other)
                elif len(group.slots) > 1 and meeting.minute != usual_start:
                    units.append(_present(meeting))
        return sum(units, Zero)

    @staticmethod
    def _avoid(model: cp_model.CpModel, instance: Instance, v: Variables) -> cp_model.LinearExprT:
        units: list[cp_model.LinearExprT] = []
        for meetings in v.meetings.values():
            if instance.scenario.weights.avoid == 0:
                break
            for meeting in meetings:
                weights = sorted({instance.avoid[d] for d in meeting.days} - {0})
                for weight in weights:
                    calm = [d for d in meeting.days if instance.avoid[d] != weight]
                    units.append(
                        weight * _outside(model, meeting, calm, f"avoid[{meeting.name},{weight}]")
                    )
        return sum(units, Zero)

    @staticmethod
    def _person_day(
        model: cp_model.CpModel, instance: Instance, v: Variables
    ) -> cp_model.LinearExprT:
        """A unit per person and pair of their meetings on one day: one Boolean per pair of
        meetings whose days can meet, counted once for each person at both."""
        if instance.scenario.person_day_hard or instance.scenario.weights.person_day == 0:
            return Zero
        attending: dict[int, tuple[Meeting, set[str]]] = {}
        for group_id, meetings in v.meetings.items():
            for meeting in meetings:
                people = {p for d in meeting.days for p in instance.attendees[(group_id, d)]}
                attending[meeting.day.index] = (meeting, people)
        units: list[cp_model.LinearExprT] = []
        entries = sorted(attending.values(), key=lambda e: e[0].day.index)
        for (a, a_people), (b, b_people) in itertools.combinations(entries, 2):
            shared = len(a_people & b_people)
            common = set(a.days) & set(b.days)
            if not shared or not common:
                continue
            same = model.new_bool_var(f"same_day[{a.name},{b.name}]")
            model.add(a.day != b.day).only_enforce_if(
                [same.Not(), *a.when_present(), *b.when_present()]
            )
            units.append(shared * same)
        return sum(units, Zero)

    @staticmethod
    def _person_week(
        model: cp_model.CpModel, instance: Instance, v: Variables
    ) -> cp_model.LinearExprT:
        limit = instance.scenario.person_week_limit
        if instance.scenario.weights.person_week == 0:
            return Zero
        in_week: dict[tuple[str, tuple[int, int]], list[tuple[Meeting, tuple[int, int]]]] = (
            defaultdict(list)
        )
        cache: dict[tuple[int, tuple[int, int]], cp_model.IntVar] = {}
        days_in_week: dict[tuple[int, tuple[int, int]], list[int]] = {}
        for group_id, meetings in v.meetings.items():
            for meeting in meetings:
                by_week: dict[tuple[int, int], list[int]] = defaultdict(list)
                for d in meeting.days:
                    by_week[goals.iso_week(instance, d)].append(d)
                for week in sorted(by_week):
                    days_in_week[(meeting.day.index, week)] = by_week[week]
                    people = {p for d in by_week[week] for p in instance.attendees[(group_id, d)]}
                    # Sorted: a set of strings iterates in a different order in every process.
                    for person in sorted(people):
                        in_week[(person, week)].append((meeting, week))
        units = []
        seen: dict[frozenset[tuple[int, tuple[int, int]]], cp_model.IntVar] = {}
        for (person, week), entries in in_week.items():
            if len(entries) <= limit:
                continue
            flags = []
            for meeting, w in entries:
                key = (meeting.day.index, w)
                if key not in cache:
                    # 1 when the meeting is in week w (the minimisation keeps it 0 otherwise).
                    inside = set(days_in_week[key])
                    elsewhere = [d for d in meeting.days if d not in inside]
                    cache[key] = _outside(model, meeting, elsewhere, f"week[{meeting.name},{w}]")
                flags.append(cache[key])
            signature = frozenset((m.day.index, w) for m, w in entries)
            if signature in seen:
                units.append(seen[signature])
                continue
            over = model.new_int_var(0, len(flags) - limit, f"over[{person},{week}]")
            model.add(over >= sum(flags) - limit)
            seen[signature] = over
            units.append(over)
        return sum(units, Zero)
