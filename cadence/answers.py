"""The answer to a coordinator's change, as data and in words: the request, each option (its
moves, shift, bent rules and whom to tell) with its Swedish summary, the answer's JSON
(``docs/changes.schema.json``) and what the command prints. :mod:`cadence.options` finds the
options; this module only holds and words them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, Literal

from cadence import replan, sv
from cadence.bends import Bend, ask
from cadence.clash import Where
from cadence.errors import InputError
from cadence.replan import Replanned
from cadence.scenario import ChangeLimits, Scenario
from cadence.state import Change, State

Kind = Literal["move", "cancel", "add"]
Status = Literal["applied", "choose", "refused"]


@dataclass(frozen=True)
class Request:
    """The change the coordinator asks for."""

    kind: Kind
    meeting: str = ""
    """move, cancel: the published meeting's id."""
    group: str = ""
    """add: the group that meets once more."""
    day: date | None = None
    """move, add: the new day."""
    at: time | None = None
    """move, add: the start time (default: the meeting's own, or the group's first)."""

    def change(self, scenario: Scenario, state: State, cutoff: date) -> Change:
        """The change as plan.json keeps it; InputError when it names nothing changeable."""
        if self.kind == "cancel":
            return replan.cancel(scenario, state, self.meeting, cutoff)
        if self.day is None:
            raise InputError(f"a {self.kind} needs a date")
        if self.kind == "move":
            return replan.move(scenario, state, self.meeting, self.day, self.at, cutoff)
        return replan.add(scenario, state, self.group, self.day, self.at, cutoff)


@dataclass(frozen=True)
class Moved:
    """One published meeting the option moves, cancels (``to`` None) or adds (``start`` None)."""

    meeting: str
    group: str
    start: datetime | None
    to: datetime | None
    asked: bool
    """The coordinator's own change."""

    @property
    def shift_days(self) -> int:
        if self.start is None or self.to is None:
            return 0
        return abs((self.to.date() - self.start.date()).days)


@dataclass(frozen=True)
class Bent:
    """A rule the option bends: the bend, its ``file:line`` and its words in Swedish."""

    bend: Bend
    line: str
    words: str


@dataclass(frozen=True)
class Option:
    """One way to absorb the change."""

    id: int
    moves: tuple[Moved, ...]
    shift_days: int
    """Total days the meetings nobody asked to move shift."""
    bends: tuple[Bent, ...]
    notify: tuple[str, ...]
    """The people to tell: everyone in a meeting that moves, is added or is cancelled."""
    summary: str
    """The option in Swedish, ready to forward."""
    within: bool
    """Inside the scenario's ``changes`` limits."""
    scenario: Scenario = field(repr=False, compare=False)
    """The scenario as this option re-plans it (its bends applied)."""
    state: State = field(repr=False, compare=False)
    """The published state with the change (and a firm meeting's move, and the bends)."""
    done: Replanned = field(repr=False, compare=False)
    keeps_rules: bool = False
    """The all-rules option (a firm meeting moved by name may still bend its own spacing)."""
    details: tuple[str, ...] = ()
    """What a bent lead window means in the plan (Swedish): which meeting prepares which."""

    @property
    def other_moves(self) -> int:
        return sum(1 for m in self.moves if not m.asked)

    @property
    def longest_shift(self) -> int:
        return max((m.shift_days for m in self.moves if not m.asked), default=0)


@dataclass(frozen=True)
class Answer:
    """What cadence answers to a change: apply it, choose, or refused (and why)."""

    status: Status
    request: Request
    options: tuple[Option, ...]
    refusal: str
    limits: ChangeLimits
    source: str = field(repr=False)
    """The scenario file's stem (part of every UID)."""
    cutoff: date = field(repr=False)
    where: Where = field(repr=False)

    def option(self, number: int) -> Option:
        """Option ``number`` (from 1); InputError naming the ones there are."""
        for option in self.options:
            if option.id == number:
                return option
        known = ", ".join(str(o.id) for o in self.options) or "none"
        raise InputError(f"--option {number}: there is no such option (options: {known})")


def to_json(answer: Answer) -> dict[str, Any]:
    """The answer as ``docs/changes.schema.json`` describes it."""
    request = answer.request
    return {
        "status": answer.status,
        "request": {
            "kind": request.kind,
            "meeting": request.meeting or None,
            "group": request.group or None,
            "date": request.day.isoformat() if request.day else None,
            "time": request.at.strftime("%H:%M") if request.at else None,
        },
        "limits": {
            "max_other_moves": answer.limits.max_other_moves,
            "max_shift_days": answer.limits.max_shift_days,
        },
        "refusal": answer.refusal or None,
        "options": [
            {
                "id": o.id,
                "moves": [
                    {
                        "meeting": m.meeting,
                        "group": m.group,
                        "from": m.start.isoformat() if m.start else None,
                        "to": m.to.isoformat() if m.to else None,
                        "asked": m.asked,
                    }
                    for m in o.moves
                ],
                "other_moves": o.other_moves,
                "shift_days": o.shift_days,
                "within_limits": o.within,
                "bends": [
                    {
                        "rule": b.bend.rule,
                        "line": b.line,
                        "amount": b.bend.amount,
                        "group": b.bend.group,
                        "to": b.bend.to or b.bend.meeting or None,
                        "was": b.bend.was if b.bend.rule not in ("fixed", "firm") else None,
                        "words": b.words,
                    }
                    for b in o.bends
                ],
                "notify": list(o.notify),
                "summary": o.summary,
            }
            for o in answer.options
        ],
    }


def why(answer: Answer) -> str:
    """Why the coordinator must choose (English, for the command's message), or empty."""
    if answer.status != "choose":
        return ""
    first = answer.options[0]
    if not first.keeps_rules:
        return "no plan keeps every rule (each option bends a rule, or two)"
    if asks_committee(first):
        return "keeping every rule needs a firm meeting moved, which its committee decides"
    limits = answer.limits
    return (
        f"keeping every rule moves {first.other_moves} other meeting(s) (limit "
        f"{limits.max_other_moves}) and shifts one by up to {first.longest_shift} days (limit "
        f"{limits.max_shift_days})"
    )


def text(answer: Answer) -> str:
    """The answer as the terminal prints it: each option's Swedish summary."""
    if answer.status == "refused":
        return f"refused, nothing changed: {answer.refusal}\n"
    parts = [o.summary for o in answer.options]
    return "\n\n".join(parts) + "\n"


def asks_committee(option: Option) -> bool:
    return any(b.bend.rule in ("firm", "fixed") for b in option.bends)


def summary(option: Option, number: int, limits: ChangeLimits) -> str:
    """The option in Swedish, as the coordinator forwards it."""
    others = option.other_moves
    head = f"Alternativ {number}: "
    if option.bends:
        head += "med avsteg – " + "; ".join(b.words for b in option.bends) + ". "
    else:
        head += "alla regler hålls. "
    if others == 0:
        head += "Inga andra möten flyttas."
    else:
        head += (
            f"{others} {'annat möte' if others == 1 else 'andra möten'} flyttas, sammanlagt "
            f"{option.shift_days} dagar."
        )
    if not option.within:
        head += (
            f" (Över gränsen för en ändring som görs direkt: högst {limits.max_other_moves} "
            f"andra möten och {limits.max_shift_days} dagar för något av dem.)"
        )
    lines = [head, *option.details]
    lines += [ask(b.bend) for b in option.bends if ask(b.bend)]
    for m in option.moves:
        if m.start is not None and m.to is not None:
            span = f"{_when(m.start)} → {_when(m.to)}"
        elif m.to is None:
            span = f"{_when(m.start)} ställs in"
        else:
            span = f"nytt möte {_when(m.to)}"
        mark = " (din ändring)" if m.asked else ""
        lines.append(f"  - {m.meeting}: {span}{mark}")
    if option.notify:
        lines.append("  Berörda: " + ", ".join(option.notify))
    return "\n".join(lines)


def _when(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return f"{sv.weekday(moment.date())} {sv.day_month(moment.date())} {moment:%H.%M}"
