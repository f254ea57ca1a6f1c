"""Scenario files: YAML in, a validated :class:`Scenario` out, or every problem with its line.

The only module that reads YAML. Loading happens in stages, each of which collects all of its
problems before the next runs: YAML syntax; keys and types (pydantic); each part's own fields and
the references between parts (``Scenario.problems``); then checks that need the working-day
calendar. Warnings (the chair rules) come back beside the scenario.
"""

from __future__ import annotations

import difflib
import re
import typing
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields, is_dataclass, replace
from datetime import date
from pathlib import Path as FilePath
from typing import Any

from pydantic import TypeAdapter, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, ReusedAnchorWarning, YAMLError
from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

from cadence import busy, entries, limits, validate
from cadence.errors import InputError, Problem, ScenarioError
from cadence.scenario import Finding, Path, Scenario

_ADAPTER = TypeAdapter(Scenario)
_STRUCTURAL = {"missing", "unexpected_keyword_argument", "extra_forbidden"}


@dataclass(frozen=True)
class Edit:
    """A change to one line of the scenario file: ``old`` (as written) becomes ``new``."""

    line: int
    old: str
    new: str

    def __str__(self) -> str:
        return f"line {self.line}: `{self.old}` → `{self.new}`"


class Locations:
    """Where each key of a scenario file is, for messages that name a rule by its line and
    for edits the coordinator can make line by line."""

    def __init__(self, name: str, text: str, tree: dict[Any, Any]):
        self.name = name
        self.lines = text.splitlines()
        self._locator = _Locator(name, tree)

    def line(self, path: Path) -> int | None:
        """The line ``path`` (or the part of it that is written) is on."""
        _, line, _ = self._locator._walk(path)
        return line

    def written(self, path: Path) -> bool:
        """Whether the key at ``path`` is written in the file (not a default)."""
        found, _, _ = self._locator._walk(path)
        return len(found) == len(path)

    def edit(self, path: Path, value: Any) -> Edit | None:
        """``key: old`` → ``key: value`` on the key's line, or None when the key is not written
        or its value spans several lines."""
        found, _, parent = self._locator._walk(path[:-1])
        key = path[-1]
        if len(found) != len(path) - 1 or not isinstance(parent, CommentedMap) or key not in parent:
            return None
        key_line, key_column = parent.lc.key(key)
        value_line, value_column = parent.lc.value(key)
        if key_line != value_line or value_line >= len(self.lines):
            return None
        text = self.lines[value_line]
        end = _value_end(text, value_column)
        if end is None:
            return None
        return Edit(
            value_line + 1, text[key_column:end], text[key_column:value_column] + flow(value)
        )


def _value_end(text: str, start: int) -> int | None:
    """Where the YAML value that starts at ``start`` of ``text`` ends on that line."""
    if start >= len(text):
        return None
    opening = text[start]
    if opening in "[{":
        closing, depth = {"[": "]", "{": "}"}[opening], 0
        for i in range(start, len(text)):
            if text[i] == opening:
                depth += 1
            elif text[i] == closing:
                depth -= 1
                if depth == 0:
                    return i + 1
        return None
    if opening in "\"'":
        end = text.find(opening, start + 1)
        return end + 1 if end > start else None
    match = re.compile(r"[^,\]}#]*").match(text, start)
    assert match is not None
    return start + len(match.group(0).rstrip())


def flow(value: Any) -> str:
    """A value as YAML flow text: ``[thu, fri]``, ``{min: 3, max: 4}``, ``2026-05-04``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


@dataclass(frozen=True)
class Loaded:
    """A valid scenario with the warnings found while loading it."""

    scenario: Scenario
    source: FilePath
    warnings: tuple[Problem, ...]
    locations: Locations | None = None
    """Where each key is written (for the rules named when they cannot all hold)."""
    impossible: tuple[Problem, ...] = ()
    """Rules a fresh plan certainly cannot keep, found without the solver
    (:func:`cadence.validate.before_solve`): ``cadence validate`` and a fresh ``cadence plan``
    refuse the file for them. A re-plan may still hold: its past is what took place."""

    def where(self, path: Path) -> str:
        """``sormland-2026.yaml:141``: the file and line of the key at ``path``, for an
        explanation that names where a rule comes from. A key the file does not write (a
        default) gives the line of the nearest key above it and says so."""
        if self.locations is None:
            return self.source.name
        default = "" if self.locations.written(path) else " (default)"
        return f"{self.source.name}:{self.locations.line(path)}{default}"


def load(path: str | FilePath) -> Loaded:
    """Read and check a scenario file; raise :class:`ScenarioError` with every problem found."""
    source = FilePath(path)
    try:
        data = limits.read_capped(source, limits.SCENARIO_BYTES, "scenario file")
    except InputError as err:
        raise ScenarioError(err.problems) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise ScenarioError([Problem(str(source), line, "", "not UTF-8 text")]) from None
    return loads(text, source)


def loads(text: str, source: FilePath) -> Loaded:
    """Check scenario text that came from ``source`` (used for messages and relative paths)."""
    name = str(source)
    control = limits.text_problems(name, text)
    if control:
        raise ScenarioError(control)
    deep = limits.nesting_problem(name, text)
    if deep:
        raise ScenarioError([deep])
    tree = _parse(name, text)
    if not isinstance(tree, dict):
        message = "a scenario is a mapping of keys (name, period, groups, …)"
        raise ScenarioError([Problem(name, 1, "", message)])

    locate = _Locator(name, tree)
    too_big = limits.tree_problems(tree)
    if too_big:
        raise ScenarioError(locate.all(too_big))
    try:
        scenario = _ADAPTER.validate_python(tree)
    except ValidationError as err:
        raise ScenarioError(locate.validation_errors(err.errors())) from None

    # Limits first: the rule checks below assume a period and structure of a county's size.
    findings = list(limits.scenario_problems(scenario, locate.where))
    if findings:
        raise ScenarioError(locate.all(findings))
    findings = [
        *scenario.problems(),
        *entries.repeated(scenario, locate.where),
        *entries.outside_years(scenario),
    ]
    if not findings:
        scenario, ics_findings = _with_busy_times(scenario, source.parent)
        findings.extend(ics_findings)
    if not findings:
        findings.extend(validate.calendar_problems(scenario, locate.where))
    if findings:
        raise ScenarioError(locate.all(findings))
    checked = validate.before_solve(scenario, locate.where)
    warnings = [
        *scenario.warnings(),
        *validate.calendar_warnings(scenario),
        *entries.outside_days(scenario),
        *checked.warnings,
    ]
    locations = Locations(name, text, tree)
    return Loaded(
        scenario,
        source,
        tuple(locate.all(warnings)),
        locations,
        tuple(locate.all(checked.errors)),
    )


def _parse(name: str, text: str) -> Any:
    """The YAML tree of ``text``; every way the YAML library can fail becomes a located problem."""
    try:
        with warnings.catch_warnings():
            # An anchor defined again is allowed (the later one counts); the library's
            # warning would print its own source lines into the coordinator's terminal.
            warnings.simplefilter("ignore", ReusedAnchorWarning)
            return YAML(typ="rt").load(text)
    except MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark is not None else None
        message = f"YAML syntax error: {err.problem or err.context}"
        raise ScenarioError([Problem(name, line, "", message)]) from None
    except RecursionError:
        raise ScenarioError([Problem(name, _deep_line(text), "", "nested too deeply")]) from None
    except (ValueError, OverflowError):
        # The YAML library reads 2026-02-30 as a date and fails without saying where.
        raise ScenarioError(_impossible_dates(name, text)) from None
    except YAMLError as err:
        mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
        line = mark.line + 1 if mark is not None else _position_line(text, err)
        raise ScenarioError([Problem(name, line, "", f"YAML error: {err}")]) from None


def _deep_line(text: str) -> int | None:
    """The line where mappings and lists first nest more than the limit allows (scanned
    token by token, as the parser that failed would have recursed)."""
    depth = 0
    try:
        for token in YAML(typ="rt").scan(text):
            kind = type(token).__name__
            if kind in _OPENING:
                depth += 1
                if depth > limits.DEPTH:
                    return int(token.start_mark.line) + 1
            elif kind in _CLOSING:
                depth -= 1
    except (YAMLError, RecursionError):
        return None
    return None


_OPENING = {
    "BlockMappingStartToken",
    "BlockSequenceStartToken",
    "FlowMappingStartToken",
    "FlowSequenceStartToken",
}
_CLOSING = {"BlockEndToken", "FlowMappingEndToken", "FlowSequenceEndToken"}


def _position_line(text: str, err: Exception) -> int | None:
    position = getattr(err, "position", None)
    return text.count("\n", 0, position) + 1 if isinstance(position, int) else None


def _impossible_dates(name: str, text: str) -> list[Problem]:
    """Find the date-like scalars that are not real dates, with their lines."""
    problems = []
    pattern = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
    for number, line in enumerate(text.splitlines(), start=1):
        for match in pattern.finditer(line.split("#", 1)[0]):
            try:
                date(*(int(part) for part in match.groups()))
            except ValueError:
                problems.append(Problem(name, number, "", f"{match.group(0)} is not a date"))
    return problems or _unreadable_scalars(name, text)


def _unreadable_scalars(name: str, text: str) -> list[Problem]:
    """The values the YAML library cannot build (``2026-01-01T25:00:00``), with their lines:
    the file is composed into nodes, which keep their lines, and each value built alone."""
    yaml = YAML(typ="rt")
    problems: list[Problem] = []
    try:
        stack = [yaml.compose(text)]
        seen: set[int] = set()
        while stack and len(problems) < 20:
            node = stack.pop()
            if node is None or id(node) in seen:
                continue
            seen.add(id(node))
            if isinstance(node, ScalarNode):
                try:
                    yaml.constructor.construct_object(node, deep=True)
                except (ValueError, OverflowError, TypeError) as err:
                    line = node.start_mark.line + 1
                    message = f"'{node.value}' cannot be read as a value: {err}"
                    problems.append(Problem(name, line, "", message))
            elif isinstance(node, MappingNode):
                stack.extend(part for pair in node.value for part in pair)
            elif isinstance(node, SequenceNode):
                stack.extend(node.value)
    except (YAMLError, RecursionError):
        pass
    return problems or [Problem(name, 1, "", "a value could not be read")]


def _with_busy_times(scenario: Scenario, folder: FilePath) -> tuple[Scenario, list[Finding]]:
    """Add the busy times of each person's ``busy_ics`` file to their unavailability."""
    findings: list[Finding] = []
    people = []
    for i, person in enumerate(scenario.people):
        if person.busy_ics is None:
            people.append(person)
            continue
        try:
            extra = busy.read_busy(folder / person.busy_ics, scenario.period)
        except busy.BusyFileError as err:
            findings.append((("people", i, "busy_ics"), str(err)))
            people.append(person)
            continue
        people.append(replace(person, unavailable=person.unavailable + extra))
    return replace(scenario, people=tuple(people)), findings


def field_names(cls: Any) -> list[str]:
    return [f.name for f in fields(cls)] if is_dataclass(cls) else []


class _Locator:
    """Turns key paths into ``file:line path: message`` problems using the YAML tree."""

    def __init__(self, name: str, tree: dict[Any, Any]):
        self.name = name
        self.tree = tree

    def _walk(self, loc: Sequence[str | int]) -> tuple[list[str | int], int | None, Any]:
        """The part of ``loc`` that exists in the tree, the line it ends on, and its node."""
        node: Any = self.tree
        found: list[str | int] = []
        line = 1
        for key in loc:
            if isinstance(node, CommentedMap) and key in node:
                line = node.lc.key(key)[0] + 1
                node = node[key]
            elif isinstance(node, CommentedSeq) and isinstance(key, int) and 0 <= key < len(node):
                line = node.lc.item(key)[0] + 1
                node = node[key]
            else:
                break
            found.append(key)
        return found, line, node

    def where(self, path: Path) -> str:
        """``line 33``: where ``path`` is, for a message that names a second place."""
        _, line, _ = self._walk(path)
        return f"line {line}"

    def problem(self, path: Path, message: str) -> Problem:
        found, line, _ = self._walk(path)
        return Problem(self.name, line, format_path(path if path else found), message)

    def all(self, findings: Iterable[Finding]) -> list[Problem]:
        return [self.problem(path, message) for path, message in findings]

    def validation_errors(self, errors: Sequence[Any]) -> list[Problem]:
        """Pydantic's errors in the coordinator's words, one per key (union alternatives merged)."""
        structural: list[Problem] = []
        alternatives: dict[tuple[str | int, ...], list[str]] = {}
        for error in errors:
            loc = tuple(error["loc"])
            kind = error["type"]
            if kind == "missing":
                found, _, _ = self._walk(loc[:-1])
                structural.append(self.problem(tuple(found), f"missing required key '{loc[-1]}'"))
            elif kind in _STRUCTURAL:
                hint = _suggest(str(loc[-1]), loc[:-1])
                structural.append(self.problem(loc, f"unknown key '{loc[-1]}'{hint}"))
            else:
                # A value that fits none of a union's types gives one error per type: merge them.
                found, _, _ = self._walk(loc)
                text = f"{_expected(kind, error['msg'])} (got {_show(error.get('input'))})"
                alternatives.setdefault(tuple(found), []).append(text)
        problems = structural + [
            self.problem(path, "; or ".join(dict.fromkeys(messages)))
            for path, messages in alternatives.items()
        ]
        return sorted(problems, key=lambda p: p.line or 0)


def _expected(kind: str, message: str) -> str:
    """Pydantic's message, in words about the file rather than Python types."""
    if kind.startswith("date"):
        return "expected a date like 2026-04-17"
    if kind.startswith("time"):
        return 'expected a time like "09:00"'
    if kind == "dataclass_type":
        return "expected a mapping of keys"
    if kind in ("tuple_type", "list_type"):
        return "expected a list"
    message = message.removeprefix("Value error, ")
    return message[0].lower() + message[1:]


def _suggest(key: str, parent: Sequence[str | int]) -> str:
    """A 'did you mean' for a misspelt key, from the keys the same mapping allows."""
    allowed = _allowed_keys(parent)
    close = difflib.get_close_matches(key, allowed, n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _allowed_keys(loc: Sequence[str | int]) -> list[str]:
    """Field names of the scenario type at ``loc`` (``("groups", 3)`` → Group's fields)."""
    cls: Any = Scenario
    for key in loc:
        if isinstance(key, int):
            continue
        hints = typing.get_type_hints(cls)
        if key not in hints:
            return []
        hint = hints[key]
        cls = _dataclass_in(hint)
        if cls is None:
            return []
    return field_names(cls)


def _dataclass_in(hint: Any) -> Any:
    if is_dataclass(hint):
        return hint
    for arg in typing.get_args(hint):
        found = _dataclass_in(arg)
        if found is not None:
            return found
    return None


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(value)


def format_path(path: Sequence[str | int]) -> str:
    """``("groups", 7, "feeds", 0, "to")`` → ``groups[7].feeds[0].to``."""
    text = ""
    for key in path:
        text += f"[{key}]" if isinstance(key, int) else (f".{key}" if text else str(key))
    return text
