"""Stability: how much of the published plan a re-plan changes.

Each published meeting that has not taken place yet stays put when a meeting of its group takes
its day and start time in the new plan, and has moved otherwise. A meeting with agenda items (or
one the coordinator moved) also passes its identity (id, UID) to at most one meeting of the new
plan, its *successor* (the one that stays, when one does); its items stay when the successor
carries them. Items on
held meetings never change: each stays on its meeting, and no other item lands there.

Identities keep their order: a published meeting with a ``position`` (its place among its
group's meetings of the year, held ones first, a cancelled one dropped, an added one at its date)
can stay only as the meeting at that place, and its successor is that meeting. So no meeting
jumps past a sibling: a March meeting that "moves" to August would make every meeting between
them move too, and is counted so. ``anchors`` put the coordinator's moved and added meetings at
their places.

The re-plan minimises, in this order (weights make the one objective lexicographic): firm
meetings moved, meetings moved weighted by the people each move affects, items moved; then,
in a second solve with those fixed, the total shift in days (:meth:`Stability.shift_total`):
a 7-day move beats a 5-month one. A plan that moves a firm meeting is offered only as asking
the committee (see :mod:`cadence.options`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from cadence.instance import Instance
from cadence.solver.variables import Meeting, Variables, takes


@dataclass(frozen=True)
class Published:
    """A meeting of the published plan that has not taken place yet: (group, day, minute)."""

    group: str
    day: int
    minute: int
    weight: int = 1
    """What moving it costs: the people a move affects (at least 1)."""
    firm: bool = False
    """Its group's dates are decided (a nämnd's sammanträdesplan): it must not move."""
    items: tuple[str, ...] = ()
    """Keys of the due agenda items it carries (:attr:`cadence.instance.Due.key`)."""
    to: tuple[int, int] | None = None
    """(day, minute) the coordinator moved it to: its successor is the meeting there."""
    position: tuple[int, int] | None = None
    """(count slice, index in it) of the meeting that keeps its identity when the order is
    kept; None where the order cannot be told (the counts changed): then any meeting of its
    group may keep it."""


@dataclass(frozen=True)
class Anchor:
    """A meeting the coordinator moved or added: the meeting at ``position`` (count slice,
    index) of its group takes ``day`` at ``minute``, so identities keep their order."""

    group: str
    position: tuple[int, int]
    day: int
    minute: int


@dataclass(frozen=True)
class HeldItems:
    """The agendas of held meetings, which never change."""

    before: int
    """Day index of the cutoff: meetings before it are held."""
    on: dict[str, int] = field(default_factory=dict)
    """Due key → the held day whose meeting carries it."""


@dataclass
class Stability:
    """The model's terms: one literal (or constant) per published meeting and per item."""

    moved: list[tuple[int, Published, cp_model.IntVar | int]]
    """(index in ``published``, the meeting, 1 when it moved)."""
    items_moved: list[tuple[str, cp_model.IntVar | int]]
    successor: dict[int, dict[int, cp_model.IntVar]]
    """Published index → meeting position in its group → the literal "is its successor"."""
    shift: list[tuple[int, cp_model.IntVar]] = field(default_factory=list)
    """(index in ``published``, days between its old day and its place's new day) for each
    meeting whose place is known and that the coordinator did not move."""

    def shift_total(self) -> cp_model.LinearExprT:
        """The total shift in days: the stage after the moves and items."""
        return sum((term for _, term in self.shift), 0)

    def objective(self) -> tuple[cp_model.LinearExprT, int, int]:
        """The lexicographic stage-1 objective: firm moves ≫ weighted moves ≫ item moves.
        Also the two scales, to read the parts back from the objective's value."""
        items = sum((term for _, term in self.items_moved), 0)
        item_scale = len(self.items_moved) + 1
        weighted = sum((p.weight * term for _, p, term in self.moved if not p.firm), 0)
        firm_scale = item_scale * (sum(p.weight for _, p, _ in self.moved if not p.firm) + 1)
        firm = sum((term for _, p, term in self.moved if p.firm), 0)
        return firm_scale * firm + item_scale * weighted + items, item_scale, firm_scale


def add(
    model: cp_model.CpModel,
    instance: Instance,
    v: Variables,
    published: Sequence[Published],
    held_items: HeldItems | None,
    hinted: dict[tuple[str, int], int] | None = None,
    anchors: Sequence[Anchor] = (),
    max_shift: int | None = None,
) -> Stability:
    """Successors, moved meetings and moved items of ``published``; the held agendas fixed.
    ``hinted`` ((group, position) → day suggested) makes the old plan the first solution tried:
    each meeting suggested on its old day stays there and keeps its items. ``max_shift``: no
    meeting nobody asked to move shifts more days than this (its place may still drop out)."""
    hinted = hinted or {}
    stability = Stability([], [], {})
    item_home: dict[str, int] = {}
    due_days = {due.key: set(due.days) for due in instance.dues}
    for anchor in anchors:
        placed = _at(v.meetings[anchor.group], anchor.position)
        if placed is None:
            model.add_bool_or([])  # no such place: the order cannot be kept
            continue
        model.add(placed.day == anchor.day)
        if isinstance(placed.minute, int):
            if placed.minute != anchor.minute:
                model.add_bool_or([])
        else:
            model.add(placed.minute == anchor.minute)
        for literal in placed.when_present():
            model.add(literal == 1)
    for group in instance.groups:
        mine = [(i, p) for i, p in enumerate(published) if p.group == group.id]
        meetings = v.meetings[group.id]
        # Who may take each meeting: a successor link, or an item-less meeting staying there.
        taken: dict[int, list[cp_model.IntVar]] = {k: [] for k in range(len(meetings))}
        for i, old in mine:
            # Only a meeting with items, or one the coordinator moved, needs to know its
            # successor; for the others staying put is all that counts (fewer variables, and
            # the identities of moved ones follow date order afterwards).
            reach = set().union(*(due_days.get(key, ()) for key in old.items))
            links: dict[int, cp_model.IntVar] = {}
            stays = []
            for k, meeting in enumerate(meetings):
                if old.to is not None and old.to[0] not in meeting.days:
                    continue
                if old.position is not None and old.position != (meeting.slice_index, meeting.k):
                    continue  # identities keep their order: only its own place
                if old.to is not None or reach.intersection(meeting.days):
                    link = model.new_bool_var(f"successor[{old.group},{old.day},{k}]")
                    for literal in meeting.when_present():
                        model.add_implication(link, literal)
                    links[k] = link
                    taken[k].append(link)
                if old.to is not None:
                    model.add(meeting.day == old.to[0]).only_enforce_if(links[k])
                    model.add(meeting.minute == old.to[1]).only_enforce_if(links[k])
                elif old.day in meeting.days and _can_start(instance, old, meeting):
                    here = takes(model, meeting, old.day, old.minute, f"stays[{old.group},{k}]")
                    if hinted.get((group.id, k)) == old.day:
                        model.add_hint(here, 1)
                        if not isinstance(meeting.minute, int):
                            model.add_hint(meeting.minute, old.minute)
                        if k in links:
                            model.add_hint(links[k], 1)
                    if k in links:
                        model.add_implication(here, links[k])
                    else:
                        taken[k].append(here)
                    stays.append(here)
            if old.to is not None:
                model.add_exactly_one(links.values())
            elif links:
                model.add_at_most_one(links.values())
            if stays:
                model.add_at_most_one(stays)
            stability.successor[i] = links
            for key in old.items:
                item_home[key] = i
            place = _at(meetings, old.position) if old.position is not None else None
            if place is not None and old.to is None:
                top = instance.horizon if max_shift is None else max_shift
                shift = model.new_int_var(0, top, f"shift[{old.group},{old.day}]")
                model.add(shift >= place.day - old.day).only_enforce_if(place.when_present())
                model.add(shift >= old.day - place.day).only_enforce_if(place.when_present())
                stability.shift.append((i, shift))
            if not stays:
                # Moved by the coordinator: a move until the state has its new day.
                at_pin = old.to is not None and old.to == (old.day, old.minute)
                stability.moved.append((i, old, 0 if at_pin else 1))
                continue
            moved = model.new_bool_var(f"moved[{old.group},{old.day}]")
            model.add(moved + sum(stays) == 1)
            if any(hinted.get((group.id, k)) == old.day for k in range(len(meetings))):
                model.add_hint(moved, 0)
            stability.moved.append((i, old, moved))
        for literals in taken.values():
            if len(literals) > 1:
                model.add_at_most_one(literals)
    for due in instance.dues:
        carriers = v.carrier.get(due.key, {})
        meetings = v.meetings[due.group]
        home = item_home.get(due.key)
        was_on = published[home].day if home is not None else None
        if held_items is not None and due.key in held_items.on:
            was_on = held_items.on[due.key]
        for k, carrier in carriers.items():
            if was_on is not None and hinted.get((due.group, k)) == was_on:
                model.add_hint(carrier, 1)
        if held_items is not None:
            held_day = held_items.on.get(due.key)
            for k, carrier in carriers.items():
                if held_day is not None:
                    model.add(meetings[k].day == held_day).only_enforce_if(carrier)
                else:
                    model.add(meetings[k].day >= held_items.before).only_enforce_if(carrier)
        if home is None or published[home].group != due.group:
            continue
        kept = []
        for k, carrier in carriers.items():
            successor = stability.successor[home].get(k)
            if successor is None:
                continue
            keep = model.new_bool_var(f"keeps[{due.key},{k}]")
            model.add_implication(keep, carrier)
            model.add_implication(keep, successor)
            kept.append(keep)
            if hinted.get((due.group, k)) == was_on:
                model.add_hint(keep, 1)
        if not kept:
            stability.items_moved.append((due.key, 1))
            continue
        moved_item = model.new_bool_var(f"item_moved[{due.key}]")
        model.add(moved_item + sum(kept) == 1)
        stability.items_moved.append((due.key, moved_item))
    return stability


def _at(meetings: Sequence[Meeting], position: tuple[int, int]) -> Meeting | None:
    """The meeting at (count slice, index), if the model has one there."""
    return next((m for m in meetings if (m.slice_index, m.k) == position), None)


def _can_start(instance: Instance, old: Published, meeting: Meeting) -> bool:
    group = instance.group(old.group)
    slots = dict(group.options).get(old.day, ())
    return any(group.slots[j].start == old.minute for j in slots)
