"""What the workbench shows, shaped from the library's own objects: no rule is decided here.

The plan as JSON (``GET /api/plan``) and the grid's rows and months come from the published
plan (:func:`cadence.explain.published`), the chain order from the årshjul's levels
(:func:`cadence.export.wheel.levels`), the marks (off its weekday, restart day, deputy chair)
from the plan, the calendar and the chair terms, each as the feeds say them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from cadence import sv
from cadence.bends import path as bend_path
from cadence.bends import words
from cadence.clash import Where
from cadence.export import ics, wheel
from cadence.instance import attendees
from cadence.plan import Meeting
from cadence.scenario import Scenario
from cadence.session import Current, Proposal

KIND_NAMES = {
    "arbetsgrupp": "Arbetsgrupper",
    "beredningsgrupp": "Beredningsgrupper",
    "styrgrupp": "Styrgrupp",
    "nämnd": "Nämnd",
    "natverk": "Nätverk",
    "nätverk": "Nätverk",
}


def group_order(scenario: Scenario) -> list[tuple[str, list[str]]]:
    """(kind, group ids) down the chain, as a sammanträdesplan lists bodies: the kinds on the
    longest chain of preparation first, from those who prepare (arbetsgrupper) to the body that
    decides (NSV), then the kinds beside it (networks, a dialogue day), in the årshjul's order."""
    feeds = {g.id: [f.to for f in g.feeds] for g in scenario.groups}
    prepared_by: dict[str, list[str]] = {g: [] for g in feeds}
    for source, targets in feeds.items():
        for target in targets:
            prepared_by[target].append(source)
    memo: dict[tuple[str, bool], int] = {}

    def length(group: str, down: bool) -> int:
        """Links on the longest chain from ``group`` to a deciding body (or from a source)."""
        key = (group, down)
        if key not in memo:
            memo[key] = 0  # the loader refuses cycles; this only guards the recursion
            nxt = feeds[group] if down else prepared_by[group]
            memo[key] = max((1 + length(n, down) for n in nxt), default=0)
        return memo[key]

    longest = max((length(g, True) + length(g, False) for g in feeds), default=0)
    height: dict[str, int] = {}
    for g in feeds:
        if longest and length(g, True) + length(g, False) == longest:
            kind = scenario.group(g).kind
            height[kind] = max(height.get(kind, 0), length(g, True))
    levels = wheel.levels(scenario)
    main = sorted((lv for lv in levels if lv.kind in height), key=lambda lv: -height[lv.kind])
    rest = [lv for lv in levels if lv.kind not in height]
    return [(level.kind, list(level.groups)) for level in (*main, *rest)]


def months(scenario: Scenario) -> list[date]:
    """The first day of every month of the period."""
    first = scenario.period.start.replace(day=1)
    out = []
    while first <= scenario.period.end:
        out.append(first)
        first = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return out


def bends(current: Current) -> list[dict[str, str]]:
    """The rules the coordinator chose to bend (recorded in plan.json), in her words with
    their lines (:func:`cadence.bends.words`)."""
    scenario = current.loaded.scenario
    where = Where(current.loaded.locations, current.loaded.source.name)
    out = []
    for bend in current.state.bends:
        line = where.of(bend_path(scenario, bend))
        out.append(
            {
                "rule": bend.rule,
                "group": bend.group,
                "meeting": bend.meeting,
                "day": bend.day.isoformat() if bend.day else "",
                "line": line,
                "words": words(bend, line),
            }
        )
    return out


def _bends_of(meeting: Meeting, bent: list[dict[str, str]]) -> list[str]:
    """A decided or firm date moved by a bend marks that meeting; other bends (a lead, a gap)
    bind the group's meetings as a whole and are marked on its row."""
    day = meeting.start.date().isoformat()
    return [
        b["words"]
        for b in bent
        if b["group"] == meeting.group
        and b["rule"] in ("fixed", "firm")
        and (b["meeting"] == meeting.id or b["day"] == day)
    ]


def meeting_json(
    current: Current, meeting: Meeting, bent: list[dict[str, str]] | None = None
) -> dict[str, Any]:
    scenario = current.loaded.scenario
    group = scenario.group(meeting.group)
    day = meeting.start.date()
    term = group.term_on(day)
    deputy = bool(term and meeting.chair and term.deputy == meeting.chair)
    record = current.state.record(meeting.id)
    held = current.cutoff is not None and day < current.cutoff
    restart = current.instance.calendar.restart.get(day)
    by_id = {m.id: m for m in current.plan.meetings}
    return {
        "id": meeting.id,
        "group": meeting.group,
        "group_name": group.name,
        "kind": group.kind,
        "start": meeting.start.isoformat(),
        "end": meeting.end.isoformat(),
        "date": day.isoformat(),
        "time": meeting.start.strftime("%H:%M"),
        "end_time": meeting.end.strftime("%H:%M"),
        "weekday": sv.weekday(day),
        "week": sv.iso_week(day),
        "notice": meeting.notice.isoformat() if meeting.notice else None,
        "chair": scenario.person(meeting.chair).name if meeting.chair else None,
        "chair_id": meeting.chair,
        "deputy": deputy,
        "regular_chair": scenario.person(term.person).name if deputy and term else None,
        "agenda": list(meeting.agenda),
        "prepares": list(meeting.prepares),
        "prepares_text": [
            wheel.when_text(scenario, by_id[i]) for i in meeting.prepares if i in by_id
        ],
        "prepared_by": list(meeting.prepared_by),
        "people": list(attendees(group, day, meeting.chair)),
        "location": meeting.location,
        "note": meeting.note,
        "restart": restart,
        "bends": _bends_of(meeting, bent or []),
        "status": "held" if held else (record.status if record else "planned"),
        "sequence": record.sequence if record else 0,
        "firm": bool(group.firm or group.kind in scenario.firm_kinds),
    }


def plan_json(current: Current) -> dict[str, Any]:
    """``GET /api/plan``: the version and every meeting, in date order."""
    scenario = current.loaded.scenario
    meetings = sorted(current.plan.meetings, key=lambda m: (m.start, m.id))
    bent = bends(current)
    return {
        "version": current.version.id,
        "scenario": scenario.name,
        "as_of": current.cutoff.isoformat() if current.cutoff else None,
        "period": {
            "start": scenario.period.start.isoformat(),
            "end": scenario.period.end.isoformat(),
        },
        "groups": [
            {"id": g, "name": scenario.group(g).name, "kind": kind}
            for kind, ids in group_order(scenario)
            for g in ids
        ],
        "people": [{"id": p.id, "name": p.name} for p in scenario.people],
        "bends": bent,
        "meetings": [meeting_json(current, m, bent) for m in meetings],
    }


def feeds(current: Current) -> list[dict[str, Any]]:
    """Every feed with its addresses (None without a published base URL)."""
    scenario = current.loaded.scenario
    base = scenario.publish.base
    return [
        {
            "path": f.path,
            "name": f.name,
            "kind": f.kind,
            "description": f.description,
            "url": f.url(base),
            "webcal": f.webcal(base),
        }
        for f in ics.feeds_of(scenario, current.plan)
    ]


def proposal_json(proposal: Proposal) -> dict[str, Any]:
    """``POST /api/changes``: the options (:func:`cadence.answers.to_json`'s form) with the
    version they were computed against and the change in words. ``status`` is ``choose``
    whenever there are options (the app never applies without being asked), ``refused``
    otherwise; ``answer`` is what ``cadence move`` would do (``applied``: at once)."""
    data = dict(proposal.data)
    answer = data.get("status")
    data["answer"] = answer
    data["status"] = "refused" if answer == "refused" else "choose"
    data["version"] = proposal.version
    data["label"] = proposal.label
    return data
