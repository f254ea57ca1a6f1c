"""Change benchmark: realistic date changes on the default plan, answered as options.

    python benchmarks/changes.py                 # every change, one run each
    python benchmarks/changes.py --only LSG      # the changes whose label contains LSG

Re-plans from tests/data/sormland-2026.default.plan.json (the default plan, `cadence plan --as-of
2026-01-01`, saved so the figures do not follow later changes of the solver's search) with the
library function the commands call (:func:`cadence.options.answer`, default settings): each kind
of group moved a week earlier and a week later, a cancellation, an added meeting, a chair's new
absence from a busy .ics, NSV moved by the committee, and a change after a meeting was held. For
each change it prints the options; the moves and total shift of the best all-rules option and
of the best bent option; and the wall time. Then the summary against the targets: every change
answered in ≤ 5 s wall; in ≥ 90 % of the changes the best offered option moves ≤ 2 other
meetings; no offered option shifts a meeting more than 6 weeks unless that was asked.

A chair's new absence is an edit of the scenario (her busy .ics), not a change request: it is
re-planned as ``cadence plan`` would (fewest, then nearest), and shown as its all-rules option.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from cadence import loader, options, replan, solver
from cadence.busy import read_busy
from cadence.clash import Where
from cadence.errors import CadenceError
from cadence.scenario import Scenario
from cadence.state import State, read

ROOT = Path(__file__).resolve().parent.parent
STATE = ROOT / "tests/data/sormland-2026.default.plan.json"
AS_OF = date(2026, 1, 1)
WEEK = timedelta(days=7)
SIX_WEEKS = 42


def moved(state: State, meeting: str, days: int) -> options.Request:
    record = state.record(meeting)
    assert record is not None, meeting
    return options.Request("move", meeting, day=record.start.date() + timedelta(days=days))


def changes(state: State) -> list[tuple[str, options.Request | None, date]]:
    """(label, request, as of): the fixed set. A request of None is the busy .ics edit."""
    found: list[tuple[str, options.Request | None, date]] = []
    # Each kind of group a week earlier and a week later (an autumn meeting, clear of breaks).
    for meeting in ("NSV-2026-04", "LSG-2026-05", "BGÄ-2026-05", "BGPF-2026-05", "AVÄ-2026-05",
                    "ASB-2026-05", "SCN-2026-05", "MASMAR-2026-04"):  # fmt: skip
        for days in (-7, 7):
            found.append((f"{meeting} {days:+d} d", moved(state, meeting, days), AS_OF))
    found += [
        ("LSG-2026-05 to 12 Oct (issue)", options.Request("move", "LSG-2026-05",
                                                         day=date(2026, 10, 12)), AS_OF),
        ("NSV-2026-04 to 22 Oct by the committee", options.Request(
            "move", "NSV-2026-04", day=date(2026, 10, 22)), AS_OF),
        ("AVÄ-2026-05 +2 d (issue)", moved(state, "AVÄ-2026-05", 2), AS_OF),
        ("cancel AVÄ-2026-05", options.Request("cancel", "AVÄ-2026-05"), AS_OF),
        ("add BGÄ 2026-11-26 13:00", options.Request("add", group="BGÄ", day=date(2026, 11, 26),
                                                     at=None), AS_OF),
        ("chair of BGB away (busy .ics)", None, AS_OF),
        ("LSG-2026-05 to 12 Oct as of 1 Sep (LSG-04 held)", options.Request(
            "move", "LSG-2026-05", day=date(2026, 10, 12)), date(2026, 9, 1)),
        ("BGD-2026-05 +7 d as of 1 Sep", moved(state, "BGD-2026-05", 7), date(2026, 9, 1)),
    ]  # fmt: skip
    return found


def busy_scenario(scenario: Scenario, state: State) -> Scenario:
    """BGB's chair's exported calendar now shows her busy all day on BGB-2026-05's date."""
    record = state.record("BGB-2026-05")
    assert record is not None
    day = record.start.date()
    group = scenario.group("BGB")
    chair = group.attendees(day)[0]
    text = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//cadence benchmark//EN\r\nBEGIN:VEVENT\r\n"
        f"UID:busy-{day}@bench\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;VALUE=DATE:{day:%Y%m%d}\r\n"
        f"DTEND;VALUE=DATE:{day + timedelta(days=1):%Y%m%d}\r\nSUMMARY:Upptagen\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "busy.ics"
        path.write_text(text)
        busy = read_busy(path, scenario.period)
    people = tuple(
        replace(p, unavailable=(*p.unavailable, *busy)) if p.id == chair else p
        for p in scenario.people
    )
    return replace(scenario, people=people)


def describe(option: options.Option | None) -> str:
    if option is None:
        return "—"
    bent = "; ".join(b.words for b in option.bends)
    return f"{option.other_moves} moves, {option.shift_days} d" + (f" [{bent}]" if bent else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="only changes whose label contains this")
    parser.add_argument("--time-limit", type=float, default=solver.Settings().time_limit)
    args = parser.parse_args()
    loaded = loader.load(ROOT / "scenarios/sormland-2026.yaml")
    scenario, where = loaded.scenario, Where(loaded.locations, "sormland-2026.yaml")
    state = read(STATE)
    settings = solver.Settings(time_limit=args.time_limit)
    rows = []
    print("| change | status | options | best all-rules | best bent | wall |")
    print("| --- | --- | --- | --- | --- | --- |")
    for label, request, as_of in changes(state):
        if args.only not in label:
            continue
        started = time.perf_counter()
        try:
            if request is None:
                edited = busy_scenario(scenario, state)
                done = replan.replan(edited, "sormland-2026", state, settings, as_of,
                                     explain=False, goals_stage=False)  # fmt: skip
                moves = done.result.moves
                assert moves is not None
                status, offered = "re-planned", []
                kept = f"{moves.count} moves, {moves.shift} d"
                best_kept, best_bent = kept, "—"
                other = [moves.count]
                longest = [0]  # the edit's own meeting is the one asked to move
            else:
                found = options.answer(scenario, "sormland-2026", state, request, settings,
                                       as_of, where)  # fmt: skip
                status, offered = found.status, list(found.options)
                keeps = [o for o in offered if o.keeps_rules]
                bent = [o for o in offered if not o.keeps_rules]
                best_kept = describe(keeps[0] if keeps else None)
                best_bent = describe(min(bent, key=lambda o: (o.other_moves, o.shift_days))
                                     if bent else None)  # fmt: skip
                other = [o.other_moves for o in offered]
                longest = [o.longest_shift for o in offered]
        except CadenceError as err:
            status, offered, best_kept, best_bent = "error", [], str(err)[:60], "—"
            other, longest = [], []
        wall = time.perf_counter() - started
        rows.append((label, wall, min(other, default=99), max(longest, default=0)))
        print(f"| {label} | {status} | {len(offered)} | {best_kept} | {best_bent} | {wall:.1f} s |",
              flush=True)  # fmt: skip
    if not rows:
        return
    fast = sum(1 for _, wall, _, _ in rows if wall <= 5)
    few = sum(1 for _, _, best, _ in rows if best <= 2)
    far = [label for label, _, _, longest in rows if longest > SIX_WEEKS]
    walls = [wall for _, wall, _, _ in rows]
    print()
    print(f"changes: {len(rows)}; wall median {statistics.median(walls):.1f} s, "
          f"max {max(walls):.1f} s")  # fmt: skip
    print(f"answered in <= 5 s: {fast}/{len(rows)} (target: all)")
    print(f"best option moves <= 2 others: {few}/{len(rows)} = {few / len(rows):.0%} "
          "(target: >= 90 %)")  # fmt: skip
    print(f"options shifting a meeting > 6 weeks unasked: {len(far)} ({', '.join(far) or '-'})"
          " (target: none)")  # fmt: skip


if __name__ == "__main__":
    main()
