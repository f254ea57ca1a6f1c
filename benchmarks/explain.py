"""How long the explanation of an impossible scenario takes: the clashing rules (core and
deletion filter) and the changes that make a plan possible, against the groups-involved search.

    python benchmarks/explain.py                # the five tests/data/clash-*.yaml, 3 runs each
    python benchmarks/explain.py --sormland     # and Sörmland 2026 with BGÄ decided on 9 January

Prints, per scenario, the median wall seconds of the clashing rules alone, of the rules with
what to loosen, and of the groups-involved search, with CP-SAT's deterministic seconds and the
number of solves (the same on any machine).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from cadence import clash, loader, solver
from cadence.errors import InfeasibleError
from cadence.scenario import FixedMeeting

ROOT = Path(__file__).resolve().parent.parent
IMPOSSIBLE = ("fixed-early", "chair-away", "too-many", "windows", "item")
BUDGET = 20.0  # --time-limit 20: enough for the changes on Sörmland (the CLI's default is 3)


def median_seconds(runs: int, work: Callable[[], Any]) -> tuple[float, Any]:
    seconds, result = [], None
    for _ in range(runs):
        began = time.perf_counter()
        result = work()
        seconds.append(time.perf_counter() - began)
    return statistics.median(seconds), result


def sormland() -> clash.Problem:
    scenario = loader.load(ROOT / "scenarios" / "sormland-2026.yaml").scenario
    fixed = (FixedMeeting(date=date(2026, 1, 9)),)
    groups = tuple(replace(g, fixed=fixed) if g.id == "BGÄ" else g for g in scenario.groups)
    return clash.Problem(replace(scenario, groups=groups))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sormland", action="store_true")
    args = parser.parse_args()
    cases = [
        (name, clash.Problem(loader.load(ROOT / "tests" / "data" / f"clash-{name}.yaml").scenario))
        for name in IMPOSSIBLE
    ]
    if args.sormland:
        cases.append(("sormland-2026 BGÄ 2026-01-09", sormland()))
    print(f"{'scenario':<30} {'rules s':>8} {'+loosen s':>10} {'det s':>6} {'solves':>6} "
          f"{'groups s':>9}  rules / changes")  # fmt: skip
    for name, problem in cases:
        rules_only, _ = median_seconds(
            args.runs, lambda p=problem: clash.explain(p, BUDGET, relax=False)
        )
        full, found = median_seconds(args.runs, lambda p=problem: clash.explain(p, BUDGET))
        try:
            seconds, _ = median_seconds(
                args.runs, lambda p=problem: solver.involved_groups(p.instance(), BUDGET)
            )
            groups = f"{seconds:.2f}"
        except InfeasibleError:
            groups = "-"  # building the model already names the group (no search)
        assert found is not None, name
        print(
            f"{name:<30} {rules_only:>8.2f} {full:>10.2f} {found.deterministic:>6.2f} "
            f"{found.solves:>6} {groups:>9}  {len(found.rules)} / {len(found.relaxations)}"
        )


if __name__ == "__main__":
    main()
