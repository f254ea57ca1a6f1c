"""The working-day calendar: which days and hours a scenario allows, and which it discourages.

Holidays come from the ``holidays`` package (Sweden: ``language="sv"``); blocking categories,
half days, breaks and avoid periods come from the scenario's ``calendar`` section. Dates and
times of day live here; the solver only sees the day numbers and minutes it derives from this.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cached_property

import holidays

from cadence.scenario import (
    WEEKDAYS,
    CalendarRules,
    Days,
    Finding,
    Group,
    Period,
    Person,
    Restart,
    parse_month_day,
)

LOOKBACK_DAYS = 62
"""Days before the period whose holidays and breaks are known: notices of its first meetings."""

RESULT_DUE_WORKING_DAYS = 1
"""Working days before a notice (kallelse) that the preparing groups' results are due."""

_HALF_DAY = re.compile(r"från kl\.? ?(\d{1,2})[.:](\d{2})")


@dataclass(frozen=True)
class DayNote:
    """Why a day is special: a blocking holiday, a half day, a break or a discouraged day."""

    day: date
    kind: str  # "holiday", "half_day", "blackout", "avoid" (restart days too)
    name: str
    weight: int = 0
    cutoff: time | None = None


def rules_problems(rules: CalendarRules) -> Iterator[Finding]:
    """Checks that need the ``holidays`` package: a known country and known categories."""
    try:
        cls = holidays.country_holidays(rules.country, years=[])
    except NotImplementedError:
        yield ("country",), f"the holidays package has no country '{rules.country}'"
        return
    if rules.subdivision is not None and rules.subdivision not in cls.subdivisions:
        yield (
            ("subdivision",),
            (
                f"'{rules.country}' has no subdivision '{rules.subdivision}'"
                + (f" (known: {', '.join(cls.subdivisions)})" if cls.subdivisions else "")
            ),
        )
        return
    supported = set(cls.supported_categories)
    for key in ("holiday_categories", "half_day_categories"):
        for i, category in enumerate(getattr(rules, key)):
            if category not in supported:
                yield (
                    (key, i),
                    (
                        f"unknown holiday category '{category}' "
                        f"(known: {', '.join(sorted(supported))})"
                    ),
                )


def days_between(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


class WorkCalendar:
    """Working days, half days, breaks and avoid periods of one scenario's period."""

    def __init__(self, rules: CalendarRules, period: Period):
        self.rules = rules
        self.period = period
        # A year back as well: a notice (kallelse) of a January meeting goes out in December.
        years = [period.start.year - 1, *period.years()]
        probe = holidays.country_holidays(rules.country, subdiv=rules.subdivision, years=years)
        language = "sv" if "sv" in probe.supported_languages else None
        self._by_category: dict[str, dict[date, str]] = {}
        for category in probe.supported_categories:
            table = holidays.country_holidays(
                rules.country,
                subdiv=rules.subdivision,
                years=years,
                language=language,
                categories=(category,),
            )
            self._by_category[category] = dict(table.items())

        self.holidays: dict[date, str] = {}
        for category in rules.holiday_categories:
            for day, name in self._by_category.get(category, {}).items():
                self.holidays.setdefault(day, name)
        self.half_days: dict[date, tuple[time, str]] = {}
        for category in rules.half_day_categories:
            for day, name in self._by_category.get(category, {}).items():
                m = _HALF_DAY.search(name)
                if m and day not in self.holidays:
                    self.half_days.setdefault(day, (time(int(m.group(1)), int(m.group(2))), name))
        self.blackout: dict[date, str] = {}
        before = tuple(days_between(period.start - timedelta(days=LOOKBACK_DAYS), period.start))
        for blackout in rules.blackouts:
            for day in (*before[:-1], *self.all_days):
                if self.contains(blackout, day):
                    self.blackout.setdefault(day, blackout.name)
        self.avoid: dict[date, list[tuple[str, int]]] = {}
        for avoid in rules.avoid:
            for day in self.expand(avoid):
                self.avoid.setdefault(day, []).append((avoid.name, avoid.weight))
        self.restart: dict[date, str] = {}
        if rules.restart is not None:
            for day, name in self._restart_days(rules.restart):
                self.restart[day] = name
                self.avoid.setdefault(day, []).append((name, rules.restart.weight))

    def _restart_days(self, restart: Restart) -> Iterator[tuple[date, str]]:
        """The first ``restart.days`` working days after each break of at least
        ``restart.min_break_days`` days off in a row (weekends and holidays next to a blackout
        count), named after the break."""
        day = self.period.start - timedelta(days=LOOKBACK_DAYS)
        run, name = 0, None
        left, label = 0, ""
        while day <= self.period.end:
            if self.is_working_day(day):
                if name is not None and run >= restart.min_break_days:
                    left = restart.days
                    label = f"Första dagarna efter {name.lower()}"
                run, name = 0, None
                if left > 0:
                    left -= 1
                    if day >= self.period.start:
                        yield day, label
            else:
                run += 1
                name = name or self.blackout.get(day)
            day += timedelta(days=1)

    # -- days -------------------------------------------------------------------------------

    @cached_property
    def all_days(self) -> tuple[date, ...]:
        return tuple(days_between(self.period.start, self.period.end))

    def holiday_names(self, day: date) -> list[str]:
        """Every holiday name of ``day`` in any category (for the ``holidays`` form of Days)."""
        return [table[day] for table in self._by_category.values() if day in table]

    def is_working_day(self, day: date) -> bool:
        """A weekday that is neither a blocking holiday nor in a break."""
        return day.weekday() < 5 and day not in self.holidays and day not in self.blackout

    def notice_day(self, day: date, notice_days: int) -> date:
        """The day the notice (kallelse) of a meeting on ``day`` goes out: the last working day
        at least ``notice_days`` before it ("a week before" on a holiday or in a break moves
        back to the working day before)."""
        notice = day - timedelta(days=notice_days)
        floor = self.period.start - timedelta(days=LOOKBACK_DAYS)
        while not self.is_working_day(notice) and notice > floor:
            notice -= timedelta(days=1)
        return notice

    def result_due_day(self, notice: date, prepared_on: date) -> date:
        """The day a preparing group's written result is due for a meeting whose notice goes out
        on ``notice``: the working day before the notice, so that the papers are in when it is
        sent, but never before the preparing meeting on ``prepared_on``."""
        return max(self.working_days_before(notice, RESULT_DUE_WORKING_DAYS), prepared_on)

    def working_days_before(self, day: date, count: int) -> date:
        """The ``count``-th working day before ``day`` (``day`` itself not counted)."""
        floor = self.period.start - timedelta(days=LOOKBACK_DAYS)
        while count > 0 and day > floor:
            day -= timedelta(days=1)
            if self.is_working_day(day):
                count -= 1
        return day

    def preparation_deadline(self, day: date, notice_days: int, writeup_days: int) -> date:
        """The last day a meeting that prepares a meeting on ``day`` may be held: ``writeup_days``
        working days must lie between it and the prepared meeting's notice day."""
        notice = self.notice_day(day, notice_days)
        return self.working_days_before(notice, writeup_days) - timedelta(days=1)

    def blocked_reason(self, day: date) -> str | None:
        """Why no meeting can be held on ``day``, in Swedish, or None for a working day."""
        if day in self.holidays:
            return self.holidays[day]
        if day in self.blackout:
            return self.blackout[day]
        if day.weekday() >= 5:
            return "helg (" + ("lördag" if day.weekday() == 5 else "söndag") + ")"
        return None

    def half_day_cutoff(self, day: date) -> time | None:
        """The time a half day starts, if the scenario lets half days block afternoons."""
        if not self.rules.half_days_block_afternoon or day not in self.half_days:
            return None
        return self.half_days[day][0]

    def fits(self, day: date, start: time, end: time) -> bool:
        """Whether a meeting from ``start`` to ``end`` may be held on ``day``."""
        if not self.is_working_day(day):
            return False
        cutoff = self.half_day_cutoff(day)
        return cutoff is None or end <= cutoff

    def unavailable_reason(self, person: Person, day: date, start: time, end: time) -> str | None:
        """Why ``person`` cannot attend from ``start`` to ``end`` on ``day``, or None."""
        for index in self.unavailable_entries(person, day, start, end):
            return person.unavailable[index].reason or "otillgänglig"
        return None

    def unavailable_entries(
        self, person: Person, day: date, start: time, end: time
    ) -> Iterator[int]:
        """Indexes of ``person``'s unavailability entries that keep them from ``start`` to
        ``end`` on ``day`` (lazily: the first is enough to know they cannot come)."""
        for index, entry in enumerate(person.unavailable):
            if not self.contains(entry, day):
                continue
            low = entry.from_time or time(0, 0)
            high = entry.to_time or time(23, 59, 59)
            if (entry.to_time is None and entry.from_time is None) or (low < end and start < high):
                yield index

    def blackouts_on(self, day: date) -> Iterator[int]:
        """Indexes of the breaks (blackouts) that ``day`` lies in."""
        if day in self.blackout:
            for index, blackout in enumerate(self.rules.blackouts):
                if self.contains(blackout, day):
                    yield index

    def avoid_weight(self, day: date) -> int:
        return sum(weight for _, weight in self.avoid.get(day, ()))

    def working_days(self) -> list[date]:
        return [d for d in self.all_days if self.is_working_day(d)]

    # -- day sets -----------------------------------------------------------------------------

    def expand(self, days: Days) -> frozenset[date]:
        """The days of the period that ``days`` names."""
        return frozenset(d for d in self.all_days if self.contains(days, d))

    def contains(self, days: Days, day: date) -> bool:
        if days.dates:
            return day in days.dates
        if days.weeks:
            iso = day.isocalendar()
            return iso.week in days.weeks and (days.year is None or iso.year == days.year)
        if days.every_year_from and days.every_year_to:
            low = parse_month_day(days.every_year_from)
            high = parse_month_day(days.every_year_to)
            if low is None or high is None:
                return False
            here = (day.month, day.day)
            return low <= here <= high if low <= high else here >= low or here <= high
        if days.holidays:
            names = [n.casefold() for n in self.holiday_names(day)]
            return any(n.startswith(h.casefold()) for h in days.holidays for n in names)
        after_start = days.start is None or day >= days.start
        in_range = after_start and (days.end is None or day <= days.end)
        if days.weekdays:
            return in_range and WEEKDAYS[day.weekday()] in days.weekdays
        return days.start is not None and days.end is not None and in_range

    # -- the coordinator's list ---------------------------------------------------------------

    def notes(self) -> list[DayNote]:
        """Every blocked or discouraged day of the period, in date order.

        Holidays are listed even on weekends (they are on the official list); breaks and avoid
        periods only on weekdays, where they change something.
        """
        notes: list[DayNote] = []
        for day in self.all_days:
            if day in self.holidays:
                notes.append(DayNote(day, "holiday", self.holidays[day]))
            if day.weekday() >= 5:
                continue
            if day in self.half_days:
                cutoff, name = self.half_days[day]
                notes.append(DayNote(day, "half_day", name, cutoff=cutoff))
            if day in self.blackout and day not in self.holidays:
                notes.append(DayNote(day, "blackout", self.blackout[day]))
            for name, weight in self.avoid.get(day, ()):
                if self.is_working_day(day):
                    notes.append(DayNote(day, "avoid", name, weight=weight))
        return notes


# -- a group's days ----------------------------------------------------------------------------


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
