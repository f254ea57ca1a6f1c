"""People: nobody at two meetings whose times overlap (one no-overlap per person), and with
``person_day_hard`` nobody at two meetings on one day (one no-overlap of day-long intervals).

Whether a chair attends depends on the day when the chair changes during the period (a new
term, or the deputy when the chair is away); such a meeting joins the chair's no-overlaps only
when its day is one the chair attends.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from ortools.sat.python import cp_model

from cadence.instance import Instance
from cadence.solver.variables import Meeting, Variables

Attendance = tuple[Meeting, list[cp_model.IntVar]]
"""A meeting and the literals under which a person attends it (empty: always)."""


def add(model: cp_model.CpModel, instance: Instance, v: Variables) -> None:
    attends = _attendance(model, instance, v)
    if v.switches is not None:
        _switchable(model, instance, v, attends)
        return
    times: dict[str, list[cp_model.IntervalVar]] = {}
    for person, entries in attends.items():
        times[person] = [
            meeting.interval
            if not literals
            else model.new_optional_fixed_size_interval_var(
                meeting.start, meeting.group.slots[0].minutes, literals[0],
                f"at[{person},{meeting.name}]",
            )
            for meeting, literals in entries
        ]  # fmt: skip
    _no_overlaps(model, times.values())
    if instance.scenario.person_day_hard:
        days: dict[str, list[cp_model.IntervalVar]] = {}
        whole: dict[int, cp_model.IntervalVar] = {}
        for person, entries in attends.items():
            days[person] = []
            for meeting, literals in entries:
                if literals:
                    days[person].append(_day_interval(model, meeting, literals, person))
                    continue
                if meeting.day.index not in whole:
                    whole[meeting.day.index] = _day_interval(
                        model, meeting, meeting.when_present(), ""
                    )
                days[person].append(whole[meeting.day.index])
        _no_overlaps(model, days.values())


def _attendance(
    model: cp_model.CpModel, instance: Instance, v: Variables
) -> dict[str, list[Attendance]]:
    """Per person, the meetings they may attend; a literal where they attend only on some of
    the meeting's days (a chair for part of the domain)."""
    by_person: dict[str, list[Attendance]] = defaultdict(list)
    for group_id, meetings in v.meetings.items():
        for meeting in meetings:
            attending: dict[str, list[int]] = defaultdict(list)
            for day in meeting.days:
                for person in instance.attendees[(group_id, day)]:
                    attending[person].append(day)
            for person, days in attending.items():
                if len(days) == len(meeting.days):
                    by_person[person].append((meeting, []))
                    continue
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
                by_person[person].append((meeting, [there]))
    return by_person


def _switchable(
    model: cp_model.CpModel, instance: Instance, v: Variables, attends: dict[str, list[Attendance]]
) -> None:
    """Explaining: the same no-overlaps, each person's under the literal of their rule (and
    one day-long interval a meeting under the one of ``person_day_hard``): an interval of the
    person's is present exactly when the rule, the meeting and the person's attendance hold."""
    day_rule = v.when(("person_day",)) if instance.scenario.person_day_hard else None
    for person in sorted(attends):
        rule = v.when(("person", person))
        times, days = [], []
        for meeting, literals in attends[person]:
            size = meeting.group.slots[0].minutes
            name = f"[{person},{meeting.name}]"
            there = [*meeting.when_present(), *literals]
            times.append(model.new_optional_fixed_size_interval_var(
                meeting.start, size, _all(model, rule + there, f"at{name}"), f"at{name}"
            ))  # fmt: skip
            if day_rule is not None:
                days.append(model.new_optional_fixed_size_interval_var(
                    meeting.day, 1, _all(model, day_rule + there, f"day{name}"), f"day{name}"
                ))  # fmt: skip
        for intervals in (times, days):
            if len(intervals) > 1:
                model.add_no_overlap(intervals)


def _all(model: cp_model.CpModel, literals: list[cp_model.IntVar], name: str) -> cp_model.IntVar:
    """A literal that holds exactly when all of ``literals`` do."""
    both = model.new_bool_var(name)
    model.add_bool_and(literals).only_enforce_if(both)
    model.add_bool_or([both, *(literal.Not() for literal in literals)])
    return both


def _no_overlaps(model: cp_model.CpModel, groups: Iterable[list[cp_model.IntervalVar]]) -> None:
    seen: set[frozenset[int]] = set()
    for intervals in groups:
        key = frozenset(i.index for i in intervals)
        if len(intervals) > 1 and key not in seen:  # many people share the same meetings
            seen.add(key)
            model.add_no_overlap(intervals)


def _day_interval(
    model: cp_model.CpModel, meeting: Meeting, present: list[cp_model.IntVar], person: str
) -> cp_model.IntervalVar:
    """A day-long interval on the meeting's day, present under ``present``."""
    name = f"day[{person},{meeting.name}]"
    if not present:
        return model.new_fixed_size_interval_var(meeting.day, 1, name)
    return model.new_optional_fixed_size_interval_var(meeting.day, 1, present[0], name)
