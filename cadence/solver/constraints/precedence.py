"""The chain: each meeting of a prepared group has a preparing meeting within the lead window,
early enough to be written up before the prepared meeting's notice (kallelse).

``prepares[(link, j)][k]`` chooses which meeting k of the preparing group prepares meeting j of
the prepared group; a negative k is one of the preparing group's meetings before the period
(``preceding[k]``). Only pairs whose day domains allow the lead window get a variable; with
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
        preceding = instance.group(link.source).preceding
        # Every choice below is free; the rule is that a held meeting has one.
        rule = v.when(("link", link.source, link.to))
        for j, downstream in enumerate(v.meetings[link.to]):
            needs = _notice_leads(model, link, downstream)
            options = {}
            for source in candidates(link, downstream, sources):
                chosen = model.new_bool_var(f"prepares[{source.name}>{downstream.name}]")
                for literal in source.when_present():
                    model.add_implication(chosen, literal)
                lead = downstream.day - source.day
                model.add(lead <= link.high).only_enforce_if(chosen)
                for at_least, need in needs:
                    when = [chosen] if at_least is None else [chosen, at_least]
                    model.add(lead >= need).only_enforce_if(when)
                options[sources.index(source)] = chosen
            for k in range(-len(preceding), 0):
                # A meeting before the period: the prepared meeting's days it can prepare.
                days = [
                    d
                    for d in downstream.days
                    if d - link.high <= preceding[k] <= link.last_source_day(d)
                ]
                if not days:
                    continue
                chosen = model.new_bool_var(f"prepares[{link.source}{k}>{downstream.name}]")
                model.add_linear_expression_in_domain(
                    downstream.day, cp_model.Domain.from_values(days)
                ).only_enforce_if(chosen)
                options[k] = chosen
            v.prepares[(li, j)] = options
            # A held meeting has exactly one preparing meeting (several would be the same plan
            # counted twice); an absent one has none.
            chosen_any = sum(options.values(), cp_model.LinearExpr.constant(0))
            if isinstance(downstream.present, int):
                model.add(chosen_any == 1).only_enforce_if(rule)
            else:
                model.add(chosen_any == downstream.present).only_enforce_if(rule)
        _monotone(model, v, li, rule)


def _notice_leads(
    model: cp_model.CpModel, link: Link, downstream: Meeting
) -> list[tuple[cp_model.IntVar | None, int]]:
    """The leads that the notice and its write-up days demand, beyond the window's minimum.

    The lead a prepared meeting needs on day d is d minus the latest day its preparing meeting
    may be on: 10 or 12 days in Sörmland depending on the weekday, more before a holiday or a
    break. For each distinct lead above the smallest, a literal that is true whenever the
    meeting is on a day that needs at least that lead (the smallest needs none). A few literals
    per meeting keep the day variable free of a value-by-value encoding, which a table would
    force (and which made the first plan ten times slower)."""
    needs = {d: d - link.last_source_day(d) for d in downstream.days}
    leads = sorted(set(needs.values()))
    result: list[tuple[cp_model.IntVar | None, int]] = [(None, leads[0])]
    previous = None
    for lead in leads[1:]:
        at_least = model.new_bool_var(f"notice[{link.source}>{downstream.name},{lead}]")
        fewer = [d for d in downstream.days if needs[d] < lead]
        model.add_linear_expression_in_domain(
            downstream.day, cp_model.Domain.from_values(fewer)
        ).only_enforce_if(at_least.Not())
        if previous is not None:
            model.add_implication(at_least, previous)  # nested: for the LP
        previous = at_least
        result.append((at_least, lead))
    return result


def _monotone(model: cp_model.CpModel, v: Variables, li: int, rule: list[cp_model.IntVar]) -> None:
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
            ).only_enforce_if(_both_present(v, li, j) + rule)
        j += 1


def _both_present(v: Variables, li: int, j: int) -> list[cp_model.IntVar]:
    link_to = v.link_targets[li]
    meetings = v.meetings[link_to]
    return [*meetings[j].when_present(), *meetings[j + 1].when_present()]
