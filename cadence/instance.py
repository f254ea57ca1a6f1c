"""From a scenario to the integers the solver works with.

Days are numbered from the period's first day (day 0); times of day are minutes after midnight.
Every calendar and availability rule is applied here once, giving each group its *options*: the
(day, start) pairs on which it may meet. The solver, the plan's objective and the verifier all
read the same instance, so the rules are written once.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, time, timedelta
from functools import cached_property

from cadence.calendar import WorkCalendar, end_time, max_meetings, open_days
from cadence.errors import InfeasibleError
from cadence.rules import CALENDAR, RuleKey
from cadence.scenario import (
    WEEKDAYS,
    AgendaItem,
    Group,
    Person,
    Scenario,
    YearSlice,
    parse_month_day,
    year_slices,
)


@dataclass(frozen=True)
class Slot:
    """A start time of a group's meetings, in minutes after midnight."""

    start: int
    minutes: int

    @property
    def end(self) -> int:
        return self.start + self.minutes

    def overlaps(self, other: Slot) -> bool:
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True)
class CountSlice:
    """A group must meet ``low``..``high`` times on days ``first``..``last``."""

    first: int
    last: int
    low: int
    high: int
    year: int
    months: tuple[tuple[int, int], ...] = ()
    """With a count per month: (first, last day) of each month with meetings, in order."""
    per_month: int = 0


@dataclass(frozen=True)
class GroupData:
    """One group's rules in integers."""

    id: str
    index: int
    slots: tuple[Slot, ...]
    options: tuple[tuple[int, tuple[int, ...]], ...]
    """(day, allowed slot indices), by day: where the group may meet."""
    counts: tuple[CountSlice, ...]
    min_gap: int
    max_gap: int | None
    fixed: tuple[tuple[int, int], ...]
    """(day, slot) of meetings that are decided already (fixed or held)."""
    open_days: tuple[tuple[int, ...], ...]
    """Per count slice, the calendar's open days for the group (the spread goal's scale)."""
    usual_weekday: int
    """Monday = 0: the weekday the rhythm goal expects the group to meet on."""
    usual_slot: int = 0
    """Index in ``slots`` of the start time the rhythm goal expects."""
    preceding: tuple[int, ...] = ()
    """Days (negative: before the period) of the group's meetings before the period."""
    stage: int = 0
    """Days from a round's midpoint at which the group's meetings are ideal: negative for the
    groups that prepare, positive for those that decide (see :func:`stages`)."""
    decided: tuple[tuple[tuple[int, int], RuleKey], ...] = ()
    """(day, slot) of each decided meeting → the rule that decides it (a fixed date of the file,
    a pin from the coordinator's command, or history)."""
    cuts: tuple[tuple[RuleKey, tuple[tuple[int, int], ...]], ...] = ()
    """Only in an instance built to explain (``explain=True``): the (day, slot) options each rule
    of the file takes away (a weekday rule, a break, someone away). The options then still hold
    them, so that the model can switch each rule on or off."""

    @cached_property
    def days(self) -> tuple[int, ...]:
        return tuple(day for day, _ in self.options)


@dataclass(frozen=True)
class Link:
    """Each meeting of ``to`` needs a meeting of ``source`` ``low``..``high`` days before it,
    and no later than ``latest[day]`` for a meeting of ``to`` on ``day``: ``writeup`` working days
    before that meeting's notice (kallelse)."""

    source: str
    to: str
    low: int
    high: int
    preferred: int
    writeup: int = 0
    latest: tuple[tuple[int, int], ...] = ()
    """(day of the prepared meeting, latest day of its preparing meeting), where the notice
    makes it earlier than ``day - low``."""

    @cached_property
    def deadline(self) -> dict[int, int]:
        return dict(self.latest)

    def last_source_day(self, day: int) -> int:
        """The latest day a preparing meeting may be on, for a prepared meeting on ``day``."""
        return min(day - self.low, self.deadline.get(day, day - self.low))


@dataclass(frozen=True)
class Due:
    """One occurrence of an agenda item for one group: it must land on one of its meetings."""

    key: str
    item: str
    title: str
    group: str
    days: tuple[int, ...]
    """Days the carrying meeting may be on (for ``before`` items: all days of the period)."""
    first_meeting: bool
    occurrence: tuple[int, int]
    """First and last day of the occurrence (year, half-year, …) the item is due in."""
    before: tuple[str, int, int] | None = None
    """(key of the due it precedes, min days, max days)."""


@dataclass(frozen=True)
class Held:
    """A meeting that has taken place (before ``as_of``) or is pinned, as input to the solver."""

    group: str
    day: date
    start: time


@dataclass(frozen=True)
class Instance:
    """Everything the model needs, as integers, with the way back to dates."""

    scenario: Scenario
    calendar: WorkCalendar = field(repr=False)
    groups: tuple[GroupData, ...]
    links: tuple[Link, ...]
    dues: tuple[Due, ...]
    avoid: tuple[int, ...]
    """Avoid weight of each day of the period."""
    attendees: dict[tuple[str, int], tuple[str, ...]] = field(repr=False)
    """(group id, day) → ids of the people at a meeting of that group on that day."""
    chairs: dict[tuple[str, int], str | None] = field(repr=False, default_factory=dict)
    """(group id, day) → who chairs a meeting of that group on that day (the deputy when the
    chair cannot come)."""

    def chair(self, group_id: str, day: int) -> str | None:
        return self.chairs.get((group_id, day))

    @property
    def horizon(self) -> int:
        return (self.scenario.period.end - self.scenario.period.start).days + 1

    def day(self, index: int) -> date:
        return self.scenario.period.start + timedelta(days=index)

    @cached_property
    def _weekdays(self) -> tuple[int, ...]:
        return tuple(self.day(i).weekday() for i in range(self.horizon))

    @cached_property
    def _weeks(self) -> tuple[tuple[int, int], ...]:
        return tuple(self.day(i).isocalendar()[:2] for i in range(self.horizon))

    def weekday(self, index: int) -> int:
        """Weekday (Monday 0) of day ``index``: from a table inside the period (the model asks
        hundreds of thousands of times), computed outside it."""
        if 0 <= index < self.horizon:
            return self._weekdays[index]
        return self.day(index).weekday()

    def week(self, index: int) -> tuple[int, int]:
        """ISO (year, week) of day ``index``, as :meth:`weekday`."""
        if 0 <= index < self.horizon:
            return self._weeks[index]
        iso = self.day(index).isocalendar()
        return iso.year, iso.week

    def index(self, day: date) -> int:
        return (day - self.scenario.period.start).days

    def group(self, group_id: str) -> GroupData:
        return next(g for g in self.groups if g.id == group_id)

    def only(self, group_ids: Iterable[str]) -> Instance:
        """The same instance with only these groups: links between them, their agenda items
        (an item due before an item of a dropped group keeps no such rule). For finding which
        groups' rules conflict."""
        keep = set(group_ids)
        dues, kept = [], set()
        for due in self.dues:  # an item comes after the item it is due before
            if due.group not in keep:
                continue
            if due.before is not None and due.before[0] not in kept:
                due = replace(due, before=None)
            dues.append(due)
            kept.add(due.key)
        return replace(
            self,
            groups=tuple(g for g in self.groups if g.id in keep),
            links=tuple(k for k in self.links if k.source in keep and k.to in keep),
            dues=tuple(dues),
        )


def build(
    scenario: Scenario,
    held: Iterable[Held] = (),
    as_of: date | None = None,
    extra: Mapping[tuple[str, int], int] | None = None,
    explain: bool = False,
) -> Instance:
    """Apply the calendar and availability rules; raise InfeasibleError when a fixed date fails.

    With ``explain``, for finding which rules clash: only the calendar (weekends, holidays, half
    days) and history cut the options; what each rule of the file would cut is kept in
    :attr:`GroupData.cuts`, nothing is checked or narrowed down the chain, and nothing raises.

    Before ``as_of`` (default: the period's ``as_of``) only the ``held`` meetings exist: they took
    place as they did, whatever the rules say now, and no new meeting can be put in the past.
    ``held`` meetings after ``as_of`` are pinned: decided like fixed dates. ``extra`` adds to a
    group's meetings in a year ((group id, year) → +1 for an added meeting, -1 for a cancelled).
    """
    as_of = as_of or scenario.period.as_of
    cal = WorkCalendar(scenario.calendar, scenario.period)
    start = scenario.period.start
    slices = year_slices(scenario.period)
    people_by_id = {p.id: p for p in scenario.people}
    held_by_group: dict[str, list[Held]] = {}
    for meeting in held:
        held_by_group.setdefault(meeting.group, []).append(meeting)

    groups = []
    present: dict[tuple[str, int], tuple[str, ...]] = {}
    chairs: dict[tuple[str, int], str | None] = {}
    for gi, group in enumerate(scenario.groups):
        decided = [(f.date, f.time or group.start_times[0]) for f in group.fixed]
        decided += [(h.day, h.start) for h in held_by_group.get(group.id, [])]
        slot_times = list(dict.fromkeys([*group.start_times, *(t for _, t in decided)]))
        slots = tuple(Slot(t.hour * 60 + t.minute, group.duration_minutes) for t in slot_times)
        for day in cal.all_days:
            chair = chair_for(cal, people_by_id, group, day)
            chairs[(group.id, (day - start).days)] = chair
            present[(group.id, (day - start).days)] = attendees(group, day, chair)
        decided_set = set(decided)
        held_days = {d for d, _ in decided}
        past = {
            (h.day, h.start) for h in held_by_group.get(group.id, []) if as_of and h.day < as_of
        }
        options = []
        cuts: dict[RuleKey, list[tuple[int, int]]] = {}
        for day in cal.all_days:
            index = (day - start).days
            if as_of is not None and day < as_of:
                # The past: exactly the meetings that were held, with no rule to check again.
                allowed = tuple(i for i, t in enumerate(slot_times) if (day, t) in past)
                if allowed:
                    options.append((index, allowed))
                continue
            if day in held_days:
                candidates = [i for i, t in enumerate(slot_times) if (day, t) in decided_set]
            else:
                candidates = [i for i, t in enumerate(slot_times) if t in group.start_times]
            fits: list[int] = []
            for i in candidates:
                why = _cuts(
                    people_by_id,
                    cal,
                    group,
                    day,
                    slot_times[i],
                    present[(group.id, index)],
                    (day, slot_times[i]) in decided_set,
                )
                if not explain:
                    if next(why, None) is None:
                        fits.append(i)
                    continue
                keys = set(why)
                if CALENDAR not in keys:
                    fits.append(i)
                    for key in keys:
                        cuts.setdefault(key, []).append((index, i))
            if fits:
                options.append((index, tuple(fits)))
        fixed = []
        decided_rules = {}
        option_map = dict(options)
        for day, t in decided:
            if as_of is not None and day < as_of and (day, t) not in past:
                continue  # a fixed date in the past that was not held: it is history now
            index, slot = (day - start).days, slot_times.index(t)
            if slot not in option_map.get(index, ()):
                if explain:
                    continue
                raise InfeasibleError(
                    _fixed_reason(scenario, cal, group, day, t, present.get((group.id, index), ()))
                )
            fixed.append((index, slot))
            decided_rules[(index, slot)] = _decided_rule(group, day, t, as_of)
        counts = tuple(
            _count_slice(piece, group, start, (extra or {}).get((group.id, piece.year), 0))
            for piece in slices
        )
        spread = tuple(
            tuple((d - start).days for d in open_days(cal, group, piece.first, piece.last))
            for piece in slices
        )
        groups.append(
            GroupData(
                id=group.id,
                index=gi,
                slots=slots,
                options=tuple(options),
                counts=counts,
                min_gap=group.min_days_between,
                max_gap=group.max_days_between,
                fixed=tuple(sorted(set(fixed))),
                open_days=spread,
                usual_weekday=WEEKDAYS.index(usual_weekdays(scenario)[group.id]),
                usual_slot=slot_times.index(group.usual_start or group.start_times[0]),
                preceding=tuple(sorted((d - start).days for d in group.preceding)),
                decided=tuple(sorted(decided_rules.items())),
                cuts=tuple(sorted((key, tuple(pairs)) for key, pairs in cuts.items())),
            )
        )

    links = tuple(_with_deadlines(link, cal, scenario, groups) for link in chain_links(scenario))
    if not explain:
        for group_data in groups:  # before the chain narrows the days: the first cause
            _check_room(group_data, "")
        groups = preparable(groups, links)
        for group_data in groups:
            _check_room(group_data, " and the groups that prepare it meeting in time")
    shift = stages([g.id for g in groups], links)
    groups = [replace(g, stage=shift[g.id]) for g in groups]
    horizon = (scenario.period.end - start).days + 1
    avoid = tuple(cal.avoid_weight(start + timedelta(days=i)) for i in range(horizon))
    return Instance(
        scenario=scenario,
        calendar=cal,
        groups=tuple(groups),
        links=links,
        dues=tuple(_dues(scenario, horizon)),
        avoid=avoid,
        attendees=present,
        chairs=chairs,
    )


def chain_links(scenario: Scenario) -> tuple[Link, ...]:
    """Every feed of the scenario as a link (preferred lead: the window's minimum if not given)."""
    return tuple(
        Link(
            g.id,
            f.to,
            f.lead_days.min,
            f.lead_days.max,
            f.lead_days.preferred or f.lead_days.min,
            g.writeup(f, scenario.writeup_days),
        )
        for g in scenario.groups
        for f in g.feeds
    )


def _with_deadlines(
    link: Link, cal: WorkCalendar, scenario: Scenario, groups: list[GroupData]
) -> Link:
    """The link with the latest preparing day for each day the prepared group may meet on,
    where the notice and write-up days make it earlier than the window's minimum."""
    to = scenario.group(link.to)
    start = scenario.period.start
    latest = []
    for day in next(g for g in groups if g.id == link.to).days:
        when = start + timedelta(days=day)
        last = (cal.preparation_deadline(when, to.notice_days, link.writeup) - start).days
        if last < day - link.low:
            latest.append((day, last))
    return replace(link, latest=tuple(latest))


def _check_room(group: GroupData, because: str) -> None:
    """Raise when a year of the group has fewer possible days than meetings it must hold."""
    for piece in group.counts:
        days = [d for d in group.days if piece.first <= d <= piece.last]
        fit = max_meetings(days, group.min_gap)
        if fit < piece.low:
            raise InfeasibleError(
                f"{group.id} needs {piece.low} meetings in {piece.year}, but with its attendees' "
                f"unavailability{because} and {group.min_gap} days between meetings only {fit} "
                f"fit"
            )


def preparable(groups: list[GroupData], links: tuple[Link, ...]) -> list[GroupData]:
    """Drop the days on which a prepared group cannot meet because no day of a group that
    prepares it lies in the lead window before them (in time for the notice), repeated down the
    chain until nothing changes. Decided days stay: a broken chain there is for the solver to
    report. Fewer days make the model smaller and its first plan faster to find."""
    by_id = {g.id: g for g in groups}
    changed = True
    while changed:
        changed = False
        for link in links:
            target = by_id[link.to]
            source = by_id[link.source]
            source_days = sorted({*source.preceding, *source.days})
            decided = {day for day, _ in target.fixed}
            keep = tuple(
                (day, slots)
                for day, slots in target.options
                if day in decided or reachable(link, day, source_days)
            )
            if len(keep) < len(target.options):
                by_id[link.to] = replace(target, options=keep)
                changed = True
    return [by_id[g.id] for g in groups]


def reachable(link: Link, day: int, source_days: list[int]) -> bool:
    """Whether one of ``source_days`` (in order) lies in the lead window before a meeting of
    ``link.to`` on ``day``, in time for its notice."""
    i = bisect.bisect_right(source_days, link.last_source_day(day)) - 1
    return i >= 0 and source_days[i] >= day - link.high


def usual_weekdays(scenario: Scenario) -> dict[str, str]:
    """Each group's usual weekday: the scenario's, or derived from the structure.

    Derived, never from the order of groups in the file: groups are taken down the chain from
    the deciding bodies (a group's usual day is set before the groups that prepare it), and by
    id within a level. Among the weekdays a group may use it takes the one that the fewest
    groups sharing a person with it already have; then the one that puts its meetings exactly
    the preferred lead before the groups it prepares (a lead of 14 days before a Thursday is a
    Thursday); then the earliest in the week. Any weekday fits a preferred lead, since the lead
    goal counts whole weeks beyond it.
    """
    chosen: dict[str, str] = {g.id: g.usual_weekday for g in scenario.groups if g.usual_weekday}
    people = {g.id: {*g.members, *(t.person for t in g.chairs)} for g in scenario.groups}
    depth: dict[str, int] = {}

    def level(group_id: str) -> int:
        if group_id not in depth:
            depth[group_id] = 0
            feeds = scenario.group(group_id).feeds
            depth[group_id] = 1 + max((level(f.to) for f in feeds), default=-1)
        return depth[group_id]

    for group in sorted(scenario.groups, key=lambda g: (level(g.id), g.id)):
        if group.id in chosen:
            continue
        wanted: Counter[str] = Counter()
        for feed in group.feeds:
            if feed.to in chosen:
                target = WEEKDAYS.index(chosen[feed.to])
                preferred = feed.lead_days.preferred or feed.lead_days.min
                wanted[WEEKDAYS[(target - preferred) % 7]] += 1
        sharing = [
            chosen[other.id]
            for other in scenario.groups
            if other.id in chosen and other.id != group.id and people[other.id] & people[group.id]
        ]
        busy = Counter(sharing)
        chosen[group.id] = min(
            group.weekdays,
            key=lambda d: (busy[d], -wanted[d], WEEKDAYS.index(d)),
        )
    return chosen


def stages(group_ids: list[str], links: tuple[Link, ...]) -> dict[str, int]:
    """Each group's place in a round of the chain, in days from the round's midpoint.

    A group that nothing prepares ends its chain (stage 0 before centring); a group that prepares
    others meets its preferred lead before the earliest of them. Each connected part of the chain
    is then centred, so in Sörmland the arbetsgrupper aim about three weeks before a round's
    midpoint and NSV about three weeks after. Ideal days that follow the chain leave the spread
    goal nothing to fight the chain over, which keeps the optimum easy to prove.
    """
    offset = dict.fromkeys(group_ids, 0)
    feeds: dict[str, list[Link]] = {g: [] for g in group_ids}
    for link in links:
        feeds[link.source].append(link)
    done: set[str] = set()

    def visit(group: str) -> int:
        if group not in done:
            done.add(group)
            offset[group] = min(
                (visit(link.to) - link.preferred for link in feeds[group]), default=0
            )
        return offset[group]

    for group in group_ids:
        visit(group)
    part = {g: g for g in group_ids}

    def root(g: str) -> str:
        while part[g] != g:
            g = part[g]
        return g

    for link in links:
        part[root(link.source)] = root(link.to)
    span: dict[str, int] = {}
    for g in group_ids:
        span[root(g)] = min(span.get(root(g), 0), offset[g])
    return {g: offset[g] + (-span[root(g)]) // 2 for g in group_ids}


def attendees(group: Group, day: date, chair: str | None = None) -> tuple[str, ...]:
    """The chair (``chair``, or the term's chair on ``day``) and the members."""
    return group.attendees(day, chair)


def chair_for(
    cal: WorkCalendar, people_by_id: Mapping[str, Person], group: Group, day: date
) -> str | None:
    """Who chairs a meeting on ``day``: the term's chair, or its deputy when the chair cannot
    come at any of the group's start times and the deputy can at one of them."""
    term = group.term_on(day)
    if term is None:
        return None
    if term.deputy is None:
        return term.person

    def free(person_id: str) -> bool:
        person = people_by_id[person_id]
        return any(
            cal.unavailable_reason(person, day, s, end_time(s, group.duration_minutes)) is None
            for s in group.start_times
        )

    return term.deputy if not free(term.person) and free(term.deputy) else term.person


def _cuts(
    people_by_id: dict[str, Person],
    cal: WorkCalendar,
    group: Group,
    day: date,
    start: time,
    people: tuple[str, ...],
    decided: bool,
) -> Iterator[RuleKey]:
    """Every rule that keeps a meeting of ``group`` from ``day`` at ``start``, lazily (the first
    is enough to know the option is out): the calendar (a weekend, a holiday, a half day), a
    break, the group's weekdays, an attendee's unavailability entry."""
    end = end_time(start, group.duration_minutes)
    cutoff = cal.half_day_cutoff(day)
    if day.weekday() >= 5 or day in cal.holidays or (cutoff is not None and end > cutoff):
        yield CALENDAR
    for index in cal.blackouts_on(day):
        yield ("blackout", index)
    if WEEKDAYS[day.weekday()] not in group.weekdays and not decided:
        yield ("weekdays", group.id)
    for person_id in people:
        for index in cal.unavailable_entries(people_by_id[person_id], day, start, end):
            yield ("away", person_id, index)


def _decided_rule(group: Group, day: date, at: time, as_of: date | None) -> RuleKey:
    """The rule behind a decided meeting: a fixed date of the file, history, or a pin."""
    for index, fixed in enumerate(group.fixed):
        if fixed.date == day and (fixed.time or group.start_times[0]) == at:
            return ("fixed", group.id, index)
    if as_of is not None and day < as_of:
        return CALENDAR  # it took place: not a rule anyone can loosen
    return ("pinned", group.id, day.isoformat())


def _fixed_reason(
    scenario: Scenario,
    cal: WorkCalendar,
    group: Group,
    day: date,
    start: time,
    people: tuple[str, ...],
) -> str:
    """The coordinator's explanation of why a decided meeting cannot be held."""
    end = end_time(start, group.duration_minutes)
    when = f"{group.id} {day} {start:%H:%M}"
    if not cal.is_working_day(day):
        return f"{when} is fixed, but the day is not a working day ({cal.blocked_reason(day)})"
    if not cal.fits(day, start, end):
        return f"{when} is fixed, but it is a half day and the meeting would end at {end:%H:%M}"
    for person_id in people:
        person = scenario.person(person_id)
        reason = cal.unavailable_reason(person, day, start, end)
        if reason:
            return f"{when} is fixed, but {person.name} cannot attend ({reason})"
    return f"{when} is fixed, but the meeting cannot be held then"


def _count_slice(piece: YearSlice, group: Group, start: date, extra: int = 0) -> CountSlice:
    low, high = piece.counts(group.meetings)
    low, high = max(0, low + extra), max(0, high + extra)
    months: tuple[tuple[int, int], ...] = ()
    per_month = group.meetings.per_month or 0
    if per_month and not extra and group.meetings.for_year(piece.year) is None:
        # Ordered meetings, a fixed number a month: the k-th meeting is in a known month.
        months = tuple(
            ((first - start).days, (last - start).days)
            for first, last in piece.months(group.meetings)
        )
    return CountSlice(
        (piece.first - start).days,
        (piece.last - start).days,
        low,
        high,
        piece.year,
        months,
        per_month if months else 0,
    )


def occurrences(scenario: Scenario, every: str) -> list[tuple[date, date]]:
    """The period cut into the pieces an item recurs in (year, half-year, quarter, period)."""
    period = scenario.period
    if every == "period":
        return [(period.start, period.end)]
    months = {"year": 12, "half_year": 6, "quarter": 3}[every]
    pieces = []
    for year in period.years():
        for first_month in range(1, 13, months):
            first = date(year, first_month, 1)
            last_month = first_month + months - 1
            last = (date(year + last_month // 12, last_month % 12 + 1, 1)) - timedelta(days=1)
            if first <= period.end and last >= period.start:
                pieces.append((max(first, period.start), min(last, period.end)))
    return pieces


def _in_window(item: AgendaItem, day: date) -> bool:
    low, high = item.window_from, item.window_to
    if isinstance(low, date) or isinstance(high, date):
        return (not isinstance(low, date) or day >= low) and (
            not isinstance(high, date) or day <= high
        )
    md = (day.month, day.day)
    low_md = parse_month_day(low) if isinstance(low, str) else None
    high_md = parse_month_day(high) if isinstance(high, str) else None
    if low_md and high_md and low_md > high_md:  # wraps over New Year
        return md >= low_md or md <= high_md
    return (low_md is None or md >= low_md) and (high_md is None or md <= high_md)


def dues_for(scenario: Scenario) -> list[Due]:
    """Every occurrence of every agenda item of the scenario (also for checking a plan)."""
    return _dues(scenario, (scenario.period.end - scenario.period.start).days + 1)


def _dues(scenario: Scenario, horizon: int) -> list[Due]:
    """Every occurrence of every agenda item, targets before the items that precede them."""
    start = scenario.period.start
    by_item: dict[str, list[Due]] = {}
    ordered = _items_in_dependency_order(scenario)
    for item in ordered:
        dues: list[Due] = []
        if item.before is None:
            for first, last in occurrences(scenario, item.every):
                days = tuple(
                    (first - start).days + i
                    for i in range((last - first).days + 1)
                    if _in_window(item, first + timedelta(days=i))
                )
                if not days:
                    continue
                for group_id in scenario.item_groups(item):
                    key = f"{item.id}/{group_id}/{first.isoformat()}"
                    occurrence = ((first - start).days, (last - start).days)
                    dues.append(
                        Due(
                            key, item.id, item.title, group_id, days, item.first_meeting, occurrence
                        )
                    )
        else:
            link = item.before
            for target in by_item[link.item]:
                for group_id in before_groups(scenario, item, target.group):
                    key = f"{item.id}/{group_id}/{target.key}"
                    dues.append(
                        Due(
                            key,
                            item.id,
                            item.title,
                            group_id,
                            tuple(
                                d for d in range(horizon) if _in_window(item, start + timedelta(d))
                            ),
                            item.first_meeting,
                            (0, horizon - 1),
                            (target.key, link.min_days, link.max_days),
                        )
                    )
        by_item[item.id] = dues
    return [due for item in ordered for due in by_item[item.id]]


def before_groups(scenario: Scenario, item: AgendaItem, target_group: str) -> tuple[str, ...]:
    """The groups that carry a ``before`` item ahead of ``target_group``'s meeting: those of the
    item's groups that prepare ``target_group`` (each arbetsgrupp for its own
    beredningsgrupp), or all of them when none does."""
    groups = scenario.item_groups(item)
    feeding = tuple(g for g in groups if any(f.to == target_group for f in scenario.group(g).feeds))
    return feeding or groups


def _items_in_dependency_order(scenario: Scenario) -> list[AgendaItem]:
    done: dict[str, AgendaItem] = {}

    def visit(item: AgendaItem) -> None:
        if item.id in done:
            return
        if item.before is not None:
            visit(scenario.item(item.before.item))
        done[item.id] = item

    for item in scenario.items:
        visit(item)
    return list(done.values())
