"""Imports every table so that Alembic and the tests see the whole schema."""

from ifr_service.audit.models import AuditEvent
from ifr_service.cases.models import (
    Attachment,
    AttachmentContent,
    Case,
    CaseClock,
    CaseEvent,
    CaseReferenceCounter,
    IdempotencyRecord,
)
from ifr_service.cdf.models import CdfApplication
from ifr_service.cet.models import CohortReferral, NationalCase
from ifr_service.db import metadata
from ifr_service.funding.models import FundingAuthorisation, TreatmentCycle
from ifr_service.invoices.models import InvoiceLine, InvoiceSchedule
from ifr_service.jobs.models import OutboxMessage
from ifr_service.letters.models import Letter
from ifr_service.notifications.models import Notification
from ifr_service.outcomes.models import ContinuationRequest, OutcomeReport
from ifr_service.panels.models import AgendaItem, ConflictOfInterest, Panel, PanelMeeting, PanelMember
from ifr_service.policy.models import Policy, PolicyEvent, PolicyIntervention, PolicyItem
from ifr_service.reference.models import (
    ClinicalReferenceGroup,
    Commissioner,
    CommissionerHub,
    Hub,
    ProgrammeOfCare,
    Region,
)
from ifr_service.sact.models import SactException, SactImport
from ifr_service.treatment_breaks.models import TreatmentBreak
from ifr_service.users.models import ApiClient, PageSession, User
from ifr_service.web.saved_forms import SavedForm

__all__ = [
    "AgendaItem",
    "ApiClient",
    "Attachment",
    "AttachmentContent",
    "AuditEvent",
    "Case",
    "CaseClock",
    "CaseEvent",
    "CaseReferenceCounter",
    "CdfApplication",
    "ClinicalReferenceGroup",
    "CohortReferral",
    "Commissioner",
    "CommissionerHub",
    "ConflictOfInterest",
    "ContinuationRequest",
    "FundingAuthorisation",
    "Hub",
    "IdempotencyRecord",
    "InvoiceLine",
    "InvoiceSchedule",
    "Letter",
    "NationalCase",
    "Notification",
    "OutboxMessage",
    "OutcomeReport",
    "PageSession",
    "Panel",
    "PanelMeeting",
    "PanelMember",
    "Policy",
    "PolicyEvent",
    "PolicyIntervention",
    "PolicyItem",
    "ProgrammeOfCare",
    "Region",
    "SactException",
    "SactImport",
    "SavedForm",
    "TreatmentBreak",
    "TreatmentCycle",
    "User",
    "metadata",
]
