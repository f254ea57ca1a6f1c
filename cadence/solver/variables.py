"""The decision variables: the day and start time of each group's k-th meeting of each year.

A group's meetings are ordered (``day[k] < day[k+1]``), which removes every symmetry between them,
and each meeting's day domain is cut to the days it can possibly take: its group's options
(calendar, weekdays, start times that fit, every attendee available), no earlier than the k-th
meeting could be and no later than the k-th from the end could be, given the minimum gap.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from cadence.errors import InfeasibleError
from cadence.instance import CountSlice, GroupData, Instance
from cadence.rules import CALENDAR, RuleKey

MINUTES_PER_DAY = 24 * 60


@dataclass
class Meeting:
    """One meeting to place: group, year slice, index in that slice, and its variables."""

    group: GroupData
    slice_index: int
    k: int
    mandatory: bool
    days: tuple[int, ...]
    day: cp_model.IntVar
    minute: cp_model.IntVar | int
    start: cp_model.IntVar
    """Minutes from the period's first midnight: day * 1440 + minute."""
    present: cp_model.IntVar | int
    interval: cp_model.IntervalVar

    @property
    def name(self) -> str:
        return f"{self.group.id}[{self.slice_index}.{self.k}]"

    def when_present(self) -> list[cp_model.IntVar]:
        """Enforcement literals that hold exactly when this meeting takes place."""
        return [] if isinstance(self.present, int) else [self.present]


def takes(
    model: cp_model.CpModel, meeting: Meeting, day: int, minute: int, name: str
) -> cp_model.IntVar:
    """A literal that, when true, puts ``meeting`` on ``day`` at ``minute`` (and holds it)."""
    here = model.new_bool_var(name)
    model.add(meeting.day == day).only_enforce_if(here)
    model.add(meeting.minute == minute).only_enforce_if(here)
    for literal in meeting.when_present():
        model.add_implication(here, literal)
    return here


def exactly_one(
    model: cp_model.CpModel, literals: Iterable[cp_model.IntVar], rule: list[cp_model.IntVar]
) -> None:
    """Exactly one of ``literals``; with a rule's literals (explaining), only while it holds.
    (A generator is consumed by the constraint itself, as the normal model always was.)"""
    if not rule:
        model.add_exactly_one(literals)
        return
    chosen = list(literals)
    if chosen:
        model.add(sum(chosen) == 1).only_enforce_if(rule)
    else:
        model.add_bool_or([literal.Not() for literal in rule])


def _greedy(days: list[int], gap: int, n: int) -> list[int]:
    """The first ``n`` days that meetings ``gap`` days apart can take, greedily."""
    found: list[int] = []
    for day in days:
        if not found or abs(day - found[-1]) >= gap:
            found.append(day)
            if len(found) == n:
                break
    return found


class Switches:
    """For explaining why the rules cannot all hold: one literal per hard rule instance, under
    which the model enforces it. Keyed by :data:`cadence.rules.RuleKey`, in the order made."""

    def __init__(self, model: cp_model.CpModel):
        self.model = model
        self.literals: dict[RuleKey, cp_model.IntVar] = {}

    def __call__(self, key: RuleKey) -> list[cp_model.IntVar]:
        if key == CALENDAR:
            return []
        if key not in self.literals:
            self.literals[key] = self.model.new_bool_var(f"rule{key}")
        return [self.literals[key]]


class Variables:
    """``meetings[g]``: the group's meetings in order; each with day, start minute and interval.

    With ``switches`` (only when explaining an infeasible scenario) every meeting is optional,
    its day may be any day the calendar allows, and each rule (a count, a weekday rule,
    someone away) holds only under its own literal: :meth:`when` gives the literals that
    enforce a rule, none in the normal model."""

    def __init__(
        self, model: cp_model.CpModel, instance: Instance, switches: Switches | None = None
    ):
        self.model = model
        self.instance = instance
        self.switches = switches
        self.meetings: dict[str, list[Meeting]] = {}
        # Filled by the constraint families that own them (precedence, items).
        self.prepares: dict[tuple[int, int], dict[int, cp_model.IntVar]] = {}
        self.link_targets: list[str] = [link.to for link in instance.links]
        self.carrier: dict[str, dict[int, cp_model.IntVar]] = {}
        for group in instance.groups:
            self.meetings[group.id] = self._group(model, group)

    def when(self, key: RuleKey) -> list[cp_model.IntVar]:
        """The literals under which rule ``key`` holds: none in the normal model (always)."""
        return [] if self.switches is None else self.switches(key)

    def _group(self, model: cp_model.CpModel, group: GroupData) -> list[Meeting]:
        options = dict(group.options)
        meetings: list[Meeting] = []
        explaining = self.switches is not None
        for si, piece in enumerate(group.counts):
            days = [d for d in group.days if piece.first <= d <= piece.last]
            early = _greedy(days, group.min_gap, piece.high)
            late = _greedy(days[::-1], group.min_gap, piece.high)[::-1]
            count = min(piece.high, len(early))
            if explaining:
                count = piece.high if days else 0
            elif count < piece.low:
                raise InfeasibleError(
                    f"{group.id} needs {piece.low} meetings in {piece.year}, but with its "
                    f"attendees' unavailability and {group.min_gap} days between meetings only "
                    f"{count} fit"
                )
            late = late[len(late) - count :]
            previous_present: cp_model.IntVar | int = 1
            for k in range(count):
                # The k-th meeting is no earlier than the k-th greedy day from the start, and
                # for the required ones no later than the matching greedy day from the end.
                mandatory = k < piece.low and not explaining
                if explaining:
                    domain = tuple(days)
                else:
                    low = early[k]
                    high = late[count - piece.low + k] if mandatory else late[-1]
                    domain = tuple(d for d in days if low <= d <= high)
                if piece.months and explaining:
                    pass  # the month of each meeting is part of the count rule: see _explained
                elif piece.months:
                    # A count per month: the k-th meeting is in the (k // per_month)-th month.
                    first, last = piece.months[k // piece.per_month]
                    domain = tuple(d for d in domain if first <= d <= last)
                    if not domain:
                        raise InfeasibleError(
                            f"{group.id} must meet {piece.per_month} time(s) a month in "
                            f"{piece.year}, but month {k // piece.per_month + 1} with meetings "
                            f"has no day left for meeting {k + 1}"
                        )
                name = f"{group.id}[{si}.{k}]"
                day = model.new_int_var_from_domain(
                    cp_model.Domain.from_values(domain), f"day{name}"
                )
                starts = sorted({group.slots[j].start for d in domain for j in options[d]})
                minute: cp_model.IntVar | int
                if len(starts) == 1:
                    minute = starts[0]
                else:
                    minute = model.new_int_var_from_domain(
                        cp_model.Domain.from_values(starts), f"minute{name}"
                    )
                    pairs = [(d, group.slots[j].start) for d in domain for j in options[d]]
                    model.add_allowed_assignments([day, minute], pairs)
                present: cp_model.IntVar | int
                if mandatory:
                    present = 1
                else:
                    present = model.new_bool_var(f"present{name}")
                    if not isinstance(previous_present, int):
                        model.add_implication(present, previous_present)
                    previous_present = present
                start = model.new_int_var_from_domain(
                    cp_model.Domain.from_values(
                        sorted(
                            {
                                d * MINUTES_PER_DAY + group.slots[j].start
                                for d in domain
                                for j in options[d]
                            }
                        )
                    ),
                    f"start{name}",
                )
                model.add(start == day * MINUTES_PER_DAY + minute)
                size = group.slots[0].minutes
                if isinstance(present, int):
                    interval = model.new_fixed_size_interval_var(start, size, f"at{name}")
                else:
                    interval = model.new_optional_fixed_size_interval_var(
                        start, size, present, f"at{name}"
                    )
                meeting = Meeting(
                    group, si, k, mandatory, domain, day, minute, start, present, interval
                )
                meetings.append(meeting)
                if explaining:
                    self._cut(model, group, meeting)
            if explaining:
                self._count(model, group, piece, meetings[len(meetings) - count :])
        return meetings

    def _count(
        self, model: cp_model.CpModel, group: GroupData, piece: CountSlice, meetings: list[Meeting]
    ) -> None:
        """Explaining: the count rule of one year holds the first ``low`` meetings (and each in
        its month, with a count per month)."""
        if not piece.low:
            return
        rule = self.when(("count", group.id, piece.year, piece.low))
        if len(meetings) < piece.low:
            model.add_bool_or([literal.Not() for literal in rule])
            return
        for k, meeting in enumerate(meetings[: piece.low]):
            for literal in meeting.when_present():
                model.add_implication(rule[0], literal)
            if piece.months:
                first, last = piece.months[k // piece.per_month]
                month = [d for d in meeting.days if first <= d <= last]
                if not month:
                    model.add_bool_or([literal.Not() for literal in rule])
                    continue
                model.add_linear_expression_in_domain(
                    meeting.day, cp_model.Domain.from_values(month)
                ).only_enforce_if(rule)

    def _cut(self, model: cp_model.CpModel, group: GroupData, meeting: Meeting) -> None:
        """Explaining: each rule that takes days (or start times) from the group keeps the
        meeting off them while the rule and the meeting hold."""
        options = dict(group.options)
        domain = set(meeting.days)
        for key, pairs in group.cuts:
            taken: dict[int, set[int]] = {}
            for day, slot in pairs:
                if day in domain:
                    taken.setdefault(day, set()).add(slot)
            if not taken:
                continue
            when = [*self.when(key), *meeting.when_present()]
            whole = {day for day, slots in taken.items() if slots >= set(options[day])}
            if whole == domain:
                model.add_bool_or([literal.Not() for literal in when])
                continue
            if whole:
                model.add_linear_expression_in_domain(
                    meeting.day, cp_model.Domain.from_values(sorted(domain - whole))
                ).only_enforce_if(when)
            for day in sorted(set(taken) - whole):
                # Only some start times of the day: a literal for "on this day".
                assert not isinstance(meeting.minute, int)
                on_day = model.new_bool_var(f"on[{meeting.name},{day}]")
                model.add(meeting.day != day).only_enforce_if(on_day.Not())
                for slot in sorted(taken[day]):
                    model.add(meeting.minute != group.slots[slot].start).only_enforce_if(
                        [*when, on_day]
                    )
