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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields, is_dataclass, replace
from datetime import date
from pathlib import Path as FilePath
from typing import Any

from pydantic import TypeAdapter, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError

from cadence import busy, validate
from cadence.errors import Problem, ScenarioError
from cadence.scenario import Finding, Path, Scenario

_ADAPTER = TypeAdapter(Scenario)
_STRUCTURAL = {"missing", "unexpected_keyword_argument", "extra_forbidden"}


@dataclass(frozen=True)
class Loaded:
    """A valid scenario with the warnings found while loading it."""

    scenario: Scenario
    source: FilePath
    warnings: tuple[Problem, ...]


def load(path: str | FilePath) -> Loaded:
    """Read and check a scenario file; raise :class:`ScenarioError` with every problem found."""
    source = FilePath(path)
    try:
        text = source.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError([Problem(str(source), None, "", "no such scenario file")]) from None
    except (OSError, UnicodeDecodeError) as err:
        raise ScenarioError([Problem(str(source), None, "", f"cannot read: {err}")]) from None
    return loads(text, source)


def loads(text: str, source: FilePath) -> Loaded:
    """Check scenario text that came from ``source`` (used for messages and relative paths)."""
    name = str(source)
    try:
        tree = YAML(typ="rt").load(text)
    except MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark is not None else None
        message = f"YAML syntax error: {err.problem or err.context}"
        raise ScenarioError([Problem(name, line, "", message)]) from None
    except ValueError:
        # The YAML library reads 2026-02-30 as a date and fails without saying where.
        raise ScenarioError(_impossible_dates(name, text)) from None
    if not isinstance(tree, dict):
        message = "a scenario is a mapping of keys (name, period, groups, …)"
        raise ScenarioError([Problem(name, 1, "", message)])

    locate = _Locator(name, tree)
    try:
        scenario = _ADAPTER.validate_python(tree)
    except ValidationError as err:
        raise ScenarioError(locate.validation_errors(err.errors())) from None

    findings = list(scenario.problems())
    if not findings:
        scenario, ics_findings = _with_busy_times(scenario, source.parent)
        findings.extend(ics_findings)
    if not findings:
        findings.extend(validate.calendar_problems(scenario))
    if findings:
        raise ScenarioError(locate.all(findings))
    warnings = [*scenario.warnings(), *validate.calendar_warnings(scenario)]
    return Loaded(scenario, source, tuple(locate.all(warnings)))


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
    return problems or [Problem(name, None, "", "a value could not be read")]


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
