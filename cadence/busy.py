"""Busy times from a person's exported calendar (.ics from Outlook or Google), as unavailability.

Events make the person unavailable unless they are transparent, cancelled, or marked free by
Outlook (X-MICROSOFT-CDO-BUSYSTATUS:FREE); tentative events count as busy. Recurring events are
expanded over the planning period. Event titles are not copied into the plan: a busy calendar is
private, so the reason names only the file.
"""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time, timedelta
from pathlib import Path as FilePath

import icalendar
import recurring_ical_events

from cadence import limits
from cadence.errors import InputError
from cadence.scenario import Period, Unavailability, busy_reason

_END_OF_DAY = time(23, 59, 59)


class BusyFileError(Exception):
    """A busy-times file that is missing or not iCalendar."""


def read_busy(path: FilePath, period: Period) -> tuple[Unavailability, ...]:
    try:
        data = limits.read_capped(path, limits.BUSY_BYTES, "busy-times file")
    except InputError as err:
        raise BusyFileError(
            "; ".join(f"cannot read {p.file}: {p.message}" for p in err.problems)
        ) from None
    try:
        calendar = icalendar.Calendar.from_ical(data)
        return busy_times(calendar, period, reason=busy_reason(path.name))
    except BusyFileError:
        raise
    except RecursionError:
        raise BusyFileError(f"{path}: nested too deeply") from None
    except Exception as err:
        reason = str(err)[:200] or type(err).__name__
        raise BusyFileError(f"{path} is not an iCalendar file cadence can read: {reason}") from None


def busy_times(
    calendar: icalendar.Calendar, period: Period, reason: str
) -> tuple[Unavailability, ...]:
    """Each opaque event in the period as one unavailability per day it touches."""
    tz = zoneinfo.ZoneInfo(period.timezone)
    found: list[Unavailability] = []
    for event in _events(calendar, period):
        if not _is_busy(event):
            continue
        start = event.decoded("DTSTART")
        end = event.decoded("DTEND") if "DTEND" in event else None
        if not isinstance(start, datetime):
            last = (end - timedelta(days=1)) if isinstance(end, date) and end > start else start
            found.append(Unavailability(start=start, end=last, reason=reason))
            continue
        end = end or start
        start, end = _local(start, tz), _local(end, tz)
        day = max(start.date(), period.start)  # an event of years is only its days in the period
        while day <= min(end.date(), period.end):
            low = start.time() if day == start.date() else time(0, 0)
            high = end.time() if day == end.date() else _END_OF_DAY
            if low < high:
                found.append(
                    Unavailability(dates=(day,), from_time=low, to_time=high, reason=reason)
                )
            day += timedelta(days=1)
    return tuple(sorted(found, key=lambda u: (u.dates or (u.start,), u.from_time or time(0))))


_UNIT_DAYS = {
    "SECONDLY": 1 / 86400,
    "MINUTELY": 1 / 1440,
    "HOURLY": 1 / 24,
    "DAILY": 1,
    "WEEKLY": 7,
    "MONTHLY": 28,
    "YEARLY": 365,
}
_EXPANDING = {  # the BY parts that add occurrences within one step of each frequency
    "SECONDLY": (),
    "MINUTELY": ("BYSECOND",),
    "HOURLY": ("BYSECOND", "BYMINUTE"),
    "DAILY": ("BYSECOND", "BYMINUTE", "BYHOUR"),
    "WEEKLY": ("BYSECOND", "BYMINUTE", "BYHOUR", "BYDAY"),
    "MONTHLY": ("BYSECOND", "BYMINUTE", "BYHOUR", "BYDAY", "BYMONTHDAY"),
    "YEARLY": ("BYSECOND", "BYMINUTE", "BYHOUR", "BYDAY", "BYMONTHDAY", "BYYEARDAY",
               "BYWEEKNO", "BYMONTH"),
}  # fmt: skip


def expansion_estimate(calendar: icalendar.Calendar, period: Period) -> int:
    """At least as many occurrences as expanding the file's events up to the period's end
    takes (recurrences are generated from their first DTSTART, however long ago)."""
    total = 0
    for event in calendar.walk("VEVENT"):
        total += 1 + len(event.get("RDATE", []) if isinstance(event.get("RDATE"), list) else [])
        rules = event.get("RRULE")
        if rules is None:
            continue
        start = event.decoded("DTSTART", None)
        first = start.date() if isinstance(start, datetime) else start
        if not isinstance(first, date):
            continue  # the library rejects it, and says why
        days = (period.end - min(first, period.start)).days + 1
        for rule in rules if isinstance(rules, list) else [rules]:
            freq = str((rule.get("FREQ") or ["DAILY"])[0]).upper()
            interval = max(1, int((rule.get("INTERVAL") or [1])[0]))
            steps = int(days / _UNIT_DAYS.get(freq, 1) / interval) + 1
            if rule.get("COUNT"):
                steps = min(steps, max(0, int(rule["COUNT"][0])))
            for part in _EXPANDING.get(freq, ()):
                steps *= max(1, len(rule.get(part) or ()))
            total += steps
    return total


def _events(calendar: icalendar.Calendar, period: Period) -> list[icalendar.cal.Component]:
    """The events in the period, within the limits: a rule such as FREQ=MINUTELY would
    otherwise expand into millions of occurrences, so the expansion is estimated first."""
    estimate = expansion_estimate(calendar, period)
    if estimate > limits.BUSY_EXPANSION:
        raise BusyFileError(
            f"its events repeat about {estimate} times up to the end of the period, more than "
            f"{limits.BUSY_EXPANSION}"
        )
    events = recurring_ical_events.of(calendar).between(
        period.start, period.end + timedelta(days=1)
    )
    if len(events) > limits.BUSY_EVENTS:
        raise BusyFileError(f"more than {limits.BUSY_EVENTS} busy events in the period")
    return list(events)


def _is_busy(event: icalendar.cal.Component) -> bool:
    if str(event.get("TRANSP", "OPAQUE")).upper() == "TRANSPARENT":
        return False
    if str(event.get("STATUS", "")).upper() == "CANCELLED":
        return False
    return str(event.get("X-MICROSOFT-CDO-BUSYSTATUS", "BUSY")).upper() != "FREE"


def _local(moment: datetime, tz: zoneinfo.ZoneInfo) -> datetime:
    """Floating times are the scenario's local time; others are converted to it."""
    return moment.replace(tzinfo=tz) if moment.tzinfo is None else moment.astimezone(tz)
