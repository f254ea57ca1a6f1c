"""``cadence explain MEETING``: why a published meeting sits where it does.

For one meeting of the published plan (plan.json): the rules that bind it, each with the
scenario line it comes from; the other days it could have had, each with what it would cost in
the goals (:func:`cadence.goals.penalties`, the one definition of the goals) or the rules that
forbid it; and whether the last re-plan moved it, and why.

An alternative day is judged as a re-plan would judge it: the meeting on that day, every other
published meeting where it is when the rules still hold (no solve needed), else a re-plan with
the meeting pinned there that moves the fewest other published meetings (:mod:`cadence.replan`).
Its cost is the change of the whole plan's goals against the published plan.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, time, timedelta
from typing import Literal

from cadence import goals, replan, solver, sv
from cadence import plan as plans
from cadence.bends import apply as bent
from cadence.calendar import end_time
from cadence.errors import InfeasibleError, InputError, UndecidedError
from cadence.export.report import Entry
from cadence.instance import Instance, Link, usual_weekdays
from cadence.loader import Loaded
from cadence.plan import Meeting, Plan
from cadence.rules import away_path
from cadence.scenario import WEEKDAYS, Group, LeadWindow, Path, Scenario
from cadence.state import Change, Record, State
from cadence.verify import Violation, check

DAY_NAMES = sv.WEEKDAYS
MAX_TRIALS = 3
"""Alternative days re-planned at most (the nearest first): each gets an equal share of the
budget, split again between the re-plan's two stages."""
VERDICTS = {"impossible": "omöjlig", "undecided": "oavgjord", "possible": "möjlig"}
"""An alternative day's verdict in the coordinator's words."""
NEAR_BREAK_DAYS = 21
"""A break or holiday this close to the meeting is named among the rules that bind it."""


def day_text(day: date) -> str:
    """``tisdag 2026-04-21``: the weekday in Swedish, the date as ISO writes it."""
    return f"{DAY_NAMES[day.weekday()]} {day.isoformat()}"


@dataclass(frozen=True)
class Rule:
    """A rule in the coordinator's words, with where the scenario writes it."""

    kind: str
    """chain, kallelse, weekdays, count, spacing, fixed, firm, chair, people, item, calendar."""
    text: str
    where: str = ""
    """``sormland-2026.yaml:141``, or empty for a rule the scenario does not write (a weekend,
    the published plan)."""

    def __str__(self) -> str:
        return f"{self.text} [{self.where}]" if self.where else self.text


@dataclass(frozen=True)
class Alternative:
    """Another day the meeting could have had, with its cost or the rules that forbid it."""

    day: date
    start: time | None
    why: str
    """How it relates to the meeting's day: "a week earlier", "same week", …"""
    forbidden: tuple[Rule, ...] = ()
    """When it is impossible: the rules that forbid it."""
    change: dict[str, int] = field(default_factory=dict)
    """Goal → change in units against the published plan (positive: worse)."""
    cost: int | None = None
    """The change of the weighted objective (None when impossible or undecided)."""
    moves: tuple[str, ...] = ()
    """Other published meetings that would move: ``BGB-2026-04 Tue 2026-05-12 → Tue 2026-05-19``."""
    note: str = ""
    verdict: Literal["possible", "impossible", "undecided"] = "impossible"
    """Undecided: other meetings would have to move, and no re-plan settled it in the budget."""
    replanned: bool = False
    """Judged by a re-plan with the meeting pinned there (not against the plan as it stands)."""


@dataclass(frozen=True)
class Explanation:
    meeting: Meeting
    group: Group
    rules: tuple[Rule, ...]
    alternatives: tuple[Alternative, ...]
    history: tuple[str, ...]
    objective: int
    """The published plan's weighted objective."""
    cutoff: date | None


def default_cutoff(scenario: Scenario, state: State) -> date | None:
    """Meetings before this day are held: the scenario's ``period.as_of``, else the day after the
    last meeting the published plan marks as held (the state knows it; the clock is not asked)."""
    if scenario.period.as_of is not None:
        return scenario.period.as_of
    held = [r.start.date() for r in state.records if r.status == "held"]
    return max(held) + timedelta(days=1) if held else None


def explain(
    loaded: Loaded,
    source: str,
    state: State,
    meeting_id: str,
    settings: solver.Settings,
    cutoff: date | None,
    report: Sequence[Entry] | None,
    days: bool = True,
) -> Explanation:
    """Explain ``meeting_id`` of the published ``state``. ``report`` is the last re-plan's change
    report (None when the plan has not been re-planned since it was first published). The
    rules the coordinator chose to bend (recorded in ``state``) are bent as decided. Without
    ``days`` only the rules and the history: no other day is judged (no re-plan runs)."""
    if state.bends:
        loaded = replace(loaded, scenario=bent(loaded.scenario, state.bends))
    scenario = loaded.scenario
    record = state.record(meeting_id)
    if record is None:
        known = ", ".join(r.id for r in state.records if r.status != "cancelled")[:300]
        raise InputError(f"no meeting '{meeting_id}' in the published plan ({known} …)")
    if record.status == "cancelled":
        raise InputError(
            f"{meeting_id} ({record.start.date()}) is cancelled: no rule binds it any more"
        )
    setup = replan.prepare(scenario, state, cutoff)
    inst = setup.instance
    published = _published_plan(inst, state, source)
    meeting = published.meeting(meeting_id)
    base = goals.penalties(inst, published.times(inst))
    rules = tuple(_rules(loaded, inst, published, meeting))
    judge = _Judge(loaded, source, state, inst, published, meeting, base, cutoff, setup.extra)
    alternatives = judge.alternatives(settings) if days else ()
    return Explanation(
        meeting,
        scenario.group(meeting.group),
        rules,
        alternatives,
        tuple(_history(state, record, report)),
        goals.weighted(inst, base),
        cutoff,
    )


# -- The published plan -----------------------------------------------------------------------


def _published_plan(inst: Instance, state: State, source: str) -> Plan:
    """The published meetings as a plan of ``inst`` (ids, chairs, agendas, chain links)."""
    placed: dict[str, list[tuple[int, int]]] = defaultdict(list)
    identities = {}
    day_of = {}
    for record in state.records:
        if record.status == "cancelled":
            continue
        group = inst.group(record.group)
        minute = record.start.hour * 60 + record.start.minute
        slots = [s.start for s in group.slots]
        if minute not in slots:
            raise InputError(
                f"{record.id} starts {record.start:%H:%M} in plan.json, not at one of "
                f"{record.group}'s start times: re-plan with cadence plan first"
            )
        day = inst.index(record.start.date())
        placed[record.group].append((day, slots.index(minute)))
        identities[(record.group, record.start.date())] = (record.id, record.uid)
        day_of[record.id] = day
    dues = {d.key for d in inst.dues}
    carried = {
        key: day_of[r.id]
        for r in state.records
        if r.status != "cancelled"
        for key, _ in r.items
        if key in dues
    }
    return plans.build(inst, placed, carried, source, identities=identities)


def _with_meeting_at(inst: Instance, plan: Plan, meeting: Meeting, day: int, minute: int) -> Plan:
    """``plan`` with ``meeting`` (and its agenda) on ``day`` at ``minute``; every other meeting
    where it is."""
    placed: dict[str, list[tuple[int, int]]] = defaultdict(list)
    identities = {}
    for m in plan.meetings:
        group = inst.group(m.group)
        slots = [s.start for s in group.slots]
        when = (day, minute) if m.id == meeting.id else plans_time(inst, m)
        placed[m.group].append((when[0], slots.index(when[1])))
        identities[(m.group, inst.day(when[0]))] = (m.id, m.uid)
    carried: dict[str, int] = {}
    for due in inst.dues:
        for m in plan.meetings:
            if (
                m.group == due.group
                and due.item in m.items
                and inst.index(m.start.date()) in (due.days)
            ):
                carried.setdefault(due.key, day if m.id == meeting.id else plans_time(inst, m)[0])
    return plans.build(inst, placed, carried, "", identities=identities)


def plans_time(inst: Instance, meeting: Meeting) -> tuple[int, int]:
    return inst.index(meeting.start.date()), meeting.start.hour * 60 + meeting.start.minute


# -- The rules that bind it -------------------------------------------------------------------


def _rules(loaded: Loaded, inst: Instance, plan: Plan, meeting: Meeting) -> Iterator[Rule]:
    """Each rule that ties the meeting to its day, in the order a coordinator asks: is it
    decided, what the chain needs, who must come, what it carries, the group's own rules, the
    calendar around it."""
    scenario = loaded.scenario
    where = loaded.where
    gi = _index(scenario, meeting.group)
    group = scenario.groups[gi]
    day = meeting.start.date()
    cal = inst.calendar
    by_id = {m.id: m for m in plan.meetings}

    for fi, fixed in enumerate(group.fixed):
        if fixed.date == day:
            title = f" ({fixed.title})" if fixed.title else ""
            yield Rule(
                "fixed",
                f"{group.id} möts {day_text(day)} kl. {meeting.start:%H.%M}: ett fast datum{title}",
                where(("groups", gi, "fixed", fi)),
            )
    if replan.firm(scenario, group.id):
        path: Path = ("groups", gi, "firm") if group.firm else ("firm_kinds",)
        yield Rule(
            "firm",
            f"{group.id} har fasta datum (en beslutad sammanträdesplan): en omplanering flyttar "
            "aldrig mötet, bara cadence move med mötets namn",
            where(path),
        )

    notice = cal.notice_day(day, group.notice_days)
    for source_group, feed in scenario.feeders(group.id):
        si = _index(scenario, source_group.id)
        fi = source_group.feeds.index(feed)
        link = _link(inst, source_group.id, group.id)
        deadline = inst.day(link.last_source_day(inst.index(day)))
        window = feed.lead_days
        writeup = source_group.writeup(feed, scenario.writeup_days)
        rule = _lead_rule(
            source_group.id, f"varje {group.id}-möte", window, deadline, writeup, group.id,
            notice,
        )  # fmt: skip
        sources = [by_id[i] for i in meeting.prepared_by if by_id[i].group == source_group.id]
        if sources:
            before = sources[0].start.date()
            lead = (day - before).days
            text = f"bereds av {sources[0].id} ({day_text(before)}, {lead} dagar före): {rule}"
        else:
            earlier = [d for d in source_group.preceding if d < day]
            text = (
                f"bereds av {source_group.id}:s möte {day_text(max(earlier))} före perioden: {rule}"
                if earlier
                else f"inget {source_group.id}-möte bereder det: {rule}"
            )
        yield Rule("chain", text, where(("groups", si, "feeds", fi)))
    for fi, feed in enumerate(group.feeds):
        link = _link(inst, group.id, feed.to)
        writeup = group.writeup(feed, scenario.writeup_days)
        prepared = [by_id[i] for i in meeting.prepares if by_id[i].group == feed.to]
        window = feed.lead_days
        if not prepared:
            later = [m for m in plan.meetings if m.group == feed.to and m.start > meeting.start]
            text = (
                f"bereder inget {feed.to}-möte (ett senare {group.id}-möte bereder "
                f"{later[0].id} {day_text(later[0].start.date())})"
                if later
                else f"bereder inget {feed.to}-möte (inget följer efter det)"
            )
            yield Rule("chain", text, where(("groups", gi, "feeds", fi)))
        for target in prepared:
            when = target.start.date()
            deadline = inst.day(link.last_source_day(inst.index(when)))
            their_notice = cal.notice_day(when, scenario.group(feed.to).notice_days)
            yield Rule(
                "chain",
                f"bereder {target.id} ({day_text(when)}, {(when - day).days} dagar senare): "
                + _lead_rule(group.id, "det", window, deadline, writeup, feed.to, their_notice),
                where(("groups", gi, "feeds", fi)),
            )
    yield Rule(
        "kallelse",
        f"kallelsen går ut {day_text(notice)}: {group.notice_days} dagar före, på sista "
        "arbetsdagen",
        where(("groups", gi, "notice_days")),
    )

    yield from _people(loaded, inst, plan, meeting)
    yield from _items(loaded, inst, plan, meeting)

    usual = DAY_NAMES[WEEKDAYS.index(usual_weekdays(scenario)[group.id])]
    allowed = ", ".join(DAY_NAMES[WEEKDAYS.index(w)] for w in group.weekdays)
    yield Rule(
        "weekdays",
        f"{group.id} möts på {allowed}; oftast {usual}",
        where(("groups", gi, "weekdays")),
    )
    yield from _spacing(loaded, plan, meeting)
    yield from _calendar(loaded, inst, meeting)


def _index(scenario: Scenario, group_id: str) -> int:
    return next(i for i, g in enumerate(scenario.groups) if g.id == group_id)


def _lead_rule(
    source: str, before: str, window: LeadWindow, deadline: date, writeup: int, to: str,
    notice: date,
) -> str:  # fmt: skip
    """``AVÄ ska mötas 8–42 dagar före det och senast …, 2 arbetsdagar före BGÄ:s kallelse
    …``: the chain rule between a preparing and a prepared meeting, from either side."""
    return (
        f"{source} ska mötas {window.min}–{window.max} dagar före {before} och senast "
        f"{day_text(deadline)}, {writeup} arbetsdagar före {to}:s kallelse "
        f"{day_text(notice)}"
    )


def _link(inst: Instance, source: str, to: str) -> Link:
    return next(k for k in inst.links if k.source == source and k.to == to)


def _people(loaded: Loaded, inst: Instance, plan: Plan, meeting: Meeting) -> Iterator[Rule]:
    """Who chairs it, who of its people is away that week, and which other meetings of the
    same week share its people (the days those take are not free for this one)."""
    scenario = loaded.scenario
    gi = _index(scenario, meeting.group)
    group = scenario.groups[gi]
    day = meeting.start.date()
    cal = inst.calendar
    term = group.term_on(day)
    if term is not None and meeting.chair is not None:
        ci = group.chairs.index(term)
        chair = scenario.person(term.person)
        if meeting.chair == term.person:
            deputy = f"; vice ordförande {scenario.person(term.deputy).name}" if term.deputy else ""
            text = f"ordförande {chair.name} (mandatperiod {term.start} – {term.end}{deputy})"
        else:
            reason = _away_reason(inst, chair.id, group, day) or "borta"
            text = (
                f"vice ordförande {scenario.person(meeting.chair).name} leder mötet: "
                f"{chair.name} kan inte komma ({reason})"
            )
        yield Rule("chair", text, loaded.where(("groups", gi, "chairs", ci)))
    people = inst.attendees[(group.id, inst.index(day))]
    monday = day - timedelta(days=day.weekday())
    week = [monday + timedelta(days=i) for i in range(5)]
    for person_id in people:
        pi = next(i for i, p in enumerate(scenario.people) if p.id == person_id)
        person = scenario.people[pi]
        for ui, entry in enumerate(person.unavailable):
            days = [d for d in week if cal.contains(entry, d)]
            if not days:
                continue
            hours = ""
            if entry.from_time or entry.to_time:
                hours = f" {entry.from_time or time(0):%H:%M}–{entry.to_time or time(23, 59):%H:%M}"
            listed = ", ".join(day_text(d) for d in days)
            yield Rule(
                "people",
                f"{person.name} är borta {listed}{hours}: {entry.reason or 'otillgänglig'}",
                loaded.where(away_path(scenario, pi, ui)),
            )
    sharing: dict[str, list[str]] = {}
    for other in sorted(plan.meetings, key=lambda m: (m.start, m.id)):
        when = other.start.date()
        if other.id == meeting.id or not monday <= when < monday + timedelta(days=7):
            continue
        theirs = inst.attendees[(other.group, inst.index(when))]
        shared = [scenario.person(p).name for p in people if p in theirs]
        if shared:
            sharing[other.id] = shared
    by_id = {m.id: m for m in plan.meetings}
    for other_id, names in sharing.items():
        other = by_id[other_id]
        when = other.start.date()
        same = "samma dag" if when == day else "samma vecka"
        hard = ""
        path: Path = ("groups", _index(scenario, other.group))
        if when != day:
            limit = scenario.person_week_limit
            hard = f" (fler än {limit} möten i veckan kostar i person_week)"
        elif scenario.person_day_hard:
            hard = " (ingen har två möten samma dag: person_day_hard)"
            path = ("person_day_hard",)
        yield Rule(
            "people",
            f"{other.id} ({day_text(when)}, {same}) har samma {', '.join(names)}{hard}",
            loaded.where(path),
        )


def _away_reason(inst: Instance, person_id: str, group: Group, day: date) -> str | None:
    person = inst.scenario.person(person_id)
    for start in group.start_times:
        reason = inst.calendar.unavailable_reason(
            person, day, start, end_time(start, group.duration_minutes)
        )
        if reason:
            return reason
    return None


def _items(loaded: Loaded, inst: Instance, plan: Plan, meeting: Meeting) -> Iterator[Rule]:
    """The agenda items it carries, with when each is due."""
    scenario = loaded.scenario
    day = inst.index(meeting.start.date())
    carriers: dict[str, Meeting] = {}
    dues = {d.key: d for d in inst.dues}
    for due in inst.dues:
        for m in plan.meetings:
            if (
                m.group == due.group
                and due.item in m.items
                and inst.index(m.start.date()) in (due.days)
            ):
                carriers.setdefault(due.key, m)
    for due in inst.dues:
        if carriers.get(due.key) is not meeting or day not in due.days:
            continue
        ii = next(i for i, item in enumerate(scenario.items) if item.id == due.item)
        if due.before is not None:
            target_key, low, high = due.before
            target = carriers.get(target_key)
            whose = f"{target.id} {day_text(target.start.date())}" if target else "dess möte"
            title = dues[target_key].title
            when = f"{low}–{high} dagar före mötet som tar upp ”{title}” ({whose})"
        elif due.first_meeting:
            first, last = (inst.day(d) for d in due.occurrence)
            when = f"på {due.group}:s första möte {first} – {last}"
        else:
            first, last = inst.day(min(due.days)), inst.day(max(due.days))
            when = f"mellan {day_text(first)} och {day_text(last)}"
        yield Rule("item", f"tar upp ”{due.title}”, {when}", loaded.where(("items", ii)))


def _spacing(loaded: Loaded, plan: Plan, meeting: Meeting) -> Iterator[Rule]:
    """How often the group meets and how far apart, with the meetings before and after."""
    scenario = loaded.scenario
    gi = _index(scenario, meeting.group)
    group = scenario.groups[gi]
    count = group.meetings
    if count.per_month is not None:
        times = "gång" if count.per_month == 1 else "gånger"
        how = f"{count.per_month} {times} i månaden"
        if count.except_months:
            how += " utom månad " + ", ".join(str(m) for m in count.except_months)
    else:
        times = "gång" if count.high == 1 else "gånger"
        how = (
            f"{count.low} {times} om året"
            if count.low == count.high
            else (f"{count.low}–{count.high} {times} om året")
        )
    yield Rule("count", f"{group.id} möts {how}", loaded.where(("groups", gi, "meetings")))
    mine = sorted((m for m in plan.meetings if m.group == group.id), key=lambda m: m.start)
    k = mine.index(meeting)
    day = meeting.start.date()
    gaps = f"minst {group.min_days_between} dagar"
    if group.max_days_between is not None:
        gaps += f", högst {group.max_days_between}"
    parts = []
    if k > 0:
        before = mine[k - 1]
        parts.append(
            f"{before.id} ({day_text(before.start.date())}) ligger "
            f"{(day - before.start.date()).days} dagar före"
        )
    elif group.preceding:
        last = max(group.preceding)
        gap = (day - last).days
        parts.append(f"sista mötet före perioden ({last}) ligger {gap} dagar före")
    if k + 1 < len(mine):
        after = mine[k + 1]
        parts.append(
            f"{after.id} ({day_text(after.start.date())}) {(after.start.date() - day).days} dagar "
            "efter"
        )
    if not parts and group.max_days_between is None:
        return  # its only meeting of the period, with no gap to keep
    path: Path = ("groups", gi, "min_days_between")
    yield Rule(
        "spacing",
        f"{group.id}:s möten ligger {gaps} isär" + (f": {'; '.join(parts)}" if parts else ""),
        loaded.where(path),
    )


def _calendar(loaded: Loaded, inst: Instance, meeting: Meeting) -> Iterator[Rule]:
    """Breaks and holidays near the meeting, and a discouraged day it is on."""
    cal = inst.calendar
    scenario = loaded.scenario
    day = meeting.start.date()
    names = [b.name for b in scenario.calendar.blackouts]
    seen = set()
    for step in (-1, 1):
        for n in range(1, NEAR_BREAK_DAYS + 1):
            other = day + timedelta(days=step * n)
            name = cal.blackout.get(other)
            if name is None or name in seen:
                continue
            seen.add(name)
            if step < 0:
                text = f"uppehållet ”{name}” slutar {day_text(other)}, {n} dagar före"
            else:
                text = f"uppehållet ”{name}” börjar {day_text(other)}, {n} dagar efter"
            path: Path = ("calendar", "blackouts", names.index(name))
            yield Rule("calendar", text, loaded.where(path))
            break
    monday = day - timedelta(days=day.weekday())
    for n in range(5):
        other = monday + timedelta(days=n)
        if other in cal.holidays and other not in cal.blackout:
            yield Rule(
                "calendar",
                f"{cal.holidays[other]} ({day_text(other)}) är en helgdag samma vecka",
                loaded.where(("calendar", "holiday_categories")),
            )
    avoid_names = [a.name for a in scenario.calendar.avoid]
    for name, weight in cal.avoid.get(day, ()):
        if name in avoid_names:
            path = ("calendar", "avoid", avoid_names.index(name))
        else:
            path = ("calendar", "restart")
        yield Rule(
            "calendar",
            f"{day_text(day)} ligger i ”{name}”: en dag att undvika (vikt {weight} i avoid)",
            loaded.where(path),
        )


# -- The other days it could have had ---------------------------------------------------------


@dataclass
class _Judge:
    """Tries other days for one meeting against the published plan."""

    loaded: Loaded
    source: str
    state: State
    inst: Instance
    plan: Plan
    meeting: Meeting
    base: dict[str, int]
    cutoff: date | None
    extra: Mapping[tuple[str, int], int]

    def __post_init__(self) -> None:
        self.scenario = self.loaded.scenario
        self.gi = _index(self.scenario, self.meeting.group)
        self.group = self.scenario.groups[self.gi]
        self.data = self.inst.group(self.group.id)
        self.day = self.meeting.start.date()
        found = check(self.scenario, self.plan, self.cutoff, self.extra)
        self.baseline = {v.message for v in found}

    def alternatives(self, settings: solver.Settings) -> tuple[Alternative, ...]:
        scenario = self.scenario
        if any(f.date == self.day for f in self.group.fixed):
            return ()  # a fixed date: the rule says it all
        if self.cutoff is not None and self.day < self.cutoff:
            return ()  # held: it took place
        judged: list[Alternative] = []
        trials: list[tuple[Alternative, int, tuple[Violation, ...]]] = []
        for day, why in self.candidates():
            forbidden, minute = self.day_rules(day)
            if forbidden:
                judged.append(Alternative(day, None, why, forbidden))
                continue
            assert minute is not None
            start = time(minute // 60, minute % 60)
            index = self.inst.index(day)
            moved = _with_meeting_at(self.inst, self.plan, self.meeting, index, minute)
            new = tuple(
                v for v in check(scenario, moved, self.cutoff, self.extra)
                if v.message not in self.baseline
            )  # fmt: skip
            alternative = Alternative(day, start, why)
            if not new:
                judged.append(self.costed(alternative, moved.times(self.inst), ()))
            else:
                trials.append((alternative, len(judged), new))
                judged.append(alternative)
        nearest = sorted(trials, key=lambda t: (abs((t[0].day - self.day).days), t[0].day))
        tried = {position for _, position, _ in nearest[:MAX_TRIALS]}
        share = settings.time_limit / (2 * max(1, len(tried)))
        trial_settings = replace(settings, time_limit=share)
        for alternative, position, broken in trials:
            if position in tried:
                judged[position] = self.trial(alternative, broken, trial_settings)
            else:
                judged[position] = replace(
                    alternative,
                    forbidden=self.located(broken),
                    verdict="undecided",
                    note="andra möten skulle behöva flyttas; inte omplanerad (bara de "
                    f"{MAX_TRIALS} närmaste sådana dagarna omplaneras)",
                )
        return tuple(sorted(judged, key=lambda a: a.day))

    def candidates(self) -> list[tuple[date, str]]:
        """Its group's other weekdays the same week, its weekday one and two weeks either side,
        the usual weekday the weeks either side, and the nearest days the group could meet."""
        day, group = self.day, self.group
        monday = day - timedelta(days=day.weekday())
        found: dict[date, str] = {}
        for weekday in group.weekdays:
            other = monday + timedelta(days=WEEKDAYS.index(weekday))
            if other != day:
                found[other] = "samma vecka"
        for weeks, words in ((-1, "en vecka tidigare"), (1, "en vecka senare"),
                             (-2, "två veckor tidigare"), (2, "två veckor senare")):  # fmt: skip
            found.setdefault(day + timedelta(days=7 * weeks), words)
        usual = self.data.usual_weekday
        if usual != day.weekday():
            for weeks, words in ((-1, "veckan före"), (1, "veckan efter")):
                other = monday + timedelta(days=usual + 7 * weeks)
                found.setdefault(other, f"vanlig veckodag, {words}")
        index = self.inst.index(day)
        open_days = [
            d for d in self.data.days if self.cutoff is None or self.inst.day(d) >= self.cutoff
        ]
        earlier = [d for d in open_days if d < index]
        later = [d for d in open_days if d > index]
        if earlier:
            found.setdefault(self.inst.day(earlier[-1]), "närmaste möjliga dag före")
        if later:
            found.setdefault(self.inst.day(later[0]), "närmaste möjliga dag efter")
        period = self.scenario.period
        return sorted(
            (d, why)
            for d, why in found.items()
            if period.start <= d <= period.end and (self.cutoff is None or d >= self.cutoff)
        )

    def day_rules(self, day: date) -> tuple[tuple[Rule, ...], int | None]:
        """The rules that forbid the group to meet on ``day`` at all, else the start minute it
        would meet at (its own, else the first that fits)."""
        where, gi, group, cal = self.loaded.where, self.gi, self.group, self.inst.calendar
        if day.weekday() >= 5:
            return (Rule("calendar", f"{day_text(day)} är veckoslut"),), None
        if day in cal.holidays:
            text = f"{day_text(day)} är en helgdag: {cal.holidays[day]}"
            return (Rule("calendar", text, where(("calendar", "holiday_categories"))),), None
        if day in cal.blackout:
            names = [b.name for b in self.scenario.calendar.blackouts]
            name = cal.blackout[day]
            text = f"{day_text(day)} ligger i uppehållet ”{name}”: inga möten då"
            path: Path = ("calendar", "blackouts", names.index(name))
            return (Rule("calendar", text, where(path)),), None
        if WEEKDAYS[day.weekday()] not in group.weekdays:
            allowed = ", ".join(DAY_NAMES[WEEKDAYS.index(w)] for w in group.weekdays)
            text = f"{group.id} möts inte på {DAY_NAMES[day.weekday()]}ar (bara {allowed})"
            return (Rule("weekdays", text, where(("groups", gi, "weekdays"))),), None
        options = dict(self.data.options).get(self.inst.index(day), ())
        starts = [self.data.slots[j].start for j in options]
        own = self.meeting.start.hour * 60 + self.meeting.start.minute
        if starts:
            return (), own if own in starts else starts[0]
        return tuple(self._unavailable(day)), None

    def _unavailable(self, day: date) -> Iterator[Rule]:
        """Why no start time of the group fits ``day``, a working day of an allowed weekday."""
        where, scenario, group = self.loaded.where, self.scenario, self.group
        cal = self.inst.calendar
        found = False
        for start in group.start_times:
            end = end_time(start, group.duration_minutes)
            cutoff = cal.half_day_cutoff(day)
            if cutoff is not None and end > cutoff:
                found = True
                yield Rule(
                    "calendar",
                    f"{day_text(day)} är en halvdag från kl. {cutoff:%H.%M} "
                    f"({cal.half_days[day][1]}): ett möte kl. {start:%H.%M} slutar {end:%H.%M}",
                    where(("calendar", "half_day_categories")),
                )
                continue
            chair = self.inst.chair(group.id, self.inst.index(day))
            for person_id in group.attendees(day, chair):
                pi = next(i for i, p in enumerate(scenario.people) if p.id == person_id)
                person = scenario.people[pi]
                for ui, entry in enumerate(person.unavailable):
                    alone = replace(person, unavailable=(entry,))
                    if cal.unavailable_reason(alone, day, start, end):
                        found = True
                        role = " (ordförande)" if person_id == chair else ""
                        yield Rule(
                            "people",
                            f"{person.name}{role} kan inte komma kl. {start:%H.%M}: "
                            f"{entry.reason or 'otillgänglig'}",
                            where(away_path(scenario, pi, ui)),
                        )
                        break
        if not found:
            yield from self._unreachable(day)

    def _unreachable(self, day: date) -> Iterator[Rule]:
        """A day the group could meet on, but no meeting of a group that prepares it can lie
        in the lead window before it, in time for its kallelse."""
        for source_group, feed in self.scenario.feeders(self.group.id):
            si = _index(self.scenario, source_group.id)
            link = _link(self.inst, source_group.id, self.group.id)
            deadline = self.inst.day(link.last_source_day(self.inst.index(day)))
            yield Rule(
                "chain",
                f"ingen dag då {source_group.id} kan mötas ligger {feed.lead_days.min}–"
                f"{feed.lead_days.max} dagar före {day_text(day)} och senast {day_text(deadline)}",
                self.loaded.where(("groups", si, "feeds", source_group.feeds.index(feed))),
            )

    def located(self, violations: Sequence[Violation]) -> tuple[Rule, ...]:
        return tuple(
            Rule(v.rule, v.message, self.loaded.where(v.path) if v.path else "") for v in violations
        )

    def costed(
        self,
        alternative: Alternative,
        times: Mapping[str, Sequence[tuple[int, int]]],
        moves: tuple[str, ...],
    ) -> Alternative:
        values = goals.penalties(self.inst, times)
        change = {g: values[g] - self.base[g] for g in goals.GOALS}
        cost = goals.weighted(self.inst, values) - goals.weighted(self.inst, self.base)
        return replace(alternative, change=change, cost=cost, moves=moves, verdict="possible")

    def trial(
        self, alternative: Alternative, broken: tuple[Violation, ...], settings: solver.Settings
    ) -> Alternative:
        """Re-plan with the meeting pinned to the alternative's day: the fewest other published
        meetings move, then the best goals among such plans."""
        assert alternative.start is not None
        change = Change("move", self.meeting.id, self.group.id, alternative.day, alternative.start)
        state = self.state.with_change(change)
        alternative = replace(alternative, replanned=True)
        try:
            done = replan.replan(
                self.scenario, self.source, state, settings, self.cutoff, explain=False
            )
        except UndecidedError:
            return replace(
                alternative,
                forbidden=self.located(broken),
                verdict="undecided",
                note="andra möten skulle behöva flyttas; ingen sådan omplanering hittades inom "
                "tidsbudgeten (prova en längre --time-limit)",
            )
        except InfeasibleError as err:
            refusal = str(err)
            note = (
                refusal
                if "firm" in refusal
                else "och ingen omplanering av de andra mötena lagar det (lösaren bevisade det)"
            )
            return replace(alternative, forbidden=self.located(broken), note=note)
        best = "" if done.result.status == "optimal" else "den bästa omplaneringen inom budgeten"
        trial_inst = done.setup.instance
        times = {
            g: [(d, trial_inst.group(g).slots[s].start) for d, s in meetings]
            for g, meetings in done.result.meetings.items()
        }
        where_now = {ident: (g, d) for (g, d), (ident, _) in done.identities.items()}
        starts = {
            (g, trial_inst.day(d)): trial_inst.group(g).slots[s].start
            for g, meetings in done.result.meetings.items()
            for d, s in meetings
        }
        moves = []
        for record in done.setup.candidates:
            if record.id == self.meeting.id:
                continue
            old = record.start.date()
            now = where_now.get(record.id)
            if now is None:
                moves.append(f"{record.id} {day_text(old)} behövs inte längre")
            elif now[1] != old or starts[now] != record.start.hour * 60 + record.start.minute:
                moves.append(f"{record.id} {day_text(old)} → {day_text(now[1])}")
        return replace(self.costed(alternative, times, tuple(moves)), note=best)


# -- Whether it moved ----------------------------------------------------------------------


def _history(state: State, record: Record, report: Sequence[Entry] | None) -> Iterator[str]:
    """What the published state and the last change report say of the meeting."""
    for change in state.changes:
        if change.meeting != record.id:
            continue
        if change.action == "move" and change.day and change.start:
            yield (
                f"samordnaren flyttade det till {day_text(change.day)} kl. {change.start:%H.%M} "
                "(cadence move); varje senare omplanering behåller det där"
            )
        elif change.action == "add" and change.day:
            yield f"samordnaren lade till det {day_text(change.day)} (cadence add)"
    if report is None:
        yield "ingen omplanering sedan planen först publicerades (ingen ändringsrapport i mappen)"
    else:
        mine = [e for e in report if e.meeting == record.id or e.from_meeting == record.id]
        for entry in mine:
            if entry.kind == "punkt":
                yield (
                    f"senaste omplaneringen flyttade punkten ”{entry.item}” från "
                    f"{entry.from_meeting} till {entry.meeting or 'inget möte'}: ”{entry.reason}”"
                )
            elif entry.kind == "flyttat" and entry.old_start and entry.new_start:
                yield (
                    f"senaste omplaneringen flyttade det från {day_text(entry.old_start.date())} "
                    f"kl. {entry.old_start:%H.%M} till {day_text(entry.new_start.date())} "
                    f"kl. {entry.new_start:%H.%M}: ”{entry.reason}”"
                )
            else:
                yield f"senaste omplaneringen: {entry.kind}: ”{entry.reason}”"
        if not any(e.kind == "flyttat" for e in mine):
            yield "senaste omplaneringen flyttade det inte"
    if record.sequence:
        times = "gång" if record.sequence == 1 else "gånger"
        yield (
            f"dess kalenderhändelse har ändrats {record.sequence} {times} sedan den först "
            f"publicerades (SEQUENCE {record.sequence})"
        )
    else:
        yield "dess kalenderhändelse är som den först publicerades (SEQUENCE 0)"


# -- Text -----------------------------------------------------------------------------------


def text(explanation: Explanation, scenario: Scenario) -> str:
    """The explanation as the terminal shows it."""
    m, group = explanation.meeting, explanation.group
    day = m.start.date()
    weights = scenario.weights
    lines = [
        f"{m.id}: {group.id} ({group.name}), {day_text(day)} kl. {m.start:%H.%M}–{m.end:%H.%M}, "
        f"vecka {day.isocalendar().week}"
        + (f"; per {explanation.cutoff}" if explanation.cutoff else ""),
        "",
        "Regler som binder mötet:",
    ]
    lines += [f"  {rule.kind:<9} {rule}" for rule in explanation.rules]
    lines.append("")
    if not explanation.alternatives:
        lines.append("Andra dagar: inga (ett fast datum, eller redan hållet).")
    else:
        weights_text = ", ".join(f"{g} ×{getattr(weights, g)}" for g in goals.GOALS)
        lines.append(
            f"Andra dagar det kunde ha fått (målvärde {explanation.objective} som publicerat; "
            f"ändring i målenheter, vikter {weights_text}):"
        )
    for alt in explanation.alternatives:
        head = f"  {day_text(alt.day)}"
        head += f" {alt.start:%H:%M}" if alt.start else "      "
        head += f"  {alt.why}: "
        if alt.cost is not None:
            parts = ", ".join(f"{g} {v:+d}" for g, v in alt.change.items() if v)
            lines.append(f"{head}målvärde {alt.cost:+d}" + (f" ({parts})" if parts else ""))
            if alt.moves:
                moves = "; ".join(alt.moves)
                others = "annat möte" if len(alt.moves) == 1 else "andra möten"
                lines.append(f"      flyttar {len(alt.moves)} {others}: {moves}")
            if alt.note:
                lines.append(f"      {alt.note}")
            continue
        lines.append(f"{head}{VERDICTS.get(alt.verdict, alt.verdict)}")
        lines += [f"      {rule}" for rule in alt.forbidden]
        if alt.note:
            lines.append(f"      {alt.note}")
    lines += ["", "Har det flyttats?"]
    lines += [f"  {line}" for line in explanation.history]
    return "\n".join(lines) + "\n"


# -- For other callers (the web app) ----------------------------------------------------------


def published(
    scenario: Scenario, state: State, source: str, cutoff: date | None
) -> tuple[Instance, Plan]:
    """The published plan (plan.json) as a :class:`Plan` of the re-plan's instance: chairs,
    agendas, kallelse days and chain links, as the feeds show them."""
    inst = replan.prepare(scenario, state, cutoff).instance
    return inst, _published_plan(inst, state, source)


def as_dict(explanation: Explanation) -> dict[str, object]:
    """The explanation as JSON-ready data: the same rules, days and history as :func:`text`."""
    m = explanation.meeting
    return {
        "meeting": m.id,
        "group": explanation.group.id,
        "start": m.start.isoformat(),
        "end": m.end.isoformat(),
        "cutoff": explanation.cutoff.isoformat() if explanation.cutoff else None,
        "objective": explanation.objective,
        "rules": [{"kind": r.kind, "text": r.text, "where": r.where} for r in explanation.rules],
        "alternatives": [
            {
                "date": a.day.isoformat(),
                "time": a.start.strftime("%H:%M") if a.start else None,
                "why": a.why,
                "verdict": a.verdict,
                "verdict_text": VERDICTS.get(a.verdict, a.verdict),
                "cost": a.cost,
                "change": {g: v for g, v in a.change.items() if v},
                "forbidden": [
                    {"kind": r.kind, "text": r.text, "where": r.where} for r in a.forbidden
                ],
                "moves": list(a.moves),
                "note": a.note,
                "replanned": a.replanned,
            }
            for a in explanation.alternatives
        ],
        "history": list(explanation.history),
    }
