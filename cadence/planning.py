"""The main job as one library call: scenario → instance → solve → plan → verified."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from cadence import instance as instances
from cadence import plan as plans
from cadence import solver
from cadence.errors import InfeasibleError, UndecidedError
from cadence.scenario import Scenario
from cadence.verify import Violation, check

DEFAULT_SETTINGS = solver.Settings()


@dataclass(frozen=True)
class Outcome:
    plan: plans.Plan
    result: solver.Result
    violations: tuple[Violation, ...]


def raise_unsolved(result: solver.Result, settings: solver.Settings) -> None:
    """Say why there is no plan, when there is none."""
    if result.has_plan:
        return
    if result.status == "infeasible" and result.involved is None:
        raise InfeasibleError("the rules cannot all hold at once (the solver proved it)")
    if result.status == "infeasible":
        assert result.involved is not None
        groups, fewest = result.involved.groups, result.involved.fewest
        raise InfeasibleError(
            "the rules cannot all hold at once (the solver proved it). Groups involved: "
            + ", ".join(groups)
            + ": their rules alone already cannot all hold"
            + ("; without any one of them the others' rules could" if fewest else "")
            + " (other groups may conflict in the same way)"
        )
    raise UndecidedError(
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
) -> Outcome:
    """Solve the scenario; raise InfeasibleError when no plan can keep every rule."""
    inst = instances.build(scenario, held, as_of)
    result = solver.solve(inst, settings, progress)
    raise_unsolved(result, settings)
    plan = plans.from_result(inst, result, uid_domain)
    return Outcome(plan, result, tuple(check(scenario, plan, as_of)))
