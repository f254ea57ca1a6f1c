"""Every figure of the README's performance table, in one command.

    python benchmarks/run.py                        # 3 runs, proof capped at 120 s wall
    python benchmarks/run.py --runs 5 --csv benchmarks/results.csv
    python benchmarks/run.py --quick                # 1 run, proof capped at 30 s, no MIP

Per scenario in scenarios/ (each run in a fresh process, so peak memory is the run's own):
meetings, model variables, time to the first plan that keeps every rule (loading, instance,
model, the constructed plan and CP-SAT's check of it), time to the default stop (the default
budget of deterministic seconds), objective, bound and gap there (the bound is the better of
CP-SAT's and the decomposition's, and the table says which), the plan's distance from the best
objective and bound known (benchmarks/best_known.csv) and its quality in the coordinator's
words (cadence.quality), and time to a proven optimum with the gap where the wall cap stopped
it; what ten times the default budget buys on each scenario. Then `cadence plan` end to end
on the default scenario beside the bare import of the stack (a ratio), the re-planning
benchmark (benchmarks/replan.py) and the MIP baseline (benchmarks/mip_baseline.py). Wall times
are medians: the machines are noisy.
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT / "scenarios" / "sormland-2026.yaml"


def measure(path: str, time_limit: float | None, wall_limit: float | None) -> dict:
    """One run in this process: first plan, the solve, and the peak memory."""
    import resource

    from cadence import instance, loader, quality, solver
    from cadence.plan import from_result
    from cadence.verify import check

    began = time.perf_counter()
    scenario = loader.load(Path(path)).scenario
    inst = instance.build(scenario)
    model, _, _ = solver.build_model(inst)
    built = time.perf_counter() - began
    settings = solver.Settings() if time_limit is None else solver.Settings(time_limit=time_limit)
    if wall_limit is not None:
        settings = solver.Settings(time_limit=10_000.0, wall_limit=wall_limit)
    result = solver.solve(inst, settings)
    plan = from_result(inst, result, Path(path).stem)
    found = quality.assess(inst, plan)
    return {
        "bound_source": result.bound_source,
        "cp_sat_bound": result.bounds.get("CP-SAT"),
        "decomposition_bound": result.bounds.get("decomposition"),
        "quality": quality.describe(found),
        "meetings": len(plan.meetings),
        "variables": len(model.proto.variables),
        "first_plan_s": built + (result.first_solution_seconds or 0.0),
        "solve_s": built + result.solve_seconds,
        "status": result.status,
        "objective": result.objective,
        "bound": result.bound,
        "violations": len(check(scenario, plan)),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def in_fresh_process(path: Path, time_limit: float | None, wall_limit: float | None) -> dict:
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        return pool.apply(measure, (str(path), time_limit, wall_limit))


def best_known() -> dict[str, dict[str, str]]:
    """benchmarks/best_known.csv: per scenario, the best objective and bound known."""
    with (ROOT / "benchmarks" / "best_known.csv").open(encoding="utf-8") as handle:
        return {row["scenario"]: row for row in csv.DictReader(handle)}


def distance(objective: int | None, bound: float | None, known: dict[str, str] | None) -> str:
    """How far a run's objective and bound are from the best known."""
    if known is None or objective is None:
        return "no best known"
    best, best_bound = int(known["best_objective"]), int(known["best_bound"])
    above = (objective - best) / best if best else 0.0
    below = "" if bound is None else f"; bound {round(bound)} against the best {best_bound}"
    return f"objective {objective} against the best {best} ({above:+.1%}){below}"


def gap(objective: float | None, bound: float | None) -> str:
    if objective is None or bound is None or objective <= 0:
        return "-"
    return f"{max(0.0, objective - bound) / objective:.1%}"


def median(values: list) -> float | None:
    numbers = [v for v in values if v is not None]
    return statistics.median(numbers) if numbers else None


def wall(command: list[str]) -> float:
    began = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, cwd=ROOT)
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--proof-limit", type=float, default=120.0, help="wall seconds")
    parser.add_argument("--csv", type=Path, default=ROOT / "benchmarks" / "results.csv")
    parser.add_argument("--quick", action="store_true", help="1 run, 30 s proofs, no MIP")
    args = parser.parse_args()
    if args.quick:
        args.runs, args.proof_limit = 1, 30.0
    from cadence import solver

    print(
        f"{platform.node()}: {platform.processor() or platform.machine()}, "
        f"{multiprocessing.cpu_count()} cores, Python {platform.python_version()}; "
        f"default budget {solver.Settings.time_limit:g} deterministic s, "
        f"{solver.Settings.workers} workers; medians of {args.runs} runs"
    )
    rows = []
    header = (
        f"{'scenario':22} {'meet':>4} {'vars':>6} {'first s':>7} {'stop s':>7} {'objective':>9} "
        f"{'bound':>6} {'gap':>6} {'proof s':>7} {'gap@cap':>7} {'peak MB':>7} {'viol':>4}"
    )
    print(header)
    known = best_known()
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        runs = [in_fresh_process(path, None, None) for _ in range(args.runs)]
        proof = in_fresh_process(path, None, args.proof_limit)
        last = runs[-1]
        row = {
            "scenario": path.stem,
            "meetings": last["meetings"],
            "variables": last["variables"],
            "first_plan_s": median([r["first_plan_s"] for r in runs]),
            "default_stop_s": median([r["solve_s"] for r in runs]),
            "objective": last["objective"],
            "bound": last["bound"],
            "gap": gap(last["objective"], last["bound"]),
            "bound_source": last["bound_source"],
            "cp_sat_bound": last["cp_sat_bound"],
            "decomposition_bound": last["decomposition_bound"],
            "proven_s": proof["solve_s"] if proof["status"] == "optimal" else None,
            "gap_at_cap": gap(proof["objective"], proof["bound"]),
            "peak_mb": median([r["peak_mb"] for r in runs]),
            "violations": max(r["violations"] for r in [*runs, proof]),
        }
        rows.append(row)
        proven = f"{row['proven_s']:.1f}" if row["proven_s"] is not None else "-"
        print(
            f"{row['scenario']:22} {row['meetings']:>4} {row['variables']:>6} "
            f"{row['first_plan_s']:>7.2f} {row['default_stop_s']:>7.1f} {row['objective']!s:>9} "
            f"{round(row['bound']) if row['bound'] is not None else '-'!s:>6} {row['gap']:>6} "
            f"{proven:>7} {row['gap_at_cap']:>7} {row['peak_mb']:>7.0f} {row['violations']:>4}"
        )
        cp_sat = last["cp_sat_bound"]
        print(
            f"  bound from {row['bound_source']} (CP-SAT "
            f"{'-' if cp_sat is None else round(cp_sat)}, decomposition "
            f"{row['decomposition_bound'] if row['decomposition_bound'] is not None else '-'}); "
            f"{distance(last['objective'], last['bound'], known.get(path.stem))}"
        )
        for line in last["quality"]:
            print(f"  quality: {line}")
    args.csv.parent.mkdir(parents=True, exist_ok=True)
    with args.csv.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)

    ten = 10 * solver.Settings.time_limit
    print(f"ten times the default budget ({ten:g} deterministic s), one run each; issue 21's goal:")
    print("the default's objective within 3 % of it")
    for path, row in zip(sorted((ROOT / "scenarios").glob("*.yaml")), rows, strict=True):
        more = in_fresh_process(path, ten, None)
        over = (
            (row["objective"] - more["objective"]) / more["objective"] if more["objective"] else 0
        )
        print(
            f"  {path.stem}: {more['status']} {more['objective']}, bound "
            f"{round(more['bound']) if more['bound'] is not None else '-'} "
            f"({more['bound_source']}), gap {gap(more['objective'], more['bound'])}, "
            f"{more['solve_s']:.1f} s; the default's {row['objective']} is {over:+.1%} from it",
            flush=True,
        )

    python = sys.executable
    bare = [python, "-c", "import cadence.cli, ortools.sat.python.cp_model, pandas, icalendar"]
    with tempfile.TemporaryDirectory() as out:
        plan = [python, "-m", "cadence", "plan", str(DEFAULT), "--out", out]
        ends = [wall(plan) for _ in range(args.runs)]
    imports = [wall(bare) for _ in range(args.runs)]
    end, bare_import = statistics.median(ends), statistics.median(imports)
    print(
        f"cadence plan {DEFAULT.stem}, end to end: {end:.1f} s; importing the stack: "
        f"{bare_import:.2f} s; ratio {end / bare_import:.0f}×"
    )
    print(f"wrote {args.csv}")
    print("re-planning (benchmarks/replan.py):", flush=True)
    state = "tests/data/sormland-2026.plan.json"  # a published plan, so no plan is made first
    subprocess.run(
        [python, "benchmarks/replan.py", "--runs", str(max(3, args.runs)), "--state", state],
        cwd=ROOT,
    )
    if not args.quick:
        print("MIP baseline (benchmarks/mip_baseline.py, 60 s wall each):", flush=True)
        subprocess.run([python, "benchmarks/mip_baseline.py", "--time-limit", "60"], cwd=ROOT)


if __name__ == "__main__":
    main()
