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

WIDTH = 1200
"""The wheel's picture is WIDTH wide: on A3 (297 mm) a day number is about 7 pt."""
TITLE_HEIGHT = 80
CENTRE_X = WIDTH / 2
CENTRE_Y = TITLE_HEIGHT + WIDTH / 2
OUTER = 520
INNER = 120
GAP = math.radians(26)
"""An empty wedge at the top of the wheel, where each lane is labelled with its group."""
MONTH_ABBR = ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
PALETTE = ("#1f6f8b", "#b9471c", "#4f7f1f", "#7d3c98", "#8a6d00", "#2e4053", "#a93226")
FIXED_COLOUR = "#c0392b"
STYLE = """
svg { font-family: system-ui, "Segoe UI", Arial, sans-serif; }
.title { font-size: 26px; font-weight: 700; fill: #222; }
.subtitle { font-size: 15px; fill: #555; }
.month-label { font-size: 18px; font-weight: 600; fill: #333; }
.lane-label { font-size: 11px; font-weight: 700; }
.row-label { font-size: 12px; fill: #222; }
.row-id { font-size: 12px; font-weight: 700; }
.centre-title { font-size: 40px; font-weight: 700; fill: #222; }
.centre-sub { font-size: 15px; fill: #555; }
.legend-text { font-size: 14px; fill: #222; }
.legend-head { font-size: 14px; font-weight: 700; fill: #222; }
.blocked { fill: #d5d8dc; }
.avoid { fill: #fcf3cf; }
.grid { stroke: #bbb; stroke-width: 1; }
.ring { fill: none; stroke: #888; stroke-width: 1.2; }
.lane { fill: none; stroke: #e3e6e8; stroke-width: 1; }
.mark circle { stroke: #fff; stroke-width: 1; }
.mark.fixed circle { stroke: #c0392b; stroke-width: 3; }
.mark text { font-weight: 700; fill: #fff; pointer-events: none; }
.mark:hover circle { stroke: #000; stroke-width: 2; }
.milestone-no { font-size: 13px; font-weight: 700; fill: #c0392b; }
.chain { stroke: #888; stroke-width: 0.8; opacity: 0.55; fill: none; }
"""
"""Marks are a group's colour with the day of the month on them; hovering one shows its group,
date and time (its ``<title>``); the lane label in the empty wedge at the top names the group."""


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


def _open(width: float, height: float, cls: str, title: str, subtitle: str) -> list[str]:
    """The opening of a self-contained picture: size, class, its own style, a title that
    shows (and one that screen readers and tooltips use)."""
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" class="{cls}" role="img" '
        f'aria-label="{_e(title)}">',
        f"<style>{STYLE}</style>",
        f"<title>{_e(title)}</title>",
        '<rect x="0" y="0" width="100%" height="100%" fill="#fff"/>',
        f'<text class="title" x="24" y="38">{_e(title)}</text>',
        f'<text class="subtitle" x="24" y="62">{_e(subtitle)}</text>',
    ]


def when_text(scenario: Scenario, meeting: Meeting) -> str:
    """``AVÄ – Arbetsgrupp västra äldre: torsdag 19 mars 2026 kl. 09.00 (AVÄ-2026-02)``."""
    group = scenario.group(meeting.group)
    day = meeting.start.date()
    return (
        f"{group.id} – {group.name}: {sv.weekday(day)} {sv.day_month(day)} {day.year} "
        f"kl. {meeting.start:%H.%M} ({meeting.id})"
    )


def _mark(
    scenario: Scenario, meeting: Meeting, fixed: bool, x: float, y: float, radius: float,
    colour: str,
) -> str:  # fmt: skip
    """One meeting: a dot in its group's colour with the day of the month on it, and its group,
    date and time as a tooltip."""
    day = meeting.start.date()
    cls = "mark fixed" if fixed else "mark"
    size = radius * (1.25 if day.day < 10 else 1.15)
    return (
        f'<g class="{cls}" data-id="{_e(meeting.id)}" data-group="{_e(meeting.group)}" '
        f'data-date="{day.isoformat()}"><title>{_e(when_text(scenario, meeting))}</title>'
        f'<circle cx="{x:.2f}" cy="{y:.2f}" r="{radius:.2f}" fill="{colour}"/>'
        f'<text class="day" x="{x:.2f}" y="{y:.2f}" font-size="{size:.1f}" '
        f'text-anchor="middle" dominant-baseline="central">{day.day}</text></g>'
    )


def _polar(angle: float, radius: float) -> tuple[float, float]:
    return CENTRE_X + radius * math.cos(angle), CENTRE_Y + radius * math.sin(angle)


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


LEGEND_LINE = 26


def _legend(scenario: Scenario, x: float, y: float, wheel: bool) -> list[str]:
    """The key to a picture: each level's colour and groups, shading, fixed dates, numbers."""
    numbers = (
        "; en röd siffra utanför är ett viktigt datum (listan i arshjul.html)" if wheel else ""
    )
    order = "ringarna utifrån och in" if wheel else "raderna uppifrån och ned"
    out = [f'<text class="legend-head" x="{x}" y="{y}">Förklaring ({order})</text>']
    y += LEGEND_LINE
    for level in levels(scenario):
        out.append(f'<circle cx="{x + 8}" cy="{y - 5}" r="8" fill="{level.colour}"/>')
        names = ", ".join(level.groups)
        out.append(
            f'<text class="legend-text" x="{x + 24}" y="{y}">{_e(level.kind)}: {_e(names)}</text>'
        )
        y += LEGEND_LINE
    out += [
        f'<rect x="{x}" y="{y - 14}" width="16" height="14" class="blocked"/>',
        f'<text class="legend-text" x="{x + 24}" y="{y}">helgdagar och uppehåll (inga möten)'
        "</text>",
        f'<rect x="{x + 330}" y="{y - 14}" width="16" height="14" class="avoid"/>',
        f'<text class="legend-text" x="{x + 354}" y="{y}">perioder att undvika (lov, klämdagar)'
        "</text>",
    ]
    y += LEGEND_LINE
    out += [
        f'<circle cx="{x + 8}" cy="{y - 5}" r="8" fill="#888" stroke="{FIXED_COLOUR}" '
        'stroke-width="3"/>',
        f'<text class="legend-text" x="{x + 24}" y="{y}">fast datum; siffran i pricken är dagen '
        f"i månaden{numbers}</text>",
    ]
    return out


def _legend_height(scenario: Scenario) -> float:
    return LEGEND_LINE * (len(levels(scenario)) + 3) + 10


def _spread(angles: list[float], least: float) -> list[float]:
    """Angles in order, each at least ``least`` after the one before (numbers that would
    touch are pushed apart)."""
    result: list[float] = []
    for angle in angles:
        result.append(max(angle, result[-1] + least) if result else angle)
    return result


def wheel_svg(scenario: Scenario, plan: Plan, turn: tuple[date, date]) -> str:
    """One turn of the wheel: a title, a ring per level with a lane per group (its label in
    the wedge at the top), each meeting a dot with its day, months around, a legend below."""
    first, last = turn
    span = (last - first).days + 1
    length = max(span, 365)

    def angle(day: date, fraction: float = 0.0) -> float:
        share = ((day - first).days + fraction) / length
        return -math.pi / 2 + GAP / 2 + (2 * math.pi - GAP) * share

    cal = WorkCalendar(scenario.calendar, scenario.period)
    blocked, avoid = _shaded(cal)
    rings = levels(scenario)
    lanes = sum(len(level.groups) for level in rings)
    unit = (OUTER - INNER) / (lanes + 0.8 * len(rings))
    dot = max(4.0, min(10.0, unit * 0.46))
    stones = {m.meeting.id: m.number for m in milestones(scenario, plan)}
    fixed = {(g.id, f.date) for g in scenario.groups for f in g.fixed}
    period = (
        f"{first.year}"
        if (first.month, first.day, span) == (1, 1, length)
        else f"{sv.day_month(first)} {first.year} – {sv.day_month(last)} {last.year}"
    )
    height = TITLE_HEIGHT + WIDTH + _legend_height(scenario)
    out = _open(
        WIDTH, height, "arshjul", f"Årshjul {period} – {scenario.name}",
        f"{sum(1 for m in plan.meetings if first <= m.start.date() <= last)} möten; "
        "medurs från toppen; för musen över en prick för grupp, datum och tid",
    )  # fmt: skip
    start_angle, end_angle = angle(first), angle(first, length)
    for cls, days in (("avoid", avoid), ("blocked", blocked)):
        for low, high in _runs(d for d in days if first <= d <= last):
            shape = _sector(angle(low), angle(high, 1), INNER, OUTER)
            out.append(f'<path class="{cls}" d="{shape}"/>')
    month = date(first.year, first.month, 1)
    while month <= last:
        a = angle(max(month, first))
        x0, y0 = _polar(a, INNER)
        x1, y1 = _polar(a, OUTER + 10)
        out.append(f'<line class="grid" x1="{x0:.2f}" y1="{y0:.2f}" x2="{x1:.2f}" y2="{y1:.2f}"/>')
        nxt = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        middle = (a + angle(min(nxt, last + timedelta(days=1)))) / 2
        lx, ly = _polar(middle, OUTER + 44)
        label = MONTH_ABBR[month.month - 1]
        out.append(
            f'<text class="month-label" x="{lx:.2f}" y="{ly:.2f}" text-anchor="middle" '
            f'dominant-baseline="central">{label}</text>'
        )
        month = nxt
    x0, y0 = _polar(end_angle, INNER)
    x1, y1 = _polar(end_angle, OUTER + 10)
    out.append(f'<line class="grid" x1="{x0:.2f}" y1="{y0:.2f}" x2="{x1:.2f}" y2="{y1:.2f}"/>')
    by_group: dict[str, list[Meeting]] = defaultdict(list)
    for meeting in plan.meetings:
        if first <= meeting.start.date() <= last:
            by_group[meeting.group].append(meeting)
    marks: list[str] = []
    numbered: list[tuple[float, int]] = []
    outer = float(OUTER)
    for level in rings:
        band = (len(level.groups) + 0.8) * unit
        out.append(f'<circle class="ring" cx="{CENTRE_X}" cy="{CENTRE_Y}" r="{outer:.2f}"/>')
        for j, group_id in enumerate(level.groups):
            radius = outer - unit * (0.9 + j)
            out.append(
                f'<path class="lane" d="M{_polar(start_angle, radius)[0]:.2f},'
                f"{_polar(start_angle, radius)[1]:.2f} A{radius:.2f},{radius:.2f} 0 1 1 "
                f'{_polar(end_angle, radius)[0]:.2f},{_polar(end_angle, radius)[1]:.2f}"/>'
            )
            lx, ly = _polar(-math.pi / 2, radius)
            out.append(
                f'<text class="lane-label" x="{lx:.2f}" y="{ly:.2f}" fill="{level.colour}" '
                f'text-anchor="middle" dominant-baseline="central">{_e(group_id)}</text>'
            )
            for meeting in sorted(by_group.get(group_id, []), key=lambda m: m.start):
                day = meeting.start.date()
                x, y = _polar(angle(day, 0.5), radius)
                marks.append(
                    _mark(scenario, meeting, (group_id, day) in fixed, x, y, dot, level.colour)
                )
                if meeting.id in stones:
                    numbered.append((angle(day, 0.5), stones[meeting.id]))
        outer -= band
    out.append(f'<circle class="ring" cx="{CENTRE_X}" cy="{CENTRE_Y}" r="{INNER}"/>')
    out += marks
    numbered.sort()
    spread = _spread([at for at, _ in numbered], 18 / OUTER)
    for at, (_, number) in zip(spread, numbered, strict=True):
        nx, ny = _polar(at, OUTER + 18)
        out.append(
            f'<text class="milestone-no" x="{nx:.2f}" y="{ny:.2f}" text-anchor="middle" '
            f'dominant-baseline="central">{number}</text>'
        )
    if period == str(first.year):
        centre = [(-8, "centre-title", period), (26, "centre-sub", "Årshjul")]
    else:  # a year from another day than 1 January, or a shorter last turn: two lines
        centre = [
            (-24, "centre-sub", "Årshjul"),
            (0, "centre-sub", f"{sv.day_month(first)} {first.year} –"),
            (22, "centre-sub", f"{sv.day_month(last)} {last.year}"),
        ]
    for dy, cls, text in centre:
        out.append(
            f'<text class="{cls}" x="{CENTRE_X}" y="{CENTRE_Y + dy}" text-anchor="middle">'
            f"{_e(text)}</text>"
        )
    out += _legend(scenario, 24, TITLE_HEIGHT + WIDTH + 10, wheel=True)
    out.append("</svg>")
    return "\n".join(out) + "\n"


def timeline_svg(scenario: Scenario, plan: Plan) -> str:
    """One row per group, ordered by level, each meeting a dot with its day; a line from each
    preparing meeting to the one it prepares; a title and a legend."""
    first, last = scenario.period.start, scenario.period.end
    days = (last - first).days + 1
    left, right, top, row = 340, 24, TITLE_HEIGHT + 44, 26
    width = 1700
    rows = [(level, g) for level in levels(scenario) for g in level.groups]
    height = top + row * len(rows) + 30 + _legend_height(scenario)
    scale = (width - left - right) / days

    def x(day: date, fraction: float = 0.5) -> float:
        return left + ((day - first).days + fraction) * scale

    y_of = {g: top + row * i + row / 2 for i, (_, g) in enumerate(rows)}
    colour = {g: level.colour for level, g in rows}
    cal = WorkCalendar(scenario.calendar, scenario.period)
    blocked, avoid = _shaded(cal)
    fixed = {(g.id, f.date) for g in scenario.groups for f in g.fixed}
    span = f"{sv.day_month(first)} {first.year} – {sv.day_month(last)} {last.year}"
    out = _open(
        width, height, "tidslinje", f"Tidslinje {span} – {scenario.name}",
        "en rad per grupp; linjerna går från det beredande mötet till mötet det bereder",
    )  # fmt: skip
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
            f'<line class="grid" x1="{mx:.2f}" y1="{top - 26}" x2="{mx:.2f}" '
            f'y2="{top + row * len(rows)}"/>'
        )
        label = MONTH_ABBR[month.month - 1] + ("" if month.month > 1 else f" {month.year}")
        out.append(f'<text class="month-label" x="{mx + 4:.2f}" y="{top - 12}">{label}</text>')
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    for level, group_id in rows:
        name = scenario.group(group_id).name
        name = name if len(name) <= 36 else name[:35] + "…"
        y = y_of[group_id]
        out.append(
            f'<text class="row-id" x="16" y="{y:.2f}" fill="{level.colour}" '
            f'dominant-baseline="central">{_e(group_id)}</text>'
        )
        out.append(
            f'<text class="row-label" x="84" y="{y:.2f}" dominant-baseline="central">'
            f"{_e(name)}</text>"
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
    dot = min(9.0, row * 0.36)
    for meeting in sorted(plan.meetings, key=lambda m: (m.start, m.group)):
        if meeting.group not in y_of:
            continue
        day = meeting.start.date()
        out.append(
            _mark(scenario, meeting, (meeting.group, day) in fixed, x(day), y_of[meeting.group],
                  dot, colour[meeting.group])
        )  # fmt: skip
    out += _legend(scenario, 16, top + row * len(rows) + 40, wheel=False)
    out.append("</svg>")
    return "\n".join(out) + "\n"


def page(scenario: Scenario, plan: Plan) -> str:
    """One self-contained HTML page: the wheel(s), the milestones, the timeline; each picture
    with its own title and legend; on paper, each on its own A3 page."""
    wheels = "\n".join(
        f'<figure class="picture">{wheel_svg(scenario, plan, turn)}</figure>'
        for turn in years(scenario)
    )
    stones = milestones(scenario, plan)
    listed = "".join(f'<li value="{m.number}">{_e(m.text)}</li>' for m in stones)
    return f"""<!doctype html>
<html lang="sv">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Årshjul – {_e(scenario.name)}</title>
<style>
body {{ font-family: system-ui, "Segoe UI", Arial, sans-serif; margin: 0 auto;
  padding: 1rem 1.2rem 3rem; color: #222; max-width: 1300px; line-height: 1.45; }}
h1 {{ font-size: 1.6rem; }} h2 {{ font-size: 1.2rem; margin-top: 2rem; }}
figure.picture {{ margin: 1rem 0; }}
svg {{ max-width: 100%; height: auto; display: block; }}
.milestones li {{ margin: 0.2rem 0; }}
@media print {{
  @page {{ size: A3 portrait; margin: 12mm; }}
  body {{ max-width: none; padding: 0; }}
  .screen-only {{ display: none; }}
  figure.picture {{ break-inside: avoid; break-after: page; margin: 0; }}
  figure.picture svg {{ width: 100%; height: auto; }}
  h2, .milestones {{ break-inside: avoid; }}
}}
</style>
</head>
<body>
<h1>Årshjul – {_e(scenario.name)}</h1>
<p>{len(plan.meetings)} möten, {scenario.period.start} – {scenario.period.end}. Ringarna går
från de grupper som bereder (ytterst) till den som beslutar (innerst); varje grupp har ett eget
spår, med sitt namn överst i hjulet. Siffran i varje prick är dagen i månaden.
<span class="screen-only">För musen över en prick för grupp, datum och tid. Skriv ut sidan
för ett årshjul per A3-sida.</span></p>
{wheels}
<h2>Viktiga datum</h2>
<ol class="milestones">{listed}</ol>
<h2>Tidslinje</h2>
<figure class="picture">{timeline_svg(scenario, plan)}</figure>
</body>
</html>
"""
