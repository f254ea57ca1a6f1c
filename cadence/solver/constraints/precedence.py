"""The chain: each meeting of a prepared group has a preparing meeting within the lead window.

``prepares[(link, j)][k]`` chooses which meeting k of the preparing group prepares meeting j of
the prepared group. Only pairs whose day domains allow the lead window get a variable; with
ordered meetings and tight domains that is two or three per meeting.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from cadence.instance import Instance, Link
from cadence.solver.variables import Meeting, Variables


def candidates(link: Link, downstream: Meeting, sources: list[Meeting]) -> list[Meeting]:
    """Meetings of the preparing group that could lie in the window before ``downstream``."""
    low, high = downstream.days[0] - link.high, downstream.days[-1] - link.low
    return [s for s in sources if s.days[0] <= high and s.days[-1] >= low]


def add(model: cp_model.CpModel, instance: Instance, v: Variables) -> None:
    for li, link in enumerate(instance.links):
        sources = v.meetings[link.source]
        for j, downstream in enumerate(v.meetings[link.to]):
            options = {}
            for source in candidates(link, downstream, sources):
                chosen = model.new_bool_var(f"prepares[{source.name}>{downstream.name}]")
                for literal in source.when_present():
                    model.add_implication(chosen, literal)
                lead = downstream.day - source.day
                model.add(lead >= link.low).only_enforce_if(chosen)
                model.add(lead <= link.high).only_enforce_if(chosen)
                options[sources.index(source)] = chosen
            v.prepares[(li, j)] = options
            # A held meeting has exactly one preparing meeting (several would be the same plan
            # counted twice); an absent one has none.
            chosen_any = sum(options.values(), cp_model.LinearExpr.constant(0))
            if isinstance(downstream.present, int):
                model.add(chosen_any == 1)
            else:
                model.add(chosen_any == downstream.present)
        _monotone(model, v, li)


def _monotone(model: cp_model.CpModel, v: Variables, li: int) -> None:
    """A later meeting is never prepared by an earlier meeting than the one before it.

    Valid: the latest preparing meeting inside the window moves forward with the prepared
    meeting, so some optimal plan always has this order; it removes crossing choices.
    """
    j = 0
    while (li, j + 1) in v.prepares:
        this, nxt = v.prepares[(li, j)], v.prepares[(li, j + 1)]
        if this and nxt:
            model.add(
                sum(k * c for k, c in this.items()) <= sum(k * c for k, c in nxt.items())
            ).only_enforce_if(_both_present(v, li, j))
        j += 1


def _both_present(v: Variables, li: int, j: int) -> list[cp_model.IntVar]:
    link_to = v.link_targets[li]
    meetings = v.meetings[link_to]
    return [*meetings[j].when_present(), *meetings[j + 1].when_present()]
