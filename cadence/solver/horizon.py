"""The rolling horizon: a published plan extended by more months or years.

When a coordinator publishes 2027 and later plans the same structure to 2029, every group has
more meetings than were published, so the published days are no complete suggestion for the
re-plan (:func:`cadence.solver._hint_published` needs the counts to agree), and the re-plan's
first stage would search for the new years from nothing. Instead the first plan is
constructed (:mod:`cadence.solver.construct`) with every published meeting pinned where it is:
when it holds, no published meeting needs to move and the stage starts from a plan that moves
none; when it does not, the stage searches as before.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace

from cadence.instance import Instance
from cadence.solver.stability import Published
from cadence.solver.variables import Variables


def counts_differ(instance: Instance, v: Variables, published: Sequence[Published]) -> bool:
    """Whether some group has more (or fewer) meetings to place than it has published and
    decided: then the published days alone suggest no whole plan."""
    days: dict[str, set[int]] = defaultdict(set)
    for p in published:
        if p.to is None:
            days[p.group].add(p.day)
    return any(
        len(days[g.id] | {d for d, _ in g.fixed}) != len(v.meetings[g.id]) for g in instance.groups
    )


def pinned(instance: Instance, published: Sequence[Published]) -> Instance:
    """The instance with every published meeting that the rules still allow decided where it
    is (as a fixed date is), for the construction to build the rest around."""
    kept: dict[str, set[tuple[int, int]]] = defaultdict(set)
    for p in published:
        if p.to is not None:
            continue  # the coordinator moved it: the pin at its new day is in the instance
        group = instance.group(p.group)
        starts = [slot.start for slot in group.slots]
        if p.minute not in starts:
            continue
        slot = starts.index(p.minute)
        options = dict(group.options)
        if slot in options.get(p.day, ()):
            kept[group.id].add((p.day, slot))
    groups = tuple(
        replace(g, fixed=tuple(sorted(set(g.fixed) | kept[g.id]))) if kept[g.id] else g
        for g in instance.groups
    )
    return replace(instance, groups=groups)
