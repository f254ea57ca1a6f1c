"""Re-planning benchmark on sormland-2026: move an NSV meeting and an LSG meeting by a week.

    python benchmarks/replan.py                        # 5 runs each, as of 2026-06-01
    python benchmarks/replan.py --runs 7 --state exports/sormland-2026/plan.json

Plans the scenario once (or reads a published state), then for each move re-plans ``--runs``
times and prints the medians: published meetings moved, agenda items moved, people affected,
whether the fewest is proven, the first stage's solve time (the re-plan's target is 0.5 s), the
whole re-plan's solve time, and whether any firm meeting would have had to move. A move refused
because it would shift a firm (NSV) meeting is tried a week the other way.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date, timedelta
from pathlib import Path

from cadence import loader, solver
from cadence.errors import InfeasibleError
from cadence.replan import move, run
from cadence.state import State, read

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "scenario", nargs="?", type=Path, default=ROOT / "scenarios/sormland-2026.yaml"
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--time-limit", type=float, default=5.0, help="stage 2's budget")
    parser.add_argument("--plan-time-limit", type=float, default=20.0, help="the first plan's")
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 6, 1))
    parser.add_argument("--state", type=Path, help="a published plan.json instead of planning")
    args = parser.parse_args()
    scenario = loader.load(args.scenario).scenario
    source = args.scenario.stem
    if args.state:
        state = read(args.state)
    else:
        first = run(scenario, source, None, solver.Settings(time_limit=args.plan_time_limit), None)
        state = first.state
    settings = solver.Settings(time_limit=args.time_limit)
    # The state as of the day: what lies before it is held.
    state = run(scenario, source, state, settings, args.as_of).state
    print(f"{source}: {len(state.records)} meetings, as of {args.as_of}")
    for group, near in (("NSV", date(2026, 9, 15)), ("LSG", date(2026, 10, 7))):
        planned = [r for r in state.records if r.group == group and r.status == "planned"]
        tries = [
            (target, weeks)
            for target in sorted(planned, key=lambda r: abs((r.start.date() - near).days))
            for weeks in (1, -1, 2, -2)
        ]
        for target, weeks in tries:
            day = target.start.date() + timedelta(days=7 * weeks)
            change = move(scenario, state, target.id, day, None, args.as_of)
            try:
                rows = [measure(scenario, source, state.with_change(change), settings, args)
                        for _ in range(args.runs)]  # fmt: skip
            except InfeasibleError as err:
                print(f"  {target.id} {target.start.date()} -> {day}: refused ({err})")
                continue
            report(f"{target.id} {target.start.date()} -> {day}", rows)
            break


def measure(scenario, source: str, state: State, settings, args) -> dict[str, float]:
    began = time.perf_counter()
    done = run(scenario, source, state, settings, args.as_of)
    wall = time.perf_counter() - began
    assert done.violations == () and done.result.moves is not None
    moves = done.result.moves
    return {
        "moves": moves.count,
        "items": moves.items,
        "people": moves.weighted,
        "proven": moves.proven,
        "firm": len(moves.firm),
        "stage1": moves.seconds,
        "det": moves.deterministic,
        "cpu": moves.cpu_seconds,
        "replan": done.result.solve_seconds,
        "wall": wall,
        "optimal": done.result.status == "optimal",
    }


def report(title: str, rows: list[dict[str, float]]) -> None:
    med = {k: statistics.median(float(r[k]) for r in rows) for k in rows[0]}
    stage1 = ", ".join(f"{r['stage1']:.2f}" for r in rows)
    print(
        f"  {title}: moved {med['moves']:.0f} meeting(s) and {med['items']:.0f} item(s), "
        f"{med['people']:.0f} people affected, firm meetings moved {med['firm']:.0f}; fewest "
        f"proven in {sum(bool(r['proven']) for r in rows)}/{len(rows)} runs"
    )
    print(
        f"    stage 1 {med['stage1']:.2f} s (median of {len(rows)}: {stage1}; processor "
        f"{med['cpu']:.2f} s, deterministic {med['det']:.3f} s), re-plan solve "
        f"{med['replan']:.2f} s, whole run {med['wall']:.2f} s; goals proven optimal in "
        f"{sum(bool(r['optimal']) for r in rows)}/{len(rows)} runs"
    )


if __name__ == "__main__":
    main()
