"""The queue and the case page say an emergency's 24-hour clock in hours, and an urgent request's
target is its urgent one, not the 30-working-day decision."""

from __future__ import annotations

from datetime import date, time

from tests.builders import OFFICER, Road
from tests.web.browsing import Person

MONDAY = date(2026, 12, 21)


def test_the_queue_and_the_case_page_show_an_emergencys_clock_in_hours(client, auth, application, calendar):
    calendar.set(MONDAY)  # received at 9:00
    emergency = Road(client, auth, application, urgency="emergency")
    calendar.set(MONDAY, at=time(14))
    officer = Person(client, OFFICER)
    queue = officer.open("/queue")
    assert "19 hours left" in queue
    case = officer.open(f"/cases/{emergency.reference}")
    assert "Emergency decision, within 24 hours of receipt" in case
    assert "5 of 24 hours" in case and "22 December 2026 at 09:00" in case and "19 hours left" in case
    calendar.set(date(2026, 12, 22), at=time(11))
    assert "2 hours overdue" in officer.open("/queue")


def test_an_urgent_case_page_shows_its_urgent_target_and_not_the_30_working_days(
        client, auth, application, calendar):
    calendar.set(MONDAY)
    urgent = Road(client, auth, application, urgency="urgent")
    urgent.to_panel(hold_meeting=False)
    case = Person(client, OFFICER).open(f"/cases/{urgent.reference}")
    assert "Urgent decision, from receipt" in case and "0 of 5 working days" in case
    assert "Decision, from a complete application" not in case
