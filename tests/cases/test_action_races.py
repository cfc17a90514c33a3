"""Actions on one case at the same moment on PostgreSQL: exactly one wins, the other is told the
case has moved on, and the case's events replay to its state.

The embedded default serves one request at a time (one gunicorn worker on SQLite), so these run
on the production stack only.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from ifr_service.cases.queries import find_events, get_case
from ifr_service.workflows.replay import replay_events
from tests.builders import OFFICER, PAYLOADS, Road
from tests.web.browsing import CSRF, Person

HUB_LEAD = "demo-hub-lead"  # a second case officer of the same hub


def act_together(app, auth, reference: str, attempts: list[tuple[str, str]]) -> list:
    """Each (who, action) from its own client and thread, released at the same moment."""
    start = threading.Barrier(len(attempts))

    def one(attempt):
        who, action = attempt
        with app.test_client() as client:
            headers = auth(who)
            start.wait()
            return client.post(f"/api/v1/cases/{reference}/actions/{action}",
                               json=PAYLOADS[action], headers=headers)

    with ThreadPoolExecutor(len(attempts)) as pool:
        return list(pool.map(one, attempts))


def history(in_db, reference: str) -> tuple[str, list]:
    def read():
        case = get_case(reference)
        return case.state, [(e.name, e.from_state, e.to_state) for e in find_events(case)]
    return in_db(read)


def replayed(app, in_db, reference: str) -> tuple[str, str]:
    """The case's stored state, and the state its stored events replay to."""
    def read():
        case = get_case(reference)
        return case.state, replay_events(app.extensions["ifr"].workflows["ifr"], find_events(case))
    return in_db(read)


def at_screening(client, auth, application) -> Road:
    """A case checked and on the agenda of the London screening group's meeting today."""
    case = Road(client, auth, application)
    case.act(OFFICER, "confirm_complete")
    case.hold_meeting(kind="screening_group")
    return case


def winner_and_loser(responses) -> tuple:
    assert sorted(r.status_code for r in responses) == [200, 409], [r.json for r in responses]
    return tuple(sorted(responses, key=lambda r: r.status_code))


def test_two_officers_sending_a_case_to_panel_at_once_send_it_once(
        production, app, client, auth, application, in_db):
    case = at_screening(client, auth, application)
    _, loser = winner_and_loser(act_together(app, auth, case.reference, [
        (OFFICER, "screen_to_panel"), (HUB_LEAD, "screen_to_panel")]))
    assert loser.json["current_state"] == {"key": "ready_for_panel", "title": "Ready for panel"}
    state, events = history(in_db, case.reference)
    assert state == "ready_for_panel"
    assert [e for e in events if e[0] == "screening_completed"] == [
        ("screening_completed", "screening", "ready_for_panel")]


def test_a_double_click_takes_the_action_once(production, app, client, auth, application, in_db):
    case = Road(client, auth, application)
    _, loser = winner_and_loser(act_together(app, auth, case.reference, [
        (OFFICER, "request_information"), (OFFICER, "request_information")]))
    assert loser.json["current_state"]["key"] == "awaiting_information"
    assert "awaiting information from the clinician" in loser.json["errors"][0]["message"]
    state, events = history(in_db, case.reference)
    assert state == "awaiting_information"
    assert [name for name, *_ in events].count("information_requested") == 1


def test_of_two_screening_outcomes_at_once_one_wins_and_the_events_replay_to_it(
        production, app, client, auth, application, in_db):
    case = at_screening(client, auth, application)
    responses = act_together(app, auth, case.reference, [
        (OFFICER, "screen_to_panel"), (HUB_LEAD, "screen_not_responsible")])
    winner, loser = winner_and_loser(responses)
    assert loser.json["current_state"]["key"] == winner.json["state"]
    assert winner.json["state"] in {"ready_for_panel", "closed_not_responsible"}
    state, events = history(in_db, case.reference)
    assert [name for name, *_ in events].count("screening_completed") == 1
    assert replayed(app, in_db, case.reference) == (state, state)


def test_a_double_click_on_an_action_page_takes_the_action_once(
        production, app, client, auth, application, in_db):
    case = at_screening(client, auth, application)
    url = f"/cases/{case.reference}/actions/screen_to_panel"
    tabs = [app.test_client() for _ in range(2)]  # the page open twice, by the same officer
    tokens = [CSRF.search(Person(tab, OFFICER).open(url)).group(1) for tab in tabs]
    start = threading.Barrier(2)

    def click(tab_and_token):
        tab, token = tab_and_token
        start.wait()
        return tab.post(url, data={**PAYLOADS["screen_to_panel"], "csrf_token": token})

    with ThreadPoolExecutor(2) as pool:
        responses = list(pool.map(click, zip(tabs, tokens, strict=True)))
    # Both presses lead back to the case; the second is told it was recorded once, not refused.
    assert [r.status_code for r in responses] == [302, 302]
    pages = [tab.get(response.headers["Location"]).text
             for tab, response in zip(tabs, responses, strict=True)]
    assert sum("it was recorded once" in page for page in pages) == 1
    assert [name for name, *_ in history(in_db, case.reference)[1]].count("screening_completed") == 1
