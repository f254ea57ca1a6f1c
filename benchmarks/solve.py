"""Solve every scenario and print model size, times, objective and bound (medians of runs).

    python benchmarks/solve.py                      # every scenario, 3 runs, budget 20
    python benchmarks/solve.py --runs 5 --time-limit 40 scenarios/sormland-2026.yaml

Times are wall seconds on this machine (noisy: quote medians); the budget is CP-SAT
deterministic seconds, so objective and bound are the same on every run and machine.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from cadence import instance, loader, solver
from cadence.plan import build as build_plan
from cadence.verify import check

ROOT = Path(__file__).resolve().parent.parent


def run_once(path: Path, settings: solver.Settings) -> dict[str, float | str | int | None]:
    scenario = loader.load(path).scenario
    began = time.perf_counter()
    inst = instance.build(scenario)
    model, _, _ = solver.build_model(inst)
    build_seconds = time.perf_counter() - began
    result = solver.solve(inst, settings)
    plan = build_plan(inst, result.meetings, result.carriers, path.stem)
    violations = check(scenario, plan)
    return {
        "status": result.status,
        "objective": result.objective,
        "bound": result.bound,
        "first": result.first_solution_seconds,
        "total": result.solve_seconds,
        "build": build_seconds,
        "variables": len(model.proto.variables),
        "constraints": len(model.proto.constraints),
        "violations": len(violations),
    }


def median(values: list) -> float | None:
    numbers = [v for v in values if v is not None]
    return statistics.median(numbers) if numbers else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenarios", nargs="*", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--time-limit", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=solver.Settings.workers)
    args = parser.parse_args()
    paths = args.scenarios or sorted((ROOT / "scenarios").glob("*.yaml"))
    settings = solver.Settings(time_limit=args.time_limit, workers=args.workers)
    print(
        f"CP-SAT, {args.workers} workers (interleaved, deterministic), budget {args.time_limit:g} "
        f"deterministic s, median of {args.runs} runs"
    )
    header = (
        f"{'scenario':28} {'vars':>6} {'cons':>6} {'build s':>8} {'first s':>8} "
        f"{'total s':>8} {'status':>9} {'objective':>9} {'bound':>7} {'gap':>6} {'viol':>4}"
    )
    print(header)
    for path in paths:
        runs = [run_once(path, settings) for _ in range(args.runs)]
        last = runs[-1]
        objective, bound = last["objective"], last["bound"]
        gap = (
            f"{(objective - bound) / objective:.0%}"
            if isinstance(objective, int) and objective and isinstance(bound, float)
            else "-"
        )
        first = median([r["first"] for r in runs])
        print(
            f"{path.stem:28} {last['variables']:>6} {last['constraints']:>6} "
            f"{median([r['build'] for r in runs]):>8.2f} "
            f"{first if first is None else round(first, 2)!s:>8} "
            f"{median([r['total'] for r in runs]):>8.2f} {last['status']:>9} "
            f"{objective!s:>9} {bound if bound is None else round(bound)!s:>7} {gap:>6} "
            f"{last['violations']:>4}"
        )
        statuses = {r["status"] for r in runs}
        objectives = {r["objective"] for r in runs}
        if len(statuses) > 1 or len(objectives) > 1:
            print(f"  note: runs differ: {statuses} {objectives}")


if __name__ == "__main__":
    main()
