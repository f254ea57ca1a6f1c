"""The scenario: one collaboration structure over one planning period, as frozen data.

Every type checks its own fields in ``problems()``; :class:`Scenario` also checks the references
between them. A problem is a path relative to the object (``("feeds", 0, "to")``) and a message;
the loader turns paths into file lines. Nothing here reads files or knows YAML.

Field docstrings are the format's reference text: the JSON Schema (``cadence schema``) takes its
descriptions from them.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
import zoneinfo
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import PurePath
from typing import Annotated, Any, Literal, TypeVar, dataclass_transform
from urllib.parse import urlsplit

from pydantic import BeforeValidator, ConfigDict, with_config

T = TypeVar("T")
Path = tuple[str | int, ...]
Finding = tuple[Path, str]

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WORKDAYS: tuple[Weekday, ...] = WEEKDAYS[:5]
Recurrence = Literal["period", "year", "half_year", "quarter"]
OrganisationKind = Literal["region", "kommun", "other"]

_CONFIG = ConfigDict(extra="forbid", use_attribute_docstrings=True)
_MONTH_DAY = re.compile(r"^(\d{2})-(\d{2})$")
_CLOCK = re.compile(r"\d{2}:\d{2}")


def _clock(value: Any) -> Any:
    """A time of day must be written "09:00"; YAML numbers would silently become seconds."""
    if not isinstance(value, str | time) or (
        isinstance(value, str) and not _CLOCK.fullmatch(value)
    ):
        raise ValueError('expected a time like "09:00"')
    return value


Clock = Annotated[time, BeforeValidator(_clock, json_schema_input_type=str)]


@dataclass_transform(frozen_default=True, kw_only_default=True)
def frozen(cls: type[T]) -> type[T]:
    """Make a scenario type: a frozen, keyword-only dataclass that rejects unknown keys."""
    return with_config(_CONFIG)(dataclass(frozen=True, kw_only=True)(cls))


def parse_month_day(text: str) -> tuple[int, int] | None:
    """Read ``"MM-DD"`` as (month, day); ``None`` when it is not a valid day of a leap year."""
    m = _MONTH_DAY.match(text)
    if not m:
        return None
    month, day = int(m.group(1)), int(m.group(2))
    try:
        date(2024, month, day)
    except ValueError:
        return None
    return month, day


def busy_reason(busy_ics: str) -> str:
    """The reason of every busy time read from a ``busy_ics`` file: its file name, never an
    event's title (a private calendar's contents stay out of the plan)."""
    return f"upptagen enligt {PurePath(busy_ics).name}"


def _prefixed(prefix: Path, findings: Iterable[Finding]) -> Iterator[Finding]:
    for path, message in findings:
        yield (*prefix, *path), message


def _each(name: str, items: Iterable[Any]) -> Iterator[Finding]:
    for i, item in enumerate(items):
        yield from _prefixed((name, i), item.problems())


def _duplicates(name: str, ids: Iterable[str], what: str) -> Iterator[Finding]:
    seen: set[str] = set()
    for i, ident in enumerate(ids):
        if ident in seen:
            yield (name, i, "id"), f"duplicate {what} id '{ident}'"
        seen.add(ident)


def _positive(path: Path, value: int | None) -> Iterator[Finding]:
    if value is not None and value <= 0:
        yield path, f"must be a positive number, not {value}"


@frozen
class Days:
    """A set of days, written in exactly one form.

    Forms: ``dates``; a range ``start``..``end``; ISO ``weeks`` (every year, or in ``year``);
    a range recurring every year ``every_year_from``..``every_year_to`` (``"MM-DD"``, may wrap
    over New Year); ``holidays`` by name; or ``weekdays`` (optionally limited by ``start``/``end``).
    """

    dates: tuple[date, ...] = ()
    """Single dates, e.g. [2026-03-12, 2026-03-13]."""
    start: date | None = None
    """First day of a date range (inclusive)."""
    end: date | None = None
    """Last day of a date range (inclusive)."""
    weeks: tuple[int, ...] = ()
    """ISO week numbers, e.g. [8] for sportlov or [28, 29, 30, 31] for July."""
    year: int | None = None
    """With ``weeks``: only that year's weeks. Without it the weeks recur every year."""
    every_year_from: str | None = None
    """First day of a range that recurs every year, as "MM-DD", e.g. "12-21"."""
    every_year_to: str | None = None
    """Last day of the recurring range, as "MM-DD", e.g. "01-06" (wraps over New Year)."""
    holidays: tuple[str, ...] = ()
    """Holiday names from the calendar (any category), e.g. ["Klämdag"]; prefix match."""
    weekdays: tuple[Weekday, ...] = ()
    """Weekdays (mon..sun); may be limited with ``start``/``end``."""

    def forms(self) -> list[str]:
        """Names of the forms this entry uses."""
        used = []
        if self.dates:
            used.append("dates")
        if self.weeks or self.year is not None:
            used.append("weeks")
        if self.every_year_from is not None or self.every_year_to is not None:
            used.append("every_year_from/every_year_to")
        if self.holidays:
            used.append("holidays")
        if self.weekdays:
            used.append("weekdays")
        elif self.start is not None or self.end is not None:
            used.append("start/end")
        return used

    def problems(self) -> Iterator[Finding]:
        forms = self.forms()
        if not forms:
            yield (
                (),
                (
                    "gives no days: use dates, start/end, weeks, every_year_from/to, holidays "
                    "or weekdays"
                ),
            )
        elif len(forms) > 1:
            yield (), f"mixes forms ({', '.join(forms)}): use one per entry"
        if (self.start is None) != (self.end is None) and not self.weekdays:
            yield ("end" if self.end is None else "start",), "a range needs both start and end"
        if self.start and self.end and self.start > self.end:
            yield ("end",), f"range ends ({self.end}) before it starts ({self.start})"
        if self.year is not None and not self.weeks:
            yield ("year",), "year only goes with weeks"
        for i, week in enumerate(self.weeks):
            if not 1 <= week <= 53:
                yield ("weeks", i), f"ISO week {week} does not exist (1-53)"
        for key in ("every_year_from", "every_year_to"):
            value = getattr(self, key)
            if value is not None and parse_month_day(value) is None:
                yield (key,), f"'{value}' is not a month-day like \"12-21\""
        if (self.every_year_from is None) != (self.every_year_to is None):
            yield (), "every_year_from and every_year_to go together"


@frozen
class Blackout(Days):
    """Days on which no meeting may be held (a break), with a name shown to the coordinator."""

    name: str
    """What the break is called, e.g. "Sommaruppehåll"."""

    def problems(self) -> Iterator[Finding]:
        if not self.name.strip():
            yield ("name",), "must not be empty"
        yield from super().problems()


@frozen
class Avoid(Days):
    """Days that are allowed but discouraged, e.g. school holidays."""

    name: str
    """What the period is called, e.g. "Sportlov"."""
    weight: int = 1
    """Penalty per meeting placed on one of these days, relative to other avoid periods."""

    def problems(self) -> Iterator[Finding]:
        if not self.name.strip():
            yield ("name",), "must not be empty"
        yield from _positive(("weight",), self.weight)
        yield from super().problems()


@frozen
class Restart:
    """The first working days after a break: discouraged, since nobody prepares papers during a
    break and the first days back are for reading, not for a row of meetings."""

    days: int = 2
    """How many working days after the break are discouraged, e.g. 2."""
    weight: int = 3
    """Penalty per meeting on one of those days (like an avoid period's weight)."""
    min_break_days: int = 7
    """A break counts when at least this many days in a row are free of work (weekends and
    holidays next to a blackout count too), e.g. 7: a week."""

    def problems(self) -> Iterator[Finding]:
        yield from _positive(("days",), self.days)
        yield from _positive(("weight",), self.weight)
        yield from _positive(("min_break_days",), self.min_break_days)


@frozen
class Unavailability(Days):
    """Days (optionally only some hours of them) on which a person cannot attend."""

    reason: str = ""
    """Why, e.g. "Semester" or "Kommunstyrelsen"."""
    from_time: Clock | None = None
    """Unavailable only from this time of day (default: all day)."""
    to_time: Clock | None = None
    """Unavailable only until this time of day (default: all day)."""

    def problems(self) -> Iterator[Finding]:
        if self.from_time and self.to_time and self.from_time >= self.to_time:
            yield (
                ("to_time",),
                (
                    f"must be after from_time "
                    f"({self.to_time:%H:%M} is not after {self.from_time:%H:%M})"
                ),
            )
        yield from super().problems()


@frozen
class Period:
    """The planning period."""

    start: date
    """First day of the period, e.g. 2026-01-01."""
    end: date
    """Last day of the period (inclusive), e.g. 2026-12-31; may be in a later year."""
    timezone: str = "Europe/Stockholm"
    """IANA time zone of all times in the scenario."""
    as_of: date | None = None
    """Meetings before this day count as held and never move (re-planning)."""

    def problems(self) -> Iterator[Finding]:
        if self.start > self.end:
            yield ("end",), f"period ends ({self.end}) before it starts ({self.start})"
        try:
            zoneinfo.ZoneInfo(self.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
            yield ("timezone",), f"unknown time zone '{self.timezone}'"

    def years(self) -> range:
        return range(self.start.year, self.end.year + 1)


@frozen
class CalendarRules:
    """Which days are working days: public holidays, half days, breaks and days to avoid."""

    country: str = "SE"
    """Country code for the ``holidays`` package."""
    subdivision: str | None = None
    """Optional subdivision (state, province) for the ``holidays`` package."""
    holiday_categories: tuple[str, ...] = ("public", "de_facto")
    """Holiday categories that block the whole day (Sweden: röda dagar and de facto holidays)."""
    half_day_categories: tuple[str, ...] = ("optional",)
    """Categories searched for half days, whose names say "(från kl. 14.00)"."""
    half_days_block_afternoon: bool = True
    """On a half day, a meeting must end by the time the half day starts."""
    blackouts: tuple[Blackout, ...] = ()
    """Breaks with no meetings, e.g. the July break and Christmas to Epiphany."""
    avoid: tuple[Avoid, ...] = ()
    """Discouraged periods with a weight, e.g. sportlov, höstlov, klämdagar."""
    restart: Restart | None = None
    """Discourage the first working days after a break of a week or more (off by default)."""

    def problems(self) -> Iterator[Finding]:
        yield from _each("blackouts", self.blackouts)
        yield from _each("avoid", self.avoid)
        if self.restart is not None:
            yield from _prefixed(("restart",), self.restart.problems())


@frozen
class Organisation:
    """A principal (huvudman) or other organisation people come from."""

    id: str
    """Short id used by people, e.g. "RS" or "NYK"."""
    name: str
    """Full name, e.g. "Region Sörmland" or "Nyköpings kommun"."""
    kind: OrganisationKind
    """region, kommun or other; chairs alternate between region and kommun."""

    def problems(self) -> Iterator[Finding]:
        if not self.id.strip():
            yield ("id",), "must not be empty"


@frozen
class Person:
    """Someone who attends meetings; in shared scenarios a role rather than a real name."""

    id: str
    """Short id used in groups, e.g. "nvk-norra"."""
    name: str
    """Shown in calendars, e.g. "Närvårdskoordinator norra"."""
    organisation: str
    """Id of the organisation the person represents."""
    email: str | None = None
    """Address for ATTENDEE/ORGANIZER in feeds (optional)."""
    unavailable: tuple[Unavailability, ...] = ()
    """Days or hours the person cannot attend."""
    busy_ics: str | None = None
    """An .ics file (relative to the scenario) whose busy events make the person unavailable."""

    def problems(self) -> Iterator[Finding]:
        if not self.id.strip():
            yield ("id",), "must not be empty"
        if self.email is not None and "@" not in self.email:
            yield ("email",), f"'{self.email}' is not an e-mail address"
        yield from _each("unavailable", self.unavailable)


@frozen
class ChairTerm:
    """One chair's term of office."""

    person: str
    """Id of the person who chairs."""
    start: date
    """First day of the term."""
    end: date
    """Last day of the term."""
    deputy: str | None = None
    """Id of the vice ordförande, who chairs when the chair cannot come: a meeting is not
    cancelled for that alone."""

    def problems(self) -> Iterator[Finding]:
        if self.start > self.end:
            yield ("end",), f"term ends ({self.end}) before it starts ({self.start})"
        if self.deputy is not None and self.deputy == self.person:
            yield ("deputy",), "the deputy must be someone other than the chair"


def _count_from_int(value: Any) -> Any:
    """Let ``meetings: 6`` stand for ``meetings: {min: 6, max: 6}``."""
    if isinstance(value, int) and not isinstance(value, bool):
        return {"min": value, "max": value}
    if not isinstance(value, dict):
        raise ValueError("expected a number of meetings or {min: …, max: …}")
    return value


@frozen
class YearCount:
    """The meetings of one calendar year of the period, where it differs from the rest."""

    year: int
    """The calendar year, e.g. 2028."""
    min: int
    """Fewest meetings that year (or in the part of it the period covers)."""
    max: int
    """Most meetings that year."""

    def problems(self) -> Iterator[Finding]:
        if self.min < 0:
            yield ("min",), f"cannot be negative ({self.min})"
        if self.min > self.max:
            yield ("max",), f"min ({self.min}) is larger than max ({self.max})"


@frozen
class Count:
    """A number of meetings per year, exact (``6``) or a range (``{min: 5, max: 7}``), or per
    month (``{per_month: 1, except_months: [7]}``: once a month except July); ``years`` sets
    the count of single calendar years."""

    min: int | None = None
    """Fewest meetings per year."""
    max: int | None = None
    """Most meetings per year."""
    per_month: int | None = None
    """Or: exactly this many meetings in every month (except ``except_months``)."""
    except_months: tuple[int, ...] = ()
    """With ``per_month``: months (1–12) without meetings, e.g. [7] for July."""
    years: tuple[YearCount, ...] = ()
    """Counts for single calendar years, e.g. [{year: 2028, min: 3, max: 3}]; a year of the
    period only partly covered and not listed here gets the yearly count scaled (with a
    warning saying how)."""

    @property
    def low(self) -> int:
        """Fewest meetings in a whole year."""
        if self.per_month is not None:
            return self.per_month * (12 - len(set(self.except_months)))
        return self.min if self.min is not None else 0

    @property
    def high(self) -> int:
        """Most meetings in a whole year."""
        return self.max if self.max is not None else self.low

    def for_year(self, year: int) -> YearCount | None:
        return next((y for y in self.years if y.year == year), None)

    def problems(self) -> Iterator[Finding]:
        if self.per_month is None and (self.min is None or self.max is None):
            yield (), "give min and max (or a single number), or per_month"
        if self.per_month is not None and (self.min is not None or self.max is not None):
            yield ("per_month",), "per_month replaces min and max: give one or the other"
        if self.per_month is not None and self.per_month < 1:
            yield ("per_month",), f"must be at least 1, not {self.per_month}"
        if self.except_months and self.per_month is None:
            yield ("except_months",), "except_months only goes with per_month"
        for i, month in enumerate(self.except_months):
            if not 1 <= month <= 12:
                yield ("except_months", i), f"month {month} does not exist (1-12)"
        if self.low < 0:
            yield ("min",), f"cannot be negative ({self.low})"
        if self.low > self.high:
            yield ("max",), f"min ({self.low}) is larger than max ({self.high})"
        seen: set[int] = set()
        for i, year in enumerate(self.years):
            yield from _prefixed(("years", i), year.problems())
            if year.year in seen:
                yield ("years", i, "year"), f"{year.year} is listed twice"
            seen.add(year.year)


@frozen
class LeadWindow:
    """Days from a preparing meeting to the meeting it prepares."""

    min: int
    """Fewest days between the two meetings; must leave time for the notice."""
    max: int
    """Most days between the two meetings."""
    preferred: int | None = None
    """Ideal lead; longer leads are penalised week by week (default: min)."""

    def problems(self) -> Iterator[Finding]:
        if self.min < 1:
            yield ("min",), f"must be at least 1 day, not {self.min}"
        if self.min > self.max:
            yield ("min",), f"min ({self.min}) is larger than max ({self.max})"
        if self.preferred is not None and not self.min <= self.preferred <= self.max:
            yield ("preferred",), f"{self.preferred} is outside min..max ({self.min}..{self.max})"


@frozen
class Feed:
    """A downstream group that this group's meetings prepare."""

    to: str
    """Id of the group that is prepared, e.g. "BGÄ"."""
    lead_days: LeadWindow
    """Each meeting of ``to`` is preceded by a meeting of this group within this window."""
    writeup_days: int | None = None
    """Working days that must lie between the preparing meeting and the notice (kallelse) of
    the meeting it prepares, to write up what goes into the papers (default: the scenario's
    ``writeup_days``)."""

    def problems(self) -> Iterator[Finding]:
        yield from _prefixed(("lead_days",), self.lead_days.problems())
        if self.writeup_days is not None and self.writeup_days < 0:
            yield ("writeup_days",), f"cannot be negative ({self.writeup_days})"


@frozen
class FixedMeeting:
    """A meeting whose date is decided already."""

    date: dt.date
    """The day of the meeting."""
    time: Clock | None = None
    """Start time; default: the group's first allowed start time."""
    title: str | None = None
    """Title shown in calendars instead of the generated one."""
    agenda: tuple[str, ...] = ()
    """Agenda lines shown in the description."""


@frozen
class Group:
    """A body that meets: nämnd, styrgrupp, beredningsgrupp, arbetsgrupp, nätverk, …"""

    id: str
    """Short id, e.g. "AVÄ"; also the meeting ids' prefix and the feed's category."""
    name: str
    """Full Swedish name, e.g. "Arbetsgrupp västra äldre"."""
    kind: str
    """Kind of body, e.g. nämnd, styrgrupp, beredningsgrupp, arbetsgrupp, nätverk."""
    meetings: Annotated[Count, BeforeValidator(_count_from_int, json_schema_input_type=int | Count)]
    """Meetings per calendar year: a number or {min, max}."""
    chairs: tuple[ChairTerm, ...] = ()
    """The chair's terms, in order; the term covering a meeting's day gives its chair."""
    members: tuple[str, ...] = ()
    """Ids of the people who attend besides the chair."""
    duration_minutes: int = 120
    """Length of a meeting."""
    start_times: tuple[Clock, ...] = (time(9, 0),)
    """Allowed start times, e.g. ["09:00", "13:00"]."""
    weekdays: tuple[Weekday, ...] = WORKDAYS
    """Allowed weekdays (mon..fri by default)."""
    usual_weekday: Weekday | None = None
    """The weekday the group usually meets, for the rhythm goal (default: derived from the
    structure, see the format reference: the weekday that lets the group meet its preferred
    lead before the groups it prepares, spread among groups that share people)."""
    usual_start: Clock | None = None
    """The start time the group usually meets at, for the rhythm goal (default: the first of
    ``start_times``); another start time is allowed but costs a rhythm unit."""
    location: str = ""
    """Where the group meets, e.g. "Teams" or "Regionhuset, Nyköping"."""
    min_days_between: int = 1
    """Fewest days between two consecutive meetings of the group."""
    max_days_between: int | None = None
    """Most days between two consecutive meetings of the group (breaks included)."""
    notice_days: int = 7
    """Days before a meeting that its notice (kallelse) with papers goes out."""
    fixed: tuple[FixedMeeting, ...] = ()
    """Meetings whose dates are already decided."""
    preceding: tuple[date, ...] = ()
    """Days of the group's last meetings before the period: they prepare the first meetings of
    the groups it feeds and count for the days between meetings."""
    feeds: tuple[Feed, ...] = ()
    """Groups whose meetings this group prepares, each with a lead window."""
    firm: bool = False
    """Its dates are decided (a nämnd's sammanträdesplan): a re-plan never moves its published
    meetings; only the coordinator does, by name (cadence move)."""

    def problems(self) -> Iterator[Finding]:
        if not self.id.strip():
            yield ("id",), "must not be empty"
        yield from _prefixed(("meetings",), self.meetings.problems())
        yield from _positive(("duration_minutes",), self.duration_minutes)
        yield from _positive(("min_days_between",), self.min_days_between)
        yield from _positive(("max_days_between",), self.max_days_between)
        if self.notice_days < 0:
            yield ("notice_days",), f"cannot be negative ({self.notice_days})"
        if self.max_days_between is not None and self.max_days_between < self.min_days_between:
            yield (
                ("max_days_between",),
                (
                    f"{self.max_days_between} is less than min_days_between "
                    f"({self.min_days_between})"
                ),
            )
        if not self.start_times:
            yield ("start_times",), "needs at least one start time"
        if not self.weekdays:
            yield ("weekdays",), "needs at least one weekday"
        if self.usual_weekday is not None and self.usual_weekday not in self.weekdays:
            yield ("usual_weekday",), f"'{self.usual_weekday}' is not among the allowed weekdays"
        if self.usual_start is not None and self.usual_start not in self.start_times:
            allowed = ", ".join(f"{t:%H:%M}" for t in self.start_times)
            yield (
                ("usual_start",),
                f"{self.usual_start:%H:%M} is not among the start times ({allowed})",
            )
        for i, start in enumerate(self.start_times):
            if (start.hour * 60 + start.minute + self.duration_minutes) > 24 * 60:
                yield (
                    ("start_times", i),
                    (f"a meeting starting {start:%H:%M} would end after midnight"),
                )
        for i, fixed in enumerate(self.fixed):
            at = fixed.time
            if at and (at.hour * 60 + at.minute + self.duration_minutes) > 24 * 60:
                yield (
                    ("fixed", i, "time"),
                    (f"a meeting starting {at:%H:%M} would end after midnight"),
                )
        for i, day in enumerate(self.weekdays):
            if day not in WORKDAYS:
                yield ("weekdays", i), f"meetings are held on working days (mon–fri), not '{day}'"
        yield from _each("chairs", self.chairs)
        yield from _each("feeds", self.feeds)
        fixed_days = [f.date for f in self.fixed]
        for fixed_day, count in Counter(fixed_days).items():
            if count > 1:
                yield (
                    ("fixed", fixed_days.index(fixed_day), "date"),
                    f"two fixed meetings on {fixed_day}",
                )

    def chair_on(self, day: date) -> str | None:
        """The chair's person id on ``day``, if a term covers it."""
        term = self.term_on(day)
        return term.person if term else None

    def attendees(self, day: date, chair: str | None = None) -> tuple[str, ...]:
        """The chair (``chair``, or the term's chair on ``day``) and the members, once each."""
        chair = chair or self.chair_on(day)
        return tuple(dict.fromkeys([*([chair] if chair else []), *self.members]))

    def term_on(self, day: date) -> ChairTerm | None:
        """The chair term covering ``day``, if any."""
        for term in self.chairs:
            if term.start <= day <= term.end:
                return term
        return None

    def writeup(self, feed: Feed, default: int) -> int:
        """Working days between this group's meeting and the notice of what ``feed`` prepares."""
        return default if feed.writeup_days is None else feed.writeup_days


@frozen
class ItemLink:
    """Ties an agenda item to the meetings that carry another item."""

    item: str
    """Id of the other agenda item, e.g. "fardplan-beslut"."""
    min_days: int
    """Fewest days before the other item's meeting."""
    max_days: int
    """Most days before the other item's meeting."""

    def problems(self) -> Iterator[Finding]:
        if self.min_days < 0:
            yield ("min_days",), f"cannot be negative ({self.min_days})"
        if self.min_days > self.max_days:
            yield (
                ("min_days",),
                (f"min_days ({self.min_days}) is larger than max_days ({self.max_days})"),
            )


@frozen
class AgendaItem:
    """A named item that must be on a meeting of given groups, in a window or before another item.

    Without ``before``, the item is due once in every ``every`` (year, half-year, …) of the period,
    inside the optional window. With ``before``, it is due once for every meeting that carries the
    other item, ``min_days``..``max_days`` before it; ``every`` then does not apply.
    """

    id: str
    """Short id, e.g. "fardplan-beslut"."""
    title: str
    """Swedish title shown in the agenda, e.g. "Färdplan för nära vård – beslut"."""
    groups: tuple[str, ...] = ()
    """Ids of the groups that carry the item (each group its own)."""
    kinds: tuple[str, ...] = ()
    """Or: every group of these kinds carries the item."""
    every: Recurrence = "year"
    """Due once per: period, year, half_year or quarter."""
    window_from: date | str | None = None
    """Earliest day: a date, or "MM-DD" within each year."""
    window_to: date | str | None = None
    """Latest day: a date, or "MM-DD" within each year."""
    first_meeting: bool = False
    """Must be on the group's first meeting of each occurrence (each year with every: year)."""
    before: ItemLink | None = None
    """Must be on a meeting some days before each meeting carrying another item."""

    def problems(self) -> Iterator[Finding]:
        if not self.id.strip():
            yield ("id",), "must not be empty"
        if not self.groups and not self.kinds:
            yield (), "names no groups: give groups or kinds"
        for key in ("window_from", "window_to"):
            value = getattr(self, key)
            if isinstance(value, str) and parse_month_day(value) is None:
                yield (key,), f"'{value}' is neither a date nor a month-day like \"09-01\""
        low, high = self.window_from, self.window_to
        if isinstance(low, date) and isinstance(high, date) and low > high:
            yield ("window_to",), f"window ends ({high}) before it starts ({low})"
        if type(low) is not type(high) and low is not None and high is not None:
            yield ("window_to",), "window_from and window_to must both be dates or both month-days"
        if self.before is not None:
            yield from _prefixed(("before",), self.before.problems())
            if self.before.item == self.id:
                yield ("before", "item"), "an item cannot come before itself"


@frozen
class Weights:
    """Weights of the soft goals; 0 switches a goal off."""

    spread: int = 4
    """Meetings spread evenly over the active part of the year."""
    lead: int = 3
    """Leads near the preferred value, per week beyond it."""
    rhythm: int = 2
    """A regular rhythm: same weekday, similar week of the month."""
    avoid: int = 5
    """Avoid periods avoided (multiplied by each period's own weight)."""
    person_week: int = 3
    """No person with more meetings in one ISO week than ``person_week_limit``."""
    person_day: int = 4
    """No person with more than one meeting in a day (unless ``person_day_hard`` makes it a
    rule)."""

    def problems(self) -> Iterator[Finding]:
        for key in ("spread", "lead", "rhythm", "avoid", "person_week", "person_day"):
            if getattr(self, key) < 0:
                yield (key,), f"cannot be negative ({getattr(self, key)})"


@frozen
class ChairRules:
    """Which groups follow the chair rules; breaking them gives a warning, not an error."""

    kinds: tuple[str, ...] = ("arbetsgrupp",)
    """Kinds of group whose chairs the rules cover (the structure document: arbetsgrupper)."""
    max_years: int = 2
    """A chair serves at most this many years at a time."""
    alternate: bool = True
    """The chair alternates between the region and the kommuner."""

    def problems(self) -> Iterator[Finding]:
        yield from _positive(("max_years",), self.max_years)


@frozen
class ChangeLimits:
    """When ``cadence move``, ``cancel`` and ``add`` apply a change at once, and when they offer
    the coordinator options instead (and exit 3): keeping every rule must not move more than
    ``max_other_moves`` other published meetings, nor shift any of them more than
    ``max_shift_days`` days."""

    max_other_moves: int = 2
    """Other published meetings a change may move and still be applied at once."""
    max_shift_days: int = 28
    """Days any other published meeting may shift and the change still be applied at once."""

    def problems(self) -> Iterator[Finding]:
        if self.max_other_moves < 0:
            yield ("max_other_moves",), f"cannot be negative ({self.max_other_moves})"
        if self.max_shift_days < 0:
            yield ("max_shift_days",), f"cannot be negative ({self.max_shift_days})"


@frozen
class Publish:
    """Where the output folder is published, so that pages and feeds can give full addresses."""

    base_url: str | None = None
    """The web address the output folder is copied to, e.g. https://example.org/kalender:
    index.html and the feeds then link https:// and webcal:// addresses that subscribe."""

    def problems(self) -> Iterator[Finding]:
        if self.base_url is None:
            return
        parts = urlsplit(self.base_url)
        if parts.scheme not in ("https", "http") or not parts.netloc:
            yield (
                ("base_url",),
                f"'{self.base_url}' is not a web address (https://server/folder)",
            )
        elif parts.query or parts.fragment:
            yield ("base_url",), f"'{self.base_url}': a folder address has no ?query or #part"

    @property
    def base(self) -> str | None:
        """The address without a trailing slash, or None when nothing is published."""
        return self.base_url.rstrip("/") if self.base_url else None


@frozen
class Scenario:
    """One collaboration structure over one planning period."""

    name: str
    """Title of the plan, e.g. "Samverkansstrukturen i Sörmland 2026"."""
    period: Period
    """The planning period."""
    groups: tuple[Group, ...]
    """The bodies that meet."""
    description: str = ""
    """Free text about the scenario and its assumptions."""
    calendar: CalendarRules = field(default_factory=CalendarRules)
    """Working days: holidays, half days, breaks, discouraged periods."""
    organisations: tuple[Organisation, ...] = ()
    """The principals people represent (region, kommuner, others)."""
    people: tuple[Person, ...] = ()
    """Everyone who attends; roles rather than real names."""
    items: tuple[AgendaItem, ...] = ()
    """Agenda items and milestones that must land on meetings."""
    weights: Weights = field(default_factory=Weights)
    """Weights of the soft goals."""
    person_week_limit: int = 2
    """Meetings per person and ISO week above which the person_week goal penalises."""
    person_day_hard: bool = False
    """Nobody has two meetings on one day: a rule instead of the person_day goal."""
    writeup_days: int = 0
    """Working days that must lie between a preparing meeting and the notice of the meeting it
    prepares (each feed may set its own), e.g. 2: a day to write up, a day to send."""
    chair_rules: ChairRules = field(default_factory=ChairRules)
    """Term length and alternation of chairs, checked as warnings."""
    firm_kinds: tuple[str, ...] = ()
    """Kinds of group whose dates are firm, as if each such group said ``firm: true``."""
    publish: Publish = field(default_factory=Publish)
    """Where the output folder is published (its web address)."""
    changes: ChangeLimits = field(default_factory=ChangeLimits)
    """How much a coordinator's change may move before she chooses between options."""

    # -- look-ups -----------------------------------------------------------------------------

    def group(self, group_id: str) -> Group:
        return next(g for g in self.groups if g.id == group_id)

    def person(self, person_id: str) -> Person:
        return next(p for p in self.people if p.id == person_id)

    def organisation(self, org_id: str) -> Organisation:
        return next(o for o in self.organisations if o.id == org_id)

    def item(self, item_id: str) -> AgendaItem:
        return next(i for i in self.items if i.id == item_id)

    def item_groups(self, item: AgendaItem) -> tuple[str, ...]:
        """Ids of the groups that carry ``item``, in scenario order."""
        return tuple(g.id for g in self.groups if g.id in item.groups or g.kind in item.kinds)

    def feeders(self, group_id: str) -> tuple[tuple[Group, Feed], ...]:
        """The (group, feed) pairs whose meetings prepare ``group_id``."""
        return tuple((g, f) for g in self.groups for f in g.feeds if f.to == group_id)

    # -- checks -------------------------------------------------------------------------------

    def problems(self) -> Iterator[Finding]:
        """Field checks of every part, then references between parts."""
        if not self.name.strip():
            yield ("name",), "must not be empty"
        if self.person_week_limit < 1:
            yield ("person_week_limit",), f"must be at least 1, not {self.person_week_limit}"
        if self.writeup_days < 0:
            yield ("writeup_days",), f"cannot be negative ({self.writeup_days})"
        yield from _prefixed(("period",), self.period.problems())
        yield from _prefixed(("calendar",), self.calendar.problems())
        yield from _prefixed(("weights",), self.weights.problems())
        yield from _prefixed(("chair_rules",), self.chair_rules.problems())
        yield from _prefixed(("publish",), self.publish.problems())
        yield from _prefixed(("changes",), self.changes.problems())
        yield from _each("organisations", self.organisations)
        yield from _each("people", self.people)
        yield from _each("groups", self.groups)
        yield from _each("items", self.items)
        yield from _duplicates("organisations", (o.id for o in self.organisations), "organisation")
        yield from _duplicates("people", (p.id for p in self.people), "person")
        yield from _duplicates("groups", (g.id for g in self.groups), "group")
        yield from _duplicates("items", (i.id for i in self.items), "item")
        yield from self._reference_problems()
        yield from self._cycle_problems()

    def _reference_problems(self) -> Iterator[Finding]:
        orgs = {o.id for o in self.organisations}
        people = {p.id for p in self.people}
        groups = {g.id: g for g in self.groups}
        kinds = {g.kind for g in self.groups}
        for ki, kind in enumerate(self.firm_kinds):
            if kind not in kinds:
                yield ("firm_kinds", ki), f"no group is of kind '{kind}'"
        items = {i.id for i in self.items}
        for i, person in enumerate(self.people):
            if person.organisation not in orgs:
                yield ("people", i, "organisation"), f"unknown organisation '{person.organisation}'"
        for gi, group in enumerate(self.groups):
            for pi, day in enumerate(group.preceding):
                if day >= self.period.start:
                    yield (
                        ("groups", gi, "preceding", pi),
                        f"{day} is not before the period (it starts {self.period.start})",
                    )
            for mi, member in enumerate(group.members):
                if member not in people:
                    yield ("groups", gi, "members", mi), f"unknown person '{member}'"
            counts = Counter(group.members)
            for mi, member in enumerate(group.members):
                if counts[member] > 1 and group.members.index(member) < mi:
                    # at its second entry, where the list repeats itself
                    yield (
                        ("groups", gi, "members", mi),
                        f"'{member}' is listed {counts[member]} times",
                    )
                    counts[member] = 0
            for ci, term in enumerate(group.chairs):
                if term.person not in people:
                    yield ("groups", gi, "chairs", ci, "person"), f"unknown person '{term.person}'"
                if term.deputy is not None and term.deputy not in people:
                    yield ("groups", gi, "chairs", ci, "deputy"), f"unknown person '{term.deputy}'"
            for fi, feed in enumerate(group.feeds):
                path: Path = ("groups", gi, "feeds", fi)
                if feed.to not in groups:
                    yield (*path, "to"), f"unknown group '{feed.to}'"
                    continue
                if feed.to == group.id:
                    yield (*path, "to"), "a group cannot prepare its own meetings"
                    continue
                downstream = groups[feed.to]
                if feed.lead_days.min <= downstream.notice_days:
                    yield (
                        (*path, "lead_days", "min"),
                        (
                            f"{feed.lead_days.min} days is not before {feed.to}'s notice "
                            f"({downstream.notice_days} days before its meetings): "
                            f"min must be at least {downstream.notice_days + 1}"
                        ),
                    )
        for ii, item in enumerate(self.items):
            for gi, group_id in enumerate(item.groups):
                if group_id not in groups:
                    yield ("items", ii, "groups", gi), f"unknown group '{group_id}'"
            for ki, kind in enumerate(item.kinds):
                if kind not in kinds:
                    yield ("items", ii, "kinds", ki), f"no group is of kind '{kind}'"
            if item.before is not None and item.before.item not in items:
                yield ("items", ii, "before", "item"), f"unknown agenda item '{item.before.item}'"
            elif item.before is not None and item.before.item != item.id:
                target = next(i for i in self.items if i.id == item.before.item)
                for group_id in target.groups:
                    notice = groups[group_id].notice_days if group_id in groups else 0
                    if item.before.min_days <= notice:
                        yield (
                            ("items", ii, "before", "min_days"),
                            (
                                f"{item.before.min_days} days is not before {group_id}'s notice "
                                f"({notice} days before its meetings): min_days must be at least "
                                f"{notice + 1}"
                            ),
                        )
        yield from self._item_cycle_problems()

    def _cycle_problems(self) -> Iterator[Finding]:
        """A feeds cycle would ask every meeting to come before itself."""
        graph = {g.id: [f.to for f in g.feeds] for g in self.groups}
        cycle = _find_cycle(graph)
        if cycle:
            index = next(i for i, g in enumerate(self.groups) if g.id == cycle[0])
            yield (
                ("groups", index, "feeds"),
                "the feeds form a cycle: " + " → ".join([*cycle, cycle[0]]),
            )

    def _item_cycle_problems(self) -> Iterator[Finding]:
        graph = {i.id: [i.before.item] if i.before else [] for i in self.items}
        cycle = _find_cycle(graph)
        if cycle:
            index = next(i for i, item in enumerate(self.items) if item.id == cycle[0])
            yield (
                ("items", index, "before"),
                "agenda items wait for each other: " + " → ".join([*cycle, cycle[0]]),
            )

    def warnings(self) -> Iterator[Finding]:
        """Chair rules: a limited term, alternating between region and kommuner."""
        rules = self.chair_rules
        orgs = {o.id: o for o in self.organisations}
        people = {p.id: p for p in self.people}
        for gi, group in enumerate(self.groups):
            terms = sorted(enumerate(group.chairs), key=lambda t: t[1].start)
            for (_, prev), (ci, term) in itertools.pairwise(terms):
                if prev.end >= term.start:
                    yield (
                        ("groups", gi, "chairs", ci, "start"),
                        (f"{group.id}: chair terms overlap ({prev.end} ≥ {term.start})"),
                    )
            if group.chairs and not any(
                t.start <= self.period.end and t.end >= self.period.start for t in group.chairs
            ):
                yield ("groups", gi, "chairs"), f"{group.id}: no chair term covers the period"
            if group.kind not in rules.kinds:
                continue
            years = rules.max_years
            for ci, term in terms:
                if longer_than(term.start, term.end, years):
                    yield (
                        ("groups", gi, "chairs", ci),
                        (
                            f"{group.id}: a chair serves at most {years} years at a time "
                            f"({term.start}–{term.end})"
                        ),
                    )
            for (_, prev), (ci, term) in itertools.pairwise(terms):
                if prev.person == term.person and longer_than(prev.start, term.end, years):
                    yield (
                        ("groups", gi, "chairs", ci, "person"),
                        (f"{group.id}: the same chair for more than {years} years in a row"),
                    )
                sides = [_side(people, orgs, t.person) for t in (prev, term)]
                same_side = None not in sides and sides[0] == sides[1]
                if rules.alternate and same_side and prev.person != term.person:
                    yield (
                        ("groups", gi, "chairs", ci, "person"),
                        (
                            f"{group.id}: the chair should alternate between the region and the "
                            f"kommuner (two {sides[0]} chairs in a row)"
                        ),
                    )


def _side(people: dict[str, Person], orgs: dict[str, Organisation], person_id: str) -> str | None:
    person = people.get(person_id)
    org = orgs.get(person.organisation) if person else None
    return org.kind if org and org.kind in ("region", "kommun") else None


def longer_than(start: date, end: date, years: int) -> bool:
    """Whether start..end (inclusive) is longer than ``years`` years, whatever the leap days."""
    try:
        limit = start.replace(year=start.year + years)
    except ValueError:  # 29 February, or past year 9999
        if start.year + years > 9999:
            return True
        limit = date(start.year + years, 3, 1)
    return end >= limit


def _find_cycle(graph: dict[str, list[str]]) -> list[str] | None:
    """One cycle of a directed graph, in edge order, or None; edges to unknown nodes are ignored."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in graph.get(node, []):
            if nxt not in graph:
                continue
            if nxt == node:
                continue  # a self-loop has its own message
            if state.get(nxt) == 1:
                return stack[stack.index(nxt) :]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in graph:
        if node not in state and (found := visit(node)):
            return found
    return None


@dataclass(frozen=True)
class YearSlice:
    """The part of the period in one calendar year; counts per year apply to each slice."""

    year: int
    first: date
    last: date

    @property
    def fraction(self) -> float:
        """How much of the calendar year the slice covers (1.0 for a whole year)."""
        days_in_year = (date(self.year, 12, 31) - date(self.year, 1, 1)).days + 1
        return ((self.last - self.first).days + 1) / days_in_year

    def months(self, count: Count) -> list[tuple[date, date]]:
        """With ``per_month``: the slice's months that have meetings, each cut to the slice."""
        months = []
        for month in range(self.first.month, self.last.month + 1):
            if month in count.except_months:
                continue
            first = date(self.year, month, 1)
            last = date(self.year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
            months.append((max(first, self.first), min(last, self.last)))
        return months

    def counts(self, count: Count) -> tuple[int, int]:
        """The count for the slice: the year's own (``years``), per month times the months, or
        the yearly count, scaled to a part-year with min rounded down and max rounded up."""
        own = count.for_year(self.year)
        if own is not None:
            return own.min, own.max
        if count.per_month is not None:
            n = count.per_month * len(self.months(count))
            return n, n
        if self.fraction >= 1:
            return count.low, count.high
        return math.floor(count.low * self.fraction), math.ceil(count.high * self.fraction)

    def scaled(self, count: Count) -> bool:
        """Whether the slice's count is a scaled yearly count (worth a warning)."""
        return self.fraction < 1 and count.for_year(self.year) is None and count.per_month is None


def year_slices(period: Period) -> tuple[YearSlice, ...]:
    return tuple(
        YearSlice(year, max(period.start, date(year, 1, 1)), min(period.end, date(year, 12, 31)))
        for year in period.years()
    )
