"""Checking a trust's invoice schedule against the funding authorisations: the one place it happens,
for the upload page and the `ifr-service invoices import` command alike.

The file is read whole first (invoices/schedule.py): a bad line refuses it all and keeps nothing.
Then each line is checked (invoices/checks.py) against the authorisation it quotes, among those of
the checker's region or hub only, and the schedule and its lines are kept with their outcomes.
Checking writes those rows and nothing else: no case, authorisation or cycle is changed by it.
"""

from __future__ import annotations

from dataclasses import dataclass

from ifr_service.errors import Forbidden, NotFound
from ifr_service.funding.models import FundingAuthorisation
from ifr_service.funding.service import is_follow_up_overdue, is_in_force
from ifr_service.invoices import queries
from ifr_service.invoices.checks import KINDS, Context, check_line, pounds
from ifr_service.invoices.models import ACCEPTED, CHALLENGED, InvoiceLine, InvoiceSchedule
from ifr_service.invoices.queries import Scope
from ifr_service.invoices.schedule import ScheduleLine, read_schedule
from ifr_service.reference.queries import find_hub, find_region, get_hub_by_id, get_region
from ifr_service.runtime import runtime
from ifr_service.tables import Table
from ifr_service.users.models import Role, User

# Who checks schedules, each against the approvals of their own organisation.
CHECKS_INVOICES = (Role.CDF_ADMIN, Role.COMMISSIONING_FINANCE)
CHALLENGE_COLUMNS = ["provider_code", "invoice_number", "line_number", "nhs_number",
                     "authorisation_reference", "treatment", "treatment_date", "amount_gbp",
                     "challenges", "reasons"]


@dataclass(frozen=True)
class Totals:
    lines: int
    accepted: int
    challenged: int
    accepted_pence: int
    challenged_pence: int


def scope_of(user: User) -> Scope:
    """A CDF administrator checks against their region's CDF approvals; commissioning finance against
    their hub's approvals of either route. Anyone else checks nothing."""
    if user.role_enum is Role.CDF_ADMIN and user.region_id is not None:
        region = get_region(user.region_id)
        return Scope(name=f"the {region.name} region's Cancer Drugs Fund team", region_id=region.id,
                     route="cdf")
    if user.role_enum is Role.COMMISSIONING_FINANCE and user.hub_id is not None:
        hub = get_hub_by_id(user.hub_id)
        return Scope(name=f"the {hub.name} hub", hub_id=hub.id)
    raise Forbidden("Only a region's CDF team or a hub's commissioning finance checks invoice schedules.")


def scope_named(region_code: str | None = None, hub_code: str | None = None) -> Scope:
    """The scope the command checks for, named by a region's code (its CDF team) or a hub's."""
    if (region_code is None) == (hub_code is None):
        raise NotFound("Name a region (its CDF team's approvals) or a hub, not both.")
    if hub_code is not None:
        hub = find_hub(hub_code)
        if hub is None:
            raise NotFound(f"There is no hub {hub_code!r}.", field="hub")
        return Scope(name=f"the {hub.name} hub", hub_id=hub.id)
    region = find_region(region_code)
    if region is None:
        raise NotFound(f"There is no region {region_code!r}.", field="region")
    return Scope(name=f"the {region.name} region's Cancer Drugs Fund team", region_id=region.id, route="cdf")


def check_schedule(scope: Scope, filename: str, content: bytes, checked_by: User | None) -> InvoiceSchedule:
    """Read the schedule whole, check each line, keep the schedule and its lines; nothing else changes."""
    today = runtime().today()
    lines = read_schedule(content, today)
    authorisations = queries.find_authorisations_in_scope((line.authorisation_reference for line in lines),
                                                          scope)
    commissioners = queries.find_commissioner_codes(a.commissioner_id for a in authorisations.values())
    accepted = queries.find_accepted_pence(a.id for a in authorisations.values())
    provider = lines[0].provider_code
    billed = queries.find_accepted_invoice_lines(provider, ((ln.invoice_number, ln.line_number)
                                                            for ln in lines))
    kept = []
    for line in lines:
        authorisation = authorisations.get(line.authorisation_reference)
        context = Context(
            scope_name=scope.name,
            commissioner_code=commissioners.get(authorisation.commissioner_id) if authorisation else None,
            accepted_pence=accepted.get(authorisation.id, 0) if authorisation else 0,
            billed_before=(line.invoice_number, line.line_number) in billed,
            in_force=is_in_force, follow_up_overdue=is_follow_up_overdue)
        reasons = check_line(line, authorisation, context)
        if authorisation is not None and not reasons:
            accepted[authorisation.id] = context.accepted_pence + line.amount_pence
        kept.append(_line_row(line, authorisation, reasons))
    totals = _totals(kept)
    schedule = InvoiceSchedule(
        filename=(filename or "schedule.csv")[:200], provider_code=provider, region_id=scope.region_id,
        hub_id=scope.hub_id, route=scope.route, checked_by_id=checked_by.id if checked_by else None,
        checked_on=today, checked_utc=runtime().now(), line_count=totals.lines,
        accepted_count=totals.accepted, challenged_count=totals.challenged,
        accepted_pence=totals.accepted_pence, challenged_pence=totals.challenged_pence)
    return queries.create_schedule(schedule, kept)


def _line_row(line: ScheduleLine, authorisation: FundingAuthorisation | None, reasons: list) -> InvoiceLine:
    return InvoiceLine(
        row=line.row, provider_code=line.provider_code, invoice_number=line.invoice_number,
        line_number=line.line_number, nhs_number=line.nhs_number,
        authorisation_reference=line.authorisation_reference,
        authorisation_id=authorisation.id if authorisation else None, treatment=line.treatment,
        dmd_code=line.dmd_code, treatment_date=line.treatment_date, quantity=line.quantity,
        amount_pence=line.amount_pence, commissioner_code=line.commissioner_code,
        outcome=CHALLENGED if reasons else ACCEPTED,
        reasons=[{"kind": reason.kind, "words": reason.words} for reason in reasons])


def _totals(lines: list[InvoiceLine]) -> Totals:
    accepted = [line for line in lines if line.outcome == ACCEPTED]
    challenged = [line for line in lines if line.outcome == CHALLENGED]
    return Totals(lines=len(lines), accepted=len(accepted), challenged=len(challenged),
                  accepted_pence=sum(line.amount_pence for line in accepted),
                  challenged_pence=sum(line.amount_pence for line in challenged))


def challenges_table(schedule: InvoiceSchedule) -> Table:
    """The challenged lines, for the trust: only its own lines as it sent them, each with its reasons;
    nothing of any approval beyond what the reasons say."""
    rows = [{"provider_code": line.provider_code, "invoice_number": line.invoice_number,
             "line_number": line.line_number, "nhs_number": line.nhs_number,
             "authorisation_reference": line.authorisation_reference, "treatment": line.treatment,
             "treatment_date": line.treatment_date.isoformat(),
             "amount_gbp": f"{line.amount_pence / 100:.2f}",
             "challenges": "; ".join(KINDS[reason["kind"]] for reason in line.reasons),
             "reasons": " ".join(reason["words"] for reason in line.reasons)}
            for line in queries.find_lines(schedule.id, CHALLENGED)]
    return Table(f"Challenges {schedule.provider_code} {schedule.checked_on.isoformat()}", CHALLENGE_COLUMNS,
                 rows)


def summary(schedule: InvoiceSchedule) -> str:
    return (f"{schedule.line_count} lines: {schedule.accepted_count} accepted "
            f"({pounds(schedule.accepted_pence)}), {schedule.challenged_count} challenged "
            f"({pounds(schedule.challenged_pence)})")
