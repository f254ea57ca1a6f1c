"""Stability: how many meetings of the published plan move.

A published meeting stays put when some meeting of its group takes its day and start time in the
new plan; otherwise it has moved. Re-planning minimises the moves first and proves the minimum,
then optimises the usual goals among the plans with that few moves.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from cadence.instance import Instance
from cadence.solver.variables import Variables, takes


@dataclass(frozen=True)
class Published:
    """A meeting of the published plan that has not taken place yet: (group, day, minute)."""

    group: str
    day: int
    minute: int


def moved_units(
    model: cp_model.CpModel, instance: Instance, v: Variables, published: Iterable[Published]
) -> list[cp_model.IntVar | int]:
    """One term per published meeting: 1 when it moves (0 when a new meeting takes its place)."""
    units: list[cp_model.IntVar | int] = []
    for old in published:
        group = instance.group(old.group)
        slots = dict(group.options).get(old.day, ())
        if not any(group.slots[j].start == old.minute for j in slots):
            units.append(1)  # its day or time is no longer possible: it must move
            continue
        stays = []
        for meeting in v.meetings[old.group]:
            if old.day not in meeting.days:
                continue
            here = takes(model, meeting, old.day, old.minute, f"stays[{meeting.name},{old.day}]")
            stays.append(here)
        if not stays:
            units.append(1)
            continue
        model.add_at_most_one(stays)
        moved = model.new_bool_var(f"moved[{old.group},{old.day}]")
        model.add(moved + sum(stays) == 1)
        units.append(moved)
    return units
