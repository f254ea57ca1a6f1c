"""Instance → CP-SAT model → solve → which group meets when. No I/O here.

Each meeting is one integer day (and start minute) in an ordered sequence per group, with its
domain cut to the days it can take. The chain ("each BGÄ meeting has an AVÄ meeting 8–42 days
before it") chooses among the two or three preparing meetings that can reach; people's clashes
are one no-overlap per person over the meetings' intervals. The soft goals are Boolean units
(see :mod:`cadence.goals`), which lets CP-SAT's core-based workers prove the optimum.
"""

from __future__ import annotations

import math
import time as clock
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

from ortools.sat.python import cp_model

from cadence import goals
from cadence.budget import Clock
from cadence.errors import InfeasibleError
from cadence.instance import Instance
from cadence.limits import DEFAULT_TIME_LIMIT
from cadence.rules import RuleKey
from cadence.solver import construct, horizon, lagrange, stability
from cadence.solver.constraints import FAMILIES
from cadence.solver.objective import Objective
from cadence.solver.stability import Anchor, HeldItems, Published
from cadence.solver.variables import Switches, Variables

STATUS = {
    cp_model.OPTIMAL: "optimal",
    cp_model.FEASIBLE: "feasible",
    cp_model.INFEASIBLE: "infeasible",
    cp_model.MODEL_INVALID: "invalid",
    cp_model.UNKNOWN: "unknown",
}


@dataclass(frozen=True)
class Settings:
    """Solver settings. A fixed seed and worker count with interleaved search make the search
    deterministic: the same scenario gives the same plan on any machine, whatever its load.

    Interleaved search runs CP-SAT's whole portfolio (core-based search, the LP variants, the
    neighbourhood searches) in turns whatever the worker count; the workers are the threads that
    run the turns. Two, one per core of the machine we plan on, gave better plans in the same
    deterministic budget than eight (`benchmarks/solve.py --workers`): Sörmland 2026 407 against
    443, 2027 604 against 950, the example county 184 both.
    """

    time_limit: float = DEFAULT_TIME_LIMIT
    """CP-SAT deterministic seconds (about five to seven wall seconds each on two cores): a
    wall-clock limit would stop at a different point on a busier machine."""
    workers: int = 2
    seed: int = 0
    wall_limit: float | None = None
    """Wall seconds as well, for benchmarks that cap a proof: with it, the plan depends on the
    machine and its load (the CLI never sets it)."""
    decomposition_steps: int = lagrange.STEPS
    """Subgradient steps of the decomposition bound after a fresh solve (0: CP-SAT's bound
    alone); a fixed count, so the bound is the same on any machine."""
    clock: Clock | None = field(default=None, compare=False)
    """The run's phases and wall-clock ceiling (see :mod:`cadence.budget`): each phase is
    recorded, and CP-SAT's wall limit is what is left of the ceiling."""


def _wall(settings: Settings, seconds: float) -> float:
    """A CP-SAT solve's wall limit: ``seconds`` (a safety net), or what is left of the run's
    ceiling when that is less."""
    return seconds if settings.clock is None else min(seconds, settings.clock.left())


def _phase(settings: Settings, name: str, check: bool = True) -> None:
    if settings.clock is not None:
        settings.clock.phase(name, check)


@dataclass(frozen=True)
class Result:
    status: str
    objective: int | None
    bound: float | None
    solve_seconds: float
    first_solution_seconds: float | None
    meetings: dict[str, tuple[tuple[int, int], ...]]
    """Group id → (day, slot index) of each meeting, by day."""
    carriers: dict[str, int]
    """Due key → the day of the meeting that carries the item."""
    goal_values: dict[str, int]
    variables: int
    constraints: int
    moves: Moves | None = None
    """In a re-plan: how many published meetings and items moved, and whether that is proven
    fewest."""
    successors: dict[int, tuple[int, int]] = field(default_factory=dict)
    """In a re-plan: index of a published meeting → (day, slot) of the meeting that keeps its
    identity (none when it no longer takes place)."""
    bound_source: str | None = None
    """Which method proved ``bound``: "CP-SAT" or "decomposition" (:mod:`lagrange`)."""
    bounds: dict[str, float] = field(default_factory=dict)
    """Each method's bound, for the benchmarks."""

    @property
    def has_plan(self) -> bool:
        return self.status in ("optimal", "feasible")


class _Progress(cp_model.CpSolverSolutionCallback):
    def __init__(self, report: Callable[[float, float, float], None] | None):
        super().__init__()
        self.report = report
        self.first: float | None = None
        self.started = clock.perf_counter()

    def on_solution_callback(self) -> None:
        elapsed = clock.perf_counter() - self.started
        if self.first is None:
            self.first = self.wall_time
        if self.report is not None:
            self.report(elapsed, self.objective_value, self.best_objective_bound)


def build_model(instance: Instance) -> tuple[cp_model.CpModel, Variables, Objective]:
    model, variables = _rules(instance)
    objective = Objective(model, instance, variables)
    model.minimize(objective.total)
    return model, variables, objective


def _rules(instance: Instance, switches: bool = False) -> tuple[cp_model.CpModel, Variables]:
    """The hard rules only: a model whose solutions are exactly the plans that keep them.
    With ``switches``, each rule holds only under its own literal (for explaining)."""
    model = cp_model.CpModel()
    variables = Variables(model, instance, Switches(model) if switches else None)
    for family in FAMILIES:
        family.add(model, instance, variables)
    return model, variables


def explanation_model(
    instance: Instance,
) -> tuple[cp_model.CpModel, dict[RuleKey, cp_model.IntVar]]:
    """The hard rules of an instance built with ``explain=True``, each rule instance under its
    own literal: the literals assumed true give exactly the rules model's plans."""
    model, variables = _rules(instance, switches=True)
    assert variables.switches is not None
    return model, variables.switches.literals


def _solver(settings: Settings) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.num_workers = settings.workers
    params.random_seed = settings.seed
    params.interleave_search = True
    # Lighter probing in presolve: on Sörmland 2026 at 20 deterministic s, 487 / bound 270
    # against 565 / 214 with the default level (and presolve in less wall time); the example
    # county 130 / 114 against 131 / 114.
    params.cp_model_probing_level = 1
    params.max_deterministic_time = settings.time_limit
    params.max_time_in_seconds = _wall(settings, 30 * settings.time_limit + 60)  # a safety net
    if settings.wall_limit is not None:
        params.max_time_in_seconds = settings.wall_limit
    return solver


@dataclass(frozen=True)
class Moves:
    """The first stage of a re-plan: the fewest published meetings and items that must move."""

    count: int
    """Published meetings moved (or no longer taking place)."""
    proven: bool
    """Proven fewest: firm meetings first, then meetings weighted by people, then items."""
    seconds: float
    items: int = 0
    """Published agenda items on another meeting than before."""
    weighted: int = 0
    """The moved meetings' weight: the people the moves affect."""
    firm: tuple[int, ...] = ()
    """Indexes of published firm meetings that moved (a plan the re-planner refuses)."""
    deterministic: float = 0.0
    """CP-SAT's deterministic time of the stage: the same on a busy machine as on an idle one."""
    cpu_seconds: float = 0.0
    """Processor time of the stage (one worker, one thread): near its wall time on an idle
    machine, whatever the load while measuring."""
    shift: int = 0
    """Total days between the old and new day of the published meetings that moved (the
    coordinator's own moves not counted): the stage after the moves, nearest first."""
    shift_proven: bool = False
    """The shift is proven least among plans with these moves."""


def solve(
    instance: Instance,
    settings: Settings = Settings(),
    progress: Callable[[float, float, float], None] | None = None,
    published: Iterable[Published] | None = None,
    held_items: HeldItems | None = None,
    anchors: Sequence[Anchor] = (),
    goals_stage: bool = True,
    max_shift: int | None = None,
) -> Result:
    """The best plan; with ``published`` meetings, first the fewest of them and of their agenda
    items moved (see :mod:`cadence.solver.stability`; proven when the budget allows), then the
    least total shift in days with those moves, then the best plan among those. ``held_items``
    keeps held meetings' agendas; ``anchors`` place the coordinator's moved and added meetings.
    Without ``goals_stage`` the plan of the shift stage is the answer (fewest, then nearest;
    the goals only as the plan counts them): a change's options, each in a second or two.
    ``max_shift``: no published meeting nobody asked to move shifts more days than this."""
    moves = None
    terms = None
    first_plan = None
    first_successors: dict[int, tuple[int, int]] = {}
    if published is None:
        _phase(settings, "model")
        model, v, objective = build_model(instance)
        # A plan built round by round, checked and completed by CP-SAT, is the search's
        # starting point; when there is none, the rules alone give a plan in a second or two,
        # or the proof that there is none.
        _phase(settings, "first plan")
        started = clock.perf_counter()
        first_plan = _constructed(instance, model, v, objective, settings, progress)
        if first_plan is not None and first_plan.found is not None and progress is not None:
            values = first_plan.found.goal_values or {}
            known = -math.inf if first_plan.bound is None else first_plan.bound
            progress(first_plan.seconds, goals.weighted(instance, values), known)
            progress = _at_least(progress, known)
        if first_plan is None:
            first_plan, rules_model = _first_plan(instance, settings)
            # Both tries count: the constructed plan that did not hold took time too.
            first_plan = replace(first_plan, seconds=clock.perf_counter() - started)
            if first_plan.status == "infeasible":
                return _failed("infeasible", first_plan.seconds, rules_model)
    else:
        published = list(published)
        # Stage 1 on the rules and the stability terms alone: the goals' variables would only
        # slow its presolve. Stage 2 builds the same variables first, in the same order, then
        # the goals, so stage 1's solution is a complete hint for the shared ones.
        _phase(settings, "model")
        rules, rv = _rules(instance)
        hinted = _hint_published(rules, instance, rv, published)
        first_terms = stability.add(
            rules, instance, rv, published, held_items, hinted, anchors, max_shift
        )
        first_stage, _, _ = first_terms.objective()
        rules.minimize(first_stage)
        if horizon.counts_differ(instance, rv, published):
            # A longer period than was published: suggest a plan that keeps every published
            # meeting, built around them (see :mod:`cadence.solver.horizon`).
            _constructed(horizon.pinned(instance, published), rules, rv, None, settings)
        # A single worker is deterministic by itself.
        first = _solver(settings)
        first.parameters.num_workers = 1
        first.parameters.interleave_search = False
        # The published plan is suggested as a hint: a single worker's search follows it to a
        # plan close to the optimum, and the LP (with the full linearization) proves it. On
        # Sörmland 2026 (processor seconds, NSV / BGB / LSG moves): core-based search 0.46 /
        # 0.62 / 0.63, this 0.27 / 0.18 / 0.22; probing and repeated presolve cost more than
        # they save here.
        first.parameters.optimize_with_core = False
        first.parameters.cp_model_probing_level = 0
        first.parameters.max_presolve_iterations = 1
        first.parameters.linearization_level = 2
        _phase(settings, "fewest moves")
        cpu = clock.process_time()
        status = STATUS[first.solve(rules)]
        if status not in ("optimal", "feasible"):
            return _failed(status, first.wall_time, rules)
        seconds, deterministic = first.wall_time, first.deterministic_time
        shift_status = status
        stage_value = int(first.objective_value)
        others = any(first.value(t) for _, p, t in first_terms.moved if p.to is None)
        if others:
            # Then the nearest among the fewest: the moves' objective kept, the total shift
            # least. (When only the coordinator's own moves moved, every shift is 0 already.)
            _at_most(rules, first_stage, stage_value)
            rules.clear_hints()
            for index in range(len(rules.proto.variables)):
                variable = rules.get_int_var_from_proto_index(index)
                rules.add_hint(variable, first.value(variable))
            rules.minimize(first_terms.shift_total())
            shift_status = STATUS[first.solve(rules)]
            if shift_status not in ("optimal", "feasible"):
                return _failed(shift_status, seconds + first.wall_time, rules)
            seconds += first.wall_time
            deterministic += first.deterministic_time
        cpu = clock.process_time() - cpu
        moved = [(i, p, int(first.value(t))) for i, p, t in first_terms.moved]
        moves = Moves(
            count=sum(m for _, _, m in moved),
            proven=status == "optimal",
            seconds=seconds,
            items=sum(int(first.value(t)) for _, t in first_terms.items_moved),
            weighted=sum(p.weight * m for _, p, m in moved if not p.firm),
            firm=tuple(sorted(i for i, p, m in moved if p.firm and m)),
            deterministic=deterministic,
            cpu_seconds=cpu,
            shift=int(first.value(first_terms.shift_total())) if others else 0,
            shift_proven=shift_status == "optimal",
        )
        if not goals_stage:
            found = _Found.read(first, instance, rv, None)
            size = (len(rules.proto.variables), len(rules.proto.constraints))
            result = _result(instance, found, status, None, size, seconds, moves)
            successors = _successors(first, instance, rv, first_terms, published)
            return replace(result, status=status, bound=None, successors=successors)
        # Stage 1's plan keeps every rule with the fewest moves: the answer when stage 2 finds
        # nothing better in its budget (as the first plan is for a fresh plan).
        first_plan = _FirstPlan("feasible", first.wall_time, _Found.read(first, instance, rv, None))
        first_successors = _successors(first, instance, rv, first_terms, published)
        model, v = _rules(instance)
        terms = stability.add(
            model, instance, v, published, held_items, anchors=anchors, max_shift=max_shift
        )
        shared = len(rules.proto.variables)
        assert len(model.proto.variables) == shared
        for index in range(shared):
            model.add_hint(model.get_int_var_from_proto_index(index), first.value(
                rules.get_int_var_from_proto_index(index)
            ))  # fmt: skip
        second_stage, _, _ = terms.objective()
        _at_most(model, second_stage, stage_value)
        _at_most(model, terms.shift_total(), moves.shift)
        objective = Objective(model, instance, v)
        model.minimize(objective.total)
    proto = model.proto
    _phase(settings, "search", check=first_plan is None or first_plan.found is None)
    solver = _solver(settings)
    if first_plan is not None and published is None:
        # The first plan's check counts against the same deterministic budget.
        left = settings.time_limit - first_plan.deterministic
        solver.parameters.max_deterministic_time = max(0.001, left)
    callback = _Progress(progress)
    status = STATUS[solver.solve(model, callback)]
    if settings.clock is not None:
        settings.clock.searched(solver.wall_time, solver.parameters.max_time_in_seconds)
    size = (len(proto.variables), len(proto.constraints))
    earlier = moves.seconds if moves else (first_plan.seconds if first_plan else 0.0)
    if status not in ("optimal", "feasible"):
        if status == "unknown" and first_plan is not None and first_plan.found is not None:
            # The search found nothing better in its budget: the first plan is the answer,
            # with whatever bound the search proved meanwhile.
            result = _result(
                instance, first_plan.found, "feasible", None, size, solver.wall_time + earlier,
                moves,
            )  # fmt: skip
            bound = solver.best_objective_bound
            if math.isfinite(bound) and result.objective is not None and bound <= result.objective:
                result = replace(result, bound=bound)
            if (
                result.bound is not None
                and result.objective is not None
                and (result.bound >= result.objective)
            ):
                result = replace(result, status="optimal")  # the bound proves the first plan
            result = replace(
                result, first_solution_seconds=first_plan.seconds, successors=first_successors
            )
            if published is not None:
                return result
            return _decomposed(instance, v, result, settings, first_plan.bound)
        return _failed(status, solver.wall_time + earlier, model)
    found = _Found.read(solver, instance, v, objective)
    first_seconds = first_plan.seconds if first_plan else callback.first
    result = _result(instance, found, status, solver, size, solver.wall_time + earlier, moves)
    successors = _successors(solver, instance, v, terms, list(published or ())) if terms else {}
    result = replace(result, first_solution_seconds=first_seconds, successors=successors)
    if published is not None:
        return result
    return _decomposed(instance, v, result, settings, first_plan.bound if first_plan else None)


def _at_least(
    report: Callable[[float, float, float], None], known: float
) -> Callable[[float, float, float], None]:
    """The progress report with the better of CP-SAT's bound and one known before."""

    def at_least(seconds: float, objective: float, bound: float) -> None:
        report(seconds, objective, max(bound, known))

    return at_least


def _decomposed(
    instance: Instance, v: Variables, result: Result, settings: Settings, known: int | None
) -> Result:
    """A fresh plan's bound: the better of CP-SAT's and the decomposition's (Sörmland 2026 at
    the default budget: 34 against about 300), and which one gave it; ``known`` when the
    decomposition ran before the search (:func:`_constructed`)."""
    bounds = {} if result.bound is None else {"CP-SAT": result.bound}
    source = "CP-SAT" if result.bound is not None else None
    objective = result.objective
    if result.status == "optimal" or objective is None or not settings.decomposition_steps:
        if known is not None:
            bounds["decomposition"] = known  # for the record: CP-SAT proved the plan
        return replace(result, bounds=bounds, bound_source=source)
    started = clock.perf_counter()
    if known is None:
        known = (
            lagrange.Decomposition(instance, v).bound(objective, settings.decomposition_steps).value
        )
    bounds["decomposition"] = known
    seconds = result.solve_seconds + clock.perf_counter() - started
    result = replace(result, bounds=bounds, bound_source=source, solve_seconds=seconds)
    if result.bound is None or known > result.bound:
        result = replace(result, bound=float(known), bound_source="decomposition")
    if result.bound is not None and result.bound >= objective:
        result = replace(result, status="optimal")  # the decomposition proves the plan
    return result


def _at_most(model: cp_model.CpModel, expression: cp_model.LinearExprT, bound: int) -> None:
    """``expression <= bound``; nothing for a constant (a model gains no variable from it)."""
    if not isinstance(expression, int):
        model.add(expression <= bound)


def _successors(
    solver: cp_model.CpSolver,
    instance: Instance,
    v: Variables,
    terms: stability.Stability,
    published: list[Published],
) -> dict[int, tuple[int, int]]:
    """Published index → (day, slot) of the meeting that keeps its identity."""
    successors = {}
    for index, links in terms.successor.items():
        group = instance.group(published[index].group)
        starts = [slot.start for slot in group.slots]
        for k, link in links.items():
            if solver.boolean_value(link):
                meeting = v.meetings[group.id][k]
                day, minute = solver.value(meeting.day), solver.value(meeting.minute)
                successors[index] = (day, starts.index(minute))
    return successors


@dataclass(frozen=True)
class _Found:
    """The meetings and carried items of one solution, and its goal values (None for a solve
    without the goals)."""

    meetings: dict[str, tuple[tuple[int, int], ...]]
    carriers: dict[str, int]
    goal_values: dict[str, int] | None
    values: tuple[int, ...] | None = None
    """Every model variable's value (a complete hint), where kept."""

    @staticmethod
    def read(
        solver: cp_model.CpSolver,
        instance: Instance,
        v: Variables,
        objective: Objective | None,
    ) -> _Found:
        meetings: dict[str, tuple[tuple[int, int], ...]] = {}
        for group in instance.groups:
            starts = [slot.start for slot in group.slots]
            held = []
            for m in v.meetings[group.id]:
                if isinstance(m.present, int) or solver.boolean_value(m.present):
                    held.append((solver.value(m.day), starts.index(solver.value(m.minute))))
            meetings[group.id] = tuple(sorted(held))
        carriers = {}
        group_of = {due.key: due.group for due in instance.dues}
        for key, options in v.carrier.items():
            chosen = next(i for i, var in options.items() if solver.boolean_value(var))
            carriers[key] = solver.value(v.meetings[group_of[key]][chosen].day)
        values = None
        if objective is not None:
            values = {goal: int(solver.value(term)) for goal, term in objective.terms.items()}
            assert set(values) == set(goals.GOALS)
        return _Found(meetings, carriers, values)


def _result(
    instance: Instance,
    found: _Found,
    status: str,
    solver: cp_model.CpSolver | None,
    size: tuple[int, int],
    seconds: float,
    moves: Moves | None,
) -> Result:
    values = found.goal_values
    if values is None or solver is None:
        # The first plan's own goal values, as the plan will count them.
        times = {
            g.id: [(day, g.slots[slot].start) for day, slot in found.meetings[g.id]]
            for g in instance.groups
        }
        values = goals.penalties(instance, times)
    objective = int(solver.objective_value) if solver else goals.weighted(instance, values)
    return Result(
        status=status,
        objective=objective,
        bound=solver.best_objective_bound if solver else None,
        solve_seconds=seconds,
        first_solution_seconds=seconds if solver is None else None,
        meetings=found.meetings,
        carriers=found.carriers,
        goal_values=values,
        variables=size[0],
        constraints=size[1],
        moves=moves,
    )


@dataclass(frozen=True)
class _FirstPlan:
    status: str
    seconds: float
    found: _Found | None
    deterministic: float = 0.0
    """CP-SAT's deterministic time spent on it (taken from the search's budget)."""
    bound: int | None = None
    """The decomposition's bound, when it ran before the search."""


FIRST_PLAN_BUDGET = 5.0
"""Deterministic seconds at most for the first plan (the rules alone, on one worker)."""


def _first_plan(instance: Instance, settings: Settings) -> tuple[_FirstPlan, cp_model.CpModel]:
    """A plan that keeps every rule, from the rules alone (no goal variables) on one
    deterministic worker: the answer when the search with the goals finds none in its budget,
    and a quick proof when the rules cannot all hold.

    It is not handed to the search as a hint: measured on Sörmland 2026 at 10 deterministic
    seconds, the hinted search ended at 2379 against 1365 without (the hint holds the search
    near a plan that ignores every goal)."""
    rules, v = _rules(instance)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = settings.seed
    # A feasible plan, not a bound: no probing, one presolve pass, no symmetry search (on
    # Sörmland 2026 1.7 s wall against 2.5 s with the defaults; 6.3 s when the goals' variables
    # were in the model too).
    solver.parameters.cp_model_probing_level = 0
    solver.parameters.max_presolve_iterations = 1
    solver.parameters.symmetry_level = 0
    solver.parameters.max_deterministic_time = min(FIRST_PLAN_BUDGET, settings.time_limit)
    solver.parameters.max_time_in_seconds = _wall(settings, 30 * FIRST_PLAN_BUDGET + 60)
    status = STATUS[solver.solve(rules)]
    spent = solver.deterministic_time
    if status not in ("optimal", "feasible"):
        return _FirstPlan(status, solver.wall_time, None, spent), rules
    found = _Found.read(solver, instance, v, None)
    return _FirstPlan("feasible", solver.wall_time, found, spent), rules


def _constructed(
    instance: Instance,
    model: cp_model.CpModel,
    v: Variables,
    objective: Objective | None,
    settings: Settings,
    progress: Callable[[float, float, float], None] | None = None,
) -> _FirstPlan | None:
    """The plan of :mod:`cadence.solver.construct`, checked against every rule by CP-SAT with
    its days fixed (which also chooses the carriers and prepares, and counts the goals), and
    handed to ``model`` as a complete hint; None when it breaks a rule.

    Measured on Sörmland 2026 at 10 deterministic s (2 workers, as in ``cadence plan``): 627
    with the hint against 800 without; the constructed plan itself is 745, in under a second.

    With decomposition steps, the decomposition's bound comes next (its steps aimed at the
    constructed plan's objective), and the construction is run again steered by its prices
    (:meth:`lagrange.Decomposition.lookahead`) at each scale of :data:`lagrange.STEERING`;
    the cheapest plan that CP-SAT's check accepts is the hint: Sörmland 2026 496 against 745,
    2027 432 against 452, the example county 135 against 175 (with the earlier prices).
    """
    started = clock.perf_counter()
    placement = construct.construct(instance, v)
    if placement is None:
        return None
    found, deterministic = _checked(instance, model, v, objective, settings, placement)
    if found is None:
        return None
    bound = None
    if objective is not None and settings.decomposition_steps:
        cost = goals.weighted(instance, found.goal_values or {})
        if progress is not None:  # the plain plan while the decomposition works (2–3 s)
            progress(clock.perf_counter() - started, cost, -math.inf)
        decomposition = lagrange.Decomposition(instance, v)
        bound = decomposition.bound(cost, settings.decomposition_steps).value
        steered: list[tuple[int, int, construct.Placement]] = []
        last = len(decomposition.snapshots) - 1
        for snapshot in range(last + 1):
            # The earlier prices at scale 1 only: a construction costs half a second on
            # Sörmland, and the other scales never won there (lagrange.SNAPSHOT).
            for scale in lagrange.STEERING if snapshot == last else (1.0,):
                ahead = decomposition.lookahead(scale, snapshot)
                other = construct.construct(instance, v, ahead)
                if other is not None and other != placement:
                    steered.append((_placement_cost(instance, other), len(steered), other))
        for other_cost, _, other in sorted(steered):
            if other_cost >= cost:
                break
            checked, spent = _checked(instance, model, v, objective, settings, other)
            deterministic += spent
            if checked is not None:
                found = checked
                break
    assert found.values is not None
    model.clear_hints()  # a complete hint replaces any partial one (a published day each)
    for index, value in enumerate(found.values):
        model.add_hint(model.get_int_var_from_proto_index(index), value)
    seconds = clock.perf_counter() - started
    return _FirstPlan("feasible", seconds, found, deterministic, bound)


def _placement_cost(instance: Instance, placement: construct.Placement) -> int:
    """The weighted goals of a constructed placement, as :mod:`cadence.goals` counts them."""
    times = {
        group.id: [(day, group.slots[slot].start) for day, slot in placement[group.id]]
        for group in instance.groups
    }
    return goals.weighted(instance, goals.penalties(instance, times))


def _checked(
    instance: Instance,
    model: cp_model.CpModel,
    v: Variables,
    objective: Objective | None,
    settings: Settings,
    placement: construct.Placement,
) -> tuple[_Found | None, float]:
    """CP-SAT's completion of ``placement`` with its days fixed (None when it breaks a rule),
    and the deterministic time the check took."""
    trial = model.clone()
    for group in instance.groups:
        required = [m for m in v.meetings[group.id] if m.mandatory]
        for meeting, (day, slot) in zip(required, placement[group.id], strict=True):
            trial.add(trial.get_int_var_from_proto_index(meeting.day.index) == day)
            if not isinstance(meeting.minute, int):
                minute = trial.get_int_var_from_proto_index(meeting.minute.index)
                trial.add(minute == group.slots[slot].start)
        for meeting in v.meetings[group.id]:
            if not isinstance(meeting.present, int):
                trial.add(trial.get_int_var_from_proto_index(meeting.present.index) == 0)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = settings.seed
    solver.parameters.max_deterministic_time = min(FIRST_PLAN_BUDGET, settings.time_limit)
    solver.parameters.max_time_in_seconds = _wall(settings, 30 * FIRST_PLAN_BUDGET + 60)
    if STATUS[solver.solve(trial)] not in ("optimal", "feasible"):
        return None, solver.deterministic_time
    found = _Found.read(solver, instance, v, objective)
    values = tuple(
        solver.value(model.get_int_var_from_proto_index(i))
        for i in range(len(model.proto.variables))
    )
    return replace(found, values=values), solver.deterministic_time


def _hint_published(
    model: cp_model.CpModel, instance: Instance, v: Variables, published: list[Published]
) -> dict[tuple[str, int], int]:
    """Suggest the published days to each group's meetings in order, where the counts agree:
    the old plan, less what changed, is usually almost a solution. Returns (group, position)
    → the day suggested, for the stability terms to suggest the matching literals."""
    hinted = {}
    for group in instance.groups:
        days = sorted(
            {p.day for p in published if p.group == group.id and p.to is None}
            | {d for d, _ in group.fixed}
        )
        meetings = v.meetings[group.id]
        if len(days) != len(meetings):
            continue
        for k, (meeting, day) in enumerate(zip(meetings, days, strict=True)):
            if day in meeting.days:
                model.add_hint(meeting.day, day)
                hinted[(group.id, k)] = day
    return hinted


def _failed(status: str, seconds: float, model: cp_model.CpModel) -> Result:
    """No plan. Why is for :mod:`cadence.clash` to say (the planner asks it)."""
    proto = model.proto
    return Result(
        status, None, None, seconds, None, {}, {}, {}, len(proto.variables),
        len(proto.constraints),
    )  # fmt: skip


@dataclass(frozen=True)
class Involved:
    """Groups whose rules alone already cannot all hold (proven)."""

    groups: tuple[str, ...]
    fewest: bool
    """Proven too that without any one of them the others' rules could all hold."""


def involved_groups(instance: Instance, budget: float) -> Involved:
    """Leave groups out one at a time (a deletion filter): a group goes when the others are
    proven unable to hold without it, and stays otherwise. Each try is a feasibility solve on one
    deterministic worker, at most 5 of the ``budget`` deterministic seconds; a try left undecided
    keeps its group, so the groups named always conflict, and ``fewest`` says whether each one
    was proven needed. Another set of groups may conflict as well: this is one of them."""
    keep = [g.id for g in instance.groups]
    needed = 0
    for group_id in [g.id for g in instance.groups]:
        trial = [g for g in keep if g != group_id]
        if not trial:
            needed += 1  # no groups, no rules: they hold
            continue
        if budget <= 0:
            continue
        status, spent = feasibility(instance.only(trial), min(5.0, budget))
        budget -= spent
        if status == cp_model.INFEASIBLE:
            keep = trial
        elif status in (cp_model.FEASIBLE, cp_model.OPTIMAL):
            needed += 1
    return Involved(tuple(keep), needed == len(keep))


def feasibility(
    instance: Instance, budget: float, presolve: bool = True
) -> tuple[cp_model.CpSolverStatus, float]:
    """CP-SAT's status for the hard rules of ``instance`` alone, and the deterministic time.
    Without ``presolve`` (an instance whose meetings are nearly all pinned, as a change's bent
    options try it: Sörmland with one meeting free, 0.5-0.7 s against 0.9-1.7 s on a busy
    machine)."""
    try:
        model, _ = _rules(instance)
    except InfeasibleError:
        return cp_model.INFEASIBLE, 0.0
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    solver.parameters.max_deterministic_time = budget
    if not presolve:
        solver.parameters.cp_model_presolve = False
        solver.parameters.cp_model_probing_level = 0
    status = solver.solve(model)
    return status, solver.deterministic_time
