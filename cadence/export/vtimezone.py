"""The VTIMEZONE of a feed, written the way Outlook and Google write it: yearly RRULE observances.

Outlook does not read a VTIMEZONE transition by transition: it approximates the zone from its
TZID, DTSTART, RRULE and offsets, and zones written as RDATE lists have been reported to shift
meetings by an hour. So the rule is derived from the zone's own transitions (zoneinfo) over the
years the feed covers ("last Sunday of March at 02:00"), checked against every one of those
transitions, and written as one STANDARD and one DAYLIGHT observance. A zone whose transitions
follow no yearly rule in that span is written one observance per transition instead, still
without RDATE lists; a zone without transitions as one STANDARD observance.
"""

from __future__ import annotations

import calendar
import functools
import zoneinfo
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import icalendar

_EPOCH = datetime(1970, 1, 1)
_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class Transition:
    """One change of a zone's offset, in the wall-clock time it changes from."""

    local: datetime
    """Naive local time, in the offset before the change (what DTSTART of an observance says)."""
    before: timedelta
    after: timedelta
    name: str
    """The abbreviation after the change, e.g. ``CEST``."""
    daylight: bool
    """Whether the zone observes summer time after the change."""


@functools.cache
def transitions(zone: zoneinfo.ZoneInfo, first: int, last: int) -> tuple[Transition, ...]:
    """Every offset change of ``zone`` in the years ``first``–``last``, in order (computed once
    per run: every feed of a plan carries the same VTIMEZONE)."""
    result = []
    start = datetime(first, 1, 1, tzinfo=UTC)
    end = datetime(last + 1, 1, 1, tzinfo=UTC)
    step = timedelta(hours=6)  # zones change at most once in six hours
    moment = start
    while moment < end:
        later = moment + step
        if moment.astimezone(zone).utcoffset() != later.astimezone(zone).utcoffset():
            low, high = moment, later  # the change lies in (low, high]
            while high - low > timedelta(minutes=1):
                middle = low + (high - low) / 2
                middle = middle.replace(second=0, microsecond=0)
                if middle.astimezone(zone).utcoffset() == low.astimezone(zone).utcoffset():
                    low = middle
                else:
                    high = middle
            before = low.astimezone(zone).utcoffset()
            after_local = high.astimezone(zone)
            assert before is not None
            result.append(
                Transition(
                    local=(high + before).replace(tzinfo=None),
                    before=before,
                    after=after_local.utcoffset() or timedelta(0),
                    name=after_local.tzname() or "",
                    daylight=bool(after_local.dst()),
                )
            )
        moment = later
    return tuple(result)


@dataclass(frozen=True)
class Rule:
    """A yearly rule: in ``month``, on ``weekday`` number ``ordinal`` (-1 the last), at ``at``."""

    month: int
    weekday: int
    ordinal: int

    def day(self, year: int) -> date:
        days = [
            d
            for d in range(1, calendar.monthrange(year, self.month)[1] + 1)
            if date(year, self.month, d).weekday() == self.weekday
        ]
        return date(year, self.month, days[self.ordinal if self.ordinal < 0 else self.ordinal - 1])

    def rrule(self) -> dict[str, object]:
        return {
            "FREQ": "YEARLY",
            "BYMONTH": self.month,
            "BYDAY": f"{self.ordinal}{_DAYS[self.weekday]}",
        }


def yearly_rule(changes: list[Transition], first: int, last: int) -> Rule | None:
    """The one yearly rule that gives exactly ``changes``, one a year from ``first`` to
    ``last`` at the same time of day with the same offsets, or None."""
    if [c.local.year for c in changes] != list(range(first, last + 1)):
        return None
    head = changes[0]
    if any(
        (c.local.time(), c.before, c.after, c.name, c.daylight)
        != (head.local.time(), head.before, head.after, head.name, head.daylight)
        for c in changes
    ):
        return None
    weekday, month = head.local.weekday(), head.local.month
    for ordinal in (-1, 1, 2, 3, 4):
        rule = Rule(month, weekday, ordinal)
        if all(rule.day(c.local.year) == c.local.date() for c in changes):
            return rule
    return None


def _observance(change: Transition, rule: Rule | None) -> icalendar.cal.Component:
    part = icalendar.TimezoneDaylight() if change.daylight else icalendar.TimezoneStandard()
    part.add("dtstart", change.local)
    if rule is not None:
        part.add("rrule", rule.rrule())
    part.add("tzoffsetfrom", change.before)
    part.add("tzoffsetto", change.after)
    part.add("tzname", change.name)
    return part


def vtimezone(tzid: str, first: int, last: int) -> icalendar.Timezone:
    """The VTIMEZONE of IANA zone ``tzid`` for events in the years ``first``–``last``.

    The rule is derived from and checked against the transitions of a year before to a year
    after (clients also show the weeks around the period), and written to start at the first of
    them: a client reading an older event would not be told a rule the zone did not keep.
    """
    zone = zoneinfo.ZoneInfo(tzid)
    low, high = first - 1, last + 1
    found = transitions(zone, low, high)
    tz = icalendar.Timezone()
    tz.add("tzid", tzid)
    if not found:
        moment = datetime(low, 1, 1, tzinfo=UTC).astimezone(zone)
        offset = moment.utcoffset() or timedelta(0)
        steady = Transition(_EPOCH, offset, offset, moment.tzname() or "", bool(moment.dst()))
        tz.add_component(_observance(steady, None))
        return tz
    kinds: dict[tuple[timedelta, timedelta, bool], list[Transition]] = {}
    for change in found:
        kinds.setdefault((change.before, change.after, change.daylight), []).append(change)
    rules = {key: yearly_rule(changes, low, high) for key, changes in kinds.items()}
    if len(kinds) == 2 and all(rule is not None for rule in rules.values()):
        for key, changes in sorted(kinds.items(), key=lambda kv: kv[1][0].local):
            tz.add_component(_observance(changes[0], rules[key]))
        return tz
    for change in found:  # no yearly rule: each change its own observance, still no RDATE
        tz.add_component(_observance(change, None))
    return tz
