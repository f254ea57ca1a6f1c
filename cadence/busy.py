"""Busy times from a person's exported calendar (.ics from Outlook or Google), as unavailability.

Events make the person unavailable unless they are transparent, cancelled, or marked free by
Outlook (X-MICROSOFT-CDO-BUSYSTATUS:FREE); tentative events count as busy. Recurring events are
expanded over the planning period. Event titles are not copied into the plan: a busy calendar is
private, so the reason names only the file.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path as FilePath

import icalendar
import recurring_ical_events

from cadence import limits
from cadence.errors import InputError
from cadence.scenario import Period, Unavailability

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
        return busy_times(calendar, period, reason=f"upptagen enligt {path.name}")
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
        day = start.date()
        while day <= end.date():
            low = start.time() if day == start.date() else time(0, 0)
            high = end.time() if day == end.date() else _END_OF_DAY
            if low < high:
                found.append(
                    Unavailability(dates=(day,), from_time=low, to_time=high, reason=reason)
                )
            day += timedelta(days=1)
    return tuple(sorted(found, key=lambda u: (u.dates or (u.start,), u.from_time or time(0))))


def _events(calendar: icalendar.Calendar, period: Period) -> Iterator[icalendar.cal.Component]:
    """The events in the period in order of start, stopping at the limit: a rule such as
    FREQ=SECONDLY would otherwise expand into millions of occurrences."""
    after = recurring_ical_events.of(calendar).after(period.start)
    for count, event in enumerate(after):
        start = event.decoded("DTSTART")
        if (start.date() if isinstance(start, datetime) else start) > period.end:
            return
        if count >= limits.BUSY_EVENTS:
            raise BusyFileError(f"more than {limits.BUSY_EVENTS} busy events in the period")
        yield event


def _is_busy(event: icalendar.cal.Component) -> bool:
    if str(event.get("TRANSP", "OPAQUE")).upper() == "TRANSPARENT":
        return False
    if str(event.get("STATUS", "")).upper() == "CANCELLED":
        return False
    return str(event.get("X-MICROSOFT-CDO-BUSYSTATUS", "BUSY")).upper() != "FREE"


def _local(moment: datetime, tz: zoneinfo.ZoneInfo) -> datetime:
    """Floating times are the scenario's local time; others are converted to it."""
    return moment.replace(tzinfo=tz) if moment.tzinfo is None else moment.astimezone(tz)
