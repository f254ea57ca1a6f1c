"""Limits no real county reaches, so that every run on any input ends in bounded time and memory.

Sörmland, the largest structure cadence knows, has 19 groups, 68 people and a 20 kB scenario;
each limit below is at least ten times what a real structure needs. The loader checks them in
stages: the file's size before it is read, its characters before YAML parses them, the YAML
tree (depth, size after aliases, value types and ranges) before the types are built, and the
built scenario (period, counts, ids and the file names they fold to) before any rule is checked.
Every finding is located like any other scenario problem.
"""

from __future__ import annotations

import math
import os
import re
import stat
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from pathlib import Path as FilePath
from typing import Any

from cadence.errors import InputError, Problem
from cadence.scenario import Finding, Path, Scenario, longer_than
from cadence.sv import ascii_slug

SCENARIO_BYTES = 1_000_000
"""A scenario file (Sörmland's is 20 kB)."""
SCENARIO_ITEMS = 20_000
"""Lines and commas outside comments in a scenario file (Sörmland: about 850), which bound the
values the YAML library reads; it reads about 6,000 a second."""
BUSY_BYTES = 5_000_000
"""A person's busy-times .ics file."""
STATE_BYTES = 16 * 1024 * 1024
"""plan.json, the published state (Sörmland: about 0.1 MB a year)."""
PLAN_BYTES = 20_000_000
"""plan.csv or an edited plan.xlsx given to ``cadence check`` or ``cadence diff``."""
BUSY_EVENTS = 20_000
"""Busy events of one .ics file inside the period, after recurrences are expanded (a year
of a full-time calendar is about 1,500)."""
BUSY_EXPANSION = 50_000
"""Occurrences the events of one .ics file may need to be expanded into, from their first
DTSTART to the end of the period (a daily meeting since 1990 is 15,000); the library expands
about 12,000 a second."""

PERIOD_YEARS = 5
YEARS = (1900, 2199)
"""First and last year of any date in a scenario."""
DEPTH = 16
"""Nesting of mappings and lists (a scenario needs 6)."""
NODES = 200_000
"""Values in the YAML tree, each alias counted as often as it is used."""
TEXT_CHARS = 10_000
"""Any text value (names, descriptions, reasons)."""
ID_CHARS = 64
"""Ids of groups, people, organisations and items, and the time zone."""
SLUG_CHARS = 100
"""The file name an id folds to (``BGÄ`` → ``bgae``)."""
NUMBER = 1_000_000
"""Any number, in either direction."""
DAYS = 3660
"""Any number of days or minutes in a group, a feed or an item (ten years)."""
GROUPS = 200
PEOPLE = 1000
ORGANISATIONS = 500
ITEMS = 200
MEETINGS_A_YEAR = 260
"""Meetings of one group in a year: one every working day."""
MEETINGS = 20_000
"""Meetings of all groups over the whole period."""

_CONTROL = {chr(c) for c in range(32) if chr(c) not in "\t\n\r"} | {"\x7f"}


def read_capped(path: FilePath, limit: int, what: str) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; InputError otherwise.

    Opened without blocking and checked to be a regular file, so a FIFO or a device such as
    ``/dev/zero`` is refused instead of read for ever; reads at most ``limit + 1`` bytes.
    """
    name = str(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise InputError([Problem(name, None, "", f"no such {what}")]) from None
    except (OSError, ValueError) as err:
        reason = err.strerror if isinstance(err, OSError) and err.strerror else str(err)
        raise InputError([Problem(_short(name), None, "", f"{what}: {reason}")]) from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise InputError([Problem(name, None, "", f"{what} is not a regular file")])
    with os.fdopen(fd, "rb") as handle:
        try:
            data = handle.read(limit + 1)
        except OSError as err:
            raise InputError([Problem(name, None, "", f"cannot read {what}: {err}")]) from None
    if len(data) > limit:
        message = f"{what} is larger than {limit:,} bytes".replace(",", " ")
        raise InputError([Problem(name, None, "", message)])
    return data


def check_file(path: FilePath, limit: int, what: str) -> None:
    """Raise InputError unless ``path`` is a regular file of at most ``limit`` bytes: for
    files another library reads by name (plan.csv, plan.xlsx), so that ``/dev/zero`` or a
    FIFO never reaches it."""
    name = str(path)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise InputError([Problem(name, None, "", f"no such {what}")]) from None
    except (OSError, ValueError) as err:
        reason = err.strerror if isinstance(err, OSError) and err.strerror else str(err)
        raise InputError([Problem(_short(name), None, "", f"{what}: {reason}")]) from None
    if not stat.S_ISREG(info.st_mode):
        raise InputError([Problem(name, None, "", f"{what} is not a regular file")])
    if info.st_size > limit:
        message = f"{what} is larger than {limit:,} bytes".replace(",", " ")
        raise InputError([Problem(name, None, "", message)])


def _short(text: str) -> str:
    return text if len(text) <= 200 else text[:200] + "…"


def text_problems(name: str, text: str) -> list[Problem]:
    """Control characters (other than tab and line breaks), which YAML cannot hold, by line;
    more lines and commas than ``SCENARIO_ITEMS``."""
    problems: list[Problem] = []
    items = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.lstrip().startswith("#"):
            items += 1 + line.count(",")
            if items > SCENARIO_ITEMS:
                message = f"more than {SCENARIO_ITEMS} lines and commas (values) by this line"
                return [*problems, Problem(name, number, "", message)]
        bad = next((c for c in line if c in _CONTROL), None)
        if bad is not None:
            problems.append(
                Problem(name, number, "", f"control character U+{ord(bad):04X} in the file")
            )
            if len(problems) >= 20:
                break
    return problems


_FLOW_AFTER = set(":-,[{?")
_DASHES = re.compile(r"(?:- +)*")  # always matches, if only the empty string


def nesting_problem(name: str, text: str) -> Problem | None:
    """The line where mappings and lists first nest deeper than ``DEPTH``, found in the text.

    The YAML library recurses once per level (1,000 levels are a RecursionError) and its
    scanner slows down with the square of the depth of ``[[[…`` (1,500 levels: 15 s), so the
    depth is estimated before it parses: flow brackets that open a value (not those inside
    quotes, comments or plain text such as "Budget [utkast]"), plus block indentation and
    ``- - -`` on one line. Block scalars (``|``, ``>``) are skipped.
    """
    flow = 0
    indents: list[int] = []
    block_scalar_above: int | None = None
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        if block_scalar_above is not None:
            if not stripped.strip() or indent > block_scalar_above:
                continue
            block_scalar_above = None
        if flow == 0 and stripped and not stripped.startswith("#"):
            while indents and indents[-1] >= indent:
                indents.pop()
            indents.append(indent)
            dashes = len(_DASHES.match(stripped).group(0).replace(" ", ""))  # type: ignore[union-attr]
            if len(indents) + dashes > DEPTH * 2:  # a list item is one level, its keys another
                return Problem(name, number, "", f"nested more than {DEPTH} levels deep")
        flow = _flow_depth(line, flow)
        if flow > DEPTH:
            return Problem(name, number, "", f"nested more than {DEPTH} levels deep")
        if flow == 0 and re.search(r"(^|[:\-]\s)[|>][-+0-9]*\s*(#.*)?$", line):
            block_scalar_above = indent
    return None


def _flow_depth(line: str, depth: int) -> int:
    """The depth of flow brackets after ``line``, starting at ``depth``."""
    previous = ":" if depth == 0 else ","  # a line starts a value in block and flow context
    quote = ""
    i = 0
    while i < len(line):
        c = line[i]
        if quote:
            if c == "\\" and quote == '"':
                i += 1
            elif c == quote:
                if quote == "'" and line[i + 1 : i + 2] == "'":
                    i += 1
                else:
                    quote = ""
                    previous = "x"
        elif c == "#" and (i == 0 or line[i - 1] in " \t"):
            break
        elif c in "'\"" and previous in _FLOW_AFTER:
            quote = c
        elif c in "[{" and previous in _FLOW_AFTER:
            depth += 1
            if depth > DEPTH:
                return depth
            previous = c
        elif c in "]}" and depth > 0:
            depth -= 1
            previous = "x"
        elif c not in " \t":
            previous = c
        i += 1
    return depth


def tree_problems(tree: Any) -> list[Finding]:
    """Depth, size (aliases expanded) and values of a YAML tree, before any type is built.

    Each distinct node is visited once, so a "billion laughs" of nested aliases costs no more
    than its text; the size counts each alias as often as it is used.
    """
    findings: list[Finding] = []
    sizes: dict[int, int] = {}
    # Iterative post-order walk: (node, path, children done?)
    stack: list[tuple[Any, Path, bool]] = [(tree, (), False)]
    while stack and len(findings) < 20:
        node, path, done = stack.pop()
        if not isinstance(node, dict | list):
            message = _value_problem(node)
            if message:
                findings.append((path, message))
            continue
        if id(node) in sizes and not done:
            continue  # an alias of a node already walked
        children = list(node.items()) if isinstance(node, dict) else list(enumerate(node))
        if done:
            sizes[id(node)] = 1 + sum(sizes.get(id(v), 1) for _, v in children)
            if sizes[id(node)] > NODES:
                findings.append((path, f"more than {NODES} values (counting aliases)"))
                break
            continue
        if len(path) >= DEPTH:
            findings.append((path, f"nested more than {DEPTH} levels deep"))
            sizes[id(node)] = 1
            continue
        sizes[id(node)] = 0  # visiting
        stack.append((node, path, True))
        for key, value in reversed(children):
            if isinstance(node, dict) and not isinstance(key, str):
                findings.append((path, f"key {_show(key)} is not a name"))
                continue
            stack.append((value, (*path, key), False))
    return findings


def _value_problem(value: Any) -> str | None:
    if isinstance(value, bytes | bytearray):
        return "binary data (!!binary) is not a value a scenario can hold"
    if isinstance(value, str) and len(value) > TEXT_CHARS:
        return f"text longer than {TEXT_CHARS} characters"
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int) and not -NUMBER <= value <= NUMBER:
        return f"number out of range (at most {NUMBER} either way)"
    if isinstance(value, float) and not (math.isfinite(value) and abs(value) <= NUMBER):
        return f"number out of range (at most {NUMBER} either way, not {value})"
    if isinstance(value, date | datetime) and not YEARS[0] <= value.year <= YEARS[1]:
        return f"{value} is outside the years {YEARS[0]}–{YEARS[1]}"
    if not isinstance(value, str | int | float | date | datetime):
        return f"{type(value).__name__} is not a value a scenario can hold"
    return None


def _show(key: Any) -> str:
    text = repr(key)
    return text if len(text) <= 40 else text[:40] + "…"


def scenario_problems(scenario: Scenario, where: Callable[[Path], str]) -> Iterator[Finding]:
    """Sizes, ranges, ids and their file names; ``where(path)`` says where another id is."""
    period = scenario.period
    if longer_than(period.start, period.end, PERIOD_YEARS):
        yield (
            ("period", "end"),
            f"the period {period.start}–{period.end} is longer than {PERIOD_YEARS} years",
        )
    if len(period.timezone) > ID_CHARS:
        yield ("period", "timezone"), f"longer than {ID_CHARS} characters"
    for key, items, limit in (
        ("groups", scenario.groups, GROUPS),
        ("people", scenario.people, PEOPLE),
        ("organisations", scenario.organisations, ORGANISATIONS),
        ("items", scenario.items, ITEMS),
    ):
        if len(items) > limit:
            yield (key,), f"{len(items)} {key}, more than the {limit} cadence plans"
        yield from _id_problems(key, [item.id for item in items])
    years = period.end.year - period.start.year + 1
    total = 0
    for gi, group in enumerate(scenario.groups):
        count = group.meetings
        most = max([count.high, *(y.max for y in count.years)])
        if most > MEETINGS_A_YEAR:
            yield (
                ("groups", gi, "meetings"),
                f"{most} meetings a year, more than {MEETINGS_A_YEAR}",
            )
        total += min(most, MEETINGS_A_YEAR) * years
        days: list[tuple[Path, int | None]] = [
            (("duration_minutes",), group.duration_minutes),
            (("min_days_between",), group.min_days_between),
            (("max_days_between",), group.max_days_between),
            (("notice_days",), group.notice_days),
        ]
        for fi, feed in enumerate(group.feeds):
            lead = feed.lead_days
            for key, value in (("min", lead.min), ("max", lead.max), ("preferred", lead.preferred)):
                days.append((("feeds", fi, "lead_days", key), value))
            days.append((("feeds", fi, "writeup_days"), feed.writeup_days))
        for path, value in days:
            if value is not None and value > DAYS:
                yield ("groups", gi, *path), f"{value} is more than {DAYS}"
    others: list[tuple[Path, int | None]] = [(("writeup_days",), scenario.writeup_days)]
    restart = scenario.calendar.restart
    if restart is not None:
        others.append((("calendar", "restart", "days"), restart.days))
        others.append((("calendar", "restart", "min_break_days"), restart.min_break_days))
    for path, value in others:
        if value is not None and value > DAYS:
            yield path, f"{value} is more than {DAYS}"
    if total > MEETINGS:
        yield ("groups",), f"up to {total} meetings in the period, more than {MEETINGS}"
    for ii, item in enumerate(scenario.items):
        if item.before is not None:
            for key in ("min_days", "max_days"):
                value = getattr(item.before, key)
                if value > DAYS:
                    yield ("items", ii, "before", key), f"{value} is more than {DAYS}"
    yield from _fold_problems("groups", [g.id for g in scenario.groups], "group", where)
    yield from _fold_problems("people", [p.id for p in scenario.people], "person", where)


def _id_problems(key: str, ids: Sequence[str]) -> Iterator[Finding]:
    for i, ident in enumerate(ids):
        if len(ident) > ID_CHARS:
            yield (key, i, "id"), f"id longer than {ID_CHARS} characters"
        elif any(unicodedata.category(c).startswith("C") for c in ident):
            yield (key, i, "id"), f"id {ident!r} holds a control or unassigned character"


def _fold_problems(
    key: str, ids: Sequence[str], what: str, where: Callable[[Path], str]
) -> Iterator[Finding]:
    """Ids must stay apart as file names and UIDs: ``AGA``/``aga``, ``AGÄ``/``AGAE`` do not."""
    seen: dict[str, int] = {}
    for i, ident in enumerate(ids):
        if len(ident) > ID_CHARS:
            continue  # reported already
        slug = ascii_slug(ident)
        if not slug:
            yield (
                (key, i, "id"),
                f"{what} id '{ident}' has no letter or digit a file name can use "
                "(a–z, 0–9, å, ä, ö and accented letters)",
            )
        elif len(slug) > SLUG_CHARS:
            yield (key, i, "id"), f"{what} id '{ident}' makes a file name over {SLUG_CHARS} long"
        elif slug in seen and ids[seen[slug]] != ident:  # exact duplicates are reported apart
            first = seen[slug]
            yield (
                (key, i, "id"),
                f"{what} id '{ident}' gives the same file name and UID ('{slug}') as "
                f"'{ids[first]}' at {where((key, first, 'id'))}; make them differ in letters",
            )
        else:
            seen.setdefault(slug, i)


DEFAULT_TIME_LIMIT = 3.0
"""The solver's default budget in CP-SAT deterministic seconds: `cadence plan` on Sörmland 2026
ends in about 20 s wall, end to end, on a two-core machine (see the README's performance
section); each further deterministic second costs five to seven wall seconds there."""
