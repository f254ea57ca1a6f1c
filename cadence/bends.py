"""Rules bent by the coordinator's decision: one rule of the file loosened for this plan.

When keeping every rule would move too much, the coordinator may choose an option that bends
one named rule by the smallest amount (see :mod:`cadence.options`): a lead window, the write-up
days, a group's gap between meetings, a decided date, or a firm meeting the committee agrees to
move. The bend is recorded in plan.json: later re-plans and ``cadence check`` read the scenario
with it (:func:`apply`), and the change report names it in Swedish with its line. A person's
absence and a closed day are never bent.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from typing import Literal

from cadence import sv
from cadence.scenario import Group, Path, Scenario

Rule = Literal["lead_max", "lead_min", "writeup", "min_gap", "max_gap", "fixed", "firm"]
RULES: tuple[Rule, ...] = ("lead_max", "lead_min", "writeup", "min_gap", "max_gap", "fixed", "firm")


@dataclass(frozen=True)
class Bend:
    """One rule loosened: for a window or a gap the new bound (``value``, the file's ``was``);
    for a decided date (``fixed``) or a firm meeting moved with the committee's consent
    (``firm``) the day it goes from and to."""

    rule: Rule
    group: str
    to: str = ""
    """The prepared group (lead windows and write-up days)."""
    value: int = 0
    """The bound as bent: days (a lead, a gap), working days (write-up)."""
    was: int = 0
    """The bound the file sets."""
    meeting: str = ""
    """``firm``: the meeting the committee is asked to move."""
    from_day: date | None = None
    day: date | None = None

    @property
    def amount(self) -> int:
        """How far the rule is bent: the new bound, or days a date moves."""
        if self.rule in ("fixed", "firm"):
            assert self.day is not None and self.from_day is not None
            return abs((self.day - self.from_day).days)
        return self.value

    @property
    def size(self) -> int:
        """How much it bends, in days (to order the options: smallest first)."""
        if self.rule in ("fixed", "firm"):
            return self.amount
        return abs(self.value - self.was)


def _feed(scenario: Scenario, bend: Bend) -> tuple[int, Group, int] | None:
    gi = next((i for i, g in enumerate(scenario.groups) if g.id == bend.group), None)
    if gi is None:
        return None
    group = scenario.groups[gi]
    fi = next((i for i, f in enumerate(group.feeds) if f.to == bend.to), None)
    return None if fi is None else (gi, group, fi)


def path(scenario: Scenario, bend: Bend) -> Path | None:
    """The key the bent rule is written at (for its line); None when the file lost it."""
    gi = next((i for i, g in enumerate(scenario.groups) if g.id == bend.group), None)
    if gi is None:
        return None
    group = scenario.groups[gi]
    if bend.rule in ("lead_max", "lead_min", "writeup"):
        found = _feed(scenario, bend)
        if found is None:
            return None
        _, _, fi = found
        if bend.rule == "writeup":
            if group.feeds[fi].writeup_days is None:
                return ("writeup_days",)
            return ("groups", gi, "feeds", fi, "writeup_days")
        end = "max" if bend.rule == "lead_max" else "min"
        return ("groups", gi, "feeds", fi, "lead_days", end)
    if bend.rule == "min_gap":
        return ("groups", gi, "min_days_between")
    if bend.rule == "max_gap":
        return ("groups", gi, "max_days_between")
    if bend.rule == "fixed":
        at = next((i for i, f in enumerate(group.fixed) if f.date == bend.from_day), None)
        return None if at is None else ("groups", gi, "fixed", at, "date")
    return ("groups", gi, "firm") if group.firm else ("firm_kinds",)


def apply(scenario: Scenario, bends: Iterable[Bend]) -> Scenario:
    """The scenario with each recorded bend: a bound loosened to the bent value (never
    tightened: a file already looser wins), a decided date moved. A firm meeting's move is the
    coordinator's move (a change in plan.json), not a change of the file. A bend whose rule the
    file no longer has is left out."""
    for bend in bends:
        scenario = _applied(scenario, bend)
    return scenario


def _applied(scenario: Scenario, bend: Bend) -> Scenario:
    gi = next((i for i, g in enumerate(scenario.groups) if g.id == bend.group), None)
    if gi is None or bend.rule == "firm":
        return scenario
    group = scenario.groups[gi]
    if bend.rule in ("lead_max", "lead_min", "writeup"):
        found = _feed(scenario, bend)
        if found is None:
            return scenario
        _, _, fi = found
        feed = group.feeds[fi]
        lead = feed.lead_days
        if bend.rule == "lead_max":
            feed = replace(feed, lead_days=replace(lead, max=max(lead.max, bend.value)))
        elif bend.rule == "lead_min":
            feed = replace(feed, lead_days=replace(lead, min=min(lead.min, bend.value)))
        else:
            days = group.writeup(feed, scenario.writeup_days)
            feed = replace(feed, writeup_days=min(days, bend.value))
        feeds = list(group.feeds)
        feeds[fi] = feed
        group = replace(group, feeds=tuple(feeds))
    elif bend.rule == "min_gap":
        group = replace(group, min_days_between=min(group.min_days_between, bend.value))
    elif bend.rule == "max_gap":
        if group.max_days_between is None:
            return scenario
        group = replace(group, max_days_between=max(group.max_days_between, bend.value))
    elif bend.rule == "fixed" and bend.day is not None:
        entries = [replace(f, date=bend.day) if f.date == bend.from_day else f for f in group.fixed]
        group = replace(group, fixed=tuple(entries))
    groups = list(scenario.groups)
    groups[gi] = group
    return replace(scenario, groups=tuple(groups))


def _day(day: date) -> str:
    """``torsdag 26 mars 2026``."""
    return f"{sv.weekday(day)} {sv.day_month(day)} {day.year}"


def line_number(line: str) -> str:
    """``sormland-2026.yaml:227`` → ``227`` (the file is the coordinator's own)."""
    return line.rpartition(":")[2] if ":" in line else line


def words(bend: Bend, line: str) -> str:
    """The bend in the coordinator's Swedish, with its line: ``ledtid LSG → NSV 56 dagar
    (högst 42, rad 227)``."""
    row = f"rad {line_number(line)}" if line else "rad okänd"
    if bend.rule == "lead_max":
        return f"ledtid {bend.group} → {bend.to} {bend.value} dagar (högst {bend.was}, {row})"
    if bend.rule == "lead_min":
        return f"ledtid {bend.group} → {bend.to} {bend.value} dagar (minst {bend.was}, {row})"
    if bend.rule == "writeup":
        return (
            f"tid att skriva ihop {bend.group} → {bend.to} {bend.value} arbetsdag(ar) "
            f"(minst {bend.was}, {row})"
        )
    if bend.rule == "max_gap":
        return f"{bend.group}: {bend.value} dagar mellan mötena (högst {bend.was}, {row})"
    if bend.rule == "min_gap":
        return f"{bend.group}: {bend.value} dagar mellan mötena (minst {bend.was}, {row})"
    assert bend.day is not None and bend.from_day is not None
    moved = f"{_day(bend.from_day)} → {_day(bend.day)}"
    if bend.rule == "fixed":
        return f"{bend.group}:s beslutade datum flyttas: {moved} ({row})"
    return (
        f"{bend.meeting} flyttas: {moved}, om {bend.group} beslutar det "
        f"({bend.group} har fasta datum, {row})"
    )


def ask(bend: Bend) -> str:
    """What the coordinator must ask for before she chooses the option (Swedish), or empty."""
    if bend.rule in ("fixed", "firm"):
        assert bend.day is not None
        return (
            f"Fråga {bend.group}:s sekreterare om {bend.group} kan flytta sitt möte till "
            f"{_day(bend.day)}."
        )
    return ""
