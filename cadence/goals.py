"""The soft goals, defined once on an instance and a set of meetings.

The solver's objective encodes these definitions; a plan computes its own objective with
:func:`penalties`, and at a proven optimum the two agree. Every goal counts whole units, so the
scenario's weights trade them against each other and the solver can prove its bound with few
distinct objective values:

- ``spread``: the k-th of a group's n required meetings in a year has an ideal day: the open day
  (2k+1)/2n of the way along the group's open days of that year (breaks and holidays do not
  count), moved by the group's stage in the chain (:func:`cadence.instance.stages`) counted in
  open days, so an ideal day is always a day the group could meet. A unit for each of the
  thresholds 3, 10, 17 and 24 days that the meeting is further away than.
- ``lead``: for each meeting of a prepared group and each group that prepares it, the lead is
  the days since the latest preparing meeting that the chain allows (inside the window and
  before the notice's write-up days). A lead up to a week beyond the preferred one is free (so
  a weekday difference is never paid twice); a unit for each further whole week.
- ``rhythm``: a unit for each meeting not on its group's usual weekday, and one for each meeting
  not at its usual start time.
- ``avoid``: the avoid weight of each meeting's day (school holidays, klämdagar, the first days
  after a break, …).
- ``person_week``: for each person and ISO week, the meetings beyond ``person_week_limit``.
- ``person_day``: for each person, each pair of their meetings on the same day (unless
  ``person_day_hard`` makes that a rule).
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cadence.instance import GroupData, Instance, Link

GOALS = ("spread", "lead", "rhythm", "avoid", "person_week", "person_day")
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
        fixed = sum(piece.first <= day <= piece.last for day, _ in group.fixed)
        if n == 0 or size == 0 or fixed >= n:
            continue  # nothing to spread: every meeting of the year is decided
        # The stage in open days: as many open days as the group has per calendar day.
        span = open_days[-1] - open_days[0] + 1
        shift = round(group.stage * size / span)
        for k in range(n):
            position = (2 * k + 1) * size // (2 * n) + shift
            ideal = open_days[min(max(position, 0), size - 1)]
            targets.append(SpreadTarget(group.id, si, k, ideal))
    return targets


def spread_units(deviation: int) -> int:
    return sum(1 for limit in SPREAD_THRESHOLDS if deviation > limit)


def lead_reaches(link: Link) -> list[int]:
    """Leads beyond which one more unit is due: a week past the preferred lead, then each
    further week, below the window's maximum."""
    first = link.preferred + LEAD_STEP_DAYS - 1
    return list(range(first, link.high, LEAD_STEP_DAYS))


def preparing_day(link: Link, day: int, sources: Sequence[int]) -> int | None:
    """The latest of ``sources`` (sorted days, earlier meetings before the period included)
    that may prepare a meeting on ``day``, or None when the chain is broken there."""
    i = bisect.bisect_right(sources, link.last_source_day(day)) - 1
    if i < 0 or sources[i] < day - link.high:
        return None
    return sources[i]


def weekday(instance: Instance, day: int) -> int:
    return instance.weekday(day)


def iso_week(instance: Instance, day: int) -> tuple[int, int]:
    return instance.week(day)


def penalties(
    instance: Instance, meetings: Mapping[str, Sequence[tuple[int, int]]]
) -> dict[str, int]:
    """Each goal's unweighted penalty for meetings at ``meetings`` (group id → (day, start
    minute) of each meeting)."""
    ordered = {g: sorted(d for d, _ in ms) for g, ms in meetings.items()}
    result = dict.fromkeys(GOALS, 0)

    for group in instance.groups:
        mine = ordered.get(group.id, [])
        for target in spread_targets(group):
            piece = group.counts[target.slice_index]
            in_slice = [d for d in mine if piece.first <= d <= piece.last]
            if target.k < len(in_slice):
                result["spread"] += spread_units(abs(in_slice[target.k] - target.ideal))

    for link in instance.links:
        sources = [*instance.group(link.source).preceding, *ordered.get(link.source, [])]
        for day in ordered.get(link.to, []):
            source = preparing_day(link, day, sources)
            if source is None:
                continue  # the chain is broken here; the verifier reports it
            result["lead"] += sum(1 for reach in lead_reaches(link) if day - source > reach)

    for group in instance.groups:
        usual_start = group.slots[group.usual_slot].start
        for day, minute in meetings.get(group.id, []):
            result["rhythm"] += weekday(instance, day) != group.usual_weekday
            result["rhythm"] += minute != usual_start and len(group.slots) > 1
            result["avoid"] += instance.avoid[day]

    week_load: dict[tuple[str, tuple[int, int]], int] = defaultdict(int)
    day_load: dict[tuple[str, int], int] = defaultdict(int)
    for group_id, mine in ordered.items():
        for day in mine:
            for person in instance.attendees[(group_id, day)]:
                week_load[(person, iso_week(instance, day))] += 1
                day_load[(person, day)] += 1
    limit = instance.scenario.person_week_limit
    result["person_week"] = sum(max(0, n - limit) for n in week_load.values())
    if not instance.scenario.person_day_hard:
        result["person_day"] = sum(n * (n - 1) // 2 for n in day_load.values())
    return result


def weighted(instance: Instance, values: Mapping[str, int]) -> int:
    weights = instance.scenario.weights
    return sum(getattr(weights, goal) * values[goal] for goal in GOALS)
