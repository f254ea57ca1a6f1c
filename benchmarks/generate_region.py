"""Synthetic scenarios for the scale benchmark, written as a county's own file would be.

    python benchmarks/generate_region.py storregion --out scenarios/storregion-2027.yaml
    python benchmarks/generate_region.py sormland --times 4 --years 2 --out /tmp/s4x2.yaml

``storregion``: Storlänet, a fictional region about five times Sörmland: four delregioner,
each with its delregional styrgrupp, four beredningsgrupper, twelve arbetsgrupper (four themes
in three närområden), a socialchefsnätverk and an IFO-nätverk; over them a regional styrgrupp,
a political samverkansnämnd, two regional beredningsgrupper, a MAS/MAR-nätverk and a dialogue
day. 82 groups, 477 meetings a year, 414 people.

``sormland``: Samverkansstrukturen i Sörmland 2027 (``scenarios/sormland-2027.yaml``) at
``times`` its size over ``years`` years: copy k of everything below Länsstyrgruppen (the
beredningsgrupper, arbetsgrupper and networks, with people of their own: all but NSV's and
the RSS-samordnare) joins the same Länsstyrgruppen, NSV and dialogue day, its socialchefer,
division heads and närvårdskoordinatorer sitting in Länsstyrgruppen; ``times`` 1 is the county
itself (with `period.end` moved for ``years``).

Same arguments, same bytes: nothing random, no clock. Every name is invented.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent
SORMLAND = ROOT / "scenarios" / "sormland-2027.yaml"

# Storlänet's four delregioner, each with twelve kommuner (organisation id, name).
DELREGIONER: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    ("ÄLV", "Älvdalen", (
        ("ALB", "Älvby"), ("FRS", "Forsa"), ("KVH", "Kvarnholm"), ("LNS", "Lindås"),
        ("STF", "Stenfors"), ("BJV", "Björkvik"), ("ASB", "Åsbro"), ("GRB", "Granby"),
        ("HLT", "Holtorp"), ("RNS", "Rönnsjö"), ("TVK", "Tallvik"), ("MLM", "Mellom"),
    )),
    ("KUS", "Kustlandet", (
        ("HMV", "Hamnvik"), ("SND", "Sandhamra"), ("SKR", "Skärsund"), ("BRG", "Bergö"),
        ("NSB", "Näsby"), ("UDD", "Uddevik"), ("FJL", "Fjällbo"), ("KLP", "Klippinge"),
        ("ORE", "Öresby"), ("SJK", "Sjöstrand"), ("VIK", "Viksta"), ("STR", "Strandåker"),
    )),
    ("SKO", "Skogsbygden", (
        ("GRN", "Granlunda"), ("MSJ", "Mossjö"), ("TJR", "Tjärnå"), ("HGB", "Högberga"),
        ("MRK", "Markaryd Norra"), ("ELG", "Älgå"), ("RVS", "Rävsnäs"), ("BKB", "Bäckeby"),
        ("KRS", "Korsberga"), ("LDB", "Lidbo"), ("SVF", "Svedfors"), ("ULR", "Ulfsryd"),
    )),
    ("SJÖ", "Sjöbygden", (
        ("LJS", "Ljusnäs"), ("VSJ", "Vitsjö"), ("ODS", "Ödsmål"), ("BLV", "Blåvik"),
        ("HVS", "Hävsta"), ("KAL", "Kalvsund"), ("NRB", "Norrby"), ("SOL", "Solhem"),
        ("TRN", "Tranås Västra"), ("ARN", "Arnö"), ("EKS", "Eksjöholm"), ("GLS", "Gläsa"),
    )),
)  # fmt: skip
THEMES = (
    ("Ä", "äldre", "aldre"),
    ("PF", "psykiatri/funktionshinder", "pf"),
    ("B", "barn och unga", "barn"),
    ("BE", "missbruk och beroende", "beroende"),
)
NAROMRADEN = (("1", "norra"), ("2", "mellersta"), ("3", "södra"))
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
LOCATIONS = {
    "ÄLV": "Älvby sjukhus",
    "KUS": "Hamnviks lasarett",
    "SKO": "Granlunda vårdcentrum",
    "SJÖ": "Ljusnäs sjukhus",
}


def _ascii(text: str) -> str:
    return text.lower().translate(str.maketrans("åäöé", "aaoe"))


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _list(items: list[str]) -> str:
    """A flow list, wrapped at about 96 characters with the continuation under the first."""
    lines: list[str] = []
    current = ""
    for item in items:
        piece = item if not current else f"{current}, {item}"
        if len(piece) > 84 and current:
            lines.append(current + ",")
            current = item
        else:
            current = piece
    lines.append(current)
    return "[" + "\n              ".join(lines) + "]"


def storregion(year: int = 2027) -> str:
    """Storlänet's scenario for ``year``, as YAML text with its comments."""
    out: list[str] = []
    w = out.append
    w("# yaml-language-server: $schema=../docs/scenario.schema.json\n#\n")
    w(f"# SYNTHETIC: Storlänet {year}, a fictional region about five times Sörmland, made by\n")
    w("#   python benchmarks/generate_region.py storregion --out scenarios/storregion-2027.yaml\n")
    w("# Edit the generator, not this file: the same command gives the same bytes.\n#\n")
    w("# Storlänet is built like the largest Swedish regions: four delregioner with twelve\n")
    w("# kommuner each, every delregion with its own delregional styrgrupp, beredningsgrupper\n")
    w("# and arbetsgrupper, over them a regional styrgrupp and a political samverkansnämnd.\n")
    w("# Chain: arbetsgrupper → beredningsgrupper → delregional styrgrupp → Regionala\n")
    w("# styrgruppen → Samverkansnämnden. Every name is invented; people are roles.\n")
    w("# Numbers a real structure would document are ASSUMPTIONS, chosen like Sörmland's.\n\n")
    w(f"name: Samverkansstrukturen i Storlänet {year} (syntetisk)\n")
    w("description: >\n  Syntetiskt län för skalningstester: fyra delregioner med delregionala\n")
    w("  styrgrupper, beredningsgrupper och arbetsgrupper under en regional styrgrupp och en\n")
    w("  politisk samverkansnämnd.\n\n")
    w(f"period:\n  start: {year}-01-01\n  end: {year}-12-31\n  timezone: Europe/Stockholm\n\n")
    w("calendar:\n  holiday_categories: [public, de_facto]\n  half_day_categories: [optional]\n")
    w("  half_days_block_afternoon: true\n  blackouts:\n")
    w("    # ASSUMPTION: no meetings from the week after midsommar to mid-August, nor from\n")
    w("    # Christmas to Epiphany (committee practice).\n")
    w("    - name: Sommaruppehåll\n      weeks: [26, 27, 28, 29, 30, 31, 32]\n")
    w('    - name: Jul- och nyårsuppehåll\n      every_year_from: "12-21"\n')
    w('      every_year_to: "01-06"\n  avoid:\n')
    w("    # Sportlov is week 8 in two delregioner and week 9 in the other two.\n")
    w("    - {name: Sportlov (Älvdalen och Kustlandet), weeks: [8], weight: 2}\n")
    w("    - {name: Sportlov (Skogsbygden och Sjöbygden), weeks: [9], weight: 2}\n")
    w(f"    - {{name: Påsklov, weeks: [13], year: {year}, weight: 2}}\n")
    w("    - {name: Höstlov, weeks: [44], weight: 3}\n")
    w("    - {name: Klämdag, holidays: [Klämdag], weight: 2}\n")
    w("  restart: {days: 2, weight: 4, min_break_days: 7}\n\n")
    w("organisations:\n  - {id: RST, name: Region Storlänet, kind: region}\n")
    for code, name, kommuner in DELREGIONER:
        w(f"  # Delregion {name} ({code}).\n")
        for org, kommun in kommuner:
            w(f"  - {{id: {org}, name: {kommun}s kommun, kind: kommun}}\n")
    w("\npeople:\n")
    w("  # The region: RSS-samordnare (convenes the regional styrgrupp), division heads, FoU,\n")
    w("  # hjälpmedel, digitalisering, and one RSS-representative per theme (föredragande in\n")
    w("  # the regional styrgrupp).\n")
    w("  - id: rss-samordnare\n    name: RSS-samordnare Region Storlänet\n    organisation: RST\n")
    w("    unavailable:\n      # ASSUMPTION: national RSS meetings (SKR), example dates.\n")
    w(f"      - {{dates: [{year}-03-11, {year}-10-07], reason: Nationellt RSS-nätverk}}\n")
    division = (
        ("div-primarvard", "primärvård"),
        ("div-psykiatri", "psykiatri"),
        ("div-narsjukvard", "närsjukvård"),
        ("div-habilitering", "habilitering och hälsa"),
    )
    for pid, what in division:
        w(f"  - {{id: {pid}, name: Divisionschef {what}, organisation: RST}}\n")
    w("  - {id: fou-chef, name: FoU-chef, organisation: RST}\n")
    w("  - {id: hmc-chef, name: Verksamhetschef Hjälpmedelscentralen, organisation: RST}\n")
    w("  - {id: dig-chef, name: Digitaliseringschef, organisation: RST}\n")
    for _, what, slug in THEMES:
        w(f"  - {{id: rss-{slug}, name: RSS-representant {what}, organisation: RST}}\n")
    w("  # Samverkansnämnden: the regionråd chairs; one ledamot per kommun.\n")
    w("  - {id: nmd-ordf, name: Ordförande Samverkansnämnden, organisation: RST}\n")
    w("  - {id: nmd-rst, name: Ledamot Samverkansnämnden Region Storlänet, organisation: RST}\n")
    for d, (code, name, kommuner) in enumerate(DELREGIONER):
        low = _ascii(code)
        w(f"\n  # Delregion {name}.\n")
        for org, kommun in kommuner:
            w(f"  - {{id: nmd-{org.lower()}, name: Ledamot Samverkansnämnden {kommun}, "
              f"organisation: {org}}}\n")  # fmt: skip
        w(f"  - {{id: oc-{low}, name: Områdeschef nära vård {name}, organisation: RST}}\n")
        for k, (org, kommun) in enumerate(kommuner):
            if k == 5:
                # ASSUMPTION: one socialchef per delregion is on a course for two weeks.
                w(f"  - id: sc-{org.lower()}\n    name: Socialchef {kommun}\n")
                w(f"    organisation: {org}\n    unavailable:\n")
                start = date(year, 3 + 2 * d, 8)
                end = date(year, 3 + 2 * d, 19)
                w(f"      - {{start: {start}, end: {end}, reason: Ledarskapsutbildning}}\n")
            else:
                w(f"  - {{id: sc-{org.lower()}, name: Socialchef {kommun}, organisation: {org}}}\n")
        for n, (_, where) in enumerate(NAROMRADEN):
            pid = f"nvk-{low}-{where}"
            if n == 0:
                # ASSUMPTION: a standing local närvård meeting one afternoon a week.
                day = WEEKDAYS[(d + 1) % 5]
                w(f"  - id: {pid}\n    name: Närvårdskoordinator {name} {where}\n")
                w("    organisation: RST\n    unavailable:\n")
                w(f'      - {{weekdays: [{day}], from_time: "13:00", to_time: "16:30", '
                  "reason: Lokalt närvårdsmöte}\n")  # fmt: skip
            else:
                w(f"  - {{id: {pid}, name: Närvårdskoordinator {name} {where}, "
                  "organisation: RST}\n")  # fmt: skip
        for t, (_, what, slug) in enumerate(THEMES):
            org = kommuner[(t * 3 + 1) % 12][0]
            w(f"  - {{id: ul-{low}-{slug}, name: Utvecklingsledare {what} {name}, "
              f"organisation: {org}}}\n")  # fmt: skip
            w(f"  - {{id: vr-{low}-{slug}, name: Verksamhetschef {what} {name} (regionen), "
              "organisation: RST}\n")  # fmt: skip
            vorg, vkommun = kommuner[(t * 3 + 2) % 12]
            w(f"  - {{id: vc-{low}-{slug}, name: Verksamhetschef {what} {vkommun}, "
              f"organisation: {vorg}}}\n")  # fmt: skip
        for n, (ncode, where) in enumerate(NAROMRADEN):
            for t, (tcode, what, _) in enumerate(THEMES):
                gid = f"ag-{low}{ncode}-{_ascii(tcode)}"
                # The chair alternates between the region and the kommuner (two-year terms).
                region_chair = (n + t + d) % 2 == 0
                korg = kommuner[(n * 4 + t) % 12]
                chair_org = "RST" if region_chair else korg[0]
                rep_org = korg[0] if region_chair else "RST"
                w(f"  - {{id: ordf-{gid}, name: Ordförande arbetsgrupp {what} {name} {where}, "
                  f"organisation: {chair_org}}}\n")  # fmt: skip
                w(f"  - {{id: rep-{gid}, name: Representant arbetsgrupp {what} {name} {where}, "
                  f"organisation: {rep_org}}}\n")  # fmt: skip
                w(f"  - {{id: rep2-{gid}, name: Representant {korg[1]} arbetsgrupp {what} "
                  f"{name} {where}, organisation: {korg[0]}}}\n")  # fmt: skip
                if tcode == "BE":
                    # The närvårdskoordinator sits in the three other arbetsgrupper of the
                    # närområde; beroende has its own samordnare (ASSUMPTION).
                    w(f"  - {{id: bs-{gid}, name: Beroendesamordnare {name} {where}, "
                      "organisation: RST}\n")  # fmt: skip
        for k, (org, kommun) in enumerate(kommuner):
            if k % 3 != 2:  # ASSUMPTION: in every third kommun the socialchef is IFO-chef too
                w(f"  - {{id: ifo-{org.lower()}, name: IFO-chef {kommun}, organisation: {org}}}\n")
        for org, kommun in kommuner:
            w(f"  - {{id: mas-{org.lower()}, name: MAS/MAR {kommun}, organisation: {org}}}\n")
        w(f"  - {{id: it-{low}, name: Digitaliseringsstrateg {name}, "
          f"organisation: {kommuner[0][0]}}}\n")  # fmt: skip
    w("\n# Kallelser go out a week before; two working days to write up before the next body's\n")
    w("# kallelse (as in Sörmland).\nwriteup_days: 2\nperson_day_hard: true\n")
    w("firm_kinds: [nämnd]\n\n")
    w("# Lead windows. ASSUMPTION: preferred lead two weeks; at most nine weeks from an\n")
    w("# arbetsgrupp or beredningsgrupp to the group it prepares (Sörmland: six for the\n")
    w("# arbetsgrupper), so that the first round after the summer break may be prepared before\n")
    w("# it: three arbetsgrupper share each närvårdskoordinator, and the two working days before\n")
    w("# a late-August kallelse cannot hold all three. Each group's last meeting of the year\n")
    w("# before (`preceding`, ASSUMPTION: the December round) prepares its first of the year.\n")
    w("groups:\n")
    out.extend(_storregion_groups(year))
    out.extend(_storregion_items())
    return "".join(out)


def _group(
    gid: str,
    name: str,
    kind: str,
    meetings: int,
    chair: str,
    members: list[str],
    *,
    start: str,
    end: str,
    minutes: int,
    times: list[str],
    usual: str,
    location: str,
    gaps: tuple[int, int | None],
    feeds: list[tuple[str, int, int, int]],
    weekdays: list[str] | None = None,
    comment: str = "",
    preceding: date | None = None,
) -> str:
    lines = []
    if comment:
        lines.append(f"  # {comment}\n")
    lines.append(f"  - id: {gid}\n    name: {name}\n    kind: {kind}\n    meetings: {meetings}\n")
    lines.append(f"    chairs: [{{person: {chair}, start: {start}, end: {end}}}]\n")
    lines.append(f"    members: {_list(members)}\n")
    lines.append(f"    duration_minutes: {minutes}\n")
    lines.append(f"    start_times: [{', '.join(_q(t) for t in times)}]\n")
    if weekdays:
        lines.append(f"    weekdays: [{', '.join(weekdays)}]\n")
    lines.append(f"    usual_weekday: {usual}\n    location: {location}\n")
    lines.append(f"    min_days_between: {gaps[0]}\n")
    if gaps[1] is not None:
        lines.append(f"    max_days_between: {gaps[1]}\n")
    if preceding is not None:
        lines.append(f"    preceding: [{preceding}]\n")
    if feeds:
        lines.append("    feeds:\n")
        for to, low, high, preferred in feeds:
            lines.append(
                f"      - {{to: {to}, lead_days: {{min: {low}, max: {high}, "
                f"preferred: {preferred}}}}}\n"
            )
    return "".join(lines) + "\n"


def _last_year(year: int, month: int, day: int) -> date:
    """A day in the year before ``year``, moved to the Monday after when it is a weekend: when
    the group last met before the period (ASSUMPTION: the autumn's last round)."""
    found = date(year - 1, month, day)
    while found.weekday() >= 5:
        found = found.replace(day=found.day + 1)
    return found


def _storregion_groups(year: int) -> Iterator[str]:
    y0, y1 = f"{year}-01-01", f"{year + 1}-12-31"
    politicians = ["nmd-rst"] + [f"nmd-{o.lower()}" for _, _, ks in DELREGIONER for o, _ in ks]
    chairs_dsg = [f"sc-{ks[0][0].lower()}" for _, _, ks in DELREGIONER]
    division = ["div-primarvard", "div-psykiatri", "div-narsjukvard", "div-habilitering"]
    yield _group(
        "SAMN", "Samverkansnämnden för vård och omsorg", "nämnd", 5, "nmd-ordf",
        [*politicians, "rss-samordnare"], start="2027-01-01", end="2030-12-31", minutes=180,
        times=["09:00"], weekdays=["thu", "fri"], usual="thu",
        location="Regionens hus, Älvby", gaps=(35, 120), feeds=[],
        comment="ASSUMPTION: the political committee meets five times a year on Thursdays; "
        "firm (firm_kinds).",
    )  # fmt: skip
    yield _group(
        "RSG", "Regionala styrgruppen", "styrgrupp", 6, "rss-samordnare",
        [*division, "fou-chef", *chairs_dsg, *(f"rss-{slug}" for _, _, slug in THEMES)],
        start=y0, end=y1, minutes=210, times=["09:00"],
        usual="mon", location="Regionens hus, Älvby", gaps=(21, 120),
        feeds=[("SAMN", 8, 42, 14)],
        comment="The regional styrgrupp: the division heads and each delregion's chair.",
    )  # fmt: skip
    yield _group(
        "BGH", "Regional beredningsgrupp hjälpmedel", "beredningsgrupp", 6, "hmc-chef",
        ["div-habilitering", *(f"sc-{ks[1][0].lower()}" for _, _, ks in DELREGIONER)],
        start=y0, end=y1, minutes=120, times=["09:00", "13:00"], usual="wed",
        location="Hjälpmedelscentralen, Älvby", gaps=(28, 120), feeds=[("RSG", 8, 70, 21)],
    )  # fmt: skip
    yield _group(
        "BGD", "Regional beredningsgrupp digitalisering", "beredningsgrupp", 6, "dig-chef",
        ["div-primarvard", *(f"it-{_ascii(code)}" for code, _, _ in DELREGIONER)],
        start=y0, end=y1, minutes=120, times=["09:00", "13:00"], usual="wed", location="Teams",
        gaps=(28, 120), feeds=[("RSG", 8, 70, 21)],
    )  # fmt: skip
    yield _group(
        "MASMAR", "MAS/MAR-nätverket", "nätverk", 5,
        f"mas-{DELREGIONER[0][2][0][0].lower()}",
        [f"mas-{o.lower()}" for _, _, ks in DELREGIONER for o, _ in ks][1:],
        start=y0, end=y1, minutes=150, times=["13:00"], usual="wed", location="Teams",
        gaps=(35, None), feeds=[("RSG", 8, 120, 21)],
        comment="Advises the regional styrgrupp; one MAS/MAR per kommun.",
    )  # fmt: skip
    yield _group(
        "DIALOG", "Dialogdag Samverkansnämnden och Regionala styrgruppen", "dialogdag", 1,
        "nmd-ordf", [*politicians, "rss-samordnare", *division, "fou-chef", *chairs_dsg],
        start="2027-01-01", end="2030-12-31", minutes=360, times=["09:00"], weekdays=["fri"],
        usual="fri", location="Regionens hus, Älvby", gaps=(1, None), feeds=[],
    )  # fmt: skip
    for d, (code, name, kommuner) in enumerate(DELREGIONER):
        low = _ascii(code)
        socialchefer = [f"sc-{o.lower()}" for o, _ in kommuner]
        nvk = [f"nvk-{low}-{where}" for _, where in NAROMRADEN]
        dsg = f"DSG-{code}"
        yield f"  # ---- Delregion {name} ----\n\n"
        yield _group(
            dsg, f"Delregional styrgrupp {name}", "styrgrupp", 6, socialchefer[0],
            [*socialchefer[1:], *nvk, f"oc-{low}"], start=y0, end=y1, minutes=180,
            times=["09:00"], usual=("tue", "wed", "thu", "tue")[d],
            location=LOCATIONS[code], gaps=(21, 90), feeds=[("RSG", 8, 63, 14)],
            preceding=_last_year(year, 12, 17 + d % 2),
        )  # fmt: skip
        yield _group(
            f"SCN-{code}", f"Socialchefsnätverket {name}", "nätverk", 6, socialchefer[1],
            [s for s in socialchefer if s not in (socialchefer[0], socialchefer[1])],
            start=y0, end=y1, minutes=120, times=["09:00", "13:00"], usual="fri",
            location="Teams", gaps=(21, 90), feeds=[(dsg, 8, 42, 14)],
            preceding=_last_year(year, 12, 10),
        )  # fmt: skip
        ifo = [
            f"ifo-{o.lower()}" if k % 3 != 2 else f"sc-{o.lower()}"
            for k, (o, _) in enumerate(kommuner)
        ]
        yield _group(
            f"IFO-{code}", f"IFO-chefsnätverket {name}", "nätverk", 4, ifo[0], ifo[1:],
            start=y0, end=y1, minutes=180, times=["09:30"], usual="fri", location="Teams",
            gaps=(42, None), feeds=[],
        )  # fmt: skip
        for t, (tcode, what, slug) in enumerate(THEMES):
            bg = f"BG-{code}-{tcode}"
            ags = [f"ag-{low}{ncode}-{_ascii(tcode)}" for ncode, _ in NAROMRADEN]
            vc = f"vc-{low}-{slug}"
            # The chair alternates between a socialchef and the region's verksamhetschef of
            # the theme in the delregion; the other stays a member.
            region, kommun = f"vr-{low}-{slug}", socialchefer[2 + t]
            chair, other = (kommun, region) if (t + d) % 2 else (region, kommun)
            members = [
                *(f"ordf-{a}" for a in ags), f"ul-{low}-{slug}", other, vc,
            ]  # fmt: skip
            yield _group(
                bg, f"Beredningsgrupp {what} {name}", "beredningsgrupp", 6, chair, members,
                start=y0, end=y1, minutes=150, times=["09:00", "13:00"],
                usual=("tue", "wed", "tue", "thu")[t], location="Teams", gaps=(28, 100),
                feeds=[(dsg, 8, 63, 14)], preceding=_last_year(year, 12, 14 + t % 3),
            )  # fmt: skip
            for n, (ncode, where) in enumerate(NAROMRADEN):
                ag = ags[n]
                coordinator = nvk[n] if tcode != "BE" else f"bs-{ag}"
                yield _group(
                    f"AG-{code}{ncode}-{tcode}", f"Arbetsgrupp {what} {name} {where}",
                    "arbetsgrupp", 6,
                    f"ordf-{ag}", [f"rep-{ag}", f"rep2-{ag}", coordinator],
                    start=f"{year - (t + n) % 2}-01-01", end=f"{year + 1 - (t + n) % 2}-12-31",
                    minutes=180, times=["09:00", "13:00"], usual=WEEKDAYS[(t + n + d) % 5],
                    location=LOCATIONS[code], gaps=(28, 100), feeds=[(bg, 8, 63, 14)],
                    preceding=_last_year(year, 12, 8 + (t + n) % 4),
                )  # fmt: skip


def _storregion_items() -> Iterator[str]:
    bgs = [f"BG-{code}-{t}" for code, _, _ in DELREGIONER for t, _, _ in THEMES]
    yield "items:\n"
    yield "  # The nämnd follows up nära vård twice a year, prepared by the regional styrgrupp.\n"
    yield "  - id: uppfoljning-nmd\n    title: Uppföljning nära vård\n    groups: [SAMN]\n"
    yield "    every: half_year\n"
    yield "  - id: uppfoljning-rsg\n    title: Uppföljning nära vård – beredning\n"
    yield "    groups: [RSG]\n    before: {item: uppfoljning-nmd, min_days: 8, max_days: 42}\n"
    yield "  - id: dialogdag\n    title: Dialog om nära vård mellan politik och tjänstemän\n"
    yield '    groups: [DIALOG]\n    window_from: "02-01"\n    window_to: "05-31"\n'
    yield "  - id: arsberattelse\n    title: Årsberättelse för föregående år\n"
    yield "    kinds: [styrgrupp, beredningsgrupp, arbetsgrupp]\n    first_meeting: true\n"
    yield "  - id: handlingsplan\n    title: Handlingsplan för nästa år\n"
    yield "    kinds: [styrgrupp, beredningsgrupp, arbetsgrupp]\n"
    yield '    window_from: "09-01"\n    window_to: "12-20"\n'
    yield "  # Each arbetsgrupp's fokusområden reach its own beredningsgrupp in the autumn.\n"
    yield "  - id: fokusomraden-bg\n    title: Fokusområden från arbetsgrupperna\n"
    yield f"    groups: {_list(bgs)}\n"
    yield '    window_from: "09-15"\n    window_to: "12-20"\n'
    yield "  - id: fokusomraden\n"
    yield "    title: Fokusområden för nästa år – rapport till beredningsgruppen\n"
    yield "    kinds: [arbetsgrupp]\n"
    yield "    before: {item: fokusomraden-bg, min_days: 8, max_days: 42}\n"


# -- Sörmland at k times its size -------------------------------------------------------------

SHARED_PEOPLE = ("rss-samordnare", "nsv-")
"""People who stay one in every copy: NSV and the one who convenes Länsstyrgruppen. Each copy
has its own socialchefer, närvårdskoordinatorer and division heads (a delregion's own), who
all sit in Länsstyrgruppen."""
TOP_GROUPS = ("NSV", "LSG", "DIALOG")
"""Groups that stay one: every copy of the rest prepares the same Länsstyrgruppen."""


def sormland(times: int, years: int, source: Path = SORMLAND) -> str:
    """Sörmland 2027 at ``times`` its size over ``years`` years, as YAML text."""
    data = YAML(typ="safe").load(source.read_text(encoding="utf-8"))
    first = data["period"]["start"]
    data["period"]["end"] = date(first.year + years - 1, 12, 31)
    data["name"] = f"{data['name']} ×{times}, {years} år (syntetisk)"
    people = data["people"]
    copied_people = [p for p in people if not p["id"].startswith(SHARED_PEOPLE)]
    groups = data["groups"]
    lower = [g for g in groups if g["id"] not in TOP_GROUPS]
    lsg = next(g for g in groups if g["id"] == "LSG")
    lsg_members = list(lsg["members"])
    items = data.get("items", [])
    item_groups = [list(item.get("groups", [])) for item in items]
    for k in range(2, times + 1):
        rename = {p["id"]: f"{p['id']}-{k}" for p in copied_people}
        rename |= {g["id"]: f"{g['id']}{k}" for g in lower}
        for person in copied_people:
            people.append({**person, "id": rename[person["id"]], "name": f"{person['name']} ({k})"})
        for group in lower:
            copy = {**group, "id": rename[group["id"]], "name": f"{group['name']} ({k})"}
            copy["members"] = [rename.get(m, m) for m in group.get("members", [])]
            copy["chairs"] = [
                {**c, "person": rename.get(c["person"], c["person"])}
                for c in group.get("chairs", [])
            ]
            if "feeds" in group:
                copy["feeds"] = [{**f, "to": rename.get(f["to"], f["to"])} for f in group["feeds"]]
            groups.append(copy)
        # Länsstyrgruppen takes in the copy's socialchefer and närvårdskoordinatorer.
        lsg["members"] = lsg["members"] + [rename[m] for m in lsg_members if m in rename]
        for item, original in zip(items, item_groups, strict=True):
            if original:
                item["groups"] = item["groups"] + [rename[g] for g in original if g in rename]
    header = (
        f"# SYNTHETIC: Sörmland 2027 at {times} times its size over {years} year(s), made by\n"
        f"#   python benchmarks/generate_region.py sormland --times {times} --years {years}\n"
        "# from scenarios/sormland-2027.yaml (copies of everything below Länsstyrgruppen).\n\n"
    )
    return header + "".join(_yaml(data, 0))


def _yaml(value: Any, indent: int) -> Iterator[str]:
    """Block YAML with flow leaves; every string double-quoted (JSON), so no value changes type."""
    pad = " " * indent
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, dict | list) and item and not _leaf(item):
                yield f"{pad}{key}:\n"
                yield from _yaml(item, indent + 2)
            else:
                yield f"{pad}{key}: {_flow(item)}\n"
    else:
        for item in value:
            if isinstance(item, dict) and not _leaf(item):
                lines = list(_yaml(item, indent + 2))
                yield f"{pad}- {lines[0].lstrip()}"
                yield from lines[1:]
            else:
                yield f"{pad}- {_flow(item)}\n"


def _leaf(value: Any) -> bool:
    items = value.values() if isinstance(value, dict) else value
    return all(not isinstance(v, dict | list) or _leaf(v) for v in items) and len(_flow(value)) < 80


def _flow(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    if isinstance(value, str):
        return _q(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("kind", choices=["storregion", "sormland"])
    parser.add_argument("--year", type=int, default=2027, help="storregion: the year")
    parser.add_argument("--times", type=int, default=1, help="sormland: copies of the structure")
    parser.add_argument("--years", type=int, default=1, help="sormland: years in the period")
    parser.add_argument("--out", type=Path, help="file to write (default: standard output)")
    args = parser.parse_args(argv)
    text = storregion(args.year) if args.kind == "storregion" else sormland(args.times, args.years)
    if args.out is None:
        sys.stdout.write(text)
    else:
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
