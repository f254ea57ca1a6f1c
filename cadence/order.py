"""Identities keep their order in a re-plan: the k-th published meeting of a group stays the k-th.

Per group and count slice (a year), the meetings as published: the held ones, those still to
come, the coordinator's moved ones at their new day and added ones at theirs, a cancelled one
left out, in date order. The re-plan keeps each at its place (see
:mod:`cadence.solver.stability`), so no meeting jumps past a sibling and the change report
never shows a March meeting in August. Where the published meetings cannot fill their places
(a scenario edit changed the count, a decided date is not among them), the slice keeps the
older rule: any meeting of the group may keep an identity.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from cadence.instance import CountSlice, Instance
from cadence.solver.stability import Anchor
from cadence.state import Change, State

Key = tuple[str, date, int]
"""(group, day, start minute) of a placed meeting."""


@dataclass(frozen=True)
class Places:
    """Where each published meeting's identity goes."""

    position: dict[str, tuple[int, int]] = field(default_factory=dict)
    """Meeting id → (count slice, index) of its place."""
    anchors: tuple[Anchor, ...] = ()
    """The coordinator's moved and added meetings at their places."""
    sequence: dict[tuple[str, int], tuple[str, ...]] = field(default_factory=dict)
    """(group, count slice) → the ids at its places, in order."""


def _minute(moment: datetime) -> int:
    return moment.hour * 60 + moment.minute


def places(
    inst: Instance, state: State, changes: tuple[Change, ...], cutoff: date | None
) -> Places:
    """The places of ``state``'s meetings after ``changes``, as of ``cutoff``."""
    dropped = {c.meeting for c in changes if c.action == "cancel"}
    moved = {c.meeting: c for c in changes if c.action == "move" and c.day and c.start}
    recorded = {r.id for r in state.records}
    entries: dict[str, list[tuple[date, int, str, bool]]] = {}
    for record in state.records:
        if record.status == "cancelled" or record.id in dropped:
            continue
        day, minute, pinned = record.start.date(), _minute(record.start), False
        change = moved.get(record.id)
        if (
            change is not None
            and change.day
            and change.start
            and (cutoff is None or record.start.date() >= cutoff)
        ):
            day, minute, pinned = change.day, change.start.hour * 60 + change.start.minute, True
        entries.setdefault(record.group, []).append((day, minute, record.id, pinned))
    for change in changes:
        if change.action == "add" and change.meeting not in recorded and change.day:
            assert change.start is not None
            minute = change.start.hour * 60 + change.start.minute
            entries.setdefault(change.group, []).append((change.day, minute, change.meeting, True))
    position: dict[str, tuple[int, int]] = {}
    anchors: list[Anchor] = []
    sequence: dict[tuple[str, int], tuple[str, ...]] = {}
    start = inst.scenario.period.start
    for group in inst.groups:
        decided = {(day, group.slots[slot].start) for day, slot in group.fixed}
        for si, piece in enumerate(group.counts):
            mine = sorted(
                (e for e in entries.get(group.id, ()) if piece.first <= (e[0] - start).days
                 <= piece.last),
                key=lambda e: (e[0], e[1], e[2]),
            )  # fmt: skip
            days = {((e[0] - start).days, e[1]) for e in mine}
            if not piece.low <= len(mine) <= piece.high or not decided_in(decided, piece, days):
                continue  # the order cannot be told: any meeting may keep an identity
            sequence[(group.id, si)] = tuple(e[2] for e in mine)
            for k, (day, minute, meeting_id, pinned) in enumerate(mine):
                position[meeting_id] = (si, k)
                if pinned and (cutoff is None or day >= cutoff):
                    anchors.append(Anchor(group.id, (si, k), (day - start).days, minute))
    return Places(position, tuple(anchors), sequence)


def decided_in(
    decided: Iterable[tuple[int, int]], piece: CountSlice, days: set[tuple[int, int]]
) -> bool:
    """Every decided meeting of the slice (a fixed date, a held one) is among its places."""
    return all(d in days for d in decided if piece.first <= d[0] <= piece.last)


def assign(places: Places, inst: Instance, placed: Iterable[Key]) -> dict[str, Key]:
    """Meeting id → the placed meeting that keeps its identity: per slice with places, the
    k-th id onto the k-th meeting in date order."""
    by_slice: dict[tuple[str, int], list[Key]] = {}
    for key in placed:
        group = inst.group(key[0])
        index = inst.index(key[1])
        si = next(i for i, p in enumerate(group.counts) if p.first <= index <= p.last)
        by_slice.setdefault((key[0], si), []).append(key)
    kept: dict[str, Key] = {}
    for slot, ids in places.sequence.items():
        for meeting_id, key in zip(ids, sorted(by_slice.get(slot, ())), strict=False):
            kept[meeting_id] = key
    return kept
