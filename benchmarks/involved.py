"""How long "which groups are involved" takes on a full-size scenario whose rules cannot hold.

    python benchmarks/involved.py                  # sormland-2026, BGÄ fixed on 2026-01-09, 3 runs
    python benchmarks/involved.py --runs 5 --group BGPF --date 2026-01-09

Fixes one meeting of GROUP on DATE, before any group that prepares it can meet, then solves:
CP-SAT proves the rules cannot hold and the deletion filter names the groups involved. Prints
the groups named, whether each was proven needed, and the median wall seconds of the whole solve.
"""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

from cadence import instance, loader, solver
from cadence.scenario import FixedMeeting

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", type=Path,
                        default=ROOT / "scenarios" / "sormland-2026.yaml")  # fmt: skip
    parser.add_argument("--group", default="BGÄ")
    parser.add_argument("--date", type=date.fromisoformat, default=date(2026, 1, 9))
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    scenario = loader.load(args.scenario).scenario
    fixed = (FixedMeeting(date=args.date),)
    scenario = replace(
        scenario,
        groups=tuple(replace(g, fixed=fixed) if g.id == args.group else g for g in scenario.groups),
    )
    seconds = []
    for _ in range(args.runs):
        began = time.perf_counter()
        inst = instance.build(scenario)
        result = solver.solve(inst, solver.Settings())
        assert result.status == "infeasible", result.status
        involved = solver.involved_groups(inst, solver.Settings().time_limit)
        seconds.append(time.perf_counter() - began)
    print(
        f"{args.scenario.stem}, {args.group} fixed on {args.date}: groups involved "
        f"{', '.join(involved.groups)} (each proven needed: {involved.fewest}); "
        f"median {statistics.median(seconds):.1f} s of {args.runs} runs"
    )


if __name__ == "__main__":
    main()
