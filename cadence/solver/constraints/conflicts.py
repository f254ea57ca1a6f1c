"""People: nobody at two meetings whose times overlap (one no-overlap per person).

Whether a chair attends depends on the day when the chair changes during the period; such a
meeting joins the chair's no-overlap only when its day falls in the chair's term.
"""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from cadence.instance import Instance
from cadence.solver.variables import Variables


def add(model: cp_model.CpModel, instance: Instance, v: Variables) -> None:
    by_person: dict[str, list[cp_model.IntervalVar]] = defaultdict(list)
    for group_id, meetings in v.meetings.items():
        for meeting in meetings:
            attending: dict[str, list[int]] = defaultdict(list)
            for day in meeting.days:
                for person in instance.attendees[(group_id, day)]:
                    attending[person].append(day)
            for person, days in attending.items():
                if len(days) == len(meeting.days):
                    by_person[person].append(meeting.interval)
                    continue
                # Chair for part of the domain only: an optional copy of the interval.
                there = model.new_bool_var(f"attends[{person},{meeting.name}]")
                model.add_linear_expression_in_domain(
                    meeting.day, cp_model.Domain.from_values(days)
                ).only_enforce_if(there)
                others = [d for d in meeting.days if d not in set(days)]
                model.add_linear_expression_in_domain(
                    meeting.day, cp_model.Domain.from_values(others)
                ).only_enforce_if([there.Not(), *meeting.when_present()])
                for literal in meeting.when_present():
                    model.add_implication(there, literal)
                copy = model.new_optional_fixed_size_interval_var(
                    meeting.start,
                    meeting.group.slots[0].minutes,
                    there,
                    f"at[{person},{meeting.name}]",
                )
                by_person[person].append(copy)
    seen: set[frozenset[int]] = set()
    for intervals in by_person.values():
        key = frozenset(i.index for i in intervals)
        if len(intervals) > 1 and key not in seen:  # many people share the same meetings
            seen.add(key)
            model.add_no_overlap(intervals)
