"""iCalendar feeds (RFC 5545, RFC 7986): one per group, one per person, one with everything.

Calendar clients subscribe to a feed and re-read it for the rest of the year, so a meeting must
keep its UID for life, and the same plan must give the same bytes: nothing here reads the clock.
DTSTAMP and LAST-MODIFIED come from each meeting's :class:`Stamp`, which the caller takes from the
published state of the plan.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import icalendar

from cadence import sv
from cadence.export.vtimezone import vtimezone
from cadence.instance import attendees
from cadence.plan import Meeting, Plan
from cadence.scenario import Scenario
from cadence.sv import ascii_slug

PRODID = "-//cadence//Mötesplanering för regional samverkan//SV"
REFRESH = timedelta(hours=12)
"""How often a subscribed client should re-read a feed (REFRESH-INTERVAL, X-PUBLISHED-TTL)."""


@dataclass(frozen=True)
class Stamp:
    """The published history of one meeting: how often it changed, and when last."""

    sequence: int
    modified: datetime
    """UTC; becomes DTSTAMP and LAST-MODIFIED."""


@dataclass(frozen=True)
class Feed:
    """One subscribable calendar: its file name in the output folder and what it holds."""

    path: str
    """Relative to the output folder, ASCII only, e.g. ``grupper/bgae.ics``."""
    name: str
    """Calendar name shown by clients (Swedish)."""
    description: str
    kind: str
    """``samordnare``, ``alla``, ``grupp`` or ``person``."""
    meetings: tuple[Meeting, ...]

    def url(self, base: str | None) -> str | None:
        """The feed's https:// address under the published folder ``base``, or None."""
        return f"{base}/{self.path}" if base else None

    def webcal(self, base: str | None) -> str | None:
        """The same address as ``webcal://``, which opens a calendar program to subscribe."""
        url = self.url(base)
        return "webcal://" + url.split("://", 1)[1] if url else None


def stamp_of(day: date) -> datetime:
    """Midnight UTC of ``day``: the time a run as of ``day`` stamps what it changed."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def default_stamp(scenario: Scenario, as_of: date | None = None) -> Stamp:
    """The stamp of a plan without a published history: ``as_of`` or the period's first day,
    so that the same scenario gives the same bytes."""
    return Stamp(0, stamp_of(as_of or scenario.period.start))


COORDINATOR = "samordnare.ics"


def feeds_of(scenario: Scenario, plan: Plan) -> list[Feed]:
    """Every feed of a plan: the coordinator's reminders, everything, each group, each person
    who attends a meeting."""
    ordered = tuple(
        sorted((*plan.meetings, *plan.cancelled), key=lambda m: (m.start, m.group, m.id))
    )
    result = [
        Feed(
            COORDINATOR,
            f"{scenario.name} – samordnarens påminnelser",
            "Samordnarens att göra: dagen då kallelsen till varje möte ska skickas, och dagen "
            "då de beredande gruppernas underlag ska vara inne.",
            "samordnare",
            ordered,
        ),
        Feed(
            "alla.ics",
            f"{scenario.name} – alla möten",
            f"Alla möten i {scenario.name}, {scenario.period.start}–{scenario.period.end}.",
            "alla",
            ordered,
        ),
    ]
    for group in scenario.groups:
        mine = tuple(m for m in ordered if m.group == group.id)
        result.append(
            Feed(
                f"grupper/{ascii_slug(group.id)}.ics",
                f"{group.id} – {group.name}",
                f"Möten i {group.name} ({group.kind}), {len(mine)} under perioden.",
                "grupp",
                mine,
            )
        )
    by_person: dict[str, list[Meeting]] = defaultdict(list)
    for meeting in ordered:
        group = scenario.group(meeting.group)
        for person_id in attendees(group, meeting.start.date(), meeting.chair):
            by_person[person_id].append(meeting)
    for person in scenario.people:
        if person.id not in by_person:
            continue
        result.append(
            Feed(
                f"personer/{ascii_slug(person.id)}.ics",
                f"{person.name} – möten",
                f"De möten i {scenario.name} som {person.name} deltar i.",
                "person",
                tuple(by_person[person.id]),
            )
        )
    return result


def numbering(plan: Plan) -> dict[str, tuple[int, int]]:
    """Meeting id → (its number in its group's year, the group's meetings that year)."""
    per_year: dict[tuple[str, int], list[Meeting]] = defaultdict(list)
    for meeting in plan.meetings:
        per_year[(meeting.group, meeting.start.year)].append(meeting)
    result = {}
    for meetings in per_year.values():
        meetings.sort(key=lambda m: m.start)
        for number, meeting in enumerate(meetings, start=1):
            result[meeting.id] = (number, len(meetings))
    return result


def summary(scenario: Scenario, meeting: Meeting, number: tuple[int, int]) -> str:
    """``AVÄ – Arbetsgrupp västra äldre, möte 3 av 6``, and a fixed meeting's own title."""
    group = scenario.group(meeting.group)
    text = f"{group.id} – {group.name}, möte {number[0]} av {number[1]}"
    return f"{text}: {meeting.title}" if meeting.title else text


def _when(meeting: Meeting, year: int) -> str:
    """``BGÄ 19 mars`` (with the year when it is not ``year``)."""
    day = meeting.start.date()
    text = f"{meeting.group} {sv.day_month(day)}"
    return text if day.year == year else f"{text} {day.year}"


def description(scenario: Scenario, plan: Plan, meeting: Meeting) -> str:
    """The agenda, the chain and the chair, in Swedish, one paragraph each."""
    by_id = {m.id: m for m in plan.meetings}
    year = meeting.start.year
    parts = []
    if meeting.agenda:
        parts.append("Dagordning:\n" + "\n".join(f"- {line}" for line in meeting.agenda))
    if meeting.prepares:
        prepared = ", ".join(_when(by_id[i], year) for i in meeting.prepares if i in by_id)
        parts.append(f"Bereder {prepared}.")
    if meeting.prepared_by:
        sources = ", ".join(_when(by_id[i], year) for i in meeting.prepared_by if i in by_id)
        parts.append(f"Bereds av {sources}.")
    if meeting.chair:
        chair = scenario.person(meeting.chair).name
        term = scenario.group(meeting.group).term_on(meeting.start.date())
        if term is not None and term.deputy == meeting.chair:
            regular = scenario.person(term.person).name
            chair = f"{chair} (vice ordförande, i stället för {regular})"
        parts.append(f"Ordförande: {chair}.")
    if meeting.note:
        parts.append(meeting.note)
    notice = f"Kallelse senast {sv.day_month(meeting.notice)}. " if meeting.notice else ""
    parts.append(f"{notice}Mötes-id {meeting.id}.")
    return "\n\n".join(parts)


def _reminder(
    uid: str, day: date, title: str, text: str, stamp: Stamp, cancelled: bool
) -> icalendar.Event:
    """An all-day reminder that does not make the coordinator busy."""
    ev = icalendar.Event()
    ev.add("uid", uid)
    ev.add("dtstamp", stamp.modified)
    ev.add("last-modified", stamp.modified)
    ev.add("sequence", stamp.sequence)
    ev.add("dtstart", day)
    ev.add("dtend", day + timedelta(days=1))
    ev.add("summary", f"{CANCELLED}{title}" if cancelled else title)
    ev.add("description", text)
    ev.add("categories", ["samordnare"])
    ev.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    ev.add("transp", "TRANSPARENT")
    ev.add("class", "PUBLIC")
    return ev


def notice_uid(meeting: Meeting) -> str:
    """The kallelse reminder's UID: the meeting's, so it lives as long as the meeting."""
    return f"kallelse-{meeting.uid}"


def due_uid(meeting: Meeting, group_id: str) -> str:
    return f"underlag-{ascii_slug(group_id)}-{meeting.uid}"


def reminders(
    scenario: Scenario, meeting: Meeting, stamp: Stamp, cancelled: bool
) -> list[icalendar.Event]:
    """The coordinator's reminders for one meeting: send its kallelse on its notice day, and
    each preparing group's result due (the days come from the plan, :mod:`cadence.calendar`).

    They carry the meeting's stamp, so a moved meeting's reminders move with a higher SEQUENCE.
    A cancelled meeting's reminders stay, cancelled, at the meeting's day.
    """
    group = scenario.group(meeting.group)
    when = f"{meeting.group} {sv.day_month(meeting.start.date())}"
    if meeting.start.year != (meeting.notice or meeting.start.date()).year:
        when += f" {meeting.start.year}"
    moment = (
        f"{sv.weekday(meeting.start.date())} {sv.day_month(meeting.start.date())} "
        f"{meeting.start.year} kl. {meeting.start:%H.%M}"
    )
    if cancelled:
        sources = sorted({g.id for g, _ in scenario.feeders(meeting.group)})
        day = meeting.start.date()
        text = f"Mötet {meeting.id} är inställt; ingen kallelse."
        result = [
            _reminder(notice_uid(meeting), day, f"Skicka kallelse: {when}", text, stamp, True)
        ]
        for source in sources:
            title = f"Underlag från {source} till {when}"
            result.append(_reminder(due_uid(meeting, source), day, title, text, stamp, True))
        return result
    if meeting.notice is None:  # a plan read from a file: its days were never computed
        return []
    sources = list(dict.fromkeys(g for g, _ in meeting.results_due))
    title = f"Skicka kallelse: {when}"
    if sources:
        title += f", underlag från {', '.join(sources)}"
    lines = [f"Kallelse till {group.id} – {group.name}, {moment}."]
    if meeting.location:
        lines.append(f"Plats: {meeting.location}.")
    for source, day in meeting.results_due:
        lines.append(f"Underlag från {source} senast {sv.day_month(day)}.")
    lines.append(f"Mötes-id {meeting.id}.")
    result = [_reminder(notice_uid(meeting), meeting.notice, title, "\n".join(lines), stamp, False)]
    for source, day in meeting.results_due:
        text = (
            f"{source}s underlag till {group.id} – {group.name}, {moment}, ska vara inne i dag: "
            f"kallelsen går ut {sv.day_month(meeting.notice)}. Mötes-id {meeting.id}."
        )
        title = f"Underlag från {source} till {when}"
        result.append(_reminder(due_uid(meeting, source), day, title, text, stamp, False))
    return result


CANCELLED = "INSTÄLLT: "
UNSTAMPED = Stamp(0, datetime(1970, 1, 1, tzinfo=UTC))


def event(
    scenario: Scenario,
    plan: Plan,
    meeting: Meeting,
    number: tuple[int, int] | None,
    stamp: Stamp,
) -> icalendar.Event:
    """The meeting's VEVENT; ``number`` None for a cancelled meeting."""
    group = scenario.group(meeting.group)
    ev = icalendar.Event()
    ev.add("uid", meeting.uid)
    ev.add("dtstamp", stamp.modified)
    ev.add("last-modified", stamp.modified)
    ev.add("sequence", stamp.sequence)
    ev.add("dtstart", meeting.start)
    ev.add("dtend", meeting.end)
    if number is None:
        ev.add("summary", f"{CANCELLED}{group.id} – {group.name}")
        ev.add("description", f"Mötet {meeting.id} är inställt.")
    else:
        ev.add("summary", summary(scenario, meeting, number))
        ev.add("description", description(scenario, plan, meeting))
    if meeting.location:
        ev.add("location", meeting.location)
    ev.add("categories", [group.id, group.kind])
    ev.add("status", "CONFIRMED" if number is not None else "CANCELLED")
    ev.add("transp", "OPAQUE")
    ev.add("class", "PUBLIC")
    people = attendees(group, meeting.start.date(), meeting.chair)
    chair = scenario.person(meeting.chair) if meeting.chair else None
    if chair is not None and chair.email:
        ev.add("organizer", f"mailto:{chair.email}", parameters={"CN": chair.name})
    for person_id in people:
        person = scenario.person(person_id)
        if person.email:
            role = "CHAIR" if person_id == meeting.chair else "REQ-PARTICIPANT"
            ev.add(
                "attendee",
                f"mailto:{person.email}",
                parameters={"CN": person.name, "ROLE": role, "CUTYPE": "INDIVIDUAL"},
            )
    return ev


def calendar_bytes(
    scenario: Scenario,
    plan: Plan,
    feed: Feed,
    stamps: Mapping[str, Stamp],
    fallback: Stamp,
    numbers: Mapping[str, tuple[int, int]],
    base: str | None = None,
) -> bytes:
    """One feed's bytes (a meeting without a number is a cancelled one); with the published
    folder's address ``base``, the feed says where it lives (URL, SOURCE)."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("name", feed.name)
    cal.add("x-wr-calname", icalendar.vText(feed.name))
    cal.add("description", feed.description)
    cal.add("x-wr-caldesc", icalendar.vText(feed.description))
    cal.add("x-wr-timezone", icalendar.vText(scenario.period.timezone))
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", icalendar.vDuration(REFRESH))
    url = feed.url(base)
    if url:
        cal.add("url", url, parameters={"VALUE": "URI"})
        cal.add("source", url, parameters={"VALUE": "URI"})
    cal.add_component(_timezone(scenario))
    for meeting in feed.meetings:
        stamp = stamps.get(meeting.uid, fallback)
        number = numbers.get(meeting.id)
        if feed.kind == "samordnare":
            for reminder in reminders(scenario, meeting, stamp, cancelled=number is None):
                cal.add_component(reminder)
        else:
            cal.add_component(event(scenario, plan, meeting, number, stamp))
    return cal.to_ical()


def _timezone(scenario: Scenario) -> icalendar.Timezone:
    """The VTIMEZONE of the period's time zone as yearly rules (see :mod:`.vtimezone`)."""
    period = scenario.period
    return vtimezone(period.timezone, period.start.year, period.end.year)


def render_feeds(
    scenario: Scenario,
    plan: Plan,
    stamps: Mapping[str, Stamp] | None = None,
    as_of: date | None = None,
) -> tuple[list[Feed], dict[str, bytes]]:
    """Every feed and its bytes, keyed by its path in the output folder."""
    fallback = default_stamp(scenario, as_of)
    numbers = numbering(plan)
    feeds = feeds_of(scenario, plan)
    base = scenario.publish.base
    files = {
        feed.path: calendar_bytes(scenario, plan, feed, stamps or {}, fallback, numbers, base)
        for feed in feeds
    }
    return feeds, files


def digests(scenario: Scenario, plan: Plan) -> dict[str, str]:
    """UID → a digest of its event without the stamps: what subscribers would see change."""
    numbers = numbering(plan)
    result = {}
    for meeting in (*plan.meetings, *plan.cancelled):
        data = event(scenario, plan, meeting, numbers.get(meeting.id), UNSTAMPED).to_ical()
        result[meeting.uid] = hashlib.sha256(data).hexdigest()[:16]
    return result
