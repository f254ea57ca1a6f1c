"""List entries that say nothing new, and dated entries the period leaves out.

An entry that repeats an earlier one of its list is refused with both lines rather than merged
silently: it means nothing new, and the coordinator may have meant something else (another
group, another date). A count for a year the period does not cover is refused too: it can only
be a slip, and the count the period then gets is not the one written. An absence, break or
discouraged day wholly outside the period is a fact that stays true and is ignored, with a
warning naming its line, so a year typed wrong does not pass unseen.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import fields, is_dataclass
from datetime import date, time
from typing import Any

from cadence.scenario import Days, Finding, Path, Period, Scenario

Where = Callable[[Path], str]
"""``path`` → ``line 33``: where another key of the file is."""

OWN_CHECKS = frozenset({"organisations", "people", "groups", "items", "members", "fixed", "years"})
"""Lists whose repeats have a check of their own in :mod:`cadence.scenario` (a duplicate id,
a person listed twice, two fixed meetings on one date, a year listed twice)."""

KEYS: dict[str, Callable[[Any], Any]] = {"feeds": lambda feed: feed.to}
"""Lists whose entries repeat when one key does: a second feed to the same group is a second
lead window for the same preparation, which no one means."""


def repeated(scenario: Scenario, where: Where) -> Iterator[Finding]:
    """Every list entry that repeats an earlier entry of the same list, at the later one."""
    yield from _walk(scenario, (), where)


def _walk(node: Any, path: Path, where: Where) -> Iterator[Finding]:
    for spec in fields(node):
        value = getattr(node, spec.name)
        here = (*path, spec.name)
        if is_dataclass(value):
            yield from _walk(value, here, where)
        elif isinstance(value, tuple):
            if spec.name not in OWN_CHECKS:
                yield from _repeats(spec.name, value, here, where)
            for i, entry in enumerate(value):
                if is_dataclass(entry):
                    yield from _walk(entry, (*here, i), where)


def _repeats(name: str, entries: tuple[Any, ...], path: Path, where: Where) -> Iterator[Finding]:
    key = KEYS.get(name, lambda entry: entry)
    first: dict[Any, int] = {}
    for i, entry in enumerate(entries):
        seen = first.setdefault(key(entry), i)
        if seen == i:
            continue
        earlier = where((*path, seen))
        if name in KEYS:
            yield (
                (*path, i),
                f"a second {name[:-1]} to '{key(entry)}' (the first is at {earlier}): write one "
                "entry for it, with the window you mean",
            )
        elif is_dataclass(entry):
            yield (*path, i), f"the same entry as {name}[{seen}] ({earlier}): remove one"
        else:
            yield (*path, i), f"{_text(entry)} is written twice in {name}: remove one"


def _text(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return f'"{value:%H:%M}"'
    return repr(value) if isinstance(value, str) else str(value)


def outside_years(scenario: Scenario) -> Iterator[Finding]:
    """A count (``meetings.years``) for a year the period does not cover."""
    period = scenario.period
    for gi, group in enumerate(scenario.groups):
        for yi, count in enumerate(group.meetings.years):
            if count.year not in period.years():
                yield (
                    ("groups", gi, "meetings", "years", yi, "year"),
                    (
                        f"{count.year} is not a year of the period {period.start}–{period.end}, "
                        "so this count would be ignored: write a year of the period, or remove "
                        "the entry"
                    ),
                )


def outside_days(scenario: Scenario) -> Iterator[Finding]:
    """Absences, breaks and discouraged days written with dates that all lie outside the
    period: ignored, with a warning at the date or the entry."""
    lists: list[tuple[Path, tuple[Days, ...]]] = [
        (("calendar", "blackouts"), scenario.calendar.blackouts),
        (("calendar", "avoid"), scenario.calendar.avoid),
    ]
    lists += [
        (("people", pi, "unavailable"), p.unavailable) for pi, p in enumerate(scenario.people)
    ]
    for path, entries in lists:
        for i, days in enumerate(entries):
            for at, message in _outside(days, scenario.period):
                yield (*path, i, *at), message


def _outside(days: Days, period: Period) -> Iterator[Finding]:
    span = f"outside the period {period.start}–{period.end}"
    for di, day in enumerate(days.dates):
        if not period.start <= day <= period.end:
            yield ("dates", di), f"{day} is {span} and is ignored"
    if days.dates:
        return
    first, last = days.start, days.end
    if days.weeks and days.year is not None:
        weeks = [w for w in days.weeks if _week_exists(days.year, w)]
        inside = [
            w
            for w in weeks
            if date.fromisocalendar(days.year, w, 7) >= period.start
            and date.fromisocalendar(days.year, w, 1) <= period.end
        ]
        if weeks and not inside:
            yield ("year",), f"weeks {_weeks(weeks)} of {days.year} are {span} and are ignored"
        return
    if (first is not None and first > period.end) or (last is not None and last < period.start):
        shown = f"{first or '…'}–{last or '…'}"
        yield (), f"{shown} is {span} and is ignored"


def _week_exists(year: int, week: int) -> bool:
    try:
        date.fromisocalendar(year, week, 1)
    except ValueError:
        return False
    return True


def _weeks(weeks: list[int]) -> str:
    return ", ".join(str(w) for w in sorted(set(weeks)))
