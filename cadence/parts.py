"""Independent parts of a structure, planned apart and joined.

Two groups belong to one part when someone sits in both, when one prepares the other, or when
an agenda item of one must come some days before an item of the other. Every rule and every
goal of cadence lives inside one part (a person's load, a lead, a rhythm), so the best plans of
the parts together are a best plan of the whole, and each part's model is smaller than the
whole's: two counties in one file, or a network that shares nobody, are planned as if alone.

Each part gets a share of ``--time-limit`` in proportion to its meetings (the deterministic
budget stays the whole run's), in the order of its first group in the file; the parts are
solved one after another, each with the run's CP-SAT workers (on two cores both are busy
already, so running parts side by side would not be faster). Same input, same parts, same plan.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace

from cadence import solver
from cadence.instance import Instance

MIN_SHARE = 0.1
"""Deterministic seconds at least for a part, however small."""


def parts(instance: Instance) -> list[tuple[str, ...]]:
    """The groups of each independent part, each in the file's order, parts by their first
    group."""
    ids = [g.id for g in instance.groups]
    parent = {g: g for g in ids}

    def root(g: str) -> str:
        while parent[g] != g:
            parent[g] = parent[parent[g]]
            g = parent[g]
        return g

    def join(a: str, b: str) -> None:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb, key=ids.index)] = min(ra, rb, key=ids.index)

    seen_by: dict[str, str] = {}
    for (group_id, _), people in sorted(instance.attendees.items()):
        for person in people:
            if person in seen_by:
                join(seen_by[person], group_id)
            else:
                seen_by[person] = group_id
    for link in instance.links:
        join(link.source, link.to)
    group_of = {due.key: due.group for due in instance.dues}
    for due in instance.dues:
        if due.before is not None and due.before[0] in group_of:
            join(due.group, group_of[due.before[0]])
    members: dict[str, list[str]] = defaultdict(list)
    for g in ids:
        members[root(g)].append(g)
    return [tuple(members[r]) for r in sorted(members, key=ids.index)]


def solve(
    instance: Instance,
    settings: solver.Settings,
    progress: Callable[[float, float, float], None] | None = None,
) -> solver.Result:
    """The best plan of ``instance``, each independent part solved apart and the results
    joined; one part is simply :func:`cadence.solver.solve`."""
    found = parts(instance)
    if len(found) <= 1:
        return solver.solve(instance, settings, progress)
    sizes = [sum(_count(instance, g) for g in part) for part in found]
    total = sum(sizes) or 1
    results = []
    for part, size in zip(found, sizes, strict=True):
        share = max(MIN_SHARE, settings.time_limit * size / total)
        result = solver.solve(instance.only(part), replace(settings, time_limit=share))
        if not result.has_plan:
            return result  # the whole has no plan either: the planner explains why
        results.append(result)
    joined = join([g.id for g in instance.groups], results)
    if progress is not None and joined.objective is not None:
        progress(joined.solve_seconds, joined.objective, joined.bound or 0.0)
    return joined


def _count(instance: Instance, group_id: str) -> int:
    return sum(count.high for count in instance.group(group_id).counts)


def join(order: list[str], results: list[solver.Result]) -> solver.Result:
    """One result of the parts' results: meetings (in the groups' ``order``), carriers and goals
    together, objective and bound summed, optimal when every part is."""
    goals: dict[str, int] = {}
    for r in results:
        for goal, value in r.goal_values.items():
            goals[goal] = goals.get(goal, 0) + value
    bounds = [r.bound for r in results]
    meetings = {g: ms for r in results for g, ms in r.meetings.items()}
    first = [r.first_solution_seconds for r in results]
    return solver.Result(
        status="optimal" if all(r.status == "optimal" for r in results) else "feasible",
        objective=sum(r.objective or 0 for r in results),
        bound=None if any(b is None for b in bounds) else sum(b or 0.0 for b in bounds),
        solve_seconds=sum(r.solve_seconds for r in results),
        first_solution_seconds=None if None in first else sum(s or 0.0 for s in first),
        meetings={g: meetings[g] for g in order},
        carriers={k: d for r in results for k, d in r.carriers.items()},
        goal_values=goals,
        variables=sum(r.variables for r in results),
        constraints=sum(r.constraints for r in results),
    )
