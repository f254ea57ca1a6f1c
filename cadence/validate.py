"""Scenario checks that need the working-day calendar (run by the loader after the field checks)."""

from __future__ import annotations

from collections.abc import Iterator
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


def max_meetings(days: list[date], min_gap: int) -> int:
    """How many meetings fit on ``days`` at least ``min_gap`` days apart (greedy is optimal)."""
    count, last = 0, None
    for day in days:
        if last is None or (day - last).days >= min_gap:
            count, last = count + 1, day
    return count


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
