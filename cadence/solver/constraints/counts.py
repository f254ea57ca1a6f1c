"""Counts and spacing: a group's meetings in order, the days between them, and decided dates.

How many meetings each year is already in the variables (required meetings are always there,
optional ones are present in order); here the days between consecutive meetings, across year
boundaries too, and the fixed and held meetings.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from cadence.instance import GroupData, Instance
from cadence.solver.variables import Meeting, Variables, exactly_one, takes


def add(model: cp_model.CpModel, instance: Instance, v: Variables) -> None:
    for group in instance.groups:
        meetings = v.meetings[group.id]
        shortest, longest = v.when(("min_gap", group.id)), v.when(("max_gap", group.id))
        _spacing(model, group, meetings, shortest, longest)
        if group.preceding and meetings:
            # The first meeting of the period follows the last one before it (when explaining,
            # the first one held).
            last = group.preceding[-1]
            for first in meetings if v.switches is not None else meetings[:1]:
                when = first.when_present() + [
                    m.present.Not() for m in meetings[: meetings.index(first)]
                    if not isinstance(m.present, int)
                ]  # fmt: skip
                model.add(first.day - last >= group.min_gap).only_enforce_if(when + shortest)
                if group.max_gap is not None:
                    model.add(first.day - last <= group.max_gap).only_enforce_if(when + longest)
        rules = dict(group.decided)
        for day, slot in group.fixed:
            rule = v.when(rules.get((day, slot), ("fixed", group.id, day)))
            _decided(model, group, meetings, day, group.slots[slot].start, rule)


def _spacing(
    model: cp_model.CpModel,
    group: GroupData,
    meetings: list[Meeting],
    shortest: list[cp_model.IntVar],
    longest: list[cp_model.IntVar],
) -> None:
    """min_gap <= day[next] - day[this] <= max_gap for each meeting and the next one held,
    each under its rule's literals (none in the normal model)."""
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
            model.add(nxt.day - this.day >= group.min_gap).only_enforce_if(when + shortest)
            if group.max_gap is not None:
                model.add(nxt.day - this.day <= group.max_gap).only_enforce_if(when + longest)
            if nxt.mandatory:
                break


def _decided(
    model: cp_model.CpModel,
    group: GroupData,
    meetings: list[Meeting],
    day: int,
    minute: int,
    rule: list[cp_model.IntVar],
) -> None:
    """Exactly one of the group's meetings is the decided one (while its rule holds)."""
    candidates = [m for m in meetings if day in m.days]
    exactly_one(
        model, (takes(model, m, day, minute, f"decided[{m.name},{day}]") for m in candidates), rule
    )
