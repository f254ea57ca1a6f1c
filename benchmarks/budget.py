"""What a budget buys, per scenario: objective, each method's bound, and the plan's quality.

    python benchmarks/budget.py                          # default budget and ten times it
    python benchmarks/budget.py scenarios/sormland-2027.yaml --budgets 3 30 60
    python benchmarks/budget.py --budgets 3 --steps 1000     # a longer decomposition

Per scenario and budget (deterministic seconds, so the figures are the same on any machine;
only the wall seconds depend on the load): the objective, CP-SAT's bound, the decomposition's
bound (cadence.solver.lagrange), the gap against the better one, the wall seconds, and the
coordinator's findings (cadence.quality). Goal 1 of issue 21 compares the default with ten
times it, "in one run on the same machine": this is that run.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from cadence import instance, loader, quality, solver
from cadence.limits import DEFAULT_TIME_LIMIT
from cadence.plan import from_result
from cadence.verify import check

ROOT = Path(__file__).resolve().parent.parent


def one(path: Path, budget: float, steps: int) -> dict:
    scenario = loader.load(path).scenario
    inst = instance.build(scenario)
    began = time.perf_counter()
    settings = solver.Settings(time_limit=budget, decomposition_steps=steps)
    result = solver.solve(inst, settings)
    seconds = time.perf_counter() - began
    plan = from_result(inst, result, path.stem)
    found = quality.assess(inst, plan)
    return {
        "scenario": path.stem,
        "budget": budget,
        "status": result.status,
        "objective": result.objective,
        "cp_sat_bound": result.bounds.get("CP-SAT"),
        "decomposition_bound": result.bounds.get("decomposition"),
        "bound": result.bound,
        "bound_source": result.bound_source,
        "wall_s": seconds,
        "violations": len(check(scenario, plan)),
        "off_weekday": len(found.off_weekday),
        "restart_unforced": len(found.restart),
        "late_leads": len(found.late_leads),
        "person_weeks_over": len(found.overloads),
    }


def gap(objective: float | None, bound: float | None) -> str:
    if objective is None or bound is None or objective <= 0:
        return "-"
    return f"{max(0.0, objective - bound) / objective:.1%}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenarios", nargs="*", type=Path)
    parser.add_argument(
        "--budgets", nargs="*", type=float, default=[DEFAULT_TIME_LIMIT, 10 * DEFAULT_TIME_LIMIT]
    )
    parser.add_argument(
        "--steps", type=int, default=solver.Settings.decomposition_steps,
        help="subgradient steps of the decomposition bound",
    )  # fmt: skip
    args = parser.parse_args()
    paths = args.scenarios or sorted((ROOT / "scenarios").glob("*.yaml"))
    print(
        f"{'scenario':20} {'budget':>6} {'objective':>9} {'CP-SAT':>7} {'decomp':>7} {'gap':>6} "
        f"{'wall s':>7} {'viol':>4}  off-weekday/restart/late leads/person-weeks over"
    )
    for path in paths:
        for budget in args.budgets:
            r = one(path, budget, args.steps)
            cp = "-" if r["cp_sat_bound"] is None else f"{r['cp_sat_bound']:.0f}"
            dec = "-" if r["decomposition_bound"] is None else str(r["decomposition_bound"])
            print(
                f"{r['scenario']:20} {budget:>6g} {r['objective']!s:>9} {cp:>7} {dec:>7} "
                f"{gap(r['objective'], r['bound']):>6} {r['wall_s']:>7.1f} {r['violations']:>4}  "
                f"{r['off_weekday']}/{r['restart_unforced']}/{r['late_leads']}/"
                f"{r['person_weeks_over']}",
                flush=True,
            )


if __name__ == "__main__":
    main()
