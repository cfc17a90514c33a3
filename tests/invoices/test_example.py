"""The example schedule checked against the demo's approvals: every kind of challenge, each line's
outcome and reasons, and nothing but the schedule kept (docs/invoice-format.md#the-example)."""

from __future__ import annotations

from sqlmodel import select

from ifr_service import db
from ifr_service.config import PROJECT_ROOT
from ifr_service.funding.models import FundingAuthorisation
from ifr_service.invoices import checks, service
from ifr_service.invoices.models import InvoiceLine
from ifr_service.reference.queries import get_hub
from ifr_service.users.models import Role, User
from ifr_service.users.queries import find_user
from tests.conftest import count_rows
from tests.invoices.conftest import EXAMPLE

# Each line of the example (by its line in the file) and the challenges it meets; [] is accepted.
EXPECTED = {
    2: [], 3: [], 4: [],
    5: [checks.FOLLOW_UP_OVERDUE],
    6: [checks.OVER_COST_CAP],
    7: [checks.OTHER_PATIENT],
    8: [checks.OTHER_TREATMENT],
    9: [checks.NOT_IN_FORCE],
    10: [checks.OTHER_COMMISSIONER],
    11: [checks.NOT_IN_FORCE],
    12: [checks.NOT_IN_FORCE],
    13: [checks.NOT_OURS],
    14: [checks.PAST_DURATION],
    15: [checks.OTHER_PROVIDER],
}


def check_example(in_db, username: str = "demo-finance"):
    content = (PROJECT_ROOT / EXAMPLE).read_bytes()

    def check():
        user = find_user(username)
        schedule = service.check_schedule(service.scope_of(user), "invoice-schedule.csv", content, user)
        lines = db.session().exec(select(InvoiceLine).where(InvoiceLine.schedule_id == schedule.id)
                                  .order_by(InvoiceLine.row)).all()
        return schedule, {line.row: line for line in lines}

    return in_db(check)


def outcomes(lines: dict) -> dict[int, list[str]]:
    return {row: [reason["kind"] for reason in line.reasons] for row, line in lines.items()}


def test_the_example_meets_every_kind_of_challenge_line_by_line(app, in_db, invoice_world):
    schedule, lines = check_example(in_db)
    assert outcomes(lines) == EXPECTED
    met = {kind for kinds in EXPECTED.values() for kind in kinds}
    assert met == set(checks.KINDS) - {checks.BILLED_BEFORE}  # billed before: a second schedule (below)
    assert (schedule.line_count, schedule.accepted_count, schedule.challenged_count) == (14, 3, 11)
    assert schedule.accepted_pence == 480000 + 480000 + 690735
    billed = sum(line.amount_pence for line in lines.values())
    assert schedule.challenged_pence == billed - schedule.accepted_pence
    assert all(line.outcome == ("challenged" if line.reasons else "accepted") for line in lines.values())


def test_each_reason_is_in_plain_words(app, in_db, invoice_world):
    _, lines = check_example(in_db)
    words = {row: " ".join(reason["words"] for reason in line.reasons) for row, line in lines.items()}
    assert "outcome report, due on 3 May 2027, is overdue" in words[5]
    assert "would pass its cost cap" in words[6] and "£9,600.00 accepted before" in words[6]
    assert "not that of the patient the approval is for" in words[7]
    assert "is not the approved treatment, Example kinase inhibitor 600 mg capsules" in words[8]
    assert "before the approval was issued, on 2 November 2026" in words[9]
    assert "not ccg-islington's" in words[10]
    assert "ended on 2 November 2026" in words[11]
    assert "no start was recorded" in words[12]
    assert "CDFA-2026-000009-4 is not an approval of the London hub" in words[13]
    assert "after the approved duration ended on 31 March 2027" in words[14]
    assert "another provider, not RRV" in words[15] and "RJ1" not in words[15]


def test_lines_accepted_once_are_challenged_as_billed_before_and_count_against_the_cap(app, in_db,
                                                                                      invoice_world):
    check_example(in_db)
    _, again = check_example(in_db)
    assert [outcomes(again)[row] for row in (2, 3, 4)] == [[checks.BILLED_BEFORE]] * 3
    # Lines 2 and 3 are challenged this time: the £9,600 accepted before is the first schedule's.
    assert outcomes(again)[6] == [checks.OVER_COST_CAP]
    assert "£9,600.00 accepted before" in again[6].reasons[0]["words"]


def test_checking_changes_nothing_but_the_schedule_and_its_lines(app, in_db, invoice_world):
    before = count_rows(app)
    authorisations = in_db(lambda: [row.model_dump() for row in db.session().exec(
        select(FundingAuthorisation).order_by(FundingAuthorisation.id))])
    check_example(in_db)
    after = count_rows(app)
    changed = {table for table in after if after[table] != before[table]}
    assert changed == {"invoice_schedule", "invoice_line"}
    assert (after["invoice_schedule"], after["invoice_line"]) == (before["invoice_schedule"] + 1,
                                                                   before["invoice_line"] + 14)
    assert in_db(lambda: [row.model_dump() for row in db.session().exec(
        select(FundingAuthorisation).order_by(FundingAuthorisation.id))]) == authorisations


def test_another_regions_cdf_team_sees_none_of_londons_approvals(app, in_db, invoice_world):
    _, lines = check_example(in_db, "cdf-admin-north")
    assert {row: [reason["kind"] for reason in line.reasons] for row, line in lines.items()} == \
        {row: [checks.NOT_OURS] for row in EXPECTED}
    assert all(line.authorisation_id is None for line in lines.values())
    assert all("not an approval of the North" in line.reasons[0]["words"] for line in lines.values())


def test_londons_cdf_team_checks_only_the_cdf_lines_against_its_approvals(app, in_db, invoice_world):
    _, lines = check_example(in_db, "demo-cdf-admin")
    ifr_rows = [row for row, line in lines.items() if line.authorisation_reference.startswith("IFRA")]
    assert all(outcomes(lines)[row] == [checks.NOT_OURS] for row in ifr_rows)
    assert outcomes(lines)[4] == [] and outcomes(lines)[11] == [checks.NOT_IN_FORCE]


def test_another_hubs_finance_sees_none_of_londons_approvals(app, in_db, invoice_world):
    in_db(lambda: db.session().add(User(
        username="finance-north-west", display_name="Finance NW", email="finance-nw@example.nhs.uk",
        role=Role.COMMISSIONING_FINANCE.value, hub_id=get_hub("north-west").id)))
    _, lines = check_example(in_db, "finance-north-west")
    assert outcomes(lines) == {row: [checks.NOT_OURS] for row in EXPECTED}
    assert all("not an approval of the North West hub" in line.reasons[0]["words"] for line in lines.values())
