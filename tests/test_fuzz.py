"""Fuzzing the inputs: real scenarios, busy .ics files and plan.json, mutated.

Every case must end with exit 0, 1 or 2, never a traceback, within a time limit, and every
exit-2 message about a scenario must say its file and line. An accepted input (exit 0) must
also give the right output (tests/oracles.py): its warnings name keys the file writes, it
writes no entry twice, its dated entries are in the period or warned about as ignored; and when
planned, every feed has unique UIDs, `cadence check` accepts the plan and every note agrees
with the rules binding its meeting. Besides damage (values, lines, bytes), the mutations
duplicate list entries, move years and dates outside the period, and add entries that are
valid one by one but contradict each other. Hypothesis is derandomized, so the same cases run
every time (a few hundred in all, about a minute); ``CADENCE_FUZZ_FIGURES=1`` prints the counts.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import warnings
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from cadence import loader
from cadence.cli import main
from tests import oracles
from tests.conftest import DATA, ROOT, SCENARIOS

SOURCES = {
    p.name: p.read_text(encoding="utf-8") for p in (*SCENARIOS, *sorted(DATA.glob("*.yaml")))
}
BUSY = (DATA / "busy-nvk.ics").read_text(encoding="utf-8")
SECONDS = 20
"""Per case: a hang fails the case instead of the suite."""

FUZZ = settings(
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# -- what the mutations put in -----------------------------------------------------------------

NUMBERS = ["0", "-1", "-999999999", "10000000", "1e308", "1e400", ".inf", "-.inf", ".nan", "9" * 40]
DATES = [
    "0001-01-01",
    "9999-12-31",
    "2026-02-30",
    "2026-13-01",
    "1899-12-31",
    "2300-01-01",
    "2026-01-01T25:00:00",
    "2026-01-01 10:00:00+99:00",
    "2026-01-01 10:00:00",
]
TIMES = ['"25:00"', '"09:00:00"', '"9:00"', '"23:59"', '"-1:00"', "09:00"]
TYPES = [
    "[1, 2]",
    "{a: 1}",
    "null",
    "true",
    "~",
    "''",
    "!!binary aGVsbG8=",
    "!!set {a, b}",
    "!!omap [a: 1]",
    "!!python/object:os.system x",
    "!tag value",
    "*nowhere",
    "&anchor value",
    "2026-01-01 10:00:00",
    "{? [a, b]: c}",
    "'..'",
    "東京",
    "AGA",
    "aga",
    "x" * 300,
]
CONTROL = ["\x00", "\x1b", "\x07", "\x7f", "\ufeff", "\u2028", "\ud800", "\x85"]


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def alias_bomb(levels: int) -> str:
    parts = ["{a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, levels):
        parts.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    return ", ".join(parts) + "}"


VALUES = st.one_of(
    st.sampled_from(NUMBERS),
    st.sampled_from(DATES),
    st.sampled_from(TIMES),
    st.sampled_from(TYPES),
    st.builds(nested, st.sampled_from([3, 20, 200, 1500])),
    st.builds(alias_bomb, st.integers(2, 9)),
    st.integers(-(10**30), 10**30).map(str),
    st.text(max_size=30).map(lambda t: '"' + t.replace("\\", "\\\\").replace('"', '\\"') + '"'),
    st.text(max_size=20),
)

_VALUE = re.compile(r"(\b[a-z_]+:[ \t]*)([^,{}\[\]\n#]+)")


@st.composite
def mutated(draw: st.DrawFn, text: str) -> str | bytes:
    """One to three mutations of a YAML or iCalendar ``text``: a value replaced, a line deleted,
    duplicated or indented wrong, control characters, truncation, random bytes."""
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(
            st.sampled_from(
                [
                    "value",
                    "value",
                    "value",
                    "delete",
                    "duplicate",
                    "indent",
                    "control",
                    "truncate",
                    "bytes",
                ]
            )
        )
        lines = text.splitlines(keepends=True)
        if not lines:
            break
        at = draw(st.integers(0, len(lines) - 1))
        if kind == "value":
            matches = list(_VALUE.finditer(text))
            if matches:
                m = draw(st.sampled_from(matches))
                text = text[: m.start(2)] + draw(VALUES) + text[m.end(2) :]
        elif kind == "delete":
            del lines[at]
            text = "".join(lines)
        elif kind == "duplicate":
            lines.insert(at, lines[at])
            text = "".join(lines)
        elif kind == "indent":
            lines[at] = draw(st.sampled_from([" ", "\t", "   - "])) + lines[at]
            text = "".join(lines)
        elif kind == "control":
            where = draw(st.integers(0, len(text)))
            text = text[:where] + draw(st.sampled_from(CONTROL)) + text[where:]
        elif kind == "truncate":
            text = text[: draw(st.integers(0, len(text)))]
        else:
            data = text.encode("utf-8", "surrogatepass")
            where = draw(st.integers(0, len(data)))
            junk = draw(st.binary(min_size=1, max_size=16))
            return data[:where] + junk + data[where + len(junk) :]
    return text


def write(path: Path, content: str | bytes) -> None:
    if isinstance(content, str):
        content = content.encode("utf-8", "surrogatepass")
    path.write_bytes(content)


@contextlib.contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    """Fail a case that runs longer than ``seconds`` (SIGALRM: the main thread, on POSIX)."""

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError(f"case ran longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def invoke(*args: str):
    """Run the command in-process; a traceback or a hang fails the case."""
    with time_limit(SECONDS), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = CliRunner().invoke(main, list(args), catch_exceptions=True)
    # A library's warning prints its source lines into the terminal, like a traceback.
    shown = [w for w in caught if not issubclass(w.category, DeprecationWarning)]
    assert not shown, [str(w.message)[:200] for w in shown]
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"traceback for {args}") from result.exception
    assert result.exit_code in (0, 1, 2), result.output
    return result


@pytest.fixture(scope="module", autouse=True)
def figures() -> Iterator[None]:
    """The suite's counts, printed at its end with CADENCE_FUZZ_FIGURES=1."""
    yield
    if os.environ.get("CADENCE_FUZZ_FIGURES"):
        print("\nfuzz figures:", file=sys.__stderr__)
        for key, count in sorted(oracles.FIGURES.items()):
            print(f"  {key}: {count}", file=sys.__stderr__)


def accepted(test: str, result, path: Path) -> list[str]:
    """The oracles of a scenario that ``cadence validate`` accepted (exit 0)."""
    oracles.FIGURES[f"cases:{test}"] += 1
    if result.exit_code != 0:
        return []
    oracles.FIGURES[f"accepted:{test}"] += 1
    loaded = loader.load(path)
    root = oracles.tree(path.read_text(encoding="utf-8"))
    return [
        *oracles.warnings_name_the_file(loaded, root),
        *oracles.no_entry_twice(root),
        *oracles.dated_entries_in_period(loaded, root),
    ]


def located(result, path: Path) -> None:
    """Every error about the scenario file says its line."""
    if result.exit_code != 2:
        return
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors, result.stderr
    for line in errors:
        if line.startswith(f"error: {path}"):
            assert re.match(rf"error: {re.escape(str(path))}:\d+", line), line
        else:
            assert "error: " in line  # another file (an --out folder): named in the message


# -- scenario files ----------------------------------------------------------------------------


@settings(FUZZ, max_examples=200)
@given(data=st.data(), name=st.sampled_from(sorted(SOURCES)))
def test_mutated_scenario_validates_without_traceback(data: st.DataObject, name: str):
    """A mutated scenario is valid (0) or refused with located messages (2), never a traceback."""
    validated("damaged", name, data.draw(mutated(SOURCES[name]), label="scenario"))


def validated(test: str, name: str, content: str | bytes) -> None:
    """``cadence validate`` on ``content`` as the file ``name`` (beside the busy .ics the real
    scenarios name): located messages when refused, the oracles when accepted."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        write(path, content)
        shutil.copy(DATA / "busy-nvk.ics", Path(folder) / "busy-nvk.ics")
        result = invoke("validate", str(path))
        located(result, path)
        assert not accepted(test, result, path)


# -- mutations that keep the file well formed ----------------------------------------------------

DUPLICABLE = ["feeds", "members", "chairs", "fixed", "items"] * 3 + [
    "unavailable",
    "blackouts",
    "avoid",
    "start_times",
    "weekdays",
    "dates",
    "weeks",
    "kinds",
    "years",
    "people",
    "groups",
    "agenda",
    "preceding",
]
"""Lists to write an entry of twice; the issue's five (feeds, members, chairs, fixed dates,
agenda items) most often."""
DATED = ("fixed", "unavailable", "blackouts", "avoid", "chairs", "years", "preceding", "items")
"""Where the dates and years are that a mutation moves outside the period."""


def _lists(node: Any) -> Iterator[tuple[str, CommentedSeq]]:
    """Every non-empty list of the tree with its key."""
    if isinstance(node, CommentedMap):
        for key, value in node.items():
            if isinstance(value, CommentedSeq) and value:
                yield str(key), value
            yield from _lists(value)
    elif isinstance(node, CommentedSeq):
        for entry in node:
            yield from _lists(entry)


def _dated(node: Any, under: str = "") -> Iterator[tuple[Any, Any]]:
    """(container, key) of every date, and of every year of a count or of weeks, under the
    keys in DATED."""
    if isinstance(node, CommentedMap):
        for key, value in node.items():
            here = under or (str(key) if key in DATED else "")
            if here and (isinstance(value, date) or (key == "year" and isinstance(value, int))):
                yield node, key
            else:
                yield from _dated(value, here)
    elif isinstance(node, CommentedSeq):
        for i, value in enumerate(node):
            if under and isinstance(value, date):
                yield node, i
            else:
                yield from _dated(value, under)


def _duplicate(draw: st.DrawFn, root: Any) -> None:
    """An entry of a list written again right after itself; for feeds and fixed meetings
    sometimes with one value changed (the same group or date with another window or time)."""
    lists = dict(_lists(root))
    named = [k for k in DUPLICABLE if k in lists]
    if not named:
        return
    key = draw(st.sampled_from(named))
    candidates = [seq for k, seq in _lists(root) if k == key]
    seq = draw(st.sampled_from(candidates))
    at = draw(st.integers(0, len(seq) - 1))
    twin = copy.deepcopy(seq[at])
    if isinstance(twin, CommentedMap) and draw(st.booleans()):
        if key == "feeds" and "lead_days" in twin:
            twin["lead_days"] = CommentedMap({"min": 10, "max": 30})
        elif key == "fixed":
            twin["time"] = "13:00"
    seq.insert(at + 1, twin)


def _outside(draw: st.DrawFn, root: Any) -> None:
    """A date or year moved before or after the period, or a count or absence added for a
    year outside it."""
    period = root.get("period") if isinstance(root, CommentedMap) else None
    if not isinstance(period, CommentedMap) or not isinstance(period.get("start"), date):
        return
    first, last = period["start"], period.get("end", period["start"])
    year = draw(
        st.sampled_from([first.year - 1, first.year - 30, last.year + 1, last.year + 36, 2062])
    )
    places = list(_dated(root))
    groups = [g for g in root.get("groups") or () if isinstance(g, CommentedMap)]
    people = [p for p in root.get("people") or () if isinstance(p, CommentedMap)]
    how = draw(st.sampled_from(["move", "move", "count", "absence"]))
    if how == "move" and places:
        container, key = draw(st.sampled_from(places))
        value = container[key]
        if isinstance(value, date):
            try:
                container[key] = value.replace(year=year)
            except ValueError:  # 29 February
                container[key] = value.replace(year=year, day=28)
        else:
            container[key] = year
    elif how == "count" and groups:
        group = draw(st.sampled_from(groups))
        count = group.get("meetings")
        if isinstance(count, int):
            group["meetings"] = count = CommentedMap({"min": count, "max": count})
        if isinstance(count, CommentedMap) and "per_month" not in count:
            years = count.setdefault("years", CommentedSeq())
            if isinstance(years, CommentedSeq):
                years.append(CommentedMap({"year": year, "min": 1, "max": 1}))
    elif people:
        person = draw(st.sampled_from(people))
        away = person.setdefault("unavailable", CommentedSeq())
        if isinstance(away, CommentedSeq):
            away.append(CommentedMap({"dates": [date(year, 3, 12)], "reason": "Ledig"}))


def _contradict(draw: st.DrawFn, root: Any) -> None:
    """Entries each valid alone that contradict another: a chair away, or a break, on a
    fixed date; a feed back up the chain; a second chair term over the first; a spacing no
    fixed dates keep; an attendee away the whole period; an agenda item due on a Saturday."""
    if not isinstance(root, CommentedMap) or not isinstance(root.get("period"), CommentedMap):
        return
    period = root["period"]
    groups = [g for g in root.get("groups") or () if isinstance(g, CommentedMap)]
    people = {p.get("id"): p for p in root.get("people") or () if isinstance(p, CommentedMap)}
    if not groups or not isinstance(period.get("start"), date):
        return
    group = draw(st.sampled_from(groups))
    fixed = [f for f in group.get("fixed") or () if isinstance(f, CommentedMap)]
    chairs = [c for c in group.get("chairs") or () if isinstance(c, CommentedMap)]
    feeds = [f for f in group.get("feeds") or () if isinstance(f, CommentedMap)]
    members = [m for m in group.get("members") or () if m in people]
    how = draw(
        st.sampled_from(["chair away", "break", "cycle", "terms", "spacing", "away", "item"])
    )

    def away(person: Any, entry: CommentedMap) -> None:
        entries = person.setdefault("unavailable", CommentedSeq())
        if isinstance(entries, CommentedSeq):
            entries.append(entry)

    if how == "chair away" and fixed and chairs and chairs[0].get("person") in people:
        day = draw(st.sampled_from(fixed)).get("date")
        away(people[chairs[0]["person"]], CommentedMap({"dates": [day], "reason": "Krock"}))
    elif how == "break" and fixed:
        day = draw(st.sampled_from(fixed)).get("date")
        calendar = root.setdefault("calendar", CommentedMap())
        if isinstance(calendar, CommentedMap):
            breaks = calendar.setdefault("blackouts", CommentedSeq())
            if isinstance(breaks, CommentedSeq):
                breaks.append(CommentedMap({"name": "Stängt", "dates": [day]}))
    elif how == "cycle" and feeds:
        target = next((g for g in groups if g.get("id") == feeds[0].get("to")), None)
        if target is not None:
            back = target.setdefault("feeds", CommentedSeq())
            if isinstance(back, CommentedSeq):
                window = CommentedMap({"min": 8, "max": 42})
                back.append(CommentedMap({"to": group.get("id"), "lead_days": window}))
    elif how == "terms" and chairs and len(people) > 1:
        other = draw(st.sampled_from(sorted(str(p) for p in people)))
        term = copy.deepcopy(chairs[0])
        term["person"] = other
        group["chairs"].append(term)
    elif how == "spacing":
        group["min_days_between"] = draw(st.sampled_from([60, 120, 400]))
    elif how == "away" and members:
        whole = CommentedMap({"start": period["start"], "end": period.get("end"), "reason": "Bort"})
        away(people[draw(st.sampled_from(members))], whole)
    elif how == "item":
        saturday = period["start"] + timedelta(days=(5 - period["start"].weekday()) % 7)
        items = root.setdefault("items", CommentedSeq())
        if isinstance(items, CommentedSeq):
            entry = {"id": "krock", "title": "Krock", "groups": [group.get("id")]}
            entry |= {"window_from": saturday, "window_to": saturday, "every": "period"}
            items.append(CommentedMap(entry))


MUTATIONS: dict[str, Callable[[st.DrawFn, Any], None]] = {
    "duplicate": _duplicate,
    "outside": _outside,
    "contradict": _contradict,
}


def dumped(root: Any) -> str:
    yaml = YAML(typ="rt")
    yaml.width = 4096
    stream = io.StringIO()
    yaml.dump(root, stream)
    return stream.getvalue()


@st.composite
def reshaped(draw: st.DrawFn, text: str, least: int = 1, kinds: tuple[str, ...] = ()) -> str:
    """``least`` to two of the mutations that keep the file well formed (of ``kinds``, else
    any), on its YAML tree."""
    root = oracles.tree(text)
    for _ in range(draw(st.integers(least, 2))):
        MUTATIONS[draw(st.sampled_from(kinds or sorted(MUTATIONS)))](draw, root)
    return dumped(root)


def _parses(text: str) -> bool:
    try:
        return isinstance(oracles.tree(text), CommentedMap)
    except Exception:  # any YAML error: such a file is for the damaging mutations
        return False


WELL_FORMED = sorted(
    name
    for name, text in SOURCES.items()
    if _parses(text) and not name.startswith(("bad-", "clash-", "validate-"))
)
"""The scenarios that are well formed and valid, so that what a mutation does decides."""


@settings(FUZZ, max_examples=100)
@given(data=st.data(), name=st.sampled_from(WELL_FORMED))
def test_reshaped_scenario_is_refused_or_right(data: st.DataObject, name: str):
    """Entries written twice, dates outside the period, entries that contradict: refused with
    located messages (2), found impossible (1), or accepted (0) with what it gives right."""
    validated("reshaped", name, data.draw(reshaped(SOURCES[name]), label="scenario"))


PLANNED = ["explain.yaml", "feeds.yaml", "micro-items.yaml", "micro.yaml", "notes-fixed.yaml",
           "rules.yaml", "tiny.yaml"]  # fmt: skip
"""Scenarios small enough to plan in a second or so."""


@settings(FUZZ, max_examples=25)
@given(data=st.data(), name=st.sampled_from(PLANNED))
def test_accepted_scenario_plans_right(data: st.DataObject, name: str):
    """A reshaped small scenario that validates is planned: every feed has unique UIDs,
    `cadence check` accepts the plan, and every note agrees with the rules binding its
    meeting."""
    # Mostly mutations a file survives, so that most cases get planned; a duplicate now and then.
    kinds = ("outside", "outside", "contradict", "contradict", "duplicate")
    content = data.draw(reshaped(SOURCES[name], 0, kinds), label="scenario")
    with tempfile.TemporaryDirectory() as folder:
        path, out = Path(folder) / name, Path(folder) / "out"
        write(path, content)
        result = invoke("validate", str(path))
        located(result, path)
        found = accepted("planned", result, path)
        assert not found
        if result.exit_code != 0:
            return
        done = invoke("plan", str(path), "--out", str(out), "--time-limit", "1")
        if done.exit_code != 0:
            return
        oracles.FIGURES["planned:planned"] += 1
        checked = invoke("check", str(path), "--plan", str(out / "plan.csv"))
        scenario = loader.load(path).scenario
        root = oracles.tree(content)
        found += oracles.unique_uids(out)
        found += oracles.plan_checks(checked.exit_code, checked.output)
        found += oracles.notes_agree(scenario, root, out)
        assert not found


# -- busy .ics files ---------------------------------------------------------------------------

ICS_LINES = [
    "DTSTART:99991231T000000Z",
    "DTSTART:00010101T000000",
    "DTSTART;TZID=" + "E" * 300 + ":20260310T130000",
    "DTSTART;TZID=Mars/Olympus:20260310T130000",
    "DTSTART;VALUE=DATE:20260230",
    "DTEND:20250101T000000Z",
    "RRULE:FREQ=SECONDLY",
    "RRULE:FREQ=MINUTELY;INTERVAL=1",
    "RRULE:FREQ=HOURLY",
    "RRULE:FREQ=DAILY;BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11;BYMINUTE=0,15,30,45",
    "DTSTART:18000101T080000",
    "RRULE:FREQ=DAILY;COUNT=999999999",
    "RRULE:FREQ=YEARLY;BYMONTHDAY=31;BYMONTH=2",
    "RRULE:NONSENSE",
    "EXDATE:garbage",
    "DURATION:P99999999D",
    "DURATION:-PT1H",
    "BEGIN:VEVENT",
    "END:VCALENDAR",
    "BEGIN:VTIMEZONE",
    "X-MICROSOFT-CDO-BUSYSTATUS:FREE",
    "TRANSP:" + "x" * 1000,
    "STATUS:CANCELLED",
]


@st.composite
def busy_file(draw: st.DrawFn) -> str | bytes:
    lines = BUSY.splitlines()
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(lines)))
        lines.insert(at, draw(st.sampled_from(ICS_LINES)))
    if draw(st.booleans()):
        depth = draw(st.sampled_from([10, 2000]))
        lines[1:1] = ["BEGIN:VEVENT"] * depth + ["END:VEVENT"] * depth
    return draw(mutated("\r\n".join(lines) + "\r\n"))


@settings(FUZZ, max_examples=60)
@given(content=busy_file())
def test_mutated_busy_ics_is_read_or_refused(content: str | bytes):
    """A damaged busy .ics is read or refused at the scenario's busy_ics line, never a traceback."""
    tiny = (DATA / "tiny.yaml").read_text(encoding="utf-8")
    text = tiny.replace("  - {id: chef,", "  - {id: chef, busy_ics: busy.ics,")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "tiny.yaml"
        write(path, text)
        write(Path(folder) / "busy.ics", content)
        result = invoke("validate", str(path))
        located(result, path)
        assert result.exit_code in (0, 2)
        assert not accepted("busy", result, path)


# -- plan.json ---------------------------------------------------------------------------------

JSON_VALUES = st.sampled_from(
    [
        '"x"',
        "null",
        "[]",
        "{}",
        "-1",
        "1e999",
        "99999999999999999999999",
        '"9999-12-31T00:00:00"',
        '"0001-01-01T00:00:00+00:00"',
        '"2026-02-30T09:00:00+01:00"',
        '"\\u0000"',
        "true",
        nested(5),
        nested(3000),
        '"' + "A" * 500 + '"',
    ]
)
_JSON_VALUE = re.compile(r'(": )("[^"\n]*"|-?\d[\d.eE+-]*|null|true|false)')


@st.composite
def state_file(draw: st.DrawFn, text: str) -> str | bytes:
    for _ in range(draw(st.integers(1, 3))):
        matches = list(_JSON_VALUE.finditer(text))
        if draw(st.booleans()) and matches:
            m = draw(st.sampled_from(matches))
            text = text[: m.start(2)] + draw(JSON_VALUES) + text[m.end(2) :]
        else:
            return draw(mutated(text))
    return text


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    """The tiny scenario planned and published with its state (plan.json)."""
    folder = tmp_path_factory.mktemp("published") / "out"
    args = ["plan", str(DATA / "tiny.yaml"), "--out", str(folder), "--time-limit", "5"]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return folder


@settings(FUZZ, max_examples=60)
@given(data=st.data())
def test_mutated_plan_json_is_refused_without_traceback(published: Path, data: st.DataObject):
    """A damaged plan.json beside a plan.csv: `cadence check` answers 0, 1 or 2, no traceback."""
    state = data.draw(state_file((published / "plan.json").read_text(encoding="utf-8")))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "out"
        shutil.copytree(published, folder)
        write(folder / "plan.json", state)
        result = invoke("check", str(DATA / "tiny.yaml"), "--plan", str(folder / "plan.csv"))
        if result.exit_code == 2:
            assert "plan.json" in result.stderr, result.stderr


@st.composite
def held_changed(draw: st.DrawFn, text: str) -> str | bytes:
    """A published state whose held meetings differ from the scenario (an end time, the way the
    issue found it), or one damaged as above."""
    document = json.loads(text)
    held = [m for m in document["meetings"] if m["start"] < "2026-03-01"]
    if not held or draw(st.booleans()):
        return draw(state_file(text))
    meeting = draw(st.sampled_from(held))
    start = datetime.fromisoformat(meeting["start"])
    minutes = draw(st.sampled_from([30, 90, 150, 240]))
    meeting["end"] = (start + timedelta(minutes=minutes)).isoformat()
    return json.dumps(document, ensure_ascii=False, indent=1)


@settings(FUZZ, max_examples=12)
@given(data=st.data())
def test_replan_keeps_the_past_as_published(published: Path, data: st.DataObject):
    """A re-plan as of 1 March over a changed or damaged plan.json, when accepted: every feed
    has unique UIDs, `cadence check` accepts the plan, and each meeting held before 1 March is
    published as stored (start, end, SEQUENCE): never a change to the past."""
    state = data.draw(held_changed((published / "plan.json").read_text(encoding="utf-8")))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "out"
        shutil.copytree(published, folder)
        write(folder / "plan.json", state)
        scenario = str(DATA / "tiny.yaml")
        result = invoke("plan", scenario, "--out", str(folder), "--as-of", "2026-03-01",
                        "--time-limit", "1")  # fmt: skip
        oracles.FIGURES["cases:replanned"] += 1
        if result.exit_code != 0:
            return
        oracles.FIGURES["accepted:replanned"] += 1
        stored = {m["id"]: m for m in json.loads(state)["meetings"]}
        after = json.loads((folder / "plan.json").read_text(encoding="utf-8"))["meetings"]
        checked = invoke("check", scenario, "--plan", str(folder / "plan.csv"))
        found = oracles.unique_uids(folder)
        found += oracles.plan_checks(checked.exit_code, checked.output)
        found += oracles.past_kept(stored, after, date(2026, 3, 1))
        assert not found


# -- a few cases as real processes ---------------------------------------------------------------

PROCESS_CASES = {
    "escape": SOURCES["tiny.yaml"].replace("Liten", "Liten\x1b"),
    "nul": SOURCES["tiny.yaml"].replace("Liten", "Liten\x00"),
    "deep": SOURCES["tiny.yaml"] + "description: " + nested(5000) + "\n",
    "period": SOURCES["tiny.yaml"].replace("2026-06-30}", "2226-06-30}"),
    "binary": SOURCES["sormland-2026.yaml"].encode()[:5000] + bytes(range(256)),
    "bomb": SOURCES["tiny.yaml"] + "description: " + alias_bomb(9) + "\n",
}


@pytest.mark.parametrize("case", sorted(PROCESS_CASES))
def test_refused_in_a_real_process(tmp_path: Path, case: str):
    """`cadence validate` as a process: exit 2, a located message, no traceback, in seconds."""
    path = tmp_path / "case.yaml"
    write(path, PROCESS_CASES[case])
    done = subprocess.run(
        [sys.executable, "-m", "cadence", "validate", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert re.search(rf"^error: {re.escape(str(path))}:\d+", done.stderr, re.M), done.stderr


# -- the oracles can fail --------------------------------------------------------------------------


def test_oracles_see_the_four_cases(tmp_path: Path):
    """Each oracle flags the output the issue's cases gave before they were fixed."""
    kept = oracles.FIGURES.copy()  # the suite's figures count the fuzz cases only
    try:
        _see_the_four_cases(tmp_path)
    finally:
        oracles.FIGURES.clear()
        oracles.FIGURES.update(kept)


def _see_the_four_cases(tmp_path: Path) -> None:
    small = SOURCES["small.yaml"].replace(
        "      - {to: BG, lead_days: {min: 8, max: 42}}\nitems:",
        "      - {to: BG, lead_days: {min: 8, max: 42}}\n"
        "      - {to: BG, lead_days: {min: 8, max: 42}}\nitems:",
    )
    assert oracles.no_entry_twice(oracles.tree(small)) == [
        "duplicates: .groups[3].feeds[1] repeats an earlier entry"
    ]
    feed = "BEGIN:VEVENT\r\nUID:underlag-agb-bg-2026-01.small@cadence\r\nEND:VEVENT\r\n"
    (tmp_path / "samordnare.ics").write_text(feed * 2, encoding="utf-8")
    assert oracles.unique_uids(tmp_path) == [
        "uids: samordnare.ics: underlag-agb-bg-2026-01.small@cadence 2 times"
    ]
    loaded = loader.load(DATA / "validate-too-many.yaml")
    group = loaded.scenario.groups[0]
    count = replace(group.meetings, years=(replace(group.meetings.years[0], year=2062),))
    wrong = replace(
        loaded, scenario=replace(loaded.scenario, groups=(replace(group, meetings=count),))
    )
    text = (DATA / "validate-too-many.yaml").read_text(encoding="utf-8")
    assert oracles.dated_entries_in_period(wrong, oracles.tree(text)) == [
        "dated: groups[0].meetings.years[0]: 2062 accepted"
    ]
    scenario = loader.load(DATA / "notes-fixed.yaml").scenario
    row = (
        "id,group,start,note\r\nNAT-2026-01,NAT,2026-03-26T09:00:00+01:00,Annan veckodag än "
        "vanligt (tisdag): tisdag 24 mars hade gett sämre avstånd i kedjan eller krockat med "
        "andra möten för samma personer.\r\n"
    )
    (tmp_path / "plan.csv").write_text(row, encoding="utf-8")
    root = oracles.tree(SOURCES["notes-fixed.yaml"])
    assert oracles.notes_agree(scenario, root, tmp_path) == [
        "notes: NAT-2026-01 2026-03-26: 'Annan veckodag än vanligt (tisdag): tisdag 24 mars hade "
        "gett sämre avstånd i kedjan eller krockat med andra möten för samma personer.': fixed "
        "on line 17"
    ]
