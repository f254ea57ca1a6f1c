"""What an accepted input must produce, checked by the fuzz suite (tests/test_fuzz.py).

Each oracle reads the file as written (the YAML tree, with its lines) or the output folder,
and returns its violations as text; none computes the answer with the code it checks. The
counts (cases, accepted, oracle checks and violations) are kept in ``FIGURES``.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from cadence.calendar import WorkCalendar
from cadence.loader import Loaded
from cadence.scenario import WEEKDAYS, Scenario

FIGURES: Counter[str] = Counter()
"""``cases``/``accepted`` per test, ``checked:<oracle>`` and ``violations:<oracle>``."""

SWEDISH_WEEKDAYS = ["måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"]


def tree(text: str) -> Any:
    return YAML(typ="rt").load(text)


def _counted(name: str, found: list[str]) -> list[str]:
    FIGURES[f"checked:{name}"] += 1
    FIGURES[f"violations:{name}"] += len(found)
    return [f"{name}: {v}" for v in found]


def _key_path(text: str) -> tuple[str | int, ...]:
    """``groups[7].feeds[0].to`` → ``("groups", 7, "feeds", 0, "to")``."""
    return tuple(
        int(index) if index else key for key, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", text)
    )


def _node(root: Any, path: tuple[str | int, ...]) -> tuple[bool, Any]:
    node = root
    for key in path:
        in_map = isinstance(node, CommentedMap) and key in node
        in_list = isinstance(node, CommentedSeq) and isinstance(key, int) and key < len(node)
        if not (in_map or in_list):
            return False, None
        node = node[key]
    return True, node


def _line(root: Any, path: tuple[str | int, ...]) -> int | None:
    """The line the file writes ``path`` on (its last key or list entry)."""
    found, parent = _node(root, path[:-1])
    if not found:
        return None
    key = path[-1]
    if isinstance(parent, CommentedMap) and key in parent:
        return int(parent.lc.key(key)[0]) + 1
    if isinstance(parent, CommentedSeq) and isinstance(key, int):
        return int(parent.lc.item(key)[0]) + 1
    return None


# -- what validate accepts ----------------------------------------------------------------------


def warnings_name_the_file(loaded: Loaded, root: Any) -> list[str]:
    """Every warning names a key the file writes, on the line it is written, and asks for
    nothing the file already does."""
    found = []
    for warning in loaded.warnings:
        path = _key_path(warning.path)
        written, _ = _node(root, path)
        if not path or not written:
            found.append(f"{warning}: names no key the file writes")
            continue
        if warning.line != _line(root, path):
            found.append(f"{warning}: the key is on line {_line(root, path)}")
        asked = re.search(r"of (\d{4}); .* set meetings\.years to choose", warning.message)
        if asked:
            _, years = _node(root, (*path, "years"))
            listed = {int(y["year"]) for y in years or () if isinstance(y, CommentedMap)}
            if int(asked.group(1)) in listed:
                found.append(f"{warning}: the file sets meetings.years for {asked.group(1)}")
    return _counted("warnings", found)


_LISTS = {
    "feeds": "to",
    "fixed": "date",
    "groups": "id",
    "people": "id",
    "organisations": "id",
    "items": "id",
    "years": "year",
}
"""Lists whose entries repeat when one key does; in every other list an entry repeats when it
is written the same."""


def no_entry_twice(root: Any) -> list[str]:
    """An accepted file writes no list entry twice (nor two feeds to one group, two fixed
    meetings on one date, one id twice)."""
    found = []

    def walk(node: Any, path: str) -> None:
        if isinstance(node, CommentedMap):
            for key, value in node.items():
                if isinstance(value, CommentedSeq):
                    field = _LISTS.get(str(key))
                    seen = []
                    for i, entry in enumerate(value):
                        plain = _plain(
                            entry[field]
                            if field and isinstance(entry, dict) and field in entry
                            else entry
                        )
                        if plain in seen:
                            found.append(f"{path}.{key}[{i}] repeats an earlier entry")
                        seen.append(plain)
                walk(value, f"{path}.{key}")
        elif isinstance(node, CommentedSeq):
            for i, entry in enumerate(node):
                walk(entry, f"{path}[{i}]")

    walk(root, "")
    return _counted("duplicates", found)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return sorted((str(k), repr(_plain(v))) for k, v in value.items())
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def dated_entries_in_period(loaded: Loaded, root: Any) -> list[str]:
    """Counts per year, fixed dates, absences, breaks and busy times: each falls in the period,
    or a warning at its line says it is outside and ignored."""
    scenario = loaded.scenario
    first, last = scenario.period.start, scenario.period.end
    warned = {
        (w.line, w.path)
        for w in loaded.warnings
        if "outside the period" in w.message and "ignored" in w.message
    }
    found = []

    def inside(low: date | None, high: date | None) -> bool:
        return (low is None or low <= last) and (high is None or high >= first)

    def entry(path: tuple[str | int, ...], low: date | None, high: date | None) -> None:
        """``low``..``high`` (open at a None end) is in the period, or warned about."""
        if inside(low, high):
            return
        if not any(line == _line(root, path) for line, _ in warned):
            shown = ".".join(str(p) for p in path)
            found.append(f"{shown} ({low}–{high}) is outside the period, and no warning says so")

    for gi, group in enumerate(scenario.groups):
        for yi, count in enumerate(group.meetings.years):
            if not first.year <= count.year <= last.year:
                found.append(f"groups[{gi}].meetings.years[{yi}]: {count.year} accepted")
        for fi, fixed in enumerate(group.fixed):
            if not first <= fixed.date <= last:
                found.append(f"groups[{gi}].fixed[{fi}]: {fixed.date} accepted")
    sets: list[tuple[tuple[str | int, ...], Any]] = [
        (("calendar", "blackouts", i), d) for i, d in enumerate(scenario.calendar.blackouts)
    ]
    sets += [(("calendar", "avoid", i), d) for i, d in enumerate(scenario.calendar.avoid)]
    for pi, person in enumerate(scenario.people):
        for ui, away in enumerate(person.unavailable):
            if away.reason.startswith("upptagen enligt"):  # from busy_ics: always in the period
                days = away.dates or (away.start,)
                if not all(inside(d, away.end or d) for d in days if d is not None):
                    found.append(f"people[{pi}] busy time {away} outside the period")
                continue
            sets.append((("people", pi, "unavailable", ui), away))
    for path, days in sets:
        for di, day in enumerate(days.dates):
            entry((*path, "dates", di), day, day)
        if days.dates or days.weeks or days.every_year_from or days.holidays:
            if days.weeks and days.year is not None:
                spans = [(_week(days.year, w, 1), _week(days.year, w, 7)) for w in days.weeks]
                spans = [(a, b) for a, b in spans if a is not None and b is not None]
                if spans and not any(inside(a, b) for a, b in spans):
                    entry((*path, "year"), spans[0][0], spans[-1][1])
            continue
        if days.start is not None or days.end is not None:
            entry(path, days.start, days.end)
    return _counted("dated", found)


def _week(year: int, week: int, day: int) -> date | None:
    try:
        return date.fromisocalendar(year, week, day)
    except ValueError:
        return None


# -- what plan writes ---------------------------------------------------------------------------


def unique_uids(out: Path) -> list[str]:
    """Each feed has every UID once."""
    found = []
    for feed in sorted(out.rglob("*.ics")):
        text = re.sub(r"\r?\n[ \t]", "", feed.read_text(encoding="utf-8"))
        uids = Counter(re.findall(r"^UID:(.*?)\r?$", text, flags=re.M))
        found += [f"{feed.name}: {uid} {n} times" for uid, n in uids.items() if n > 1]
    return _counted("uids", found)


def plan_checks(exit_code: int, output: str) -> list[str]:
    """``cadence check`` accepts the plan that ``cadence plan`` wrote."""
    found = [] if exit_code == 0 else [f"cadence check exits {exit_code}: {output[-300:]}"]
    return _counted("check", found)


def notes_agree(scenario: Scenario, root: Any, out: Path) -> list[str]:
    """Every note agrees with the rules that bind its meeting: a fixed date says so with its
    line (and only a fixed date does), a usual day called blocked is blocked, a usual day that
    "would have been worse" was a working day in the period on which the group's people could
    come."""
    cal = WorkCalendar(scenario.calendar, scenario.period)
    groups = {g.id: (gi, g) for gi, g in enumerate(scenario.groups)}
    people = {p.id: p for p in scenario.people}
    found = []
    with (out / "plan.csv").open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r.get("status", "") != "cancelled"]
    for row in rows:
        note = row["note"]
        if row["group"] not in groups:
            continue
        gi, group = groups[row["group"]]
        start = datetime.fromisoformat(row["start"])
        day = start.date()
        fixed = [fi for fi, f in enumerate(group.fixed) if f.date == day]
        label = f"{row['id']} {day}: {note!r}"
        if fixed and note:
            line = _line(root, ("groups", gi, "fixed", fixed[0]))
            if f"fast datum (rad {line})" not in note:
                found.append(f"{label}: fixed on line {line}")
            continue
        if not fixed and "fast datum" in note:
            found.append(f"{label}: not a fixed date")
        said = re.match(r"Annan veckodag än vanligt \((\w+)\): ", note)
        if not note:
            continue
        if said is None or said.group(1) not in SWEDISH_WEEKDAYS:
            found.append(f"{label}: no usual weekday")
            continue
        wanted = SWEDISH_WEEKDAYS.index(said.group(1))
        if group.usual_weekday is not None and wanted != WEEKDAYS.index(group.usual_weekday):
            found.append(f"{label}: {group.id} usually meets on {group.usual_weekday}")
        if wanted == day.weekday():
            found.append(f"{label}: it is on its usual weekday")
        usual = day + timedelta(days=wanted - day.weekday())
        if re.search(r"\): \w+ \d+ \w+ är ", note) and cal.blocked_reason(usual) is None:
            found.append(f"{label}: {usual} is not blocked")
        if "hade gett sämre" in note:
            if not scenario.period.start <= usual <= scenario.period.end or not cal.is_working_day(
                usual
            ):
                found.append(f"{label}: {usual} was not a working day of the period")
            elif not any(_all_come(cal, group, people, usual, at) for at in group.start_times):
                found.append(f"{label}: on {usual} someone could not come")
    return _counted("notes", found)


def _all_come(cal: WorkCalendar, group: Any, people: dict[str, Any], day: date, at: time) -> bool:
    end = (datetime.combine(day, at) + timedelta(minutes=group.duration_minutes)).time()
    if not cal.fits(day, at, end):
        return False
    term = group.term_on(day)
    chair_ok = True
    if term is not None:
        chair_ok = cal.unavailable_reason(people[term.person], day, at, end) is None or (
            term.deputy is not None
            and cal.unavailable_reason(people[term.deputy], day, at, end) is None
        )
    members = [m for m in group.members if term is None or m != term.person]
    return chair_ok and all(
        cal.unavailable_reason(people[m], day, at, end) is None for m in members
    )


def past_kept(stored: dict[str, Any], after: list[dict[str, Any]], as_of: date) -> list[str]:
    """Every meeting held before ``as_of`` is in the new plan.json as it was stored: the same
    start, end and SEQUENCE (no update published for the past)."""
    found = []
    for record in after:
        before = stored.get(record["id"])
        if before is None or before.get("status") == "cancelled":
            continue
        if datetime.fromisoformat(before["start"]).date() >= as_of:
            continue
        kept = ("start", "end", "sequence")
        if any(datetime_or(record[k]) != datetime_or(before[k]) for k in kept):
            shown = {k: (before[k], record[k]) for k in kept if record[k] != before[k]}
            found.append(f"{record['id']} held, but republished: {shown}")
    return _counted("past", found)


def datetime_or(value: Any) -> Any:
    """A stored moment as an instant (offsets may be written differently), else the value."""
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return value
    return value
