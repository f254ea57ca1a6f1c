"""Scenario checks that need the working-day calendar (run by the loader after the field checks),
and the cheap checks of what a plan certainly cannot keep, run before any solve.

The cheap checks read the same instance the solver would (built to explain, so every day a rule
of the file takes away is kept with that rule's key) and name each rule in the words and with
the line :mod:`cadence.rules` gives it. They need no solver: a group's possible days, greedy
counts on them, and the chain's reachability as :func:`cadence.instance.preparable` narrows it.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date

from cadence import instance as instances
from cadence import sv
from cadence.calendar import WorkCalendar, end_time, max_meetings, open_days, rules_problems
from cadence.instance import CountSlice, GroupData, Instance, Link
from cadence.rules import RuleKey, describe
from cadence.rules import weekdays as weekdays_text
from cadence.scenario import WORKDAYS, Finding, Path, Scenario, year_slices

Where = Callable[[Path], str]
"""``path`` → ``line 33``: where another key of the file is, for a message that names it."""


def calendar_problems(scenario: Scenario, where: Where | None = None) -> Iterator[Finding]:
    rule_findings = [(("calendar", *p), m) for p, m in rules_problems(scenario.calendar)]
    if rule_findings:
        yield from rule_findings
        return
    period = scenario.period
    cal = WorkCalendar(scenario.calendar, period)
    for gi, group in enumerate(scenario.groups):
        for fi, fixed in enumerate(group.fixed):
            path = ("groups", gi, "fixed", fi, "date")
            day = fixed.date
            if not period.start <= day <= period.end:
                yield path, f"{day} is outside the period {period.start}–{period.end}"
                continue
            reason = cal.blocked_reason(day)
            if reason:
                yield path, f"{day} ({sv.weekday(day)}) is not a working day: {reason}"
                continue
            start = fixed.time or group.start_times[0]
            end = end_time(start, group.duration_minutes)
            if not cal.fits(day, start, end):
                cutoff = cal.half_day_cutoff(day)
                yield (
                    path,
                    (
                        f"{day} is a half day from {cutoff:%H:%M}; "
                        f"a meeting {start:%H:%M}–{end:%H:%M} "
                        f"does not fit"
                    ),
                )
        for piece in year_slices(period):
            low, high = piece.counts(group.meetings)
            fixed_here = sum(piece.first <= f.date <= piece.last for f in group.fixed)
            if fixed_here > high:
                yield (
                    ("groups", gi, "fixed"),
                    (
                        f"{group.id} has {fixed_here} fixed meetings in {piece.year} "
                        f"but at most {high} meetings that year"
                    ),
                )
            days = open_days(cal, group, piece.first, piece.last)
            room = max_meetings(days, group.min_days_between)
            if low > room:
                on = ""
                if set(group.weekdays) != set(WORKDAYS) and where is not None:
                    on = (
                        f" on {weekdays_text(group.weekdays)} ({where(('groups', gi, 'weekdays'))})"
                    )
                gap = ""
                if where is not None:
                    gap = f", {where(('groups', gi, 'min_days_between'))}"
                yield (
                    ("groups", gi, "meetings"),
                    (
                        f"{group.id} needs {low} meetings in {piece.year} but only {room} fit "
                        f"({len(days)} open days{on}, at least {group.min_days_between} days "
                        f"apart{gap})"
                    ),
                )
    for ii, item in enumerate(scenario.items):
        opens, closes = item.window_from, item.window_to
        too_late = isinstance(opens, date) and opens > period.end
        if too_late or (isinstance(closes, date) and closes < period.start):
            yield ("items", ii), f"the window {opens}–{closes} is outside the period"


def calendar_warnings(scenario: Scenario) -> Iterator[Finding]:
    """What may be meant otherwise: a yearly count scaled to a part-year."""
    for gi, group in enumerate(scenario.groups):
        for piece in year_slices(scenario.period):
            if piece.scaled(group.meetings):
                low, high = piece.counts(group.meetings)
                share = f"{piece.fraction:.0%}"
                yield (
                    ("groups", gi, "meetings"),
                    (
                        f"{group.id}: the period covers {piece.first}–{piece.last}, {share} of "
                        f"{piece.year}; {group.meetings.low}–{group.meetings.high} meetings a "
                        f"year become {low}–{high} (min rounded down, max rounded up); set "
                        f"meetings.years to choose"
                    ),
                )


# -- before a solve ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Checked:
    """What the cheap checks found: rules a plan certainly cannot keep (``errors``: nothing is
    solved or written) and what may be meant otherwise (``warnings``)."""

    errors: tuple[Finding, ...]
    warnings: tuple[Finding, ...]


REASONS_NAMED = 3
"""Rules named at most as the reason a group has too few days."""


def before_solve(scenario: Scenario, where: Where) -> Checked:
    """The cheap checks of a fresh plan, in the order a coordinator would fix them: a decided
    date its own attendees or its preparing groups cannot keep, then a year with fewer possible
    days than meetings (a chair away on every day the group could meet, or other absences);
    warned about: a chair away on every allowed day of a period, a gap longer than the maximum.
    ``where(path)`` names another key's line."""
    # The whole period, as the file describes it: ``period.as_of`` is for re-plans, which
    # read the meetings held before it from the published plan.
    inst = instances.build(scenario, as_of=scenario.period.start, explain=True)
    days = {g.id: _Days.of(g) for g in inst.groups}
    words = _Words(scenario, where)
    errors: list[Finding] = []
    named: set[tuple[str, RuleKey]] = set()
    for group in inst.groups:
        for piece in group.counts:
            found = _too_few_days(inst, group, days[group.id], piece, words)
            if found is not None:
                errors.append(found[0])
                named.add((group.id, found[1]))
    # A group that cannot meet enough is said once, not again for each date it cannot prepare.
    short = {group for group, _ in named}
    errors[:0] = _fixed_problems(inst, days, words, short)
    warnings = [
        *(w for g in inst.groups for w in _chair_away(inst, g, days[g.id], words, named)),
        *(w for g in inst.groups for w in _gaps(inst, g, days[g.id], words)),
    ]
    return Checked(tuple(errors), tuple(warnings))


@dataclass(frozen=True)
class _Days:
    """One group's days as the rules of the file leave them (read off an instance built to
    explain, where each option keeps the rules that would take it away)."""

    possible: tuple[int, ...]
    """Days with a start time that no rule takes away."""
    taken: dict[int, frozenset[RuleKey]]
    """Every other day the calendar leaves (weekends, holidays and half days are never options)
    → the rules that take away its start times."""

    @classmethod
    def of(cls, group: GroupData) -> _Days:
        cut: dict[tuple[int, int], set[RuleKey]] = {}
        for key, pairs in group.cuts:
            for pair in pairs:
                cut.setdefault(pair, set()).add(key)
        possible, taken = [], {}
        for day, slots in group.options:
            keys = [cut.get((day, slot), set()) for slot in slots]
            if not all(keys):
                possible.append(day)
            else:
                taken[day] = frozenset(k for ks in keys for k in ks)
        return cls(tuple(possible), taken)

    def absent(self, first: int, last: int) -> list[int]:
        """Days from ``first`` to ``last`` the group could meet on but for someone's absence."""
        return [
            day
            for day, keys in self.taken.items()
            if first <= day <= last and all(k[0] == "away" for k in keys)
        ]

    def open(self, first: int, last: int) -> list[int]:
        """Days from ``first`` to ``last`` the calendar, breaks and weekdays leave."""
        return sorted(
            [*(d for d in self.possible if first <= d <= last), *self.absent(first, last)]
        )


class _Words:
    """Rules in the coordinator's words (:mod:`cadence.rules`) with their lines."""

    def __init__(self, scenario: Scenario, where: Where):
        self.scenario = scenario
        self.where = where

    def rule(self, key: RuleKey) -> str:
        rule = describe(self.scenario, key)
        return rule.text if rule.path is None else f"{rule.text} ({self.where(rule.path)})"

    def line(self, key: RuleKey) -> str:
        path = describe(self.scenario, key).path
        return self.where(path) if path is not None else "command line"

    def path(self, key: RuleKey) -> Path:
        path = describe(self.scenario, key).path
        assert path is not None
        return path


def _ranked(days: _Days, taken_days: list[int]) -> list[RuleKey]:
    """The rules that take ``taken_days`` away, those that take most first."""
    counts = Counter(k for day in taken_days for k in days.taken[day])
    return sorted(counts, key=lambda k: (-counts[k], repr(k)))


def _either(options: list[str]) -> str:
    text = options[0] if len(options) == 1 else ", ".join(options[:-1]) + " or " + options[-1]
    return text[0].upper() + text[1:]


@dataclass(frozen=True)
class _ChairAway:
    """An absence of the group's chair that takes days of the group: no deputy comes instead."""

    key: RuleKey
    person: str
    term: int
    """Index of the chair term in the group's ``chairs``."""
    taken: tuple[int, ...]
    """The days of the group it takes."""


def _chair_absence(
    inst: Instance, group: GroupData, days: _Days, key: RuleKey, first: int, last: int
) -> _ChairAway | None:
    """``key`` as the chair's absence, if its person chairs the group on every day from
    ``first`` to ``last`` that it takes (the deputy would chair where they could come)."""
    if key[0] != "away":
        return None
    taken = tuple(d for d in days.absent(first, last) if key in days.taken[d])
    person = str(key[1])
    if not taken or any(inst.chair(group.id, d) != person for d in taken):
        return None
    source = inst.scenario.groups[group.index]
    term = source.term_on(inst.day(taken[0]))
    assert term is not None
    return _ChairAway(key, person, source.chairs.index(term), taken)


def _chair_words(
    inst: Instance, group: GroupData, chair: _ChairAway, opened: int, words: _Words
) -> str:
    """``PSO's chair … is away on all 24 days from … to … on which PSO could meet (…)``."""
    source = inst.scenario.groups[group.index]
    name = inst.scenario.person(chair.person).name
    first, last = inst.day(chair.taken[0]), inst.day(chair.taken[-1])
    count = len(chair.taken)
    share = f"all {count}" if count == opened else f"{count} of the {opened}"
    only = ""
    if set(source.weekdays) != set(WORKDAYS):
        only = f" ({words.rule(('weekdays', group.id))})"
    deputy_id = source.chairs[chair.term].deputy
    deputy = ", with no deputy"
    if deputy_id is not None:
        deputy = f", and the deputy, {inst.scenario.person(deputy_id).name}, cannot come either"
    return (
        f"{group.id}'s chair {name} is away on {share} days from {first} to {last} on which "
        f"{group.id} could meet{only}{deputy}: {words.rule(chair.key)}."
    )


def _chair_advice(inst: Instance, group: GroupData, chair: _ChairAway, words: _Words) -> list[str]:
    """What the coordinator can change: a deputy, another weekday, the absence."""
    source = inst.scenario.groups[group.index]
    options = []
    if source.chairs[chair.term].deputy is None:
        where = words.where(("groups", group.index, "chairs", chair.term))
        options.append(f"give the chair a deputy (chairs[{chair.term}].deputy, {where})")
    if set(source.weekdays) != set(WORKDAYS):
        where = words.where(("groups", group.index, "weekdays"))
        options.append(f"let {group.id} meet on another weekday too ({where})")
    options.append(f"change the absence ({words.line(chair.key)})")
    return options


def _too_few_days(
    inst: Instance, group: GroupData, days: _Days, piece: CountSlice, words: _Words
) -> tuple[Finding, RuleKey] | None:
    """A year in which the group's possible days hold fewer meetings than it needs (greedy at
    least ``min_gap`` apart is the most that fit), with the rules that take its days: the
    chair's absence alone when it takes most. The loader has checked the calendar and weekdays
    alone, so here absences take the days."""
    possible = [d for d in days.possible if piece.first <= d <= piece.last]
    fit = max_meetings(possible, group.min_gap)
    if fit >= piece.low:
        return None
    absent = days.absent(piece.first, piece.last)
    ranked = _ranked(days, absent)
    if not ranked:
        return None  # not the file's absences: the solver says why
    count: RuleKey = ("count", group.id, piece.year, piece.low)
    needs = f"{group.id} needs {piece.low} meetings in {piece.year}"
    gap = words.where(("groups", group.index, "min_days_between"))
    fits = f"only {fit} fit at least {group.min_gap} days apart ({gap})" if fit else "none fit"
    opened = len(days.open(piece.first, piece.last))
    chair = _chair_absence(inst, group, days, ranked[0], piece.first, piece.last)
    if chair is not None:
        advice = _either(_chair_advice(inst, group, chair, words))
        message = (
            f"{_chair_words(inst, group, chair, opened, words)} {needs} "
            f"({words.line(count)}) but {fits}. {advice}."
        )
        return (words.path(chair.key), message), chair.key
    named = [
        f"{words.rule(k)} takes {sum(k in days.taken[d] for d in absent)} of them"
        for k in ranked[:REASONS_NAMED]
    ]
    if len(ranked) > REASONS_NAMED:
        named.append(f"and {len(ranked) - REASONS_NAMED} more")
    message = (
        f"{needs} but {fits}: its attendees cannot all come on {len(absent)} of its {opened} "
        f"open days that year. {'; '.join(named)}. Change an absence or ask for fewer meetings."
    )
    return (words.path(count), message), ranked[0]


def _chair_away(
    inst: Instance,
    group: GroupData,
    days: _Days,
    words: _Words,
    named: set[tuple[str, RuleKey]],
) -> Iterator[Finding]:
    """A chair away, every week, on every day the group could meet from one date to another,
    with no deputy: possible (the meetings go around it), but often not what is meant. Not
    repeated where the error about too few days names it."""
    keys = sorted({k for ks in days.taken.values() for k in ks if k[0] == "away"}, key=repr)
    for key in keys:
        person = inst.scenario.person(str(key[1]))
        if (group.id, key) in named or not person.unavailable[int(key[2])].weekdays:
            continue
        chair = _chair_absence(inst, group, days, key, 0, inst.horizon - 1)
        if chair is None or len(chair.taken) < 2:
            continue
        if len(days.open(chair.taken[0], chair.taken[-1])) != len(chair.taken):
            continue  # the group can meet between the days it takes
        advice = _either(_chair_advice(inst, group, chair, words)[:-1] or ["change the absence"])
        yield (
            words.path(key),
            f"{_chair_words(inst, group, chair, len(chair.taken), words)} Its meetings go "
            f"around these days; if that is not meant: {advice[0].lower() + advice[1:]}.",
        )


def _gaps(inst: Instance, group: GroupData, days: _Days, words: _Words) -> Iterator[Finding]:
    """A group with no possible day for longer than its maximum gap (also after its last
    meeting before the period), with the rules that take the days between. A warning: the
    group may not need a meeting on both sides."""
    if group.max_gap is None:
        return
    for a, b in itertools.pairwise([*group.preceding[-1:], *days.possible]):
        if b - a <= group.max_gap:
            continue
        weekdays: RuleKey = ("weekdays", group.id)
        between = [d for d, keys in days.taken.items() if a < d < b and weekdays not in keys]
        ranked = _ranked(days, between)
        named = [
            f"{words.rule(k)} takes {sum(k in days.taken[d] for d in between)} of its days"
            for k in ranked[:REASONS_NAMED]
        ]
        if len(ranked) > REASONS_NAMED:
            named.append(f"and {len(ranked) - REASONS_NAMED} more")
        why = f": {'; '.join(named)}" if named else ""
        yield (
            ("groups", group.index, "max_days_between"),
            (
                f"{group.id} can meet on no day from {inst.day(a + 1)} to {inst.day(b - 1)} "
                f"({b - a} days between possible days, at most {group.max_gap} between "
                f"meetings){why}"
            ),
        )
        break


def _fixed_problems(
    inst: Instance, days: dict[str, _Days], words: _Words, short: set[str]
) -> Iterator[Finding]:
    """A decided date of the file that its attendees cannot keep, or that no meeting of a
    group that prepares it can reach in its lead window and in time for its notice (through
    the preparing groups' possible days, narrowed down the chain as the solver's are); not for
    the preparing groups in ``short``, which cannot meet enough at all."""
    real = [
        replace(g, options=tuple(o for o in g.options if o[0] not in days[g.id].taken))
        for g in inst.groups
    ]
    by_id = {g.id: g for g in instances.preparable(real, inst.links)}
    plain = {g.id: g for g in real}
    for group in inst.groups:
        for (day, _), rule in group.decided:
            if rule[0] != "fixed":
                continue
            path = words.path(rule)
            when = f"{group.id} is fixed on {inst.day(day)} ({sv.weekday(inst.day(day))})"
            taken = days[group.id].taken.get(day)
            if taken:
                reasons = "; ".join(words.rule(k) for k in sorted(taken, key=repr))
                yield path, f"{when}, but it cannot be held then: {reasons}"
                continue
            for link in inst.links:
                if link.to != group.id or link.source in short:
                    continue
                source = sorted({*by_id[link.source].preceding, *by_id[link.source].days})
                if instances.reachable(link, day, source):
                    continue
                chain = (by_id, plain, days[group.id])
                yield path, f"{when}, but {_unreachable(inst, group, link, day, chain, words)}"


def _unreachable(
    inst: Instance,
    group: GroupData,
    link: Link,
    day: int,
    chain: tuple[dict[str, GroupData], dict[str, GroupData], _Days],
    words: _Words,
) -> str:
    """Why no meeting of ``link.source`` can prepare ``group``'s decided meeting on ``day``,
    and the earliest day it could have (on any weekday: a decided date may be on any).
    ``chain``: the groups' possible days narrowed down the chain, the same not narrowed, and
    ``group``'s days."""
    narrowed, plain, days = chain
    first, last = day - link.high, link.last_source_day(day)
    source = plain[link.source]
    own = [d for d in (*source.preceding, *source.days) if first <= d <= last]
    then = "none of them can be prepared in time itself" if own else "it has no possible day"

    def prepared(d: int) -> bool:
        return all(
            instances.reachable(
                k, d, sorted({*narrowed[k.source].preceding, *narrowed[k.source].days})
            )
            for k in inst.links
            if k.to == group.id
        )

    weekdays: RuleKey = ("weekdays", group.id)
    earliest = next(
        (
            d
            for d, _ in group.options
            if days.taken.get(d, frozenset()) <= {weekdays} and prepared(d)
        ),
        None,
    )
    could = f"on no day of the period can {group.id} meet with its preparation in time"
    if earliest is not None:
        at = inst.day(earliest)
        could = (
            f"the earliest {group.id} could meet with its preparation in time is {at} "
            f"({sv.weekday(at)})"
        )
    feed: RuleKey = ("link", link.source, link.to)
    window = f"from {inst.day(first)} to {inst.day(last)}, and then {then}"
    if last < first:
        window = f"after {inst.day(first)} and by {inst.day(last)}, which cannot be"
    return (
        f"no meeting of {link.source} can prepare it: {words.rule(feed)}, so {link.source} "
        f"would have to meet {window}; {could}. Move the date, widen the lead window "
        f"({words.line(feed)}) or let {link.source} meet earlier."
    )
