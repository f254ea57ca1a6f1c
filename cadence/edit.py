"""The scenario edits coordinators make most, written into the scenario file itself.

A person's absence, a decided date for a group and a blocked day are added with ruamel.yaml's
round trip, so the file keeps its comments and its order. ruamel re-wraps long flow lists when
it writes a file, so only the lines the edit changes are taken from its output and spliced into
the file as it was (:func:`_splice`): every other line keeps its bytes. The caller validates the
new text with :func:`cadence.loader.loads`, which gives the same located messages as the CLI.
"""

from __future__ import annotations

import difflib
import io
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from cadence import sv
from cadence.errors import InputError

MAX_TEXT = 200
"""A reason or a name longer than this is not a reason."""


@dataclass(frozen=True)
class Edited:
    text: str
    """The whole scenario file after the edit."""
    label: str
    """What was changed, in Swedish, for the history."""


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096
    yaml.preserve_quotes = True
    return yaml


def _load(text: str) -> Any:
    try:
        return _yaml().load(text)
    except YAMLError as err:
        raise InputError(f"the scenario file cannot be read as YAML: {err}") from None


def _dump(document: Any) -> str:
    buffer = io.StringIO()
    _yaml().dump(document, buffer)
    return buffer.getvalue()


def _flow(**values: Any) -> CommentedMap:
    entry = CommentedMap()
    for key, value in values.items():
        if value is not None:
            entry[key] = value
    entry.fa.set_flow_style()
    return entry


def _plain_text(value: str, what: str) -> str:
    value = value.strip()
    if not value:
        raise InputError(f"{what}: must not be empty")
    if len(value) > MAX_TEXT or any(ord(c) < 32 for c in value):
        raise InputError(f"{what}: at most {MAX_TEXT} characters on one line")
    return value


def _entry(document: Any, key: str, wanted: str, what: str) -> Any:
    items = document.get(key) if isinstance(document, dict) else None
    for item in items or ():
        if isinstance(item, dict) and str(item.get("id")) == wanted:
            return item
    raise InputError(f"no {what} '{wanted}' in the scenario")


def _append(parent: Any, key: str, entry: CommentedMap) -> None:
    existing = parent.get(key)
    if existing is None:
        seq = CommentedSeq()
        if parent.fa.flow_style():
            seq.fa.set_flow_style()
        parent[key] = seq
        existing = seq
    if not isinstance(existing, list):
        raise InputError(f"'{key}' is not a list in the scenario; edit the file by hand")
    existing.append(entry)


def _result(text: str, document: Any, label: str) -> Edited:
    before = _dump(_load(text))
    after = _dump(document)
    return Edited(_splice(text, before, after), label)


def add_absence(text: str, person: str, start: date, end: date, reason: str) -> Edited:
    """``person`` cannot attend from ``start`` to ``end`` (both included), for ``reason``."""
    if end < start:
        raise InputError(f"the absence ends ({end}) before it starts ({start})")
    reason = _plain_text(reason, "reason")
    document = _load(text)
    entry = _entry(document, "people", person, "person")
    _append(entry, "unavailable", _flow(start=start, end=end, reason=reason))
    name = entry.get("name", person)
    span = f"{sv.day_month(start)} – {sv.day_month(end)} {end.year}"
    return _result(text, document, f"Frånvaro: {name} {span} ({reason})")


def add_fixed(text: str, group: str, day: date, at: time | None) -> Edited:
    """``group`` has decided to meet on ``day`` (at ``at``, else its first start time)."""
    document = _load(text)
    entry = _entry(document, "groups", group, "group")
    clock = at.strftime("%H:%M") if at else None
    quoted = DoubleQuotedScalarString(clock) if clock else None
    _append(entry, "fixed", _flow(date=day, time=quoted))
    when = f" kl. {clock}" if clock else ""
    return _result(text, document, f"Fast datum: {group} {sv.day_month(day)} {day.year}{when}")


def add_blocked_day(text: str, day: date, name: str) -> Edited:
    """No meeting on ``day``, for ``name`` (a blackout of one day)."""
    name = _plain_text(name, "name")
    document = _load(text)
    if not isinstance(document, dict):
        raise InputError("the scenario file is not a mapping")
    calendar = document.get("calendar")
    if calendar is None:
        calendar = CommentedMap()
        document["calendar"] = calendar
    if not isinstance(calendar, dict):
        raise InputError("'calendar' is not a mapping in the scenario; edit the file by hand")
    _append(calendar, "blackouts", _flow(name=name, dates=_flow_list([day])))
    return _result(text, document, f"Spärrad dag: {sv.day_month(day)} {day.year} ({name})")


def _flow_list(values: list[Any]) -> CommentedSeq:
    seq = CommentedSeq(values)
    seq.fa.set_flow_style()
    return seq


def _splice(original: str, before: str, after: str) -> str:
    """``original`` with the lines that differ between ``before`` and ``after`` (two dumps of
    the document, before and after the edit) changed in it, every other line kept as it was.
    When a changed line cannot be placed in ``original`` (it falls in lines ruamel re-wrapped),
    the whole dump ``after`` is the answer: comments and order kept, wrapping not."""
    source = original.splitlines(keepends=True)
    old = before.splitlines(keepends=True)
    new = after.splitlines(keepends=True)
    if before == original:
        return after
    where: dict[int, int] = {}
    matcher = difflib.SequenceMatcher(None, source, old, autojunk=False)
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            where[block.b + k] = block.a + k
    edits: list[tuple[int, int, list[str]]] = []
    changes = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    for tag, i1, i2, j1, j2 in changes:
        if tag == "equal":
            continue
        if i1 < i2:
            spots = [where.get(i) for i in range(i1, i2)]
            if None in spots or spots != list(range(spots[0] or 0, (spots[0] or 0) + len(spots))):
                return after
            first = spots[0]
            assert first is not None
            edits.append((first, first + len(spots), new[j1:j2]))
        elif i1 > 0 and (i1 - 1) in where:
            at = where[i1 - 1] + 1
            while at > 0 and not source[at - 1].strip():
                at -= 1  # a new key joins its mapping, above the blank line that ends it
            edits.append((at, at, new[j1:j2]))
        elif i1 in where:
            at = where[i1]
            edits.append((at, at, new[j1:j2]))
        else:
            return after
    if source and not source[-1].endswith("\n"):
        source[-1] += "\n"
    for start, stop, lines in sorted(edits, reverse=True):
        source[start:stop] = lines
    spliced = "".join(source)
    try:
        same = YAML(typ="safe").load(spliced) == YAML(typ="safe").load(after)
    except YAMLError:
        same = False
    return spliced if same else after
