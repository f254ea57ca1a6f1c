"""Everything a run of ``cadence plan`` writes, as file name → bytes (see :func:`publish`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from cadence.export import ics, site, wheel
from cadence.export.table import plan_csv
from cadence.export.workbook import plan_workbook
from cadence.output import PUBLISHED_AT
from cadence.plan import Plan
from cadence.scenario import Scenario


def publish(
    scenario: Scenario,
    plan: Plan,
    as_of: date | None = None,
    stamps: Mapping[str, ics.Stamp] | None = None,
    report: Mapping[str, bytes] | None = None,
) -> dict[str, bytes]:
    """The output folder's files: tables, feeds, the årshjul, a re-plan's change report, and
    the index page."""
    feeds, files = ics.render_feeds(scenario, plan, stamps, as_of)
    files["plan.csv"] = plan_csv(plan)
    files["plan.xlsx"] = plan_workbook(scenario, plan)
    turns = wheel.years(scenario)
    others = [
        ("arshjul.html", "årshjul och tidslinje på en sida"),
        ("plan.xlsx", "planen i Excel: alla möten, en flik per nivå, blockerade dagar"),
        ("plan.csv", "planen för program: CSV i UTF-8, tider i ISO 8601 (Excel: plan.xlsx)"),
    ]
    files["arshjul.html"] = wheel.page(scenario, plan).encode("utf-8")
    for turn in turns:
        name = "arshjul.svg" if len(turns) == 1 else f"arshjul-{turn[0]:%Y-%m}.svg"
        files[name] = wheel.wheel_svg(scenario, plan, turn).encode("utf-8")
        others.append((name, f"årshjulet {turn[0]} – {turn[1]} som bild (SVG)"))
    files["tidslinje.svg"] = wheel.timeline_svg(scenario, plan).encode("utf-8")
    others.append(("tidslinje.svg", "tidslinjen som bild (SVG)"))
    for name, content in (report or {}).items():
        files[name] = content
        others.append((name, "ändringar sedan förra publiceringen"))
    if scenario.publish.base:
        files[PUBLISHED_AT] = f"{scenario.publish.base}\n".encode()
    page = site.index_html(scenario, feeds, others, scenario.publish.base)
    files["index.html"] = page.encode("utf-8")
    return files
