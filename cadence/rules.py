"""The hard rules of a scenario as the coordinator wrote them: a key for each rule instance, its
words and the key path of the scenario where it is written (the loader turns that into a line).

The model builds each rule from the instance; when the rules cannot all hold, the explanation
model switches each rule on or off by its key (see :mod:`cadence.clash`), and these are the
words it reports them in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cadence.scenario import WORKDAYS, Days, Path, Scenario, Unavailability, busy_reason

RuleKey = tuple[str | int, ...]
"""``("weekdays", "PSO")``, ``("away", "ordf", 0)``, ``("link", "AGA", "BG")``, …"""

CALENDAR: RuleKey = ("calendar",)
"""Weekends, holidays, half days and meetings that took place: not the coordinator's to change,
so never switched off."""

ENGLISH_DAYS = {
    "mon": "Mondays",
    "tue": "Tuesdays",
    "wed": "Wednesdays",
    "thu": "Thursdays",
    "fri": "Fridays",
    "sat": "Saturdays",
    "sun": "Sundays",
}


@dataclass(frozen=True)
class Rule:
    """One hard rule instance: its key, the coordinator's words, and where it is written."""

    key: RuleKey
    text: str
    path: Path | None
    """Key path in the scenario file; None for a rule given on the command line (a pin)."""


def _joined(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def weekdays(days: tuple[str, ...]) -> str:
    """``("thu", "fri")`` → ``Thursdays and Fridays``."""
    return _joined([ENGLISH_DAYS[d] for d in (*WORKDAYS, "sat", "sun") if d in days])


def days_text(days: Days) -> str:
    """The days an entry names, in words with its dates."""
    if days.dates:
        return "on " + ", ".join(d.isoformat() for d in days.dates)
    if days.weeks:
        weeks = ", ".join(str(w) for w in days.weeks)
        return f"in week{'s' if len(days.weeks) > 1 else ''} {weeks}" + (
            f" of {days.year}" if days.year else ""
        )
    if days.every_year_from and days.every_year_to:
        return f"every year {days.every_year_from} – {days.every_year_to}"
    if days.holidays:
        return "on " + ", ".join(days.holidays)
    span = ""
    if days.start or days.end:
        span = f"{days.start or '…'} – {days.end or '…'}"
    if days.weekdays:
        return f"on {weekdays(days.weekdays)}" + (f" {span}" if span else "")
    return span


def _hours(entry: Unavailability) -> str:
    if entry.from_time is None and entry.to_time is None:
        return ""
    low = f"{entry.from_time:%H:%M}" if entry.from_time else "00:00"
    high = f"{entry.to_time:%H:%M}" if entry.to_time else "24:00"
    return f" {low}–{high}"


def away_path(scenario: Scenario, pi: int, ui: int) -> Path:
    """Where absence ``ui`` of person ``pi`` is written: its entry, or the person's ``busy_ics``
    when it was read from that file."""
    person = scenario.people[pi]
    if person.busy_ics is not None and person.unavailable[ui].reason == busy_reason(
        person.busy_ics
    ):
        return ("people", pi, "busy_ics")
    return ("people", pi, "unavailable", ui)


def describe(scenario: Scenario, key: RuleKey, days: tuple[date, date] | None = None) -> Rule:
    """The rule ``key`` of ``scenario`` in the coordinator's words. ``days``: the first and last
    day an agenda item's occurrence may be carried on (for items)."""
    kind = key[0]
    groups = {g.id: i for i, g in enumerate(scenario.groups)}
    if kind == "weekdays":
        gi = groups[str(key[1])]
        group = scenario.groups[gi]
        return Rule(key, f"{group.id} meets only on {weekdays(group.weekdays)}",
                    ("groups", gi, "weekdays"))  # fmt: skip
    if kind == "away":
        pi = next(i for i, p in enumerate(scenario.people) if p.id == key[1])
        person = scenario.people[pi]
        entry = person.unavailable[int(key[2])]
        reason = f": {entry.reason}" if entry.reason else ""
        where = away_path(scenario, pi, int(key[2]))
        return Rule(key, f"{person.name} is away {days_text(entry)}{_hours(entry)}{reason}", where)
    if kind == "blackout":
        index = int(key[1])
        blackout = scenario.calendar.blackouts[index]
        return Rule(
            key,
            f"No meetings during {blackout.name} ({days_text(blackout)})",
            ("calendar", "blackouts", index),
        )
    if kind == "count":
        gi = groups[str(key[1])]
        group = scenario.groups[gi]
        year = int(key[2])
        low = int(key[3])
        path: Path = ("groups", gi, "meetings")
        own = next((i for i, y in enumerate(group.meetings.years) if y.year == year), None)
        if own is not None:
            path = (*path, "years", own)
        return Rule(key, f"{group.id} meets at least {low} times in {year}", path)
    if kind in ("min_gap", "max_gap"):
        gi = groups[str(key[1])]
        group = scenario.groups[gi]
        if kind == "min_gap":
            words = f"at least {group.min_days_between}"
            field = "min_days_between"
        else:
            words = f"at most {group.max_days_between}"
            field = "max_days_between"
        after = " (also after its last meeting before the period)" if group.preceding else ""
        return Rule(
            key, f"{group.id}'s meetings are {words} days apart{after}", ("groups", gi, field)
        )
    if kind == "fixed":
        gi = groups[str(key[1])]
        group = scenario.groups[gi]
        fixed = group.fixed[int(key[2])]
        at = fixed.time or group.start_times[0]
        return Rule(
            key,
            f"{group.id} meets on {fixed.date} at {at:%H:%M} (a decided date)",
            ("groups", gi, "fixed", int(key[2])),
        )
    if kind == "pinned":
        return Rule(key, f"{key[1]} meets on {key[2]}, as the command asks", None)
    if kind == "link":
        gi = groups[str(key[1])]
        group = scenario.groups[gi]
        fi = next(i for i, f in enumerate(group.feeds) if f.to == key[2])
        feed = group.feeds[fi]
        to = scenario.group(feed.to)
        writeup = group.writeup(feed, scenario.writeup_days)
        words = (
            f"Each {to.id} meeting needs a meeting of {group.id} {feed.lead_days.min}–"
            f"{feed.lead_days.max} days before it, before {to.id}'s kallelse "
            f"({to.notice_days} days ahead)"
        )
        if writeup:
            words += f" with {writeup} working days to write up"
        return Rule(key, words, ("groups", gi, "feeds", fi))
    if kind == "due":
        return _due(scenario, key, days)
    if kind == "person":
        pi = next(i for i, p in enumerate(scenario.people) if p.id == key[1])
        person = scenario.people[pi]
        return Rule(key, f"{person.name} cannot be at two meetings at once", ("people", pi))
    if kind == "person_day":
        return Rule(key, "Nobody has two meetings on one day", ("person_day_hard",))
    raise ValueError(f"unknown rule {key}")


def _due(scenario: Scenario, key: RuleKey, days: tuple[date, date] | None) -> Rule:
    """An agenda item's occurrence: ``("due", item id, group id, due key, target group or "")``."""
    ii = next(i for i, item in enumerate(scenario.items) if item.id == key[1])
    item = scenario.items[ii]
    group = key[2]
    if item.before is not None:
        target = scenario.item(item.before.item)
        words = (
            f"{item.title} must reach {group} {item.before.min_days}–{item.before.max_days} days "
            f"before the {key[4]} meeting that has {target.title}"
        )
        return Rule(key, words, ("items", ii, "before"))
    when = ""
    if days is not None:
        first, last = days
        when = f" on {first}" if first == last else f" between {first} and {last}"
    if item.first_meeting:
        words = f"{item.title} must be on {group}'s first meeting{when}"
    elif days is not None and item.window_from is None and item.window_to is not None:
        words = f"{item.title} must reach {group} by {days[1]}"
    else:
        words = f"{item.title} must reach {group}{when}"
    return Rule(key, words, ("items", ii))
