"""The decomposition bound (cadence.solver.lagrange): its subproblems count the goals of
cadence.goals, and its bound never passes a proven optimum."""

from datetime import date
from pathlib import Path

import pytest

from cadence import goals, instance, loader, solver
from cadence.plan import from_result
from cadence.solver.lagrange import Decomposition
from cadence.verify import check

DATA = Path(__file__).parent / "data"


def built(name: str):
    scenario = loader.load(DATA / name).scenario
    inst = instance.build(scenario)
    _, v, _ = solver.build_model(inst)
    return scenario, inst, Decomposition(inst, v)


# tiny.yaml's optimum (objective 19: spread 1, lead 3, rhythm 3), written out.
TINY = {
    "BG": [date(2026, 2, 9), date(2026, 4, 16), date(2026, 6, 1)],
    "AGA": [date(2026, 1, 27), date(2026, 3, 20), date(2026, 5, 19)],
    "AGB": [date(2026, 1, 28), date(2026, 3, 18), date(2026, 5, 20)],
}
# small.yaml's plan after CP-SAT's first 0.05 deterministic seconds (objective 24: spread 4,
# rhythm 4; its optimum is 10).
SMALL = {
    "SG": [date(2026, 2, 23), date(2026, 5, 11), date(2026, 9, 7), date(2026, 11, 23)],
    "BG": [date(2026, 2, 10), date(2026, 4, 28), date(2026, 8, 25), date(2026, 11, 10)],
    "AGA": [date(2026, 2, 2), date(2026, 4, 20), date(2026, 8, 17), date(2026, 11, 2)],
    "AGB": [date(2026, 1, 29), date(2026, 4, 16), date(2026, 8, 13), date(2026, 10, 29)],
}


def as_days(inst, plan: dict[str, list[date]]) -> dict[str, list[int]]:
    return {g: [inst.index(d) for d in ds] for g, ds in plan.items()}


def own_goals(inst, plan: dict[str, list[date]]) -> int:
    """The weighted goals the subproblems cover (all but the people's), from cadence.goals,
    each meeting at its usual start where the day allows it (BG on 16 April 2026 only at 13)."""

    def start(group_id: str, day: int) -> int:
        group = inst.group(group_id)
        allowed = dict(group.options)[day]
        slot = group.usual_slot if group.usual_slot in allowed else allowed[0]
        return group.slots[slot].start

    times = {g: [(inst.index(d), start(g, inst.index(d))) for d in ds] for g, ds in plan.items()}
    values = goals.penalties(inst, times)
    values["person_week"] = values["person_day"] = 0
    return goals.weighted(inst, values)


def test_subproblem_costs_are_the_goals_on_tiny():
    """BG pays its lead from AGA and AGB and its own goals (17), AGA 2, AGB 0: together the
    plan's 19, which cadence.goals counts too."""
    _, inst, dec = built("tiny.yaml")
    costs = dec.plan_costs(as_days(inst, TINY))
    assert costs == {"BG": 17.0, "AGA": 2.0, "AGB": 0.0}
    assert own_goals(inst, TINY) == 19


def test_subproblem_costs_are_the_goals_on_small():
    """small.yaml (optional meetings, four groups in a chain): AGA 8, AGB 16, the rest 0."""
    _, inst, dec = built("small.yaml")
    costs = dec.plan_costs(as_days(inst, SMALL))
    assert costs == {"SG": 0.0, "BG": 0.0, "AGA": 8.0, "AGB": 16.0}
    assert own_goals(inst, SMALL) == 24


@pytest.mark.parametrize(("name", "optimum"), [("micro.yaml", 6), ("tiny.yaml", 19),
                                               ("small.yaml", 10)])  # fmt: skip
def test_the_bound_never_passes_a_proven_optimum(name, optimum):
    """CP-SAT proves the optimum; the decomposition's bound is at most that, and on these
    small structures reaches it."""
    scenario, inst, dec = built(name)
    result = solver.solve(inst, solver.Settings(time_limit=20, decomposition_steps=0))
    assert (result.status, result.objective) == ("optimal", optimum)
    assert check(scenario, from_result(inst, result, "x")) == []
    bound = dec.bound(upper=1000, iterations=300)
    assert bound.value <= optimum
    assert bound.value == optimum


def test_the_bound_is_zero_below_any_plan_without_steps():
    """No step: the prices are zero and the bound is the groups' own minima, here 0 for micro
    (each group alone can meet on its ideal days) and below the optimum 6."""
    _, _, dec = built("micro.yaml")
    assert dec.bound(upper=6, iterations=1).value == 0


def test_solve_reports_the_better_bound_and_which():
    """small.yaml at 0.05 deterministic seconds: CP-SAT's bound is 0, the decomposition's is
    10, and the construction steered by its prices finds a plan of 10 (the plain construction's
    is 24): the decomposition proves it optimal, and the result says which bound did."""
    scenario, inst, _ = built("small.yaml")
    result = solver.solve(inst, solver.Settings(time_limit=0.05))
    assert check(scenario, from_result(inst, result, "x")) == []
    assert (result.status, result.objective) == ("optimal", 10)
    assert (result.bound, result.bound_source) == (10.0, "decomposition")
    assert result.bounds == {"CP-SAT": 0.0, "decomposition": 10}


def test_without_steps_the_plain_construction_and_cp_sat_alone():
    """decomposition_steps=0: no decomposition, no steering: small.yaml ends at CP-SAT's 24
    with CP-SAT's bound 0, as before the decomposition."""
    scenario, inst, _ = built("small.yaml")
    result = solver.solve(inst, solver.Settings(time_limit=0.05, decomposition_steps=0))
    assert check(scenario, from_result(inst, result, "x")) == []
    assert (result.status, result.objective, result.bound) == ("feasible", 24, 0.0)
    assert (result.bound_source, result.bounds) == ("CP-SAT", {"CP-SAT": 0.0})


def test_a_proven_plan_names_cp_sat():
    """tiny.yaml: CP-SAT proves the optimum 19 itself; its bound is reported."""
    scenario, inst, _ = built("tiny.yaml")
    result = solver.solve(inst, solver.Settings(time_limit=0.05))
    assert check(scenario, from_result(inst, result, "x")) == []
    assert (result.status, result.objective, result.bound_source) == ("optimal", 19, "CP-SAT")
    assert result.bounds == {"CP-SAT": 19.0, "decomposition": 19}
