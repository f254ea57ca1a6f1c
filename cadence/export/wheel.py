"""The årshjul: an annual wheel and a timeline of the plan, as SVG and one self-contained page.

The wheel runs clockwise from the top, one turn per year of the period (a period longer than a
year gets one wheel per year), with a ring per level of the structure: the level that prepares
outermost, the one that decides in the middle. Each meeting is a mark on its group's lane;
breaks and holidays are shaded; milestones (fixed dates and the items that lead to them) are
numbered and listed. The timeline has a row per group and a line for every link of the chain.

Everything is drawn from the plan and the scenario alone: same plan, same bytes.
"""

from __future__ import annotations

import html
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from cadence import sv
from cadence.calendar import WorkCalendar
from cadence.instance import chain_links, stages
from cadence.plan import Meeting, Plan
from cadence.scenario import Scenario

SIZE = 1000
CENTRE = SIZE / 2
OUTER = 400
INNER = 130
MONTH_ABBR = ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
PALETTE = ("#1f6f8b", "#c0562b", "#5b8c2a", "#8e44ad", "#b7950b", "#2e4053", "#a93226")
STYLE = """
svg { font-family: system-ui, sans-serif; }
.month-label { font-size: 15px; fill: #333; }
.ring-label { font-size: 12px; fill: #555; }
.row-label { font-size: 12px; fill: #222; }
.centre-title { font-size: 22px; font-weight: 600; fill: #222; }
.centre-sub { font-size: 14px; fill: #555; }
.blocked { fill: #d5d8dc; }
.avoid { fill: #fcf3cf; }
.grid { stroke: #bbb; stroke-width: 1; }
.ring { fill: none; stroke: #999; stroke-width: 1; }
.mark { stroke: #fff; stroke-width: 0.8; }
.fixed { stroke: #c0392b; stroke-width: 2.5; }
.milestone-no { font-size: 11px; font-weight: 700; fill: #c0392b; }
.chain { stroke: #888; stroke-width: 0.8; opacity: 0.55; fill: none; }
"""


@dataclass(frozen=True)
class Level:
    kind: str
    groups: tuple[str, ...]
    colour: str


@dataclass(frozen=True)
class Milestone:
    number: int
    meeting: Meeting
    text: str


def levels(scenario: Scenario) -> list[Level]:
    """The groups' kinds, ordered down the chain: those who prepare first."""
    stage = stages([g.id for g in scenario.groups], chain_links(scenario))
    kinds: dict[str, list[str]] = defaultdict(list)
    for group in scenario.groups:
        kinds[group.kind].append(group.id)
    order = sorted(
        kinds,
        key=lambda k: (sum(stage[g] for g in kinds[k]) / len(kinds[k]), list(kinds).index(k)),
    )
    return [Level(k, tuple(kinds[k]), PALETTE[i % len(PALETTE)]) for i, k in enumerate(order)]


def milestones(scenario: Scenario, plan: Plan) -> list[Milestone]:
    """Fixed meetings, and meetings carrying an item with a date of its own (a decision on a
    given day, a half-yearly follow-up) or leading up to one."""
    fixed = {(g.id, f.date) for g in scenario.groups for f in g.fixed}
    key_items = {
        item.id
        for item in scenario.items
        if item.before is not None
        or item.every in ("period", "half_year", "quarter")
        or isinstance(item.window_to, date)
    }
    result: list[Milestone] = []
    for meeting in sorted(plan.meetings, key=lambda m: (m.start, m.group)):
        day = meeting.start.date()
        titles = [scenario.item(i).title for i in meeting.items if i in key_items]
        if (meeting.group, day) in fixed:
            titles = list(dict.fromkeys([*(meeting.agenda or ["Fast datum"]), *titles]))
        if titles:
            text = f"{sv.day_month(day)} {day.year} – {meeting.group}: {'; '.join(titles)}"
            result.append(Milestone(len(result) + 1, meeting, text))
    return result


def years(scenario: Scenario) -> list[tuple[date, date]]:
    """The period cut into turns of the wheel: a year each (the last may be shorter)."""
    turns, first = [], scenario.period.start
    while first <= scenario.period.end:
        try:
            nxt = first.replace(year=first.year + 1)
        except ValueError:  # 29 February
            nxt = first.replace(year=first.year + 1, day=28)
        turns.append((first, min(scenario.period.end, nxt - timedelta(days=1))))
        first = nxt
    return turns


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _open(width: float, height: float, cls: str, title: str) -> list[str]:
    """The opening of a self-contained picture: size, class, its own style, a title."""
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" class="{cls}" role="img" '
        f'aria-label="{_e(title)}">',
        f"<style>{STYLE}</style>",
        f"<title>{_e(title)}</title>",
    ]


def _mark(meeting: Meeting, cls: str, x: float, y: float, radius: float, colour: str) -> str:
    """One meeting's dot, with its id and day as a tooltip."""
    day = meeting.start.date()
    tip = f"{meeting.id} · {sv.weekday(day)} {sv.day_month(day)} {meeting.start:%H.%M}"
    return (
        f'<circle class="{cls}" data-id="{_e(meeting.id)}" cx="{x:.2f}" cy="{y:.2f}" '
        f'r="{radius:.2f}" fill="{colour}"><title>{_e(tip)}</title></circle>'
    )


def _polar(angle: float, radius: float) -> tuple[float, float]:
    return CENTRE + radius * math.cos(angle), CENTRE + radius * math.sin(angle)


def _sector(a0: float, a1: float, r0: float, r1: float) -> str:
    (x0, y0), (x1, y1) = _polar(a0, r1), _polar(a1, r1)
    (x2, y2), (x3, y3) = _polar(a1, r0), _polar(a0, r0)
    large = 1 if a1 - a0 > math.pi else 0
    return (
        f"M{x0:.2f},{y0:.2f} A{r1},{r1} 0 {large} 1 {x1:.2f},{y1:.2f} "
        f"L{x2:.2f},{y2:.2f} A{r0},{r0} 0 {large} 0 {x3:.2f},{y3:.2f} Z"
    )


def _runs(days: Iterable[date]) -> list[tuple[date, date]]:
    """Consecutive days as (first, last) runs."""
    runs: list[tuple[date, date]] = []
    for day in sorted(days):
        if runs and (day - runs[-1][1]).days == 1:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def _shaded(cal: WorkCalendar) -> tuple[set[date], set[date]]:
    """Days of holidays and breaks (weekends inside a break too), and days only discouraged."""
    blocked = {d for d in cal.all_days if d in cal.holidays or d in cal.blackout}
    avoid = {d for d in cal.all_days if cal.avoid_weight(d) and d not in blocked}
    return blocked, avoid


def wheel_svg(scenario: Scenario, plan: Plan, turn: tuple[date, date]) -> str:
    first, last = turn
    span = (last - first).days + 1
    length = max(span, 365)

    def angle(day: date, fraction: float = 0.0) -> float:
        return -math.pi / 2 + 2 * math.pi * ((day - first).days + fraction) / length

    cal = WorkCalendar(scenario.calendar, scenario.period)
    blocked, avoid = _shaded(cal)
    rings = levels(scenario)
    band = (OUTER - INNER) / max(1, len(rings))
    stones = {m.meeting.id: m.number for m in milestones(scenario, plan)}
    fixed = {(g.id, f.date) for g in scenario.groups for f in g.fixed}
    out = _open(SIZE, SIZE, "arshjul", f"Årshjul {scenario.name} {first}–{last}")
    for cls, days in (("avoid", avoid), ("blocked", blocked)):
        for a, b in _runs(d for d in days if first <= d <= last):
            out.append(f'<path class="{cls}" d="{_sector(angle(a), angle(b, 1), INNER, OUTER)}"/>')
    for i in range(len(rings)):
        out.append(f'<circle class="ring" cx="{CENTRE}" cy="{CENTRE}" r="{OUTER - i * band}"/>')
    out.append(f'<circle class="ring" cx="{CENTRE}" cy="{CENTRE}" r="{INNER}"/>')
    month = date(first.year, first.month, 1)
    while month <= last:
        start = max(month, first)
        at = angle(start)
        x0, y0 = _polar(at, INNER)
        x1, y1 = _polar(at, OUTER + 8)
        out.append(f'<line class="grid" x1="{x0:.2f}" y1="{y0:.2f}" x2="{x1:.2f}" y2="{y1:.2f}"/>')
        nxt = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        middle = angle(start) + (angle(min(nxt, last + timedelta(days=1))) - angle(start)) / 2
        lx, ly = _polar(middle, OUTER + 30)
        out.append(
            f'<text class="month-label" x="{lx:.2f}" y="{ly:.2f}" text-anchor="middle" '
            f'dominant-baseline="middle">{MONTH_ABBR[month.month - 1]}</text>'
        )
        month = nxt
    by_group: dict[str, list[Meeting]] = defaultdict(list)
    for meeting in plan.meetings:
        if first <= meeting.start.date() <= last:
            by_group[meeting.group].append(meeting)
    for i, level in enumerate(rings):
        outer = OUTER - i * band
        lane = band / (len(level.groups) + 1)
        radius_dot = max(2.5, min(6.0, lane * 0.42))
        lx, ly = _polar(-math.pi / 2, outer - band / 2)
        out.append(
            f'<text class="ring-label" x="{lx + 6:.2f}" y="{ly:.2f}" '
            f'dominant-baseline="middle">{_e(level.kind)}</text>'
        )
        for j, group_id in enumerate(level.groups):
            radius = outer - lane * (j + 1)
            for meeting in sorted(by_group.get(group_id, []), key=lambda m: m.start):
                day = meeting.start.date()
                x, y = _polar(angle(day, 0.5), radius)
                cls = "mark fixed" if (group_id, day) in fixed else "mark"
                out.append(_mark(meeting, cls, x, y, radius_dot, level.colour))
                if meeting.id in stones:
                    nx, ny = _polar(angle(day, 0.5), radius + radius_dot + 7)
                    out.append(
                        f'<text class="milestone-no" x="{nx:.2f}" y="{ny:.2f}" '
                        f'text-anchor="middle" dominant-baseline="middle">'
                        f"{stones[meeting.id]}</text>"
                    )
    period = (
        f"{first.year}"
        if (first.month, first.day, span) == (1, 1, length)
        else (f"{sv.day_month(first)} {first.year} – {sv.day_month(last)} {last.year}")
    )
    for dy, cls, text in (
        (-22, "centre-title", "Årshjul"),
        (4, "centre-sub", period),
        (26, "centre-sub", scenario.name[:32]),
    ):
        out.append(
            f'<text class="{cls}" x="{CENTRE}" y="{CENTRE + dy}" text-anchor="middle">'
            f"{_e(text)}</text>"
        )
    out.append("</svg>")
    return "\n".join(out) + "\n"


def timeline_svg(scenario: Scenario, plan: Plan) -> str:
    """One row per group, ordered by level; a line from each preparing meeting to the one it
    prepares."""
    first, last = scenario.period.start, scenario.period.end
    days = (last - first).days + 1
    left, right, top, row = 70, 20, 40, 22
    width = 1400
    rows = [(level, g) for level in levels(scenario) for g in level.groups]
    height = top + row * len(rows) + 20
    scale = (width - left - right) / days

    def x(day: date, fraction: float = 0.5) -> float:
        return left + ((day - first).days + fraction) * scale

    y_of = {g: top + row * i + row / 2 for i, (_, g) in enumerate(rows)}
    colour = {g: level.colour for level, g in rows}
    cal = WorkCalendar(scenario.calendar, scenario.period)
    blocked, avoid = _shaded(cal)
    fixed = {(g.id, f.date) for g in scenario.groups for f in g.fixed}
    out = _open(width, height, "tidslinje", "Tidslinje, en rad per grupp")
    for cls, shaded in (("avoid", avoid), ("blocked", blocked)):
        for a, b in _runs(shaded):
            out.append(
                f'<rect class="{cls}" x="{x(a, 0):.2f}" y="{top - 6}" '
                f'width="{(b - a).days * scale + scale:.2f}" height="{row * len(rows) + 6}"/>'
            )
    month = date(first.year, first.month, 1)
    while month <= last:
        mx = x(max(month, first), 0)
        out.append(
            f'<line class="grid" x1="{mx:.2f}" y1="{top - 18}" x2="{mx:.2f}" '
            f'y2="{top + row * len(rows)}"/>'
        )
        out.append(
            f'<text class="month-label" x="{mx + 3:.2f}" y="{top - 22}">'
            f"{MONTH_ABBR[month.month - 1]}{'' if month.month > 1 else f' {month.year}'}</text>"
        )
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    for _, group_id in rows:
        out.append(
            f'<text class="row-label" x="{left - 8}" y="{y_of[group_id]:.2f}" text-anchor="end" '
            f'dominant-baseline="middle">{_e(group_id)}</text>'
        )
    by_id = {m.id: m for m in plan.meetings}
    for meeting in sorted(plan.meetings, key=lambda m: (m.start, m.group)):
        for target_id in meeting.prepares:
            target = by_id.get(target_id)
            if target is None or target.group not in y_of:
                continue
            out.append(
                f'<line class="chain" x1="{x(meeting.start.date()):.2f}" '
                f'y1="{y_of[meeting.group]:.2f}" x2="{x(target.start.date()):.2f}" '
                f'y2="{y_of[target.group]:.2f}"/>'
            )
    for meeting in sorted(plan.meetings, key=lambda m: (m.start, m.group)):
        if meeting.group not in y_of:
            continue
        day = meeting.start.date()
        cls = "mark fixed" if (meeting.group, day) in fixed else "mark"
        out.append(_mark(meeting, cls, x(day), y_of[meeting.group], 5, colour[meeting.group]))
    out.append("</svg>")
    return "\n".join(out) + "\n"


def page(scenario: Scenario, plan: Plan) -> str:
    """One self-contained HTML page: the wheel(s), the milestones, the timeline, a legend."""
    wheels = "\n".join(wheel_svg(scenario, plan, turn) for turn in years(scenario))
    stones = milestones(scenario, plan)
    legend = "".join(
        f'<li><span class="swatch" style="background:{level.colour}"></span>'
        f"{_e(level.kind)}: {_e(', '.join(level.groups))}</li>"
        for level in levels(scenario)
    )
    listed = "".join(f'<li value="{m.number}">{_e(m.text)}</li>' for m in stones)
    return f"""<!doctype html>
<html lang="sv">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Årshjul – {_e(scenario.name)}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem; color: #222; max-width: 1440px; }}
h1 {{ font-size: 1.6rem; }} h2 {{ font-size: 1.2rem; margin-top: 2rem; }}
.swatch {{ display: inline-block; width: 0.9em; height: 0.9em; margin-right: 0.4em;
  vertical-align: -0.1em; border-radius: 50%; }}
.legend li {{ list-style: none; margin: 0.2rem 0; }}
.shade {{ display: inline-block; width: 1.2em; height: 0.9em; margin-right: 0.4em;
  vertical-align: -0.1em; }}
svg {{ max-width: 100%; height: auto; }}
</style>
</head>
<body>
<h1>Årshjul – {_e(scenario.name)}</h1>
<p>{len(plan.meetings)} möten, {scenario.period.start} – {scenario.period.end}.
Ringarna går från de grupper som bereder (ytterst) till den som beslutar (innerst).</p>
<ul class="legend">{legend}
<li><span class="shade" style="background:#d5d8dc"></span>helgdagar och uppehåll</li>
<li><span class="shade" style="background:#fcf3cf"></span>perioder att undvika (lov, klämdagar)</li>
<li><span class="swatch" style="border:2.5px solid #c0392b"></span>fast datum</li>
</ul>
{wheels}
<h2>Viktiga datum</h2>
<ol class="milestones">{listed}</ol>
<h2>Tidslinje</h2>
{timeline_svg(scenario, plan)}
</body>
</html>
"""
