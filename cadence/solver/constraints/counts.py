"""Counts and spacing: a group's meetings in order, the days between them, and decided dates.

How many meetings each year is already in the variables (required meetings are always there,
optional ones are present in order); here the days between consecutive meetings, across year
boundaries too, and the fixed and held meetings.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from cadence.instance import GroupData, Instance
from cadence.solver.variables import Meeting, Variables, takes


def add(model: cp_model.CpModel, instance: Instance, v: Variables) -> None:
    for group in instance.groups:
        meetings = v.meetings[group.id]
        _spacing(model, group, meetings)
        if group.preceding and meetings:
            # The first meeting of the period follows the last one before it.
            first, last = meetings[0], group.preceding[-1]
            model.add(first.day - last >= group.min_gap).only_enforce_if(first.when_present())
            if group.max_gap is not None:
                model.add(first.day - last <= group.max_gap).only_enforce_if(first.when_present())
        for day, slot in group.fixed:
            _decided(model, group, meetings, day, group.slots[slot].start)


def _spacing(model: cp_model.CpModel, group: GroupData, meetings: list[Meeting]) -> None:
    """min_gap <= day[next] - day[this] <= max_gap for each meeting and the next one held."""
    for i, this in enumerate(meetings):
        for nxt_index in range(i + 1, len(meetings)):
            nxt = meetings[nxt_index]
            # ``nxt`` follows ``this`` when both are held and every meeting between is absent.
            between = meetings[i + 1 : nxt_index]
            if any(m.mandatory for m in between):
                break
            when = (
                this.when_present()
                + nxt.when_present()
                + [m.present.Not() for m in between if not isinstance(m.present, int)]
            )
            model.add(nxt.day - this.day >= group.min_gap).only_enforce_if(when)
            if group.max_gap is not None:
                model.add(nxt.day - this.day <= group.max_gap).only_enforce_if(when)
            if nxt.mandatory:
                break


def _decided(
    model: cp_model.CpModel, group: GroupData, meetings: list[Meeting], day: int, minute: int
) -> None:
    """Exactly one of the group's meetings is the decided one."""
    candidates = [m for m in meetings if day in m.days]
    model.add_exactly_one(
        takes(model, m, day, minute, f"decided[{m.name},{day}]") for m in candidates
    )
