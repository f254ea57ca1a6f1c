"""Stability: how much of the published plan a re-plan changes.

Each published meeting that has not taken place yet may pass its identity (id, UID) to at most
one meeting of its group in the new plan, its *successor*. It stays put when its successor takes
its day and start time, and has moved otherwise (no successor: it is cancelled, which counts as
a move too). A published agenda item stays when its meeting's successor carries it. Items on
held meetings never change: each stays on its meeting, and no other item lands there.

The re-plan minimises, in this order (weights make the one objective lexicographic): firm
meetings moved, meetings moved weighted by the people each move affects, items moved. The CLI
refuses any plan that moves a firm meeting.
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
) -> Stability:
    """Successors, moved meetings and moved items of ``published``; the held agendas fixed."""
    stability = Stability([], [], {})
    item_home: dict[str, int] = {}
    for group in instance.groups:
        mine = [(i, p) for i, p in enumerate(published) if p.group == group.id]
        meetings = v.meetings[group.id]
        if not mine:
            continue
        same: dict[tuple[int, int], cp_model.IntVar] = {}
        for i, old in mine:
            stays = []
            for k, meeting in enumerate(meetings):
                if old.to is not None and old.to[0] not in meeting.days:
                    continue
                link = model.new_bool_var(f"successor[{old.group},{old.day},{k}]")
                for literal in meeting.when_present():
                    model.add_implication(link, literal)
                same[(i, k)] = link
                if old.to is not None:
                    model.add(meeting.day == old.to[0]).only_enforce_if(link)
                    model.add(meeting.minute == old.to[1]).only_enforce_if(link)
                elif old.day in meeting.days and _can_start(instance, old, meeting):
                    here = takes(model, meeting, old.day, old.minute, f"stays[{old.group},{k}]")
                    model.add_implication(here, link)
                    stays.append(here)
            links = [same[(i, k)] for k in range(len(meetings)) if (i, k) in same]
            if old.to is not None:
                model.add_exactly_one(links)
            else:
                model.add_at_most_one(links)
            stability.successor[i] = {k: s for (j, k), s in same.items() if j == i}
            for key in old.items:
                item_home[key] = i
            if not stays:
                # Moved by the coordinator: a move until the state has its new day.
                at_pin = old.to is not None and old.to == (old.day, old.minute)
                stability.moved.append((i, old, 0 if at_pin else 1))
                continue
            moved = model.new_bool_var(f"moved[{old.group},{old.day}]")
            model.add(moved + sum(stays) == 1)
            stability.moved.append((i, old, moved))
        for k in range(len(meetings)):
            model.add_at_most_one(same[(i, k)] for i, _ in mine if (i, k) in same)
        # Every published meeting that can have a successor gets one: a move, not a cancelled
        # meeting and a new one in its place.
        present = sum((1 if isinstance(m.present, int) else m.present for m in meetings), 0)
        matched = model.new_int_var(0, len(mine), f"matched[{group.id}]")
        model.add_min_equality(matched, [len(mine), present])
        model.add(sum(same.values()) == matched)
    for due in instance.dues:
        carriers = v.carrier.get(due.key, {})
        meetings = v.meetings[due.group]
        if held_items is not None:
            held_day = held_items.on.get(due.key)
            for k, carrier in carriers.items():
                if held_day is not None:
                    model.add(meetings[k].day == held_day).only_enforce_if(carrier)
                else:
                    model.add(meetings[k].day >= held_items.before).only_enforce_if(carrier)
        home = item_home.get(due.key)
        if home is None or published[home].group != due.group:
            continue
        kept = []
        for k, carrier in carriers.items():
            link = stability.successor[home].get(k)
            if link is None:
                continue
            keep = model.new_bool_var(f"keeps[{due.key},{k}]")
            model.add_implication(keep, carrier)
            model.add_implication(keep, link)
            kept.append(keep)
        if not kept:
            stability.items_moved.append((due.key, 1))
            continue
        moved_item = model.new_bool_var(f"item_moved[{due.key}]")
        model.add(moved_item + sum(kept) == 1)
        stability.items_moved.append((due.key, moved_item))
    return stability


def _can_start(instance: Instance, old: Published, meeting: Meeting) -> bool:
    group = instance.group(old.group)
    slots = dict(group.options).get(old.day, ())
    return any(group.slots[j].start == old.minute for j in slots)
