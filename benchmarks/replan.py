"""Re-planning benchmark: move NSV's September meeting of sormland-2026 by a week.

    python benchmarks/replan.py                     # 3 runs, budget 20, as of 2026-06-01
    python benchmarks/replan.py --runs 5 --as-of 2026-01-01

Prints the fewest moved meetings (and whether proven), the time of that first stage (the
re-plan's target is 0.5 s) and of the whole re-plan, beside a solve from scratch with the same
pin: how many published meetings move when nothing asks for stability. Medians of the runs.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date, timedelta
from pathlib import Path

from cadence import loader, solver
from cadence.replan import run
from cadence.state import Change, State

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "scenario", nargs="?", type=Path, default=ROOT / "scenarios/sormland-2026.yaml"
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--time-limit", type=float, default=20.0)
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 6, 1))
    args = parser.parse_args()
    scenario = loader.load(args.scenario).scenario
    settings = solver.Settings(time_limit=args.time_limit)
    source = args.scenario.stem
    first = run(scenario, source, None, settings, None)
    nsv = [m for m in first.plan.meetings if m.group == "NSV" and m.start.date() >= args.as_of]
    target = min(nsv, key=lambda m: abs((m.start.date() - date(2026, 9, 15)).days))
    new_day = target.start.date() + timedelta(days=7)
    while new_day.weekday() != target.start.weekday():
        new_day += timedelta(days=1)
    change = Change("move", target.id, "NSV", new_day, target.start.time())
    print(
        f"{source}: {len(first.plan.meetings)} meetings ({first.result.status}); moving "
        f"{target.id} {target.start.date()} -> {new_day}, as of {args.as_of}"
    )
    rows = []
    for _ in range(args.runs):
        began = time.perf_counter()
        moved = run(scenario, source, first.state.with_change(change), settings, args.as_of)
        total = time.perf_counter() - began
        assert moved.violations == () and moved.result.moves is not None
        # From scratch: the same pin and past, no published plan to stay close to.
        bare = State(scenario.name, source, first.state.records, (change,))
        scratch = run_without_stability(scenario, source, bare, settings, args.as_of)
        published = {(m.group, m.start) for m in first.plan.meetings}
        rows.append(
            {
                "optimal": moved.result.status == "optimal",
                "moves": moved.result.moves.count,
                "proven": moved.result.moves.proven,
                "stage1": moved.result.moves.seconds,
                "replan": moved.result.solve_seconds,
                "wall": total,
                "scratch_moves": len(published - {(m.group, m.start) for m in scratch.meetings}),
                "scratch": scratch.solve_seconds or 0.0,
            }
        )
    med = {k: statistics.median(float(r[k]) for r in rows) for k in rows[0]}
    print(
        f"fewest moves {med['moves']:.0f} (proven in {sum(r['proven'] for r in rows)}/{len(rows)} "
        f"runs); stage 1 {med['stage1']:.2f} s, re-plan solve {med['replan']:.2f} s, whole run "
        f"{med['wall']:.2f} s (medians of {len(rows)}); goals proven optimal among those "
        f"plans in {sum(r['optimal'] for r in rows)}/{len(rows)} runs"
    )
    print(
        f"from scratch: {med['scratch_moves']:.0f} published meetings move, solve "
        f"{med['scratch']:.2f} s; ratio scratch/stable moves "
        f"{med['scratch_moves'] / max(1.0, med['moves']):.1f}"
    )


def run_without_stability(scenario, source, state, settings, as_of):
    """The plan a fresh solve gives with the same held meetings and pin."""
    from cadence.instance import Held
    from cadence.planning import make_plan

    held = [
        Held(r.group, r.start.date(), r.start.time())
        for r in state.records
        if r.start.date() < as_of
    ]
    pins = [Held(c.group, c.day, c.start) for c in state.changes if c.day and c.start]
    outcome = make_plan(scenario, source, settings, None, [*held, *pins], as_of)
    assert outcome.violations == ()
    return outcome.plan


if __name__ == "__main__":
    main()
