"""Check any plan against every hard rule of its scenario, without the solver.

One check per rule family; each violation says what is wrong in the coordinator's words
("AVÄ 2026-03-01 is a Sunday"). Used on every plan the solver returns and by ``cadence check``
on plans the coordinator edited by hand.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from cadence import sv
from cadence.calendar import WorkCalendar
from cadence.plan import Meeting, Plan
from cadence.scenario import WEEKDAYS, AgendaItem, Group, Scenario, parse_month_day, year_slices


@dataclass(frozen=True)
class Violation:
    rule: str
    message: str
    path: tuple[str | int, ...] = ()
    """Where in the scenario the broken rule is written (``("groups", 3, "feeds", 0)``), for
    the loader to turn into a line; empty when no single key holds it."""

    def __str__(self) -> str:
        return f"[{self.rule}] {self.message}"


def _label(meeting: Meeting) -> str:
    return f"{meeting.group} {meeting.start.date()}"


class Checker:
    def __init__(
        self,
        scenario: Scenario,
        plan: Plan,
        as_of: date | None = None,
        extra: Mapping[tuple[str, int], int] | None = None,
    ):
        self.extra = dict(extra or {})
        """(group, year) → meetings added (+) or cancelled (-) by the coordinator."""
        self.scenario = scenario
        self.plan = plan
        # Meetings before as_of were held as they were: the rules about a single meeting (its
        # day, its people) are not judged again, only what ties it to meetings still to come.
        self.as_of = as_of or scenario.period.as_of
        self.calendar = WorkCalendar(scenario.calendar, scenario.period)
        self.groups = {g.id: g for g in scenario.groups}
        self.index = {g.id: i for i, g in enumerate(scenario.groups)}
        self.people = {p.id: p for p in scenario.people}
        self.by_group = {g: sorted(ms, key=lambda m: m.start) for g, ms in plan.by_group().items()}

    def all(self) -> list[Violation]:
        checks: tuple[Callable[[], Iterator[Violation]], ...] = (
            self.groups_known,
            self.working_days,
            self.counts_and_spacing,
            self.notices,
            self.chain,
            self.fixed,
            self.items,
            self.chairs,
            self.availability,
            self.conflicts,
            self.one_a_day,
        )
        return [violation for check in checks for violation in check()]

    def groups_known(self) -> Iterator[Violation]:
        for meeting in self.plan.meetings:
            if meeting.group not in self.groups:
                yield Violation(
                    "groups", f"{meeting.id}: the scenario has no group '{meeting.group}'"
                )

    def _meetings(self) -> Iterator[Meeting]:
        return (m for m in self.plan.meetings if m.group in self.groups and not self._held(m))

    def _held(self, meeting: Meeting) -> bool:
        return self.as_of is not None and meeting.start.date() < self.as_of

    def _is_fixed(self, meeting: Meeting) -> bool:
        group = self.groups[meeting.group]
        return any(f.date == meeting.start.date() for f in group.fixed)

    def working_days(self) -> Iterator[Violation]:
        """Working day, allowed weekday and start time, half days, duration."""
        period = self.scenario.period
        for meeting in self._meetings():
            group = self.groups[meeting.group]
            day = meeting.start.date()
            label = _label(meeting)
            if not period.start <= day <= period.end:
                yield Violation(
                    "calendar", f"{label} is outside the period {period.start}–{period.end}"
                )
                continue
            if day.weekday() >= 5:
                yield Violation("calendar", f"{label} is a {sv.weekday(day)}")
                continue
            reason = self.calendar.blocked_reason(day)
            if reason:
                yield Violation("calendar", f"{label} is not a working day: {reason}")
                continue
            start, end = meeting.start.time(), meeting.end.time()
            if not self.calendar.fits(day, start, end):
                cutoff = self.calendar.half_day_cutoff(day)
                yield Violation(
                    "calendar",
                    f"{label} {start:%H:%M}–{end:%H:%M} runs past {cutoff:%H:%M} on a half day",
                )
            if self._is_fixed(meeting):
                continue
            if WEEKDAYS[day.weekday()] not in group.weekdays:
                yield Violation(
                    "calendar",
                    f"{label} is a {sv.weekday(day)}, not one of {group.id}'s weekdays",
                    ("groups", self.index[group.id], "weekdays"),
                )
            if start not in group.start_times:
                allowed = ", ".join(f"{t:%H:%M}" for t in group.start_times)
                yield Violation("calendar", f"{label} starts {start:%H:%M}, not at {allowed}")
            minutes = (meeting.end - meeting.start).total_seconds() / 60
            if minutes != group.duration_minutes:
                yield Violation(
                    "calendar",
                    f"{label} lasts {minutes:.0f} minutes, not {group.duration_minutes}",
                )

    def counts_and_spacing(self) -> Iterator[Violation]:
        for group in self.scenario.groups:
            meetings = self.by_group.get(group.id, [])
            for piece in year_slices(self.scenario.period):
                low, high = piece.counts(group.meetings)
                more = self.extra.get((group.id, piece.year), 0)
                low, high = max(0, low + more), max(0, high + more)
                n = sum(piece.first <= m.start.date() <= piece.last for m in meetings)
                if not low <= n <= high:
                    wanted = str(low) if low == high else f"{low}–{high}"
                    yield Violation(
                        "counts",
                        f"{group.id} meets {n} time{'' if n == 1 else 's'} in {piece.year}, "
                        f"not {wanted}",
                        ("groups", self.index[group.id], "meetings"),
                    )
                count = group.meetings
                if count.per_month is None or more or count.for_year(piece.year):
                    continue
                for first, last in piece.months(count):
                    n = sum(first <= m.start.date() <= last for m in meetings)
                    if n != count.per_month:
                        yield Violation(
                            "counts",
                            f"{group.id} meets {n} time{'' if n == 1 else 's'} in "
                            f"{sv.month_year(first)}, not {count.per_month}",
                            ("groups", self.index[group.id], "meetings"),
                        )
            if group.preceding and meetings and not self._held(meetings[0]):
                last, first = max(group.preceding), meetings[0].start.date()
                gap = (first - last).days
                if gap < group.min_days_between or gap > (group.max_days_between or gap):
                    yield Violation(
                        "spacing",
                        f"{group.id} met {last} before the period and then {first}, {gap} days "
                        f"later (at least {group.min_days_between}"
                        + (
                            f", at most {group.max_days_between})"
                            if group.max_days_between
                            else ")"
                        ),
                        ("groups", self.index[group.id], "preceding"),
                    )
            for a, b in itertools.pairwise(meetings):
                if self._held(b):
                    continue
                gap = (b.start.date() - a.start.date()).days
                if gap < group.min_days_between:
                    yield Violation(
                        "spacing",
                        f"{group.id} meets {a.start.date()} and {b.start.date()}, only {gap} days "
                        f"apart (at least {group.min_days_between})",
                        ("groups", self.index[group.id], "min_days_between"),
                    )
                if group.max_days_between is not None and gap > group.max_days_between:
                    yield Violation(
                        "spacing",
                        f"{group.id} meets {a.start.date()} and then not until {b.start.date()}, "
                        f"{gap} days later (at most {group.max_days_between})",
                        ("groups", self.index[group.id], "max_days_between"),
                    )

    def notices(self) -> Iterator[Violation]:
        """A notice (kallelse) goes out on a working day, at least notice_days before, and as
        late as that allows."""
        for meeting in self._meetings():
            if meeting.notice is None:
                continue
            group = self.groups[meeting.group]
            day = meeting.start.date()
            expected = self.calendar.notice_day(day, group.notice_days)
            label = _label(meeting)
            if not self.calendar.is_working_day(meeting.notice):
                reason = self.calendar.blocked_reason(meeting.notice)
                yield Violation(
                    "notice",
                    f"the notice of {label} goes out {meeting.notice}, not a working day "
                    f"({reason}); it should go out {expected}",
                )
            elif meeting.notice != expected:
                yield Violation(
                    "notice",
                    f"the notice of {label} goes out {meeting.notice}; {group.notice_days} days "
                    f"before, on the last working day, is {expected}",
                )

    def chain(self) -> Iterator[Violation]:
        """Each meeting of a prepared group has a preparing meeting inside the lead window and
        early enough that the write-up days lie between it and the prepared meeting's notice."""
        default = self.scenario.writeup_days
        for gi, group in enumerate(self.scenario.groups):
            for fi, feed in enumerate(group.feeds):
                window = feed.lead_days
                writeup = default if feed.writeup_days is None else feed.writeup_days
                prepared = self.groups.get(feed.to)
                if prepared is None:
                    continue
                sources = [
                    *group.preceding,
                    *(m.start.date() for m in self.by_group.get(group.id, [])),
                ]
                for target in self.by_group.get(feed.to, []):
                    if self._held(target):
                        continue
                    day = target.start.date()
                    in_window = [s for s in sources if window.min <= (day - s).days <= window.max]
                    if not in_window:
                        yield Violation(
                            "chain",
                            f"{feed.to} {day} has no {group.id} meeting "
                            f"{window.min}–{window.max} days before it",
                            ("groups", gi, "feeds", fi),
                        )
                        continue
                    notice = self.calendar.notice_day(day, prepared.notice_days)
                    latest = self.calendar.working_days_before(notice, writeup)
                    if not any(s < latest for s in in_window):
                        yield Violation(
                            "chain",
                            f"{group.id} {max(in_window)} prepares {feed.to} {day}, but the notice "
                            f"goes out {notice}: {writeup} working days to write up must lie "
                            f"between (the {group.id} meeting by {latest - timedelta(days=1)})",
                            ("groups", gi, "feeds", fi),
                        )

    def fixed(self) -> Iterator[Violation]:
        for gi, group in enumerate(self.scenario.groups):
            for fi, fixed in enumerate(group.fixed):
                start = fixed.time or group.start_times[0]
                found = [m for m in self.by_group.get(group.id, []) if m.start.date() == fixed.date]
                if not found:
                    yield Violation(
                        "fixed",
                        f"{group.id} has no meeting on its fixed date {fixed.date}",
                        ("groups", gi, "fixed", fi),
                    )
                elif found[0].start.time() != start:
                    yield Violation(
                        "fixed",
                        f"{group.id} {fixed.date} starts {found[0].start:%H:%M}, "
                        f"fixed at {start:%H:%M}",
                        ("groups", gi, "fixed", fi),
                    )

    def items(self) -> Iterator[Violation]:
        """Each due item on a meeting of its group inside its window (first meeting, before)."""
        carrying: dict[str, list[Meeting]] = {}
        for due in _dues(self.scenario):
            meetings = self.by_group.get(due.group, [])
            occurrence = [m for m in meetings if due.first <= m.start.date() <= due.last]
            candidates = [
                m for m in occurrence if due.item.id in m.items and m.start.date() in due.days
            ]
            if due.item.first_meeting and occurrence:
                candidates = [m for m in candidates if m is occurrence[0]]
            if due.before is not None:
                target_key, low, high = due.before
                targets = carrying.get(target_key, [])
                candidates = [
                    m for m in candidates
                    if any(low <= (t.start.date() - m.start.date()).days <= high for t in targets)
                ]  # fmt: skip
            carrying[due.key] = candidates
            if candidates:
                continue
            where = _window_words(due)
            yield Violation(
                "items",
                f"“{due.item.title}” is not on a {due.group} meeting {where}",
                ("items", self.scenario.items.index(due.item)),
            )

    def _expected_chair(self, group: Group, meeting: Meeting) -> str | None:
        """The term's chair, or its deputy when the chair cannot come and the deputy can."""
        day = meeting.start.date()
        term = next((t for t in group.chairs if t.start <= day <= t.end), None)
        if term is None:
            return None
        if term.deputy is None:
            return term.person
        start, end = meeting.start.time(), meeting.end.time()
        away = self.calendar.unavailable_reason(self.people[term.person], day, start, end)
        deputy_away = self.calendar.unavailable_reason(self.people[term.deputy], day, start, end)
        return term.deputy if away and not deputy_away else term.person

    def _attending(self, meeting: Meeting) -> list[str]:
        group = self.groups[meeting.group]
        chair = meeting.chair if meeting.chair in self.people else None
        chair = chair or self._expected_chair(group, meeting)
        return list(dict.fromkeys([*([chair] if chair else []), *group.members]))

    def chairs(self) -> Iterator[Violation]:
        """The chair of each meeting is the term's chair, or the deputy when the chair is away."""
        for meeting in self._meetings():
            if meeting.chair is None:
                continue
            expected = self._expected_chair(self.groups[meeting.group], meeting)
            if meeting.chair != expected:
                who = self.people[expected].name if expected in self.people else "nobody"
                named = self.people.get(meeting.chair)
                yield Violation(
                    "chair",
                    f"{_label(meeting)} is chaired by "
                    f"{named.name if named else meeting.chair}, but {who} chairs it",
                )

    def availability(self) -> Iterator[Violation]:
        for meeting in self._meetings():
            day = meeting.start.date()
            for person_id in self._attending(meeting):
                person = self.people[person_id]
                reason = self.calendar.unavailable_reason(
                    person, day, meeting.start.time(), meeting.end.time()
                )
                if reason:
                    yield Violation(
                        "availability", f"{person.name} cannot attend {_label(meeting)} ({reason})"
                    )

    def _by_person(self) -> dict[str, list[Meeting]]:
        by_person: dict[str, list[Meeting]] = defaultdict(list)
        for meeting in self._meetings():
            for person_id in self._attending(meeting):
                by_person[person_id].append(meeting)
        for meetings in by_person.values():
            meetings.sort(key=lambda m: m.start)
        return by_person

    def conflicts(self) -> Iterator[Violation]:
        for person_id, meetings in self._by_person().items():
            for a, b in itertools.combinations(meetings, 2):
                if a.start < b.end and b.start < a.end:
                    yield Violation(
                        "conflicts",
                        f"{self.people[person_id].name} is at {a.group} and {b.group} at the "
                        f"same time on {a.start.date()}",
                    )

    def one_a_day(self) -> Iterator[Violation]:
        """With ``person_day_hard``: nobody at two meetings on one day."""
        if not self.scenario.person_day_hard:
            return
        for person_id, meetings in self._by_person().items():
            for a, b in itertools.pairwise(meetings):
                overlap = a.start < b.end and b.start < a.end  # reported as a conflict
                if a.start.date() == b.start.date() and not overlap:
                    yield Violation(
                        "one_a_day",
                        f"{self.people[person_id].name} has two meetings on {a.start.date()} "
                        f"({a.group} and {b.group})",
                        ("person_day_hard",),
                    )


@dataclass(frozen=True)
class _Due:
    """One occurrence of an agenda item for one group, in dates: the verifier's own reading of
    the scenario, written apart from the solver's (:mod:`cadence.instance`) on purpose."""

    key: str
    item: AgendaItem
    group: str
    first: date
    last: date
    """The occurrence (year, half-year, …) the item is due in; the whole period for ``before``."""
    days: frozenset[date]
    """Days of the occurrence inside the item's window."""
    before: tuple[str, int, int] | None = None
    """(key of the due it precedes, min days, max days)."""


def _pieces(scenario: Scenario, every: str) -> list[tuple[date, date]]:
    """The period cut at calendar-year, half-year or quarter boundaries (or not at all)."""
    start, end = scenario.period.start, scenario.period.end
    if every == "period":
        return [(start, end)]
    months = {"year": (1,), "half_year": (1, 7), "quarter": (1, 4, 7, 10)}[every]
    cuts = [date(year, month, 1) for year in range(start.year, end.year + 2) for month in months]
    pieces = []
    for begin, following in itertools.pairwise(cuts):
        first, last = max(begin, start), min(following - timedelta(days=1), end)
        if first <= last:
            pieces.append((first, last))
    return pieces


def _in_window(item: AgendaItem, day: date) -> bool:
    """Whether ``day`` is inside the item's window: dates, or month-days that may wrap."""
    low, high = item.window_from, item.window_to
    if low is None and high is None:
        return True
    if isinstance(low, date) or isinstance(high, date):
        after = not isinstance(low, date) or low <= day
        before = not isinstance(high, date) or day <= high
        return after and before
    here = (day.month, day.day)
    lo = parse_month_day(low) if low is not None else None
    hi = parse_month_day(high) if high is not None else None
    if lo is not None and hi is not None and hi < lo:  # e.g. "11-15" to "02-15"
        return here >= lo or here <= hi
    return (lo is None or lo <= here) and (hi is None or here <= hi)


def _days(item: AgendaItem, first: date, last: date) -> frozenset[date]:
    span = (last - first).days + 1
    every_day = (first + timedelta(days=i) for i in range(span))
    return frozenset(day for day in every_day if _in_window(item, day))


def _dues(scenario: Scenario) -> list[_Due]:
    """Every occurrence of every agenda item, each item after the item it is due before."""
    order: list[AgendaItem] = []

    def visit(item: AgendaItem) -> None:
        if item in order:
            return
        if item.before is not None:
            visit(scenario.item(item.before.item))
        order.append(item)

    for item in scenario.items:
        visit(item)
    period = scenario.period
    groups = {
        item.id: [g.id for g in scenario.groups if g.id in item.groups or g.kind in item.kinds]
        for item in order
    }
    feeds = {g.id: {f.to for f in g.feeds} for g in scenario.groups}
    by_item: dict[str, list[_Due]] = {}
    for item in order:
        dues: list[_Due] = []
        if item.before is None:
            for first, last in _pieces(scenario, item.every):
                days = _days(item, first, last)
                if days:
                    dues += [
                        _Due(f"{item.id}/{g}/{first}", item, g, first, last, days)
                        for g in groups[item.id]
                    ]
        else:
            link = item.before
            days = _days(item, period.start, period.end)
            for target in by_item[link.item]:
                # Along the chain: the item's groups that prepare the target's group carry it
                # (each arbetsgrupp for its own beredningsgrupp); all of them when none does.
                preparing = [g for g in groups[item.id] if target.group in feeds[g]]
                dues += [
                    _Due(
                        f"{item.id}/{g}/{target.key}", item, g, period.start, period.end, days,
                        (target.key, link.min_days, link.max_days),
                    )
                    for g in preparing or groups[item.id]
                ]  # fmt: skip
        by_item[item.id] = dues
    return [due for item in order for due in by_item[item.id]]


def _window_words(due: _Due) -> str:
    if due.before is not None:
        return f"{due.before[1]}–{due.before[2]} days before the meeting it prepares"
    if not due.days:
        return "in its window (no day of the period is in it)"
    words = f"between {min(due.days)} and {max(due.days)}"
    return f"as the first meeting {words}" if due.item.first_meeting else words


def order_kept(
    published: Iterable[tuple[str, str, datetime]], plan: Plan, asked: Iterable[str] = ()
) -> list[Violation]:
    """A re-plan against the published state: each group's meetings keep their order (the k-th
    published meeting stays the k-th), except those the coordinator moved herself (``asked``).
    ``published``: (id, group, start) of the published meetings not cancelled."""
    skip = set(asked)
    new = {m.id: m.start for m in plan.meetings}
    by_group: dict[str, list[tuple[datetime, str]]] = {}
    for meeting_id, group, start in published:
        if meeting_id in new and meeting_id not in skip:
            by_group.setdefault(group, []).append((start, meeting_id))
    found = []
    for group, old in sorted(by_group.items()):
        before = [i for _, i in sorted(old)]
        after = sorted(before, key=lambda i: (new[i], before.index(i)))
        if after != before:
            # The meeting furthest from its place (a March meeting now in August).
            jumped = max(before, key=lambda i: (abs(after.index(i) - before.index(i)), i))
            found.append(
                Violation(
                    "order",
                    f"{group}: {jumped} now on {new[jumped].date()} is out of its place among "
                    f"the group's published meetings (published order {', '.join(before)}; "
                    f"now {', '.join(after)})",
                )
            )
    return found


def check(
    scenario: Scenario,
    plan: Plan,
    as_of: date | None = None,
    extra: Mapping[tuple[str, int], int] | None = None,
) -> list[Violation]:
    """Every violation of the scenario's hard rules in ``plan``; empty when the plan holds.

    ``extra`` carries the coordinator's added (+1) and cancelled (-1) meetings per group and year.
    """
    return Checker(scenario, plan, as_of, extra).all()
