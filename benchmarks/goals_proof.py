"""Which soft goal keeps CP-SAT from proving the optimum: solve with each goal switched off in turn.

    python benchmarks/goals_proof.py                                  # sormland-2026, budget 60
    python benchmarks/goals_proof.py --time-limit 30 scenarios/exempellan-2027-28.yaml

For each scenario: one solve with every goal, then one per goal with that goal's weight 0
(the others keep the scenario's weights). Prints status, objective, bound, gap and wall seconds,
so whoever works on the formulation sees where the lower bound is weak. Same solver settings as
`cadence plan` (deterministic: objective and bound repeat; wall seconds are this machine's).
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

from cadence import goals, instance, loader, solver

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenarios", nargs="*", type=Path)
    parser.add_argument("--time-limit", type=float, default=60.0)
    args = parser.parse_args()
    paths = args.scenarios or [ROOT / "scenarios" / "sormland-2026.yaml"]
    settings = solver.Settings(time_limit=args.time_limit)
    print(f"CP-SAT as in cadence plan, budget {args.time_limit:g} deterministic s")
    print(f"{'scenario':22} {'goal off':12} {'status':>9} {'objective':>9} {'bound':>7} "
          f"{'gap':>5} {'wall s':>7}")  # fmt: skip
    for path in paths:
        scenario = loader.load(path).scenario
        for off in (None, *goals.GOALS):
            weights = scenario.weights if off is None else replace(scenario.weights, **{off: 0})
            result = solver.solve(instance.build(replace(scenario, weights=weights)), settings)
            gap = "-"
            if result.objective and result.bound is not None:
                gap = f"{(result.objective - result.bound) / result.objective:.0%}"
            print(
                f"{path.stem:22} {off or '(none)':12} {result.status:>9} "
                f"{result.objective!s:>9} {round(result.bound or 0):>7} {gap:>5} "
                f"{result.solve_seconds:>7.1f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
