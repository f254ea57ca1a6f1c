"""A plan's quality in the coordinator's words: what she would look for in the calendar.

The objective is a weighted sum that nobody reads; these four findings say what it means:

- meetings off their group's usual weekday;
- meetings on the first working days after a break (``calendar.restart``) that the chain does
  not force: the group could have prepared every meeting it prepares on a day outside them;
- leads more than a week past the preferred one (the ``lead`` goal's first unit,
  :func:`cadence.goals.lead_reaches`);
- people with more meetings in an ISO week than ``person_week_limit``.

The CLI prints :func:`describe` after the objective line; the benchmarks and the web app call
the same two functions. The definitions lean on :mod:`cadence.goals` (usual weekday, preparing
day, lead reaches, ISO weeks), so a finding here is always a unit of the objective there.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from cadence import goals
from cadence.instance import Instance
from cadence.plan import Plan


@dataclass(frozen=True)
class LateLead:
    """A prepared meeting whose preparing group met more than a week past the preferred lead."""

    meeting: str
    """Id of the prepared meeting."""
    source: str
    """The preparing group."""
    lead: int
    """Days between the preparing meeting and the prepared one."""
    preferred: int


@dataclass(frozen=True)
class Overload:
    """A person with more meetings in one ISO week than the scenario's limit."""

    person: str
    week: tuple[int, int]
    """ISO (year, week)."""
    meetings: int


@dataclass(frozen=True)
class Quality:
    meetings: int
    off_weekday: tuple[str, ...]
    """Ids of meetings not on their group's usual weekday."""
    restart: tuple[str, ...]
    """Ids of meetings on a restart day that the chain does not force."""
    restart_forced: tuple[str, ...]
    """Ids of meetings on a restart day that the chain forces (for the record)."""
    late_leads: tuple[LateLead, ...]
    overloads: tuple[Overload, ...]
    week_limit: int
    names: dict[str, str]
    """Person id → the name the coordinator knows them by."""

    @property
    def people_over(self) -> tuple[str, ...]:
        return tuple(sorted({o.person for o in self.overloads}))


def assess(instance: Instance, plan: Plan) -> Quality:
    """The four findings for ``plan`` (only its planned meetings; cancelled ones are gone)."""
    days: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for meeting in plan.meetings:
        days[meeting.group].append((instance.index(meeting.start.date()), meeting.id))
    for entries in days.values():
        entries.sort()

    off = []
    for group in instance.groups:
        for day, meeting_id in days.get(group.id, []):
            if goals.weekday(instance, day) != group.usual_weekday:
                off.append(meeting_id)

    restart_days = {instance.index(d) for d in instance.calendar.restart}
    unforced, forced = [], []
    for group in instance.groups:
        for day, meeting_id in days.get(group.id, []):
            if day not in restart_days:
                continue
            if _forced(instance, group.id, day, days, restart_days):
                forced.append(meeting_id)
            else:
                unforced.append(meeting_id)

    late = []
    for link in instance.links:
        source_group = instance.group(link.source)
        sources = sorted([*source_group.preceding, *(d for d, _ in days.get(link.source, []))])
        reaches = goals.lead_reaches(link)
        for day, meeting_id in days.get(link.to, []):
            source = goals.preparing_day(link, day, sources)
            if source is None or not reaches or day - source <= reaches[0]:
                continue
            late.append(LateLead(meeting_id, link.source, day - source, link.preferred))

    load: dict[tuple[str, tuple[int, int]], int] = defaultdict(int)
    for group_id, entries in days.items():
        for day, _ in entries:
            for person in instance.attendees[(group_id, day)]:
                load[(person, goals.iso_week(instance, day))] += 1
    limit = instance.scenario.person_week_limit
    overloads = [Overload(p, w, n) for (p, w), n in sorted(load.items()) if n > limit]

    return Quality(
        meetings=len(plan.meetings),
        off_weekday=tuple(sorted(off)),
        restart=tuple(sorted(unforced)),
        restart_forced=tuple(sorted(forced)),
        late_leads=tuple(sorted(late, key=lambda x: (x.meeting, x.source))),
        overloads=tuple(overloads),
        week_limit=limit,
        names={p.id: p.name for p in instance.scenario.people},
    )


def _forced(
    instance: Instance,
    group_id: str,
    day: int,
    days: dict[str, list[tuple[int, str]]],
    restart_days: set[int],
) -> bool:
    """Whether a meeting of ``group_id`` on ``day`` (a restart day) is there because the chain
    leaves no other choice: a meeting it prepares has, in its preparing window (lead window
    and notice), no day outside the restart days on which the group could meet."""
    group = instance.group(group_id)
    for link in instance.links:
        if link.source != group_id:
            continue
        sources = sorted([*group.preceding, *(d for d, _ in days.get(group_id, []))])
        for prepared, _ in days.get(link.to, []):
            if goals.preparing_day(link, prepared, sources) != day:
                continue  # this meeting does not prepare that one
            first, last = prepared - link.high, link.last_source_day(prepared)
            if not any(first <= d <= last and d not in restart_days for d in group.days):
                return True
    return False


def describe(quality: Quality) -> list[str]:
    """The findings as lines for the coordinator (English, as the CLI speaks)."""

    def listed(ids: tuple[str, ...], most: int = 6) -> str:
        shown = ", ".join(ids[:most])
        return shown + (f" and {len(ids) - most} more" if len(ids) > most else "")

    n = quality.meetings
    lines = []
    if quality.off_weekday:
        lines.append(
            f"{len(quality.off_weekday)} of {n} meetings off their group's usual weekday: "
            f"{listed(quality.off_weekday)}"
        )
    else:
        lines.append(f"all {n} meetings on their group's usual weekday")
    forced = (
        f" ({len(quality.restart_forced)} more that the chain forces: "
        f"{listed(quality.restart_forced)})"
        if quality.restart_forced
        else ""
    )
    if quality.restart:
        lines.append(
            f"{len(quality.restart)} meetings on the first days after a break that the chain "
            f"does not force: {listed(quality.restart)}{forced}"
        )
    else:
        lines.append(
            f"no meeting on the first days after a break unless the chain forces it{forced}"
        )
    if quality.late_leads:
        worst = max(quality.late_leads, key=lambda x: (x.lead - x.preferred, x.meeting))
        lines.append(
            f"{len(quality.late_leads)} preparations more than a week earlier than preferred; "
            f"the longest: {worst.source} for {worst.meeting}, {worst.lead} days "
            f"(preferred {worst.preferred})"
        )
    else:
        lines.append("every preparation within a week of its preferred lead")
    if quality.overloads:
        weeks = len(quality.overloads)
        people = tuple(quality.names.get(p, p) for p in quality.people_over)
        lines.append(
            f"{len(people)} people with more than {quality.week_limit} meetings in a week "
            f"({weeks} person-weeks): {listed(people)}"
        )
    else:
        lines.append(f"nobody with more than {quality.week_limit} meetings in a week")
    return lines
