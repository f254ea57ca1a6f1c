"""Scenario checks that need the working-day calendar (run by the loader after the field checks)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from datetime import date, datetime, time, timedelta

from cadence import sv
from cadence.calendar import WorkCalendar, rules_problems
from cadence.scenario import WEEKDAYS, Finding, Group, Scenario, year_slices


def end_time(start: time, minutes: int) -> time:
    """The time a meeting of ``minutes`` ends (meetings never pass midnight; checked elsewhere)."""
    return (datetime.combine(date(2000, 1, 1), start) + timedelta(minutes=minutes)).time()


def open_days(cal: WorkCalendar, group: Group, first: date, last: date) -> list[date]:
    """Days in first..last on which the calendar and the group's weekdays allow a meeting."""
    return [
        day
        for day in cal.all_days
        if first <= day <= last
        and WEEKDAYS[day.weekday()] in group.weekdays
        and any(cal.fits(day, s, end_time(s, group.duration_minutes)) for s in group.start_times)
    ]


def max_meetings(days: Sequence[date] | Sequence[int], min_gap: int) -> int:
    """How many meetings fit on ``days`` (dates or day numbers, in order) at least ``min_gap``
    days apart (greedy is optimal)."""
    count, last = 0, None
    for day in days:
        if last is None or _days(day, last) >= min_gap:
            count, last = count + 1, day
    return count


def _days(later: date | int, earlier: date | int) -> int:
    if isinstance(later, date) and isinstance(earlier, date):
        return (later - earlier).days
    assert isinstance(later, int) and isinstance(earlier, int)
    return later - earlier


def calendar_problems(scenario: Scenario) -> Iterator[Finding]:
    rule_findings = [(("calendar", *p), m) for p, m in rules_problems(scenario.calendar)]
    if rule_findings:
        yield from rule_findings
        return
    period = scenario.period
    cal = WorkCalendar(scenario.calendar, period)
    for gi, group in enumerate(scenario.groups):
        for fi, fixed in enumerate(group.fixed):
            path = ("groups", gi, "fixed", fi, "date")
            day = fixed.date
            if not period.start <= day <= period.end:
                yield path, f"{day} is outside the period {period.start}–{period.end}"
                continue
            reason = cal.blocked_reason(day)
            if reason:
                yield path, f"{day} ({sv.weekday(day)}) is not a working day: {reason}"
                continue
            start = fixed.time or group.start_times[0]
            end = end_time(start, group.duration_minutes)
            if not cal.fits(day, start, end):
                cutoff = cal.half_day_cutoff(day)
                yield (
                    path,
                    (
                        f"{day} is a half day from {cutoff:%H:%M}; "
                        f"a meeting {start:%H:%M}–{end:%H:%M} "
                        f"does not fit"
                    ),
                )
        for piece in year_slices(period):
            low, high = piece.counts(group.meetings)
            fixed_here = sum(piece.first <= f.date <= piece.last for f in group.fixed)
            if fixed_here > high:
                yield (
                    ("groups", gi, "fixed"),
                    (
                        f"{group.id} has {fixed_here} fixed meetings in {piece.year} "
                        f"but at most {high} meetings that year"
                    ),
                )
            days = open_days(cal, group, piece.first, piece.last)
            room = max_meetings(days, group.min_days_between)
            if low > room:
                yield (
                    ("groups", gi, "meetings"),
                    (
                        f"{group.id} needs {low} meetings in {piece.year} but only {room} fit "
                        f"({len(days)} open days, at least {group.min_days_between} days apart)"
                    ),
                )
    for ii, item in enumerate(scenario.items):
        opens, closes = item.window_from, item.window_to
        too_late = isinstance(opens, date) and opens > period.end
        if too_late or (isinstance(closes, date) and closes < period.start):
            yield ("items", ii), f"the window {opens}–{closes} is outside the period"


def calendar_warnings(scenario: Scenario) -> Iterator[Finding]:
    """What may be meant otherwise: a yearly count scaled to a part-year, and a group with no
    possible day (calendar, weekdays, chair and members) for longer than its maximum gap."""
    period = scenario.period
    cal = WorkCalendar(scenario.calendar, period)
    people = {p.id: p for p in scenario.people}
    for gi, group in enumerate(scenario.groups):
        for piece in year_slices(period):
            if piece.scaled(group.meetings):
                low, high = piece.counts(group.meetings)
                share = f"{piece.fraction:.0%}"
                yield (
                    ("groups", gi, "meetings"),
                    (
                        f"{group.id}: the period covers {piece.first}–{piece.last}, {share} of "
                        f"{piece.year}; {group.meetings.low}–{group.meetings.high} meetings a "
                        f"year become {low}–{high} (min rounded down, max rounded up); set "
                        f"meetings.years to choose"
                    ),
                )
        if group.max_days_between is None:
            continue
        possible = [
            day
            for day in open_days(cal, group, period.start, period.end)
            if any(
                all(
                    cal.unavailable_reason(people[p], day, s, end_time(s, group.duration_minutes))
                    is None
                    for p in group.attendees(day)
                    if p in people
                )
                for s in group.start_times
            )
        ]
        edges = [*group.preceding[-1:], *possible]
        for a, b in itertools.pairwise(edges):
            if (b - a).days > group.max_days_between:
                yield (
                    ("groups", gi, "max_days_between"),
                    (
                        f"{group.id} can meet on no day from {a + timedelta(days=1)} to "
                        f"{b - timedelta(days=1)} ({(b - a).days} days between possible days, "
                        f"at most {group.max_days_between} between meetings)"
                    ),
                )
                break

