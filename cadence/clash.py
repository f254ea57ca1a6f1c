"""Why the rules cannot all hold, and what to loosen: found by solving, named by line.

Only run once a plan is proven impossible. The explanation model is the normal rules model built
with :class:`~cadence.solver.variables.Switches`: every rule instance of the file (a weekday
rule, someone's absence, a count, a lead window, an agenda item, a decided date) holds under its
own literal, and the days a rule would cut stay in the domains. One feasibility solve on one
deterministic worker with every literal assumed gives CP-SAT's core; a deletion filter shrinks it
until each rule left is needed (without it the others hold). Then, for each of those rules, the
smallest change of its line that makes a plan possible, found by re-solving the scenario with the
line changed, smallest first.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any, TypeVar

from ortools.sat.python import cp_model

from cadence import instance as instances
from cadence import solver, sv, validate
from cadence.errors import InfeasibleError
from cadence.instance import Held
from cadence.rules import Rule, RuleKey, describe, weekdays
from cadence.scenario import WORKDAYS, Path, Scenario

T = TypeVar("T")

STEP_BUDGET = 5.0
"""Deterministic seconds at most for one solve of the explanation."""

MAX_CHECKS = 48
"""Relaxations tried at most (each is a build and a solve of the changed scenario)."""

LADDER = range(1, 92)
"""Days a window may widen or a rule give way, up to a quarter; the search probes 1, 2, 4, 8,
… of them and halves back, so a family costs about a dozen solves at most."""

WEEKDAY_COST = 7
"""A weekday more counts as a week's change of the plan's rhythm."""
MEETING_COST = 14
"""One meeting fewer counts as two weeks of change."""
FIRST_MEETING_COST = 7


@dataclass(frozen=True)
class Problem:
    """What was planned: the scenario and, in a re-plan, the meetings held or pinned."""

    scenario: Scenario
    held: tuple[Held, ...] = ()
    as_of: date | None = None
    extra: Mapping[tuple[str, int], int] | None = None

    def instance(self, explain: bool = False) -> instances.Instance:
        return instances.build(self.scenario, self.held, self.as_of, self.extra, explain)


@dataclass(frozen=True)
class Relaxation:
    """One change of one rule that makes a plan possible."""

    rule: RuleKey
    cost: int
    """How much it changes: days moved or widened; a weekday :data:`WEEKDAY_COST`, a meeting
    fewer :data:`MEETING_COST`."""
    words: str
    edits: tuple[tuple[Path, Any], ...]
    """Ways to write it, the first one whose key is written in the file wins: (key path, new
    value)."""


@dataclass(frozen=True)
class Clash:
    """Rules that cannot all hold together, and changes that would make a plan possible."""

    rules: tuple[Rule, ...]
    minimal: bool
    """Proven: without any one of the rules the others hold."""
    relaxations: tuple[Relaxation, ...]
    deterministic: float
    """CP-SAT's deterministic seconds for all of it."""
    solves: int


@dataclass
class _Budget:
    left: float
    spent: float = 0.0
    solves: int = 0

    def take(self) -> float:
        return max(0.0, min(STEP_BUDGET, self.left))

    def pay(self, seconds: float) -> None:
        self.left -= seconds
        self.spent += seconds
        self.solves += 1


def explain(
    problem: Problem,
    budget: float,
    relax: bool = True,
    groups: tuple[str, ...] | None = None,
) -> Clash | None:
    """A minimal set of clashing rules and the smallest changes that make a plan possible,
    within ``budget`` deterministic seconds; None when the explanation model finds a plan
    after all (it should not: it is the same rules) or cannot tell in time. ``groups``: only
    these groups' rules (already known to clash) are searched."""
    account = _Budget(budget)
    inst = problem.instance(explain=True)
    if groups is not None:
        inst = inst.only(groups)
    model, literals = solver.explanation_model(inst)
    keys = sorted(literals, key=_deletion_order)
    status, first = _solve(model, literals, keys, account)
    if status != cp_model.INFEASIBLE:
        return None
    minimal = True
    core = [k for k in keys if k in first]
    touched = groups_of(inst, core)
    if touched is not None and len(touched) < len(inst.groups):
        # The deletion filter on the core's groups alone: each solve loads the whole model,
        # two seconds a solve on Sörmland 2026 whatever the rules assumed. The other groups'
        # rules are off in every solve of the filter, so leaving them out changes no answer.
        inst = inst.only(touched)
        model, literals = solver.explanation_model(inst)
    i = 0
    while i < len(core):
        trial = core[:i] + core[i + 1 :]
        if account.take() <= 0:
            minimal = False
            break
        status, smaller = _solve(model, literals, trial, account)
        if status == cp_model.INFEASIBLE:
            core = [k for k in trial if k in smaller]  # earlier rules stay needed
        else:
            minimal = minimal and status in (cp_model.FEASIBLE, cp_model.OPTIMAL)
            i += 1
    days: dict[tuple[str | int, ...], tuple[date, date]] = {
        ("due", d.item, d.group, d.key): (inst.day(min(d.days)), inst.day(max(d.days)))
        for d in inst.dues
        if d.days and d.before is None
    }
    rules = tuple(describe(problem.scenario, k, days.get(tuple(k[:4]))) for k in core)
    relaxations = tuple(_relaxations(problem, core, account)) if relax else ()
    return Clash(rules, minimal, relaxations, account.spent, account.solves)


def groups_of(inst: instances.Instance, keys: list[RuleKey]) -> tuple[str, ...] | None:
    """The groups whose meetings the rules ``keys`` constrain (None: every group)."""
    found: set[str] = set()
    for key in keys:
        kind = key[0]
        if kind in ("weekdays", "count", "min_gap", "max_gap", "fixed", "pinned"):
            found.add(str(key[1]))
        elif kind == "link":
            found.update((str(key[1]), str(key[2])))
        elif kind == "due":
            found.update(str(g) for g in (key[2], key[4]) if g)
        elif kind in ("away", "person"):
            found.update(g for (g, _), people in inst.attendees.items() if key[1] in people)
        else:
            return None
    return tuple(g.id for g in inst.groups if g.id in found)


_ORDER = (
    "person",
    "person_day",
    "blackout",
    "link",
    "due",
    "min_gap",
    "max_gap",
    "count",
    "weekdays",
    "away",
    "fixed",
    "pinned",
)
"""The deletion filter tries to drop rules in this order, so the set it keeps leans to the
rules at the end: the ones a coordinator decides (dates, absences, weekdays, counts) rather
than the structure that follows from them."""


def _deletion_order(key: RuleKey) -> tuple[int, str]:
    return _ORDER.index(str(key[0])), repr(key)


def _solve(
    model: cp_model.CpModel,
    literals: dict[RuleKey, cp_model.IntVar],
    keys: list[RuleKey],
    account: _Budget,
) -> tuple[Any, set[RuleKey]]:
    """Solve with the rules ``keys`` assumed and the others assumed off; the status and, when
    infeasible, the rules of CP-SAT's core. (Off rather than free: with every other rule off a
    plan for the rest is quick to find; on Sörmland the deletion filter took 10.1 s with them
    free, 4.6 s off.)"""
    model.clear_assumptions()
    chosen = set(keys)
    assumed: list[cp_model.LiteralT] = [literals[k] for k in keys]
    assumed += [literal.Not() for key, literal in literals.items() if key not in chosen]
    model.add_assumptions(assumed)
    cp = cp_model.CpSolver()
    cp.parameters.num_workers = 1
    cp.parameters.random_seed = 0
    cp.parameters.max_deterministic_time = account.take()
    cp.parameters.max_time_in_seconds = 30 * STEP_BUDGET + 60  # a safety net only
    # No presolve and no probing: on a model this loose they spend wall time the deterministic
    # clock hardly counts. The first core of Sörmland 2026 with BGÄ decided on 9 January: 41 s
    # wall (4.1 deterministic) with the defaults, 22 s with the first plan's light presolve,
    # 2.4 s without presolve (it probes for 1 deterministic s when loading), 1.1 s with neither;
    # a refused move in tests/data/micro.yaml 1.6 s, 0.5 s, 0.5 s, 0.04 s.
    cp.parameters.cp_model_presolve = False
    cp.parameters.cp_model_probing_level = 0
    status = cp.solve(model)
    account.pay(cp.deterministic_time)
    if status != cp_model.INFEASIBLE:
        return status, set()
    by_index = {literals[k].index: k for k in keys}
    return status, {by_index[i] for i in cp.sufficient_assumptions_for_infeasibility()}


# -- what to loosen --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Candidate:
    cost: int
    words: str
    edits: tuple[tuple[Path, Any], ...]
    problem: Problem


@dataclass(frozen=True)
class _Family:
    candidates: list[_Candidate]
    monotone: bool = True


DATES_TRIED = 10
"""Other dates tried at most, nearest first, for a decided date or a requested one."""


def _relaxations(problem: Problem, core: list[RuleKey], account: _Budget) -> Iterator[Relaxation]:
    """For each rule of the clash, the smallest change found that makes a plan possible,
    smallest overall first."""
    found = []
    for key in core:
        for family in _families(problem, key):
            best = _smallest(family, account)
            if best is not None:
                found.append(Relaxation(key, best.cost, best.words, best.edits))
    yield from sorted(found, key=lambda r: r.cost)


def _smallest(family: _Family, account: _Budget) -> _Candidate | None:
    """The cheapest candidate of one family (ordered by cost) that makes a plan possible.

    Only the candidates probed are checked as the loader would check the file (about 30 ms
    each on Sörmland): checking every candidate first took 50 of a refusal's 63 seconds. A
    wider bound is valid where a narrower one is, so an invalid probe counts as impossible; of
    other dates, the first :data:`DATES_TRIED` valid ones are tried."""
    if not family.monotone:
        dates = list(itertools.islice(
            (c for c in family.candidates if _valid(c.problem.scenario)), DATES_TRIED
        ))  # fmt: skip
        return first_possible(dates, lambda c: _possible(c.problem, account), False, DATES_TRIED)

    def possible(candidate: _Candidate) -> bool | None:
        if not _valid(candidate.problem.scenario):
            return False
        return _possible(candidate.problem, account)

    return first_possible(family.candidates, possible, True, DATES_TRIED)


def first_possible(
    items: Sequence[T], possible: Callable[[T], bool | None], monotone: bool, tried: int
) -> T | None:
    """The first of ``items`` for which ``possible`` holds (None when none does, or when a
    probe is not decided before one is found).

    Where a larger change keeps every smaller one possible (``monotone``: a wider window),
    probe the 1st, 2nd, 4th, 8th, … and the last, then halve back between the last that failed
    and the first that worked; otherwise (another date) try the first ``tried`` in order."""
    if not monotone:
        for item in items[:tried]:
            ok = possible(item)
            if ok is None:
                return None
            if ok:
                return item
        return None
    probes = sorted({*(2**i - 1 for i in range(len(items).bit_length())), len(items) - 1})
    low, high = -1, None
    for probe in (p for p in probes if 0 <= p < len(items)):
        ok = possible(items[probe])
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
        ok = possible(items[middle])
        if ok is None:
            break
        low, high = (low, middle) if ok else (middle, high)
    return items[high]


def _possible(problem: Problem, account: _Budget) -> bool | None:
    """Whether the changed scenario has a plan (None: not known within the budget)."""
    if account.take() <= 0 or account.solves >= MAX_CHECKS + 200:
        return None
    ok, spent = has_plan(problem, account.take())
    if spent is not None:
        account.pay(spent)
    return ok


def has_plan(
    problem: Problem, budget: float, presolve: bool = True
) -> tuple[bool | None, float | None]:
    """Whether ``problem`` has a plan within ``budget`` deterministic seconds (None: not known
    in time), and the seconds the solve spent (None when the instance alone showed there is
    none)."""
    try:
        inst = problem.instance()
    except InfeasibleError:
        return False, None
    status, spent = solver.feasibility(inst, budget, presolve)
    if status == cp_model.INFEASIBLE:
        return False, spent
    if status in (cp_model.FEASIBLE, cp_model.OPTIMAL):
        return True, spent
    return None, spent


def _valid(scenario: Scenario) -> bool:
    """A change the loader would accept (a date on a working day, a window in order, …)."""
    return next(scenario.problems(), None) is None and (
        next(validate.calendar_problems(scenario), None) is None
    )


def _families(problem: Problem, key: RuleKey) -> Iterator[_Family]:
    """The ways to loosen rule ``key``, each a list of candidates, smallest change first."""
    scenario = problem.scenario
    kind = key[0]

    def changed(**fields: Any) -> Problem:
        return replace(problem, scenario=replace(scenario, **fields))

    if kind in ("weekdays", "min_gap", "max_gap", "count", "fixed", "link"):
        gi = next(i for i, g in enumerate(scenario.groups) if g.id == key[1])
        group = scenario.groups[gi]

        def with_group(**fields: Any) -> Problem:
            groups = list(scenario.groups)
            groups[gi] = replace(group, **fields)
            return changed(groups=tuple(groups))

        if kind == "weekdays":
            # One weekday more, the nearest to the group's own first (Thursday for Friday).
            allowed = [WORKDAYS.index(d) for d in group.weekdays if d in WORKDAYS]
            others = sorted(
                (d for d in WORKDAYS if d not in group.weekdays),
                key=lambda d: (min(abs(WORKDAYS.index(d) - a) for a in allowed), d),
            )
            yield _Family(
                [
                    _Candidate(
                        WEEKDAY_COST,
                        f"let {group.id} meet on {weekdays((day,))} too",
                        ((("groups", gi, "weekdays"), list(days)),),
                        with_group(weekdays=days),
                    )
                    for day in others
                    for days in [tuple(d for d in WORKDAYS if d in (*group.weekdays, day))]
                ],
                monotone=False,
            )
        elif kind == "min_gap":
            yield _Family(
                [
                    _Candidate(
                        n,
                        f"let {group.id}'s meetings be {group.min_days_between - n} days apart",
                        ((("groups", gi, "min_days_between"), group.min_days_between - n),),
                        with_group(min_days_between=group.min_days_between - n),
                    )
                    for n in LADDER
                    if group.min_days_between - n >= 1
                ]
            )
        elif kind == "max_gap" and group.max_days_between is not None:
            longest = group.max_days_between
            yield _Family(
                [
                    _Candidate(
                        n,
                        f"let {group.id}'s meetings be up to {longest + n} days apart",
                        ((("groups", gi, "max_days_between"), longest + n),),
                        with_group(max_days_between=longest + n),
                    )
                    for n in LADDER
                ]
            )
        elif kind == "count":
            yield _Family(list(_fewer(problem, gi, int(key[2]), with_group)))
        elif kind == "fixed":
            fi = int(key[2])
            fixed = group.fixed[fi]

            def moved(day: date) -> Problem:
                entries = list(group.fixed)
                entries[fi] = replace(fixed, date=day)
                return with_group(fixed=tuple(entries))

            for later in (True, False):
                yield _Family(
                    [
                        _Candidate(
                            n,
                            f"move {group.id}'s decided meeting to {day} ({sv.weekday(day)})",
                            ((("groups", gi, "fixed", fi, "date"), day),),
                            moved(day),
                        )
                        for n, day in _days_from(fixed.date, later)
                    ],
                    monotone=False,
                )
        elif kind == "link":
            fi = next(i for i, f in enumerate(group.feeds) if f.to == key[2])
            feed = group.feeds[fi]
            lead = feed.lead_days
            path: Path = ("groups", gi, "feeds", fi, "lead_days")

            def lead_changed(**fields: Any) -> Problem:
                feeds = list(group.feeds)
                feeds[fi] = replace(feed, lead_days=replace(lead, **fields))
                return with_group(feeds=tuple(feeds))

            yield _Family(
                [
                    _Candidate(
                        n,
                        f"let {group.id} prepare {feed.to} up to {lead.max + n} days ahead",
                        (((*path, "max"), lead.max + n),),
                        lead_changed(max=lead.max + n),
                    )
                    for n in LADDER
                ]
            )
            notice = scenario.group(feed.to).notice_days
            yield _Family(
                [
                    _Candidate(
                        n,
                        f"let {group.id} prepare {feed.to} only {lead.min - n} days ahead",
                        (((*path, "min"), lead.min - n),),
                        lead_changed(min=lead.min - n),
                    )
                    for n in LADDER
                    if lead.min - n > notice
                ]
            )
    elif kind == "away":
        yield from _freed(problem, str(key[1]), int(key[2]), changed)
    elif kind == "due":
        yield from _item_families(problem, str(key[1]), changed)
    elif kind == "pinned":
        group_id, asked = str(key[1]), date.fromisoformat(str(key[2]))
        pin = next(h for h in problem.held if h.group == group_id and h.day == asked)
        for later in (True, False):
            yield _Family(
                [
                    _Candidate(
                        n,
                        f"ask for {other} ({sv.weekday(other)}) instead",
                        (),
                        replace(
                            problem,
                            held=tuple(
                                replace(h, day=other) if h == pin else h for h in problem.held
                            ),
                        ),
                    )
                    for n, other in _days_from(asked, later)
                ],
                monotone=False,
            )


def _days_from(day: date, later: bool) -> list[tuple[int, date]]:
    """Weekdays up to eight weeks after (or before) ``day``, nearest first."""
    sign = 1 if later else -1
    days = [(n, day + timedelta(days=sign * n)) for n in range(1, 57)]
    return [(n, d) for n, d in days if d.weekday() < 5]


def _fewer(
    problem: Problem, gi: int, year: int, with_group: Callable[..., Problem]
) -> Iterator[_Candidate]:
    """One meeting fewer in ``year``: that year's own count, else the yearly count."""
    group = problem.scenario.groups[gi]
    count = group.meetings
    own = next((i for i, y in enumerate(count.years) if y.year == year), None)
    if own is not None:
        years = list(count.years)
        years[own] = replace(years[own], min=years[own].min - 1)
        if years[own].min < 0:
            return
        path: Path = ("groups", gi, "meetings", "years", own, "min")
        yield _Candidate(
            MEETING_COST,
            f"let {group.id} meet once less in {year}",
            ((path, years[own].min),),
            with_group(meetings=replace(count, years=tuple(years))),
        )
    elif count.per_month is None and count.min is not None and count.max is not None:
        low = count.min - 1
        if low < 0:
            return
        edits: tuple[tuple[Path, Any], ...] = (
            (("groups", gi, "meetings", "min"), low),
            (("groups", gi, "meetings"), {"min": low, "max": count.max}),
        )
        yield _Candidate(
            MEETING_COST,
            f"let {group.id} meet once less a year",
            edits,
            with_group(meetings=replace(count, min=low)),
        )


def _freed(
    problem: Problem, person_id: str, ui: int, changed: Callable[..., Problem]
) -> Iterator[_Family]:
    """A person away on fewer days: the range shortened at either end, or one date less."""
    scenario = problem.scenario
    pi = next(i for i, p in enumerate(scenario.people) if p.id == person_id)
    person = scenario.people[pi]
    entry = person.unavailable[ui]
    path: Path = ("people", pi, "unavailable", ui)

    def with_entry(**fields: Any) -> Problem:
        entries = list(person.unavailable)
        entries[ui] = replace(entry, **fields)
        people = list(scenario.people)
        people[pi] = replace(person, unavailable=tuple(entries))
        return changed(people=tuple(people))

    if entry.dates:
        for day in entry.dates:
            rest = tuple(d for d in entry.dates if d != day)
            if rest:
                yield _Family(
                    [
                        _Candidate(
                            1,
                            f"free {person.name} on {day}",
                            (((*path, "dates"), list(rest)),),
                            with_entry(dates=rest),
                        )
                    ]
                )
    if entry.start is not None and entry.end is not None:
        start, end = entry.start, entry.end
        span = (end - start).days
        yield _Family(
            [
                _Candidate(
                    n,
                    f"{person.name} away only until {end - timedelta(days=n)}",
                    (((*path, "end"), end - timedelta(days=n)),),
                    with_entry(end=end - timedelta(days=n)),
                )
                for n in LADDER
                if n < span
            ]
        )
        yield _Family(
            [
                _Candidate(
                    n,
                    f"{person.name} away only from {start + timedelta(days=n)}",
                    (((*path, "start"), start + timedelta(days=n)),),
                    with_entry(start=start + timedelta(days=n)),
                )
                for n in LADDER
                if n < span
            ]
        )


def _item_families(
    problem: Problem, item_id: str, changed: Callable[..., Problem]
) -> Iterator[_Family]:
    """An agenda item's window widened at either end, its lead widened, or not on the first
    meeting."""
    scenario = problem.scenario
    ii = next(i for i, item in enumerate(scenario.items) if item.id == item_id)
    item = scenario.items[ii]
    path: Path = ("items", ii)

    def with_item(**fields: Any) -> Problem:
        items = list(scenario.items)
        items[ii] = replace(item, **fields)
        return changed(items=tuple(items))

    if isinstance(item.window_to, date):
        to = item.window_to
        yield _Family(
            [
                _Candidate(
                    n,
                    f"let {item.title} come by {to + timedelta(days=n)}",
                    (((*path, "window_to"), to + timedelta(days=n)),),
                    with_item(window_to=to + timedelta(days=n)),
                )
                for n in LADDER
            ]
        )
    if isinstance(item.window_from, date):
        start = item.window_from
        yield _Family(
            [
                _Candidate(
                    n,
                    f"let {item.title} come from {start - timedelta(days=n)}",
                    (((*path, "window_from"), start - timedelta(days=n)),),
                    with_item(window_from=start - timedelta(days=n)),
                )
                for n in LADDER
            ]
        )
    if item.before is not None:
        link = item.before
        yield _Family(
            [
                _Candidate(
                    n,
                    f"let {item.title} come up to {link.max_days + n} days before",
                    (((*path, "before", "max_days"), link.max_days + n),),
                    with_item(before=replace(link, max_days=link.max_days + n)),
                )
                for n in LADDER
            ]
        )
    if item.first_meeting:
        yield _Family(
            [
                _Candidate(
                    FIRST_MEETING_COST,
                    f"let {item.title} be on any meeting",
                    (((*path, "first_meeting"), False),),
                    with_item(first_meeting=False),
                )
            ]
        )


# -- in words ---------------------------------------------------------------------------------


class Where:
    """How a message names a rule's place: ``file:line`` with the loader's locations."""

    def __init__(self, locations: Any = None, name: str = ""):
        self.locations = locations
        self.name = name

    def of(self, path: Path | None) -> str:
        if path is None:
            return "command line"
        if self.locations is None:
            from cadence.loader import format_path

            return format_path(path)
        return f"{self.name}:{self.locations.line(path)}"

    def line(self, path: Path) -> int | None:
        """The line ``path`` is on, when the file's locations are known."""
        return None if self.locations is None else self.locations.line(path)

    def edit(self, relaxation: Relaxation) -> str:
        """``line 141: `weekdays: [fri]` → `weekdays: [thu, fri]``` (else the words alone)."""
        if self.locations is not None:
            for path, value in relaxation.edits:
                change = self.locations.edit(path, value)
                if change is not None:
                    return f"{change} ({relaxation.words})"
        if relaxation.edits:
            from cadence.loader import flow, format_path

            path, value = relaxation.edits[-1]
            return f"{relaxation.words}: set {format_path(path)} to {flow(value)}"
        return relaxation.words


TOP = 5
"""Changes printed at most."""


def message(clash: Clash, where: Where) -> str:
    """The clash in the coordinator's words, each rule with its line, then what to loosen."""
    lines = [
        "the rules cannot all hold at once (the solver proved it). "
        + (
            "These rules clash; without any one of them the others could all hold:"
            if clash.minimal
            else "These rules clash (not proven the fewest in the time given):"
        )
    ]
    lines += [f"  - {rule.text} ({where.of(rule.path)})" for rule in clash.rules]
    if clash.relaxations:
        lines.append("Any one of these changes makes a plan possible (smallest change first):")
        lines += [f"  {i}. {where.edit(r)}" for i, r in enumerate(clash.relaxations[:TOP], 1)]
    else:
        lines.append("No single change of one of these lines was found to make a plan possible.")
    return "\n".join(lines)


def clash_error(
    problem: Problem, budget: float, where: Where, fallback: Callable[[], str]
) -> InfeasibleError:
    """The error to raise for a scenario without a plan: the clash, or ``fallback()``'s words
    when the explanation does not finish in the budget."""
    clash = explain(problem, budget)
    if clash is None or not clash.rules:
        return InfeasibleError(fallback())
    return InfeasibleError(message(clash, where))
