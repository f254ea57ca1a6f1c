"""The same instance as a time-indexed MIP, solved by SCIP (bundled with OR-Tools): a baseline.

    python benchmarks/mip_baseline.py                           # every scenario, 60 s each
    python benchmarks/mip_baseline.py --time-limit 120 tests/data/tiny.yaml

One binary per group, day and start time; a running count per group turns every "meetings between
day a and day b" into a difference, so the chain, the spacing and every goal of cadence.goals are
linear. The plan SCIP finds is checked by the verifier and scored by cadence.goals, so the figures
compare like with like. Printed beside CP-SAT's (benchmarks/solve.py) they show what the CP-SAT
formulation buys.
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from pathlib import Path

from ortools.linear_solver import pywraplp

from cadence import goals, instance, loader
from cadence.plan import build as build_plan
from cadence.verify import check

ROOT = Path(__file__).resolve().parent.parent


class Mip:
    def __init__(self, inst: instance.Instance):
        self.inst = inst
        self.s = pywraplp.Solver.CreateSolver("SCIP")
        self.x: dict[str, dict[tuple[int, int], pywraplp.Variable]] = {}
        self.meet: dict[str, dict[int, object]] = {}
        self.count: dict[str, list[object]] = {}
        self.carrier: dict[str, dict[int, pywraplp.Variable]] = {}
        for group in inst.groups:
            self._group(group)
        self._chain()
        self._conflicts()
        self._items()
        self.terms = {
            "spread": self._spread(),
            "lead": self._lead(),
            "rhythm": self._rhythm(),
            "avoid": self._avoid(),
            "person_week": self._person_week(),
            "person_day": self._person_day(),
        }
        weights = inst.scenario.weights
        self.s.Minimize(sum(getattr(weights, g) * t for g, t in self.terms.items()))

    def between(self, group: str, first: int, last: int):
        first, last = max(first, 0), min(last, self.inst.horizon - 1)
        if first > last:
            return 0
        counts = self.count[group]
        return counts[last] - (counts[first - 1] if first > 0 else 0)

    def _group(self, group: instance.GroupData) -> None:
        s = self.s
        x = {(d, j): s.BoolVar(f"x[{group.id},{d},{j}]") for d, js in group.options for j in js}
        meet = {d: sum(x[(d, j)] for j in js) for d, js in group.options}
        for d, js in group.options:
            s.Add(sum(x[(d, j)] for j in js) <= 1)
        counts, running = [], 0
        for day in range(self.inst.horizon):
            running = running + meet.get(day, 0)
            counts.append(running)
        self.x[group.id], self.meet[group.id], self.count[group.id] = x, meet, counts
        for piece in group.counts:
            total = self.between(group.id, piece.first, piece.last)
            s.Add(total >= piece.low)
            s.Add(total <= piece.high)
        for day, slot in group.fixed:
            s.Add(x[(day, slot)] == 1)
        days = group.days
        for day in days:  # at most one meeting in any min_gap consecutive days
            s.Add(self.between(group.id, day, day + group.min_gap - 1) <= 1)
        if group.max_gap is not None:
            most = sum(p.high for p in group.counts)
            end = self.inst.horizon - 1
            for day in days:
                pending = s.BoolVar("")  # 1 when a meeting comes after ``day``
                s.Add(self.between(group.id, day + 1, end) <= most * pending)
                s.Add(self.between(group.id, day + 1, end) >= pending)
                s.Add(
                    meet[day] + pending - 1 <= self.between(group.id, day + 1, day + group.max_gap)
                )

    def _chain(self) -> None:
        for link in self.inst.links:
            for day, downstream in self.meet[link.to].items():
                # In the window and before the notice's write-up days (meetings before the
                # period are not modelled here).
                latest = link.last_source_day(day)
                self.s.Add(downstream <= self.between(link.source, day - link.high, latest))

    def _conflicts(self) -> None:
        by_person_day = defaultdict(list)
        for group in self.inst.groups:
            for (day, j), var in self.x[group.id].items():
                slot = group.slots[j]
                for person in self.inst.attendees[(group.id, day)]:
                    by_person_day[(person, day)].append((slot.start, slot.end, var))
        posted = set()
        if self.inst.scenario.person_day_hard:
            for options in by_person_day.values():
                if len(options) > 1:
                    self.s.Add(sum(v for _, _, v in options) <= 1)
        for options in by_person_day.values():
            for start in {s for s, _, _ in options}:
                running = [v for s, e, v in options if s <= start < e]
                key = frozenset(id(v) for v in running)
                if len(running) > 1 and key not in posted:
                    posted.add(key)
                    self.s.Add(sum(running) <= 1)

    def _items(self) -> None:
        s = self.s
        for due in self.inst.dues:
            meet = self.meet[due.group]
            carriers = {d: s.BoolVar("") for d in due.days if d in meet}
            s.Add(sum(carriers.values()) == 1)
            first, _ = due.occurrence
            for day, c in carriers.items():
                s.Add(c <= meet[day])
                if due.first_meeting:
                    most = len(meet)
                    s.Add(self.between(due.group, first, day - 1) <= most * (1 - c))
            if due.before is not None:
                target, low, high = due.before
                for day, t in self.carrier[target].items():
                    s.Add(t <= sum(c for d, c in carriers.items() if day - high <= d <= day - low))
            self.carrier[due.key] = carriers

    def _kth_in(self, group: str, first: int, k: int, low: int, high: int):
        """A Boolean that can be 1 only if the k-th meeting from ``first`` is in low..high."""
        y = self.s.BoolVar("")
        base = self.count[group][first - 1] if first > 0 else 0
        most = len(self.meet[group])
        # y = 1 needs at least k+1 meetings (from ``first``) by ``high`` ...
        self.s.Add((k + 1) * y <= self.between(group, 0, high) - base)
        # ... and at most k before ``low``.
        self.s.Add(self.between(group, 0, low - 1) - base <= k + most * (1 - y))
        return y

    def _spread(self):
        units = []
        for group in self.inst.groups:
            for target in goals.spread_targets(group):
                first = group.counts[target.slice_index].first
                for limit in goals.SPREAD_THRESHOLDS:
                    inside = self._kth_in(
                        group.id, first, target.k, target.ideal - limit, target.ideal + limit
                    )
                    units.append(1 - inside)
        return sum(units)

    def _lead(self):
        units = []
        for link in self.inst.links:
            for day, downstream in self.meet[link.to].items():
                for reach in goals.lead_reaches(link):
                    late = self.s.BoolVar("")
                    near = self.between(link.source, day - reach, link.last_source_day(day))
                    self.s.Add(late >= downstream - near)
                    units.append(late)
        return sum(units)

    def _rhythm(self):
        inst, units = self.inst, []
        for group in inst.groups:
            usual_start = group.slots[group.usual_slot].start
            for (day, j), var in self.x[group.id].items():
                off_day = goals.weekday(inst, day) != group.usual_weekday
                off_start = len(group.slots) > 1 and group.slots[j].start != usual_start
                if off_day or off_start:
                    units.append((off_day + off_start) * var)
        return sum(units)

    def _avoid(self):
        return sum(
            self.inst.avoid[day] * meet
            for meets in self.meet.values()
            for day, meet in meets.items()
            if self.inst.avoid[day]
        )

    def _person_week(self):
        inst = self.inst
        load = defaultdict(list)
        for group in inst.groups:
            for day, meet in self.meet[group.id].items():
                for person in inst.attendees[(group.id, day)]:
                    load[(person, goals.iso_week(inst, day))].append(meet)
        units = []
        for meetings in load.values():
            if len(meetings) > inst.scenario.person_week_limit:
                over = self.s.IntVar(0, len(meetings), "")
                self.s.Add(over >= sum(meetings) - inst.scenario.person_week_limit)
                units.append(over)
        return sum(units)

    def _person_day(self):
        inst = self.inst
        if inst.scenario.person_day_hard or inst.scenario.weights.person_day == 0:
            return 0
        load = defaultdict(list)
        for group in inst.groups:
            for day, meet in self.meet[group.id].items():
                for person in inst.attendees[(group.id, day)]:
                    load[(person, day)].append(meet)
        units = []
        for meetings in load.values():
            for a in range(len(meetings)):
                for b in range(a + 1, len(meetings)):
                    both = self.s.BoolVar("")
                    self.s.Add(both >= meetings[a] + meetings[b] - 1)
                    units.append(both)
        return sum(units)

    def placed(self) -> dict[str, list[tuple[int, int]]]:
        return {
            g: sorted(k for k, v in xs.items() if v.solution_value() > 0.5)
            for g, xs in self.x.items()
        }

    def carried(self) -> dict[str, int]:
        return {
            key: next(d for d, c in cs.items() if c.solution_value() > 0.5)
            for key, cs in self.carrier.items()
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenarios", nargs="*", type=Path)
    parser.add_argument("--time-limit", type=float, default=60.0, help="wall seconds per scenario")
    args = parser.parse_args()
    paths = args.scenarios or sorted((ROOT / "scenarios").glob("*.yaml"))
    print(f"SCIP (time-indexed MIP), {args.time_limit:g} s wall per scenario, 1 thread")
    print(
        f"{'scenario':28} {'vars':>6} {'rows':>6} {'build s':>8} {'total s':>8} {'status':>9} "
        f"{'objective':>9} {'bound':>7} {'plan obj':>8} {'viol':>4}"
    )
    names = {
        pywraplp.Solver.OPTIMAL: "optimal",
        pywraplp.Solver.FEASIBLE: "feasible",
        pywraplp.Solver.INFEASIBLE: "infeasible",
        pywraplp.Solver.NOT_SOLVED: "unknown",
    }
    for path in paths:
        scenario = loader.load(path).scenario
        began = time.perf_counter()
        inst = instance.build(scenario)
        mip = Mip(inst)
        build = time.perf_counter() - began
        mip.s.SetTimeLimit(int(args.time_limit * 1000))
        began = time.perf_counter()
        status = mip.s.Solve()
        total = time.perf_counter() - began
        name = names.get(status, str(status))
        objective = bound = plan_objective = "-"
        violations = "-"
        if name in ("optimal", "feasible"):
            objective = f"{mip.s.Objective().Value():.0f}"
            bound = f"{mip.s.Objective().BestBound():.0f}"
            plan = build_plan(inst, mip.placed(), mip.carried(), path.stem)
            plan_objective = str(plan.objective(inst))
            violations = str(len(check(scenario, plan)))
        print(
            f"{path.stem:28} {mip.s.NumVariables():>6} {mip.s.NumConstraints():>6} {build:>8.2f} "
            f"{total:>8.2f} {name:>9} {objective:>9} {bound:>7} {plan_objective:>8} "
            f"{violations:>4}"
        )


if __name__ == "__main__":
    main()
