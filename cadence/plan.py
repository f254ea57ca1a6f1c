"""The plan: every meeting with its stable id, times, chair, agenda and chain links.

A plan is built from a solve (or read from a file the coordinator edited) and knows nothing of the
solver. It computes its own objective from the scenario with :mod:`cadence.goals`.
"""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from cadence import goals, sv
from cadence.instance import Instance
from cadence.sv import ascii_slug

if TYPE_CHECKING:
    from cadence.solver import Result


class Lines(Protocol):
    """Where a key of the scenario file is written (:class:`cadence.clash.Where`)."""

    def line(self, path: tuple[str | int, ...]) -> int | None: ...


def uid_for(meeting_id: str, domain: str) -> str:
    """``AVÄ-2026-03`` in sormland-2026 → ``avae-2026-03.sormland-2026@cadence``, for good."""
    return f"{ascii_slug(meeting_id)}.{ascii_slug(domain)}@cadence"


@dataclass(frozen=True)
class Meeting:
    """One meeting of the plan."""

    id: str
    """Stable id: group, year and number in the year, e.g. ``AVÄ-2026-03``."""
    uid: str
    group: str
    start: datetime
    end: datetime
    location: str
    chair: str | None
    """Person id of the chair on that day."""
    items: tuple[str, ...] = ()
    """Ids of the agenda items the meeting carries."""
    agenda: tuple[str, ...] = ()
    """Agenda lines in Swedish: fixed-meeting lines, then item titles."""
    title: str | None = None
    """A fixed meeting's own title."""
    prepares: tuple[str, ...] = ()
    prepared_by: tuple[str, ...] = ()
    notice: date | None = None
    """The day its notice (kallelse) goes out: a working day (:meth:`WorkCalendar.notice_day`)."""
    note: str | None = None
    """Why the meeting is not on its group's usual weekday, in Swedish, when it is not."""
    results_due: tuple[tuple[str, date], ...] = ()
    """(Preparing group, the day its result is due) for each meeting in ``prepared_by``
    (:meth:`WorkCalendar.result_due_day`)."""


@dataclass(frozen=True)
class Plan:
    scenario_name: str
    meetings: tuple[Meeting, ...]
    status: str = "unknown"
    """How the plan came about: optimal, feasible, or edited (read from a file)."""
    solver_objective: int | None = None
    bound: float | None = None
    solve_seconds: float | None = None
    cancelled: tuple[Meeting, ...] = ()
    """Published meetings that no longer take place: in the feeds as cancelled for a while."""

    def by_group(self) -> dict[str, list[Meeting]]:
        groups: dict[str, list[Meeting]] = defaultdict(list)
        for meeting in self.meetings:
            groups[meeting.group].append(meeting)
        return dict(groups)

    def meeting(self, meeting_id: str) -> Meeting:
        return next(m for m in self.meetings if m.id == meeting_id)

    def times(self, instance: Instance) -> dict[str, list[tuple[int, int]]]:
        """Group id → (day as the instance's day number, start minute) of each meeting."""
        times: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for meeting in self.meetings:
            minute = meeting.start.hour * 60 + meeting.start.minute
            times[meeting.group].append((instance.index(meeting.start.date()), minute))
        return dict(times)

    def goal_values(self, instance: Instance) -> dict[str, int]:
        return goals.penalties(instance, self.times(instance))

    def objective(self, instance: Instance) -> int:
        """The weighted objective of this plan, computed from the scenario (not the solver)."""
        return goals.weighted(instance, self.goal_values(instance))


def build(
    instance: Instance,
    placed: Mapping[str, Sequence[tuple[int, int]]],
    carried: Mapping[str, int],
    uid_domain: str,
    status: str = "unknown",
    solver_objective: int | None = None,
    bound: float | None = None,
    solve_seconds: float | None = None,
    identities: Mapping[tuple[str, date], tuple[str, str]] | None = None,
    lines: Lines | None = None,
) -> Plan:
    """A plan from placed meetings (group → (day, slot)) and carried items (due key → day).

    ``identities`` gives (group, day) → (id, UID) of meetings that already have one (from the
    published state); the others are numbered in their group's year, e.g. ``AVÄ-2026-03``.
    ``lines`` gives the scenario file's lines for the notes (a fixed date's line).
    """
    scenario = instance.scenario
    tz = zoneinfo.ZoneInfo(scenario.period.timezone)
    items_on: dict[tuple[str, int], list[str]] = defaultdict(list)
    for due in instance.dues:
        if due.key in carried:
            items_on[(due.group, carried[due.key])].append(due.item)

    drafts: list[dict[str, object]] = []
    for group in scenario.groups:
        data = instance.group(group.id)
        fixed = {f.date: f for f in group.fixed}
        numbers: dict[int, int] = defaultdict(int)
        for day, slot in sorted(placed.get(group.id, ())):
            when = instance.day(day)
            numbers[when.year] += 1
            start = datetime.combine(when, datetime.min.time(), tz) + timedelta(
                minutes=data.slots[slot].start
            )
            meeting_id = f"{group.id}-{when.year}-{numbers[when.year]:02d}"
            uid = uid_for(meeting_id, uid_domain)
            if identities and (group.id, when) in identities:
                meeting_id, uid = identities[(group.id, when)]
            item_ids = tuple(dict.fromkeys(items_on.get((group.id, day), [])))
            fixed_here = fixed.get(when)
            agenda = (fixed_here.agenda if fixed_here else ()) + tuple(
                scenario.item(i).title for i in item_ids
            )
            drafts.append(
                {
                    "id": meeting_id,
                    "uid": uid,
                    "group": group.id,
                    "start": start,
                    "end": start + timedelta(minutes=data.slots[slot].minutes),
                    "location": group.location,
                    "chair": instance.chair(group.id, day),
                    "items": item_ids,
                    "agenda": agenda,
                    "title": fixed_here.title if fixed_here else None,
                    "notice": instance.calendar.notice_day(when, group.notice_days),
                    "note": off_weekday(instance, group.id, day, lines),
                }
            )
    links = chain_links(instance, drafts)
    by_id = {str(draft["id"]): draft for draft in drafts}

    def results_due(meeting_id: str, notice: date) -> tuple[tuple[str, date], ...]:
        result = []
        for source_id in links.prepared_by.get(meeting_id, ()):
            source = by_id[source_id]
            start = source["start"]
            assert isinstance(start, datetime)
            result.append(
                (str(source["group"]), instance.calendar.result_due_day(notice, start.date()))
            )
        return tuple(result)

    meetings = tuple(
        Meeting(
            **draft,  # type: ignore[arg-type]
            prepares=tuple(links.prepares.get(str(draft["id"]), ())),
            prepared_by=tuple(links.prepared_by.get(str(draft["id"]), ())),
            results_due=results_due(str(draft["id"]), draft["notice"]),  # type: ignore[arg-type]
        )
        for draft in drafts
    )
    return Plan(scenario.name, meetings, status, solver_objective, bound, solve_seconds)


def off_weekday(
    instance: Instance, group_id: str, day: int, lines: Lines | None = None
) -> str | None:
    """Why a meeting on ``day`` is not on the group's usual weekday, in the coordinator's words
    (None when it is): the date decided (fixed in the file, chosen by the coordinator, held
    already), else what keeps the usual day of that week, or the chain and the others."""
    data = instance.group(group_id)
    when = instance.day(day)
    if when.weekday() == data.usual_weekday:
        return None
    usual = when + timedelta(days=data.usual_weekday - when.weekday())
    lead = f"Annan veckodag än vanligt ({sv.WEEKDAYS[data.usual_weekday]})"
    decided = next((rule for (d, _), rule in data.decided if d == day), None)
    if decided is not None:
        return f"{lead}: {_decided_words(instance, decided, lines)}."
    cal = instance.calendar
    if not cal.period.start <= usual <= cal.period.end:
        return f"{lead}: {sv.weekday(usual)} {sv.day_month(usual)} ligger utanför perioden."
    blocked = cal.blocked_reason(usual)
    if blocked:
        return f"{lead}: {sv.weekday(usual)} {sv.day_month(usual)} är {blocked.lower()}."
    if usual in cal.restart:
        restart = cal.restart[usual].lower()
        return f"{lead}: {sv.weekday(usual)} {sv.day_month(usual)} hör till {restart}."
    if instance.index(usual) not in data.days:
        return (
            f"{lead}: {sv.weekday(usual)} {sv.day_month(usual)} kan gruppen inte mötas "
            f"(någon är upptagen, en halvdag, eller kedjan hinner inte fram före kallelsen)."
        )
    return (
        f"{lead}: {sv.weekday(usual)} {sv.day_month(usual)} hade gett sämre avstånd i kedjan "
        f"eller krockat med andra möten för samma personer."
    )


def _decided_words(instance: Instance, rule: tuple[str | int, ...], lines: Lines | None) -> str:
    """The rule that decides a meeting's date, in Swedish: ``fast datum (rad 27)``."""
    if rule[0] == "fixed":
        gi = next(i for i, g in enumerate(instance.scenario.groups) if g.id == rule[1])
        line = lines.line(("groups", gi, "fixed", int(rule[2]))) if lines else None
        return f"fast datum (rad {line})" if line else "fast datum i scenariot"
    if rule[0] == "pinned":
        return "datum valt av samordnaren"
    return "mötet har redan hållits"


def from_result(
    instance: Instance,
    result: Result,
    uid_domain: str,
    identities: Mapping[tuple[str, date], tuple[str, str]] | None = None,
    lines: Lines | None = None,
) -> Plan:
    """The plan of a solve that found one, with the solver's status, objective and bound."""
    return build(
        instance,
        result.meetings,
        result.carriers,
        uid_domain,
        status=result.status,
        solver_objective=result.objective,
        bound=result.bound,
        solve_seconds=result.solve_seconds,
        identities=identities,
        lines=lines,
    )


@dataclass(frozen=True)
class ChainLinks:
    prepares: dict[str, list[str]]
    prepared_by: dict[str, list[str]]


def chain_links(instance: Instance, meetings: Sequence[Mapping[str, object]]) -> ChainLinks:
    """For each prepared meeting and each group feeding it, the latest meeting in the window."""
    by_group: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for meeting in meetings:
        start = meeting["start"]
        assert isinstance(start, datetime)
        by_group[str(meeting["group"])].append((instance.index(start.date()), str(meeting["id"])))
    for entries in by_group.values():
        entries.sort()
    prepares: dict[str, list[str]] = defaultdict(list)
    prepared_by: dict[str, list[str]] = defaultdict(list)
    for link in instance.links:
        sources = by_group.get(link.source, [])
        source_days = [d for d, _ in sources]
        for day, target_id in by_group.get(link.to, []):
            source = goals.preparing_day(link, day, source_days)
            if source is not None:
                source_id = sources[source_days.index(source)][1]
                prepares[source_id].append(target_id)
                prepared_by[target_id].append(source_id)
    return ChainLinks(dict(prepares), dict(prepared_by))
