"""Agenda items and milestones: each due occurrence lands on one meeting of its group.

``carrier[key][i]`` says the group's i-th meeting carries the due item. An item due at the first
meeting must be on the first meeting of its occurrence; an item due ``before`` another must be
on a meeting ``min``..``max`` days before the meeting that carries the other.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from cadence.instance import Instance
from cadence.solver.variables import Variables, exactly_one


def add(model: cp_model.CpModel, instance: Instance, v: Variables) -> None:
    for due in instance.dues:
        meetings = v.meetings[due.group]
        allowed = set(due.days)
        carriers = {}
        for i, meeting in enumerate(meetings):
            days = [d for d in meeting.days if d in allowed]
            if not days:
                continue
            carrier = model.new_bool_var(f"carrier[{due.key},{meeting.name}]")
            for literal in meeting.when_present():
                model.add_implication(carrier, literal)
            if len(days) < len(meeting.days):
                model.add_linear_expression_in_domain(
                    meeting.day, cp_model.Domain.from_values(days)
                ).only_enforce_if(carrier)
            first, _ = due.occurrence
            if due.first_meeting:
                model.add(meeting.day >= first).only_enforce_if(carrier)
                if i > 0 and meetings[i - 1].slice_index == meeting.slice_index:
                    model.add(meetings[i - 1].day < first).only_enforce_if(carrier)
            carriers[i] = carrier
        target_group = instance_group(instance, due.before[0]) if due.before else ""
        rule = v.when(("due", due.item, due.group, due.key, target_group))
        exactly_one(model, carriers.values(), rule)
        v.carrier[due.key] = carriers
        if due.before is not None:
            target_key, low, high = due.before
            targets = v.carrier[target_key]
            target_meetings = v.meetings[instance_group(instance, target_key)]
            for t, target in targets.items():
                for i, carrier in carriers.items():
                    lead = target_meetings[t].day - meetings[i].day
                    model.add(lead >= low).only_enforce_if([target, carrier])
                    model.add(lead <= high).only_enforce_if([target, carrier])


def instance_group(instance: Instance, due_key: str) -> str:
    return next(d.group for d in instance.dues if d.key == due_key)
