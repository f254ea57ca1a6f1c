"""How time and memory grow with the structure: Sörmland at 1, 2, 4 and 8 times its size, and
over one, two and four years, each planned at one budget.

    python benchmarks/scale.py                       # both series at the default budget
    python benchmarks/scale.py --times 1 2 --years 1 --plot docs/scale.png
    python benchmarks/scale.py --scenario scenarios/storregion-2027.yaml

Each run is a process of its own (its peak memory is its own), made by
``benchmarks/generate_region.py`` and planned with ``cadence.planning.make_plan`` (reading,
instance, model, constructed first plan, search, plan and its check: everything but writing the
files). Printed per run: meetings, variables, wall seconds per phase, peak memory, objective,
bound and gap; then for each series the growth exponent b of time ≈ a·meetingsᵇ and of memory,
fitted by least squares on the logarithms (1 is linear). Wall times depend on the machine and
its load (quote medians); the objective and bound are the same on every machine.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

PHASES = ("reading", "instance", "model", "first plan", "search", "plan")


def run_one(path: Path, time_limit: float) -> dict[str, object]:
    """Plan one scenario in this process; its figures as a dict."""
    from cadence import loader, solver
    from cadence.budget import Clock
    from cadence.planning import make_plan
    from cadence.progress import gap

    clock = Clock(time_limit)
    clock.phase("reading")
    scenario = loader.load(path).scenario
    outcome = make_plan(scenario, path.stem, solver.Settings(time_limit=time_limit, clock=clock))
    clock.done()
    result = outcome.result
    phases: dict[str, float] = {}
    for name, seconds in clock.phases:
        phases[name] = phases.get(name, 0.0) + seconds
    share = None
    if result.objective is not None and result.bound is not None:
        share = gap(result.objective, result.bound)
    return {
        "meetings": len(outcome.plan.meetings),
        "groups": len(scenario.groups),
        "people": len(scenario.people),
        "variables": result.variables,
        "constraints": result.constraints,
        "status": result.status,
        "objective": result.objective,
        "bound": result.bound,
        "gap": share,
        "violations": len(outcome.violations),
        "phases": phases,
        "wall": sum(phases.values()),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "cut": clock.cut,
    }


def measure(path: Path, time_limit: float) -> dict[str, object]:
    """``run_one`` in a fresh process."""
    done = subprocess.run(
        [sys.executable, __file__, "--one", str(path), "--time-limit", str(time_limit)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or ["?"])[-1]}
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def exponent(points: list[tuple[float, float]]) -> float | None:
    """b of y ≈ a·xᵇ by least squares on the logarithms (None for fewer than two points)."""
    pts = [(math.log(x), math.log(y)) for x, y in points if x > 0 and y > 0]
    if len(pts) < 2:
        return None
    mx = sum(x for x, _ in pts) / len(pts)
    my = sum(y for _, y in pts) / len(pts)
    sxx = sum((x - mx) ** 2 for x, _ in pts)
    return sum((x - mx) * (y - my) for x, y in pts) / sxx if sxx else None


def _row(label: str, r: dict[str, object]) -> str:
    if "error" in r:
        return f"| {label} | – | – | {r['error']} |"
    phases = r["phases"]
    assert isinstance(phases, dict)
    parts = " / ".join(f"{phases.get(p, 0.0):.1f}" for p in PHASES)
    share = r["gap"]
    gap_text = "–" if share is None else f"{100 * float(share):.0f} %"  # type: ignore[arg-type]
    bound = "–" if r["bound"] is None else f"{float(r['bound']):.0f}"  # type: ignore[arg-type]
    return (
        f"| {label} | {r['meetings']} | {r['variables']} | {parts} | {float(r['wall']):.1f} s "  # type: ignore[arg-type]
        f"| {float(r['peak_mb']):.0f} MB | {r['objective']} | {bound} | {gap_text} |"  # type: ignore[arg-type]
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--times", type=int, nargs="+", default=[1, 2, 4, 8])
    parser.add_argument("--years", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--time-limit", type=float, default=3.0)
    parser.add_argument("--scenario", type=Path, nargs="*", default=[], help="also these files")
    parser.add_argument("--plot", type=Path, help="write the curves as a PNG (needs matplotlib)")
    parser.add_argument("--json", type=Path, help="write every figure as JSON")
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one is not None:
        print(json.dumps(run_one(args.one, args.time_limit)))
        return

    from generate_region import sormland

    runs: dict[str, list[tuple[str, dict[str, object]]]] = {"size": [], "years": []}
    extra: list[tuple[str, dict[str, object]]] = []
    cache: dict[tuple[int, int], dict[str, object]] = {}
    began = time.monotonic()
    with tempfile.TemporaryDirectory() as folder:
        wanted = [("size", k, 1) for k in args.times] + [("years", 1, y) for y in args.years]
        for series, k, years in wanted:
            if (k, years) not in cache:
                path = Path(folder) / f"sormland-x{k}-{years}y.yaml"
                path.write_text(sormland(k, years), encoding="utf-8")
                cache[(k, years)] = measure(path, args.time_limit)
                print(_row(f"×{k}, {years} år", cache[(k, years)]), flush=True)
            runs[series].append((f"×{k}, {years} år", cache[(k, years)]))
        for path in args.scenario:
            extra.append((path.stem, measure(path, args.time_limit)))
            print(_row(path.stem, extra[-1][1]), flush=True)
    print(f"\n(all runs {time.monotonic() - began:.0f} s, --time-limit {args.time_limit:g})\n")
    head = "| run | meetings | variables | " + " / ".join(PHASES) + " (s) | wall | peak | "
    print(head + "objective | bound | gap |")
    print("|" + " --- |" * 9)
    seen = set()
    for label, r in [*runs["size"], *runs["years"], *extra]:
        if label not in seen:
            seen.add(label)
            print(_row(label, r))
    print()
    for series, points in runs.items():
        ok = [r for _, r in points if "error" not in r]
        time_b = exponent([(float(r["meetings"]), float(r["wall"])) for r in ok])  # type: ignore[arg-type]
        mem_b = exponent([(float(r["meetings"]), float(r["peak_mb"])) for r in ok])  # type: ignore[arg-type]
        build_b = exponent(
            [
                (float(r["meetings"]), sum(v for k, v in r["phases"].items() if k != "search"))  # type: ignore[arg-type, union-attr]
                for r in ok
            ]
        )
        print(
            f"growth over the {series} series ({len(ok)} runs): time ~ meetings^"
            f"{_fmt(time_b)} (without the search: ^{_fmt(build_b)}), peak memory ~ meetings^"
            f"{_fmt(mem_b)}"
        )
    if args.json:
        args.json.write_text(json.dumps({"runs": runs, "extra": extra}, indent=1), "utf-8")
    if args.plot:
        _plot(runs, extra, args.plot, args.time_limit)


def _fmt(value: float | None) -> str:
    return "?" if value is None else f"{value:.2f}"


def _plot(runs, extra, path: Path, time_limit: float) -> None:  # type: ignore[no-untyped-def]
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.6), dpi=110)
    styles = {
        "size": ("o-", "Sörmland ×1, ×2, ×4, ×8 (ett år)"),
        "years": ("s--", "Sörmland 1, 2, 4 år"),
    }
    for series, points in runs.items():
        ok = [r for _, r in points if "error" not in r]
        xs = [r["meetings"] for r in ok]
        marker, label = styles[series]
        left.plot(xs, [r["wall"] for r in ok], marker, label=label)
        right.plot(xs, [r["peak_mb"] for r in ok], marker, label=label)
    for name, r in extra:
        if "error" not in r:
            left.plot([r["meetings"]], [r["wall"]], "k*", markersize=10, label=name)
            right.plot([r["meetings"]], [r["peak_mb"]], "k*", markersize=10, label=name)
    for axis, title in ((left, "tid (s, vägg)"), (right, "största minne (MB)")):
        axis.set_xscale("log")
        axis.set_yscale("log")
        axis.set_xlabel("möten i planen")
        axis.set_title(title)
        axis.grid(True, which="both", alpha=0.3)
    left.legend(fontsize=7)
    fig.suptitle(f"cadence plan, --time-limit {time_limit:g} (två kärnor)", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)


if __name__ == "__main__":
    main()
