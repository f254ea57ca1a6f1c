"""samordnare.ics, the coordinator's feed: a kallelse reminder per planned meeting on its notice
day, a reminder on the day each preparing group's result is due; re-plans move them in place."""

from datetime import date, time, timedelta

import icalendar

from cadence import solver
from cadence.calendar import WorkCalendar
from cadence.export.ics import COORDINATOR, due_uid, notice_uid
from cadence.replan import run
from cadence.state import Change

FAST = solver.Settings(time_limit=5)


def reminders(data: bytes) -> dict[str, icalendar.Event]:
    return {str(e["UID"]): e for e in icalendar.Calendar.from_ical(data).walk("VEVENT")}


def test_one_kallelse_per_meeting_on_a_working_day(micro, first):
    """Each planned meeting has one all-day kallelse reminder on its notice day, a working day
    at least notice_days before the meeting, naming the groups that prepare it."""
    cal = WorkCalendar(micro.calendar, micro.period)
    got = reminders(first.files[COORDINATOR])
    kallelser = {uid: e for uid, e in got.items() if uid.startswith("kallelse-")}
    assert len(kallelser) == len(first.plan.meetings)
    for meeting in first.plan.meetings:
        event = kallelser[notice_uid(meeting)]
        day = event["DTSTART"].dt
        assert day == meeting.notice and type(day) is date
        assert event["DTEND"].dt == day + timedelta(days=1)
        assert cal.is_working_day(day)
        notice_days = micro.group(meeting.group).notice_days
        assert day <= meeting.start.date() - timedelta(days=notice_days)
        assert str(event["SUMMARY"]).startswith(f"Skicka kallelse: {meeting.group} ")
        assert str(event["TRANSP"]) == "TRANSPARENT"
        for group in {g for g, _ in meeting.results_due}:
            assert group in str(event["SUMMARY"])


def test_results_due_between_the_preparing_meeting_and_the_notice(micro, first):
    """For each preparing meeting a reminder on a working day after it and before the notice."""
    cal = WorkCalendar(micro.calendar, micro.period)
    got = reminders(first.files[COORDINATOR])
    by_id = {m.id: m for m in first.plan.meetings}
    count = 0
    for meeting in first.plan.meetings:
        assert len(meeting.results_due) == len(meeting.prepared_by)
        for (group, day), source in zip(meeting.results_due, meeting.prepared_by, strict=True):
            event = got[due_uid(meeting, group)]
            assert event["DTSTART"].dt == day
            assert by_id[source].start.date() <= day < meeting.notice
            assert cal.is_working_day(day)
            assert str(event["SUMMARY"]) == (
                f"Underlag från {group} till {meeting.group} "
                f"{meeting.start.day} {('mars', 'april')[meeting.start.month - 3]}"
            )
            count += 1
    assert count > 0 and len(got) == len(first.plan.meetings) + count


def test_moved_meeting_moves_its_reminders_in_place(micro, first):
    """Moving BG's first meeting a week earlier moves its kallelse and result-due reminders:
    same UIDs, new days, higher SEQUENCE."""
    bg = min((m for m in first.plan.meetings if m.group == "BG"), key=lambda m: m.start)
    new_day = bg.start.date() - timedelta(days=7)
    state = first.state.with_change(Change("move", bg.id, "BG", new_day, time(9)))
    moved = run(micro, "micro", state, FAST, date(2026, 1, 1))
    assert moved.violations == ()
    before, after = reminders(first.files[COORDINATOR]), reminders(moved.files[COORDINATOR])
    now = moved.plan.meeting(bg.id)
    uid = notice_uid(bg)
    assert notice_uid(now) == uid
    assert after[uid]["DTSTART"].dt == now.notice < before[uid]["DTSTART"].dt
    assert after[uid]["SEQUENCE"] > before[uid]["SEQUENCE"]
    for group, day in now.results_due:
        due = after[due_uid(now, group)]
        assert due["DTSTART"].dt == day and due["SEQUENCE"] > before[due_uid(bg, group)]["SEQUENCE"]
    unmoved = [m for m in moved.plan.meetings if m.start == first.plan.meeting(m.id).start]
    for meeting in unmoved:
        key = notice_uid(meeting)
        assert after[key]["SEQUENCE"] == before[key]["SEQUENCE"]


def test_cancelled_meeting_cancels_its_reminders(micro, first):
    """A cancelled meeting's kallelse reminder stays, cancelled, with a higher SEQUENCE."""
    ag = max((m for m in first.plan.meetings if m.group == "AG"), key=lambda m: m.start)
    state = first.state.with_change(Change("cancel", ag.id, "AG", ag.start.date()))
    done = run(micro, "micro", state, FAST, date(2026, 1, 1))
    event = reminders(done.files[COORDINATOR])[notice_uid(ag)]
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["SUMMARY"]).startswith("INSTÄLLT: Skicka kallelse: AG")
    assert event["SEQUENCE"] > reminders(first.files[COORDINATOR])[notice_uid(ag)]["SEQUENCE"]


def test_same_plan_same_bytes(micro, first):
    """Nothing in the coordinator's feed reads the clock."""
    again = run(micro, "micro", None, FAST, None)
    assert again.files[COORDINATOR] == first.files[COORDINATOR]
