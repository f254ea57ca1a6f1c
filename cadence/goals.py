"""The soft goals, defined once on an instance and a set of meeting days.

The solver's objective encodes these definitions; a plan computes its own objective with
:func:`penalties`, and at a proven optimum the two agree. Every goal counts whole units (most of
them "weeks away from what we want"), so the scenario's weights trade them against each other
and the solver can prove its bound with few distinct objective values:

- ``spread``: the k-th of a group's n required meetings in a year has an ideal day, (2k+1)/2n of
  the way along the group's open days of that year (breaks and holidays do not count), moved by
  the group's stage in the chain (:func:`cadence.instance.stages`). A unit for each of the
  thresholds 3, 10, 17 and 24 days that the meeting is further away than.
- ``lead``: for each meeting of a prepared group and each group that prepares it, the lead is
  the days since the latest preparing meeting inside the lead window. A unit for each of the
  thresholds preferred, preferred + 7, … (below the window's maximum) that the lead exceeds.
- ``rhythm``: a unit for each meeting not on the group's usual weekday, and one for each required
  meeting whose week of the month (days 1–7, 8–14, …) is more than one away from its ideal day's.
- ``avoid``: the avoid weight of each meeting's day (school holidays, klämdagar, …).
- ``person_week``: for each person and ISO week, the meetings beyond ``person_week_limit``.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cadence.instance import GroupData, Instance, Link

GOALS = ("spread", "lead", "rhythm", "avoid", "person_week")
SPREAD_THRESHOLDS = (3, 10, 17, 24)
LEAD_STEP_DAYS = 7


@dataclass(frozen=True)
class SpreadTarget:
    """The ideal day of the k-th required meeting of a group in one count slice."""

    group: str
    slice_index: int
    k: int
    ideal: int


def spread_targets(group: GroupData) -> list[SpreadTarget]:
    targets = []
    for si, (piece, open_days) in enumerate(zip(group.counts, group.open_days, strict=True)):
        n, size = piece.low, len(open_days)
        if n == 0 or size == 0:
            continue
        for k in range(n):
            ideal = open_days[(2 * k + 1) * size // (2 * n)] + group.stage
            ideal = min(max(ideal, open_days[0]), open_days[-1])
            targets.append(SpreadTarget(group.id, si, k, ideal))
    return targets


def spread_units(deviation: int) -> int:
    return sum(1 for limit in SPREAD_THRESHOLDS if deviation > limit)


def lead_reaches(link: Link) -> list[int]:
    """Leads beyond which one more unit is due: preferred, preferred + 7, … below the maximum."""
    return list(range(link.preferred, link.high, LEAD_STEP_DAYS))


def weekday(instance: Instance, day: int) -> int:
    return instance.day(day).weekday()


def week_of_month(instance: Instance, day: int) -> int:
    return (instance.day(day).day - 1) // 7


def same_week_of_month(instance: Instance, day: int, ideal: int) -> bool:
    return abs(week_of_month(instance, day) - week_of_month(instance, ideal)) <= 1


def iso_week(instance: Instance, day: int) -> tuple[int, int]:
    iso = instance.day(day).isocalendar()
    return iso.year, iso.week


def penalties(instance: Instance, days: Mapping[str, Sequence[int]]) -> dict[str, int]:
    """Each goal's unweighted penalty for meetings on ``days`` (group id → meeting days)."""
    ordered = {g: sorted(ds) for g, ds in days.items()}
    result = dict.fromkeys(GOALS, 0)

    for group in instance.groups:
        mine = ordered.get(group.id, [])
        for target in spread_targets(group):
            piece = group.counts[target.slice_index]
            in_slice = [d for d in mine if piece.first <= d <= piece.last]
            if target.k < len(in_slice):
                result["spread"] += spread_units(abs(in_slice[target.k] - target.ideal))

    for link in instance.links:
        sources = ordered.get(link.source, [])
        for day in ordered.get(link.to, []):
            i = bisect.bisect_right(sources, day - link.low) - 1
            if i < 0 or sources[i] < day - link.high:
                continue  # the chain is broken here; the verifier reports it
            lead = day - sources[i]
            result["lead"] += sum(1 for reach in lead_reaches(link) if lead > reach)

    for group in instance.groups:
        mine = ordered.get(group.id, [])
        result["rhythm"] += sum(weekday(instance, d) != group.usual_weekday for d in mine)
        for target in spread_targets(group):
            piece = group.counts[target.slice_index]
            in_slice = [d for d in mine if piece.first <= d <= piece.last]
            if target.k < len(in_slice):
                result["rhythm"] += not same_week_of_month(
                    instance, in_slice[target.k], target.ideal
                )
        result["avoid"] += sum(instance.avoid[d] for d in mine)

    load: dict[tuple[str, tuple[int, int]], int] = defaultdict(int)
    for group_id, mine in ordered.items():
        for day in mine:
            for person in instance.attendees[(group_id, day)]:
                load[(person, iso_week(instance, day))] += 1
    limit = instance.scenario.person_week_limit
    result["person_week"] = sum(max(0, n - limit) for n in load.values())
    return result


def weighted(instance: Instance, values: Mapping[str, int]) -> int:
    weights = instance.scenario.weights
    return sum(getattr(weights, goal) * values[goal] for goal in GOALS)
