"""A coordinator's change answered the way she decides it: options side by side.

``cadence move``, ``cancel`` and ``add`` (and the workbench) call :func:`answer`: the change is
re-planned keeping every rule, the fewest published meetings moved, then the nearest (see
:mod:`cadence.solver.stability`). When that moves at most ``changes.max_other_moves`` other
meetings (default 2) and shifts none more than ``changes.max_shift_days`` days (default 28), the
answer is ``applied``: the one option can be applied at once. Otherwise the answer is
``choose``: the all-rules option and up to four options that each bend **one** named rule by
the smallest amount that lets every other published meeting stay (a lead window, the write-up
days, a group's gap between meetings, a decided date, or a firm meeting the committee is asked
to move), found by re-solving as :mod:`cadence.clash` finds loosenings. A person's absence and a
closed day are never bent. When there is no option at all the answer is ``refused``, with the
rules that clash, their lines and the smallest change.

A firm meeting moved by name (the committee's own decision) is a fact: the rules it then breaks
within its own group (its spacing) are bent, reported with their lines, not refused.

Nothing here writes: :func:`apply` gives the files of an option (what
:func:`cadence.replan.run` gives), for the caller to write under the folder's lock;
:func:`to_json` gives the answer as ``docs/changes.schema.json`` describes it.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any, Literal

from ortools.sat.python import cp_model

from cadence import clash, replan, solver, sv
from cadence.bends import Bend, ask, words
from cadence.bends import apply as bent
from cadence.bends import path as bend_path
from cadence.clash import Problem, Where
from cadence.errors import InfeasibleError, InputError
from cadence.instance import Held, attendees
from cadence.replan import Replanned, Run
from cadence.rules import RuleKey
from cadence.scenario import ChangeLimits, Scenario
from cadence.state import Change, Record, State

Kind = Literal["move", "cancel", "add"]
Status = Literal["applied", "choose", "refused"]

MAX_BENT = 4
"""Options that bend a rule, at most."""
EXPLAIN_BUDGET = 4.0
"""Deterministic seconds at most for finding which rules clash when nothing else may move."""
SEARCH_BUDGET = 6.0
"""Deterministic seconds at most for the tries of bent rules. Both budgets are deterministic:
the same input gives the same options on any machine."""
MAX_TRIES = 40
"""Bent rules tried at most (each a feasibility solve of the changed county)."""
LADDER = range(1, 92)
"""Days (or working days) a bound may give, up to a quarter: probed 1, 2, 4, … and halved back."""
DATES_TRIED = 8
"""Other days tried for a firm or decided meeting, nearest first."""


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


def answer(
    scenario: Scenario,
    source: str,
    state: State,
    request: Request,
    settings: solver.Settings,
    cutoff: date,
    where: Where | None = None,
) -> Answer:
    """The options for ``request`` against the published ``state`` as of ``cutoff``; writes
    nothing. InputError when the request names no changeable meeting or day."""
    where = where or Where()
    base = bent(scenario, state.bends)
    change = request.change(base, state, cutoff)
    changed = state.with_change(change)
    own = _own_spacing(base, state, change, cutoff)
    limits = scenario.changes
    first = _option(base, source, changed, own, settings, cutoff, where, change)
    if first is not None:
        first = replace(first, keeps_rules=True)
    if first is not None and first.within and not _asks_committee(first):
        first = replace(first, id=1)
        return Answer("applied", request, (first,), "", limits, source, cutoff, where)
    options = [first] if first is not None else []
    for found in _bent_options(base, source, changed, own, settings, cutoff, where, change):
        if all(found.moves != o.moves for o in options):
            options.append(found)
        if len(options) >= 1 + MAX_BENT:
            break
    if not options:
        return Answer(
            "refused", request, (), _refusal(base, source, changed, own, settings, cutoff, where),
            limits, source, cutoff, where,
        )  # fmt: skip
    ranked = sorted(options[1:] if first else options, key=_rank)
    ordered = [*([first] if first else []), *ranked]
    numbered = tuple(replace(o, id=i, summary=_summary(o, i, limits)) for i, o in
                     enumerate(ordered, 1))  # fmt: skip
    return Answer("choose", request, numbered, "", limits, source, cutoff, where)


def apply(answer: Answer, number: int, keep_cancelled_days: int = 0) -> Run:
    """The output folder's files with option ``number`` applied (the caller writes them under
    the folder's lock): the plan as the option showed it, its bends recorded in plan.json and
    named in the change report."""
    if answer.status == "refused":
        raise InfeasibleError(f"refused, nothing changed: {answer.refusal}")
    option = answer.option(number)
    return replan.render(
        option.scenario, answer.source, option.state, option.done, answer.cutoff,
        keep_cancelled_days, answer.where, [b.bend for b in option.bends],
    )  # fmt: skip


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
        return "no plan keeps every rule (each option bends one)"
    if _asks_committee(first):
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


# -- one option ------------------------------------------------------------------------------


def _rank(option: Option) -> tuple[int, int, int, int]:
    """Fewest other meetings moved, then the least shift, then the smallest bend."""
    size = sum(b.bend.size for b in option.bends)
    return (option.other_moves, option.shift_days, size, option.longest_shift)


def _asks_committee(option: Option) -> bool:
    return any(b.bend.rule in ("firm", "fixed") for b in option.bends)


def _option(
    scenario: Scenario,
    source: str,
    state: State,
    bends: Sequence[Bend],
    settings: solver.Settings,
    cutoff: date,
    where: Where,
    change: Change,
    asked: Sequence[Bend] = (),
) -> Option | None:
    """The re-plan of ``state`` with ``bends`` (fewest moves, then nearest); a firm meeting it
    must move becomes a bend that asks the committee, as do ``asked`` (firm meetings already
    moved in ``state``). None when there is no such plan."""
    bent_scenario = bent(scenario, bends)
    try:
        done = replan.replan(
            bent_scenario, source, state, settings, cutoff, where=where, explain=False,
            goals_stage=False, refuse_firm=False,
        )  # fmt: skip
    except InfeasibleError:
        return None
    moves = done.result.moves
    firm_moves: list[Bend] = []
    if moves is not None and moves.firm:
        moved_to = _new_starts(scenario, done)
        for index in moves.firm:
            record = done.setup.candidates[index]
            to = moved_to.get(record.id)
            if to is None:
                return None  # a firm meeting would be cancelled: never offered
            firm_moves.append(
                Bend("firm", record.group, meeting=record.id, from_day=record.start.date(),
                     day=to.date())
            )  # fmt: skip
            state = state.with_change(
                Change("move", record.id, record.group, to.date(), to.time().replace(tzinfo=None))
            )
    all_bends = (*bends, *asked, *firm_moves)
    return _described(bent_scenario, source, state.with_bends(all_bends), all_bends, done, where,
                      change)  # fmt: skip


def _new_starts(scenario: Scenario, done: Replanned) -> dict[str, datetime]:
    """Meeting id → its start in the re-plan."""
    tz = zoneinfo.ZoneInfo(scenario.period.timezone)
    inst = done.setup.instance
    starts = {}
    for group_id, meetings in done.result.meetings.items():
        group = inst.group(group_id)
        for day, slot in meetings:
            on = inst.day(day)
            meeting_id, _ = done.identities[(group_id, on)]
            minute = group.slots[slot].start
            starts[meeting_id] = datetime.combine(on, time(minute // 60, minute % 60), tz)
    return starts


def _described(
    scenario: Scenario,
    source: str,
    state: State,
    bends: Sequence[Bend],
    done: Replanned,
    where: Where,
    change: Change,
) -> Option:
    """An option from a solved re-plan: its moves against the published state, its shift, the
    rules it bends with their lines, and whom to tell."""
    new = _new_starts(scenario, done)
    moves = []
    old = {r.id: r for r in state.records if r.status != "cancelled"}
    for record in sorted(old.values(), key=lambda r: (r.start, r.id)):
        to = new.get(record.id)
        if to != record.start:
            moves.append(
                Moved(record.id, record.group, record.start, to, record.id == change.meeting)
            )
    for meeting_id, start in sorted(new.items(), key=lambda kv: (kv[1], kv[0])):
        if meeting_id not in old:
            group_id = next(g for (g, _), (i, _) in done.identities.items() if i == meeting_id)
            moves.append(Moved(meeting_id, group_id, None, start, meeting_id == change.meeting))
    people: dict[str, None] = {}
    for m in moves:
        for day in {x.date() for x in (m.start, m.to) if x is not None}:
            for person in attendees(scenario.group(m.group), day):
                people[scenario.person(person).name] = None
    bents = tuple(
        Bent(b, where.of(bend_path(scenario, b)), words(b, where.of(bend_path(scenario, b))))
        for b in bends
    )
    limits = scenario.changes
    shift = sum(m.shift_days for m in moves if not m.asked)
    option = Option(
        0, tuple(moves), shift, bents, tuple(sorted(people)), "", False, scenario, state, done
    )
    within = option.other_moves <= limits.max_other_moves and (
        option.longest_shift <= limits.max_shift_days
    )
    option = replace(option, within=within)
    return replace(option, summary=_summary(option, 1, limits))


def _own_spacing(scenario: Scenario, state: State, change: Change, cutoff: date) -> list[Bend]:
    """A firm meeting moved by name is the committee's decision: the gaps to its own group's
    neighbours (which do not move: they are firm too) are bent where they break its spacing."""
    if change.action != "move" or change.day is None or not replan.firm(scenario, change.group):
        return []
    group = scenario.group(change.group)
    others = sorted(
        r.start.date() for r in state.records
        if r.group == change.group and r.status != "cancelled" and r.id != change.meeting
    )  # fmt: skip
    before = [d for d in others if d < change.day]
    after = [d for d in others if d > change.day]
    gaps = ([(change.day - before[-1]).days] if before else []) + (
        [(after[0] - change.day).days] if after else []
    )
    found = []
    longest = group.max_days_between
    if gaps and longest is not None and max(gaps) > longest:
        found.append(Bend("max_gap", group.id, value=max(gaps), was=longest))
    if gaps and min(gaps) < group.min_days_between:
        found.append(Bend("min_gap", group.id, value=min(gaps), was=group.min_days_between))
    return found


def _summary(option: Option, number: int, limits: ChangeLimits) -> str:
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
            f" (Mer än vad som genomförs direkt: högst {limits.max_other_moves} andra möten "
            f"och {limits.max_shift_days} dagar.)"
        )
    lines = [head]
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


def _refusal(
    scenario: Scenario,
    source: str,
    state: State,
    bends: Sequence[Bend],
    settings: solver.Settings,
    cutoff: date,
    where: Where,
) -> str:
    """Why no option exists: the rules that clash with their lines and the smallest change
    (:mod:`cadence.clash`)."""
    try:
        replan.replan(bent(scenario, bends), source, state, settings, cutoff, where=where,
                      goals_stage=False, refuse_firm=False)  # fmt: skip
    except InfeasibleError as err:
        return str(err)
    return "no plan keeps every rule and no single rule could be bent in the time given"


# -- options that bend one rule ----------------------------------------------------------------


@dataclass
class _Budget:
    left: float
    tries: int = 0

    def take(self) -> float:
        return max(0.0, min(2.0, self.left)) if self.tries < MAX_TRIES else 0.0

    def pay(self, seconds: float) -> None:
        self.left -= seconds
        self.tries += 1


def _bent_options(
    scenario: Scenario,
    source: str,
    state: State,
    own: Sequence[Bend],
    settings: solver.Settings,
    cutoff: date,
    where: Where,
    change: Change,
) -> Iterator[Option]:
    """Options that each bend one rule by the smallest amount with which every other published
    meeting can stay: the rules of "nothing else moves" that clash, each loosened."""
    base = bent(scenario, own)
    _, decided, extra = replan.decided_meetings(base, state, cutoff)
    try:
        setup = replan.prepare(base, state, cutoff)
    except InfeasibleError:
        return  # the change itself cannot be held (a closed day): the refusal says why
    pins = [
        Held(r.group, r.start.date(), r.start.time().replace(tzinfo=None))
        for r in setup.candidates
        if r.id != change.meeting and not any(
            c.action == "move" and c.meeting == r.id for c in setup.changes
        )
    ]  # fmt: skip
    problem = Problem(base, (*decided, *pins), cutoff, extra)
    account = _Budget(SEARCH_BUDGET)
    found = clash.explain(problem, EXPLAIN_BUDGET, relax=False)
    if found is None:
        return
    by_pin = {(r.group, r.start.date()): r for r in setup.candidates}
    inst = setup.instance
    open_days = {g.id: {inst.day(d) for d in g.days} for g in inst.groups}
    tried: set[Bend] = set()
    for rule in found.rules:
        for ladder, make in _ladders(problem, rule.key, by_pin, change, open_days):
            bend = _smallest(ladder, _trial(make, account))
            if bend is None or bend in tried:
                continue
            tried.add(bend)
            if bend.rule == "firm":
                assert bend.day is not None and bend.from_day is not None
                record = by_pin[(bend.group, bend.from_day)]
                moved = state.with_change(
                    Change("move", record.id, record.group, bend.day, record.start.time())
                )
                option = _option(base, source, moved, own, settings, cutoff, where, change,
                                 (bend,))  # fmt: skip
            else:
                option = _option(base, source, state, (*own, bend), settings, cutoff, where,
                                 change)  # fmt: skip
            if option is not None:
                yield option


Make = Callable[[Bend], Problem]


def _ladders(
    problem: Problem,
    key: RuleKey,
    by_pin: dict[tuple[str, date], Record],
    change: Change,
    open_days: dict[str, set[date]],
) -> Iterator[tuple[list[Bend], Make]]:
    """For one clashing rule, the ways to bend it, each a list of bends smallest first and how
    to make the changed problem of one. Only the rules a coordinator may bend: never a person's
    absence, a closed day, a weekday rule, a count or an agenda item."""
    scenario = problem.scenario

    def _with_bend(bend: Bend) -> Problem:
        return replace(problem, scenario=bent(scenario, [bend]))

    def _with_pin_moved(bend: Bend) -> Problem:
        assert bend.day is not None
        held = tuple(
            replace(h, day=bend.day) if (h.group, h.day) == (bend.group, bend.from_day) else h
            for h in problem.held
        )
        return replace(problem, held=held)

    kind = key[0]
    if kind == "link":
        group = scenario.group(str(key[1]))
        feed = next(f for f in group.feeds if f.to == key[2])
        lead = feed.lead_days
        notice = scenario.group(feed.to).notice_days
        writeup = group.writeup(feed, scenario.writeup_days)
        yield (
            [Bend("lead_max", group.id, feed.to, lead.max + n, lead.max) for n in LADDER],
            (_with_bend),
        )
        yield (
            [
                Bend("lead_min", group.id, feed.to, lead.min - n, lead.min)
                for n in LADDER
                if lead.min - n > notice
            ],
            _with_bend,
        )
        yield [Bend("writeup", group.id, feed.to, writeup - n, writeup)
               for n in range(1, writeup + 1)], _with_bend  # fmt: skip
    elif kind in ("min_gap", "max_gap"):
        group = scenario.group(str(key[1]))
        if kind == "min_gap":
            low = group.min_days_between
            yield [Bend("min_gap", group.id, value=low - n, was=low) for n in LADDER
                   if low - n >= 1], _with_bend  # fmt: skip
        elif group.max_days_between is not None:
            high = group.max_days_between
            yield (
                [Bend("max_gap", group.id, value=high + n, was=high) for n in LADDER],
                (_with_bend),
            )
    elif kind == "pinned":
        group_id, day = str(key[1]), date.fromisoformat(str(key[2]))
        record = by_pin.get((group_id, day))
        if record is None or record.id == change.meeting or not replan.firm(scenario, group_id):
            return
        yield (
            [
                Bend("firm", group_id, meeting=record.id, from_day=day, day=other)
                for other in _nearest(day, open_days.get(group_id, set()))
            ],
            _with_pin_moved,
        )
    elif kind == "fixed":
        group = scenario.group(str(key[1]))
        fixed = group.fixed[int(key[2])]
        yield (
            [
                Bend("fixed", group.id, from_day=fixed.date, day=other)
                for other in _nearest(fixed.date, open_days.get(group.id, set()))
            ],
            _with_bend,
        )


def _nearest(day: date, open_days: set[date]) -> list[date]:
    """Days the group can meet up to four weeks either side of ``day``, nearest first (later
    first on a tie)."""
    days = []
    for n in range(1, 29):
        for sign in (1, -1):
            other = day + timedelta(days=sign * n)
            if other in open_days:
                days.append(other)
    return days


def _smallest(ladder: list[Bend], possible: Callable[[Bend], bool | None]) -> Bend | None:
    """The first bend of ``ladder`` that makes a plan possible. A bound (a window, a gap)
    that works keeps working when widened: probe the 1st, 2nd, 4th, … and halve back; days
    (a firm or decided meeting elsewhere) are tried nearest first."""
    if not ladder:
        return None
    if ladder[0].rule in ("firm", "fixed"):
        for bend in ladder[:DATES_TRIED]:
            ok = possible(bend)
            if ok is None:
                return None
            if ok:
                return bend
        return None
    # The largest bend first: when even it does not help, one solve says so.
    widest = possible(ladder[-1])
    if not widest:
        return None
    probes = sorted({*(2**i - 1 for i in range(len(ladder).bit_length())), len(ladder) - 1})
    low, high = -1, None
    for probe in probes:
        ok = True if probe == len(ladder) - 1 else possible(ladder[probe])
        if ok is None:
            return None
        if ok:
            high = probe
            break
        low = probe
    if high is None:
        return None
    while high - low > 1:
        middle = (low + high) // 2
        ok = possible(ladder[middle])
        if ok is None:
            break
        low, high = (low, middle) if ok else (middle, high)
    return ladder[high]


def _trial(make: Make, account: _Budget) -> Callable[[Bend], bool | None]:
    def possible(bend: Bend) -> bool | None:
        return _possible(make(bend), account)

    return possible


def _possible(problem: Problem, account: _Budget) -> bool | None:
    """Whether the changed problem has a plan (None: not known in the budget)."""
    budget = account.take()
    if budget <= 0:
        return None
    try:
        inst = problem.instance()
    except InfeasibleError:
        account.pay(0.0)
        return False
    status, spent = solver.feasibility(inst, budget)
    account.pay(spent)
    if status == cp_model.INFEASIBLE:
        return False
    if status in (cp_model.FEASIBLE, cp_model.OPTIMAL):
        return True
    return None
