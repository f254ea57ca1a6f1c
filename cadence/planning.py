"""The main job as one library call: scenario → instance → solve → plan → verified."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from cadence import instance as instances
from cadence import parts, solver
from cadence import plan as plans
from cadence.clash import Problem, Where, clash_error
from cadence.errors import InfeasibleError
from cadence.scenario import Scenario
from cadence.verify import Violation, check

DEFAULT_SETTINGS = solver.Settings()


@dataclass(frozen=True)
class Outcome:
    plan: plans.Plan
    result: solver.Result
    violations: tuple[Violation, ...]


def explained(
    problem: Problem, settings: solver.Settings, where: Where | None, first: str = ""
) -> InfeasibleError:
    """Why there is no plan: the rules that clash, with their lines, and what to loosen (see
    :mod:`cadence.clash`), after ``first``, the reason found while building the model.

    The groups involved instead only when the rules cannot be told apart within the budget:
    the rules are found faster than the groups were (Sörmland 2026 with BGÄ decided on 9
    January, ``benchmarks/explain.py --sormland``: 3.3 s against 5.8 s on an idle machine, 7.2
    s against 11.7 s beside the test suite), and the groups name no rule and no line."""

    def groups() -> str:
        try:
            inst = problem.instance()
        except InfeasibleError as err:
            return "" if first else str(err)
        involved = solver.involved_groups(inst, settings.time_limit)
        return (
            "the rules cannot all hold at once (the solver proved it). Groups involved: "
            + ", ".join(involved.groups)
            + ": their rules alone already cannot all hold"
            + ("; without any one of them the others' rules could" if involved.fewest else "")
            + " (other groups may conflict in the same way)"
        )

    error = str(clash_error(problem, settings.time_limit, where or Where(), groups))
    return InfeasibleError("\n".join(part for part in (first, error) if part))


def raise_unsolved(
    result: solver.Result, settings: solver.Settings, problem: Problem, where: Where | None
) -> None:
    """Say why there is no plan, when there is none."""
    if result.has_plan:
        return
    if result.status == "infeasible":
        raise explained(problem, settings, where)
    raise InfeasibleError(
        f"no plan found within {settings.time_limit:g} s (solver status: {result.status}); "
        "try a longer --time-limit"
    )


def make_plan(
    scenario: Scenario,
    uid_domain: str,
    settings: solver.Settings = DEFAULT_SETTINGS,
    progress: Callable[[float, float, float], None] | None = None,
    held: Iterable[instances.Held] = (),
    as_of: date | None = None,
    where: Where | None = None,
) -> Outcome:
    """Solve the scenario; raise InfeasibleError when no plan can keep every rule, with the
    rules that clash (``where`` names their lines) and what to loosen."""
    problem = Problem(scenario, tuple(held), as_of)
    try:
        if settings.clock is not None:
            settings.clock.phase("instance")
        inst = instances.build(scenario, held, as_of)
        result = parts.solve(inst, settings, progress)
    except InfeasibleError as err:
        raise explained(problem, settings, where, str(err)) from None
    raise_unsolved(result, settings, problem, where)
    if settings.clock is not None:
        settings.clock.phase("plan", check=False)
    plan = plans.from_result(inst, result, uid_domain, lines=where)
    return Outcome(plan, result, tuple(check(scenario, plan, as_of)))
