"""The constructed first plan: how long it takes, what it costs, and what it is worth as a hint.

    python benchmarks/first_plan.py                          # every scenario, 3 runs
    python benchmarks/first_plan.py --hint-budget 10 scenarios/sormland-2026.yaml

Per scenario: the median wall seconds of the construction (cadence/solver/construct.py) and of
CP-SAT's check of it with the days fixed, and the plan's objective. With ``--hint-budget B``,
also the search of `cadence plan` at B deterministic seconds started from the constructed plan
and without it (objective and bound; deterministic, so the same on any machine).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from cadence import goals, instance, loader, solver
from cadence.solver import construct

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenarios", nargs="*", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--hint-budget", type=float, default=None)
    args = parser.parse_args()
    paths = args.scenarios or sorted((ROOT / "scenarios").glob("*.yaml"))
    print(f"{'scenario':22} {'construct s':>11} {'check s':>8} {'objective':>9}")
    for path in paths:
        inst = instance.build(loader.load(path).scenario)
        built, checked, objective = [], [], None
        for _ in range(args.runs):
            model, v, terms = solver.build_model(inst)
            began = time.perf_counter()
            placement = construct.construct(inst, v)
            built.append(time.perf_counter() - began)
            began = time.perf_counter()
            first = solver._constructed(inst, model, v, terms, solver.Settings())
            checked.append(time.perf_counter() - began - built[-1])
            if placement is None or first is None or first.found is None:
                objective = None
                continue
            objective = goals.weighted(inst, first.found.goal_values or {})
        print(
            f"{path.stem:22} {statistics.median(built):>11.2f} "
            f"{max(0.0, statistics.median(checked)):>8.2f} {objective!s:>9}",
            flush=True,
        )
        if args.hint_budget is None:
            continue
        settings = solver.Settings(time_limit=args.hint_budget)
        for hinted in (True, False):
            model, v, terms = solver.build_model(inst)
            if hinted:
                solver._constructed(inst, model, v, terms, settings)
            search = solver._solver(settings)
            status = solver.STATUS[search.solve(model)]
            print(
                f"  {'with' if hinted else 'without':7} the hint, {args.hint_budget:g} "
                f"deterministic s: {status} {search.objective_value:.0f}, bound "
                f"{search.best_objective_bound:.0f}, {search.wall_time:.1f} s wall",
                flush=True,
            )


if __name__ == "__main__":
    main()
