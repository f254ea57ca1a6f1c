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
    v.prepares = {}
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
            # Held meetings need one preparing meeting; absent ones need none.
            if options:
                model.add_bool_or(list(options.values())).only_enforce_if(downstream.when_present())
            else:
                model.add_bool_or([]).only_enforce_if(downstream.when_present())
