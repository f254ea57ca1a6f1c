"""`cadence explain` on Sörmland 2026 meetings: wall seconds, medians.

    python benchmarks/explain_meeting.py                       # 3 runs each, --time-limit 20
    python benchmarks/explain_meeting.py --runs 5 --time-limit 5 BGD-2026-04 NSV-2026-04

Explains each meeting of the published fixture (tests/data/sormland-2026.plan.json, as
`cadence plan` published it) ``--runs`` times, in this process (the stack imported once), and
prints per meeting the median wall seconds, how many other days were tried, how many of them
needed a re-plan (the rest were judged against the published plan as it stands), and whether
two runs printed the same text.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from cadence import explain, loader, solver
from cadence.state import read

ROOT = Path(__file__).resolve().parent.parent
MEETINGS = ("BGD-2026-04", "MASMAR-2026-03", "BGB-2026-03", "NSV-2026-04", "LSG-2026-03")
"""Without re-plans (BGD, MASMAR), two (BGB) and three (NSV, LSG), measured on the fixture."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("meetings", nargs="*", default=MEETINGS)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--time-limit", type=float, default=20.0)
    args = parser.parse_args()
    loaded = loader.load(ROOT / "scenarios/sormland-2026.yaml")
    state = read(ROOT / "tests/data/sormland-2026.plan.json")
    settings = solver.Settings(time_limit=args.time_limit)
    print(f"cadence explain, sormland-2026, --time-limit {args.time_limit:g}, {args.runs} runs")
    print(f"{'meeting':<16}{'median s':>9}{'days':>6}{'re-planned':>12}{'same text':>11}")
    for meeting in args.meetings:
        seconds, texts = [], set()
        tried = replanned = 0
        for _ in range(args.runs):
            started = time.perf_counter()
            found = explain.explain(loaded, "sormland-2026", state, meeting, settings, None, None)
            texts.add(explain.text(found, loaded.scenario))
            seconds.append(time.perf_counter() - started)
            tried = len(found.alternatives)
            replanned = sum(1 for a in found.alternatives if a.replanned)
        same = "yes" if len(texts) == 1 else "NO"
        print(f"{meeting:<16}{statistics.median(seconds):>9.1f}{tried:>6}{replanned:>12}{same:>11}")


if __name__ == "__main__":
    main()
