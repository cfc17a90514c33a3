"""Demo users, one per role, for development only. Never loaded in production.

Hub staff work for the London hub; the CDF administrator for the London region."""

from __future__ import annotations

from ifr_service.reference.queries import get_hub
from ifr_service.users.access import OF_A_HUB
from ifr_service.users.models import Role, User
from ifr_service.users.queries import create_user, find_user

DEMO_HUB = "london"
DEMO_USERS = [
    # username, name, role, (provider ODS code, provider name) for clinicians and trust approvers
    ("demo-clinician", "Dr Priya Shah", Role.CLINICIAN,
     ("RRV", "University College London Hospitals NHS Foundation Trust")),
    ("demo-clinician-2", "Dr Tom Okafor", Role.CLINICIAN,
     ("RJ1", "Guy's and St Thomas' NHS Foundation Trust")),
    # The trusts' approvers: UCLH's chief pharmacist signs Dr Shah's requests off; Guy's and St
    # Thomas' clinical director signs Dr Okafor's.
    ("demo-trust-approver", "Nadia Rahman", Role.TRUST_APPROVER,
     ("RRV", "University College London Hospitals NHS Foundation Trust")),
    ("demo-trust-approver-2", "Dr Lena Fischer", Role.TRUST_APPROVER,
     ("RJ1", "Guy's and St Thomas' NHS Foundation Trust")),
    ("demo-officer", "Sam Patel", Role.CASE_OFFICER, None),
    ("demo-hub-lead", "Jordan Hale", Role.CASE_OFFICER, None),
    ("demo-panel-chair", "Dr Helen Marsh", Role.PANEL_CHAIR, None),
    ("demo-panel-member", "Dr Ravi Kumar", Role.PANEL_MEMBER, None),
    # The rest of the London panel, so that its meetings can be quorate.
    ("demo-panel-vice-chair", "Dr Ann Lee", Role.PANEL_CHAIR, None),
    ("demo-panel-pharmacist", "Mo Ahmed", Role.PANEL_MEMBER, None),
    ("demo-panel-lay-member", "Pat Green", Role.PANEL_MEMBER, None),
    ("demo-panel-commissioner", "Kim Walsh", Role.PANEL_MEMBER, None),
    # The London Review Panel: none of them sits on the London IFR panel.
    ("demo-review-chair", "Dr Sue Black", Role.PANEL_CHAIR, None),
    ("demo-review-vice-chair", "Dr Grace Obi", Role.PANEL_CHAIR, None),
    ("demo-review-clinician", "Dr Omar Haddad", Role.PANEL_MEMBER, None),
    ("demo-review-lay-member", "Lee Carter", Role.PANEL_MEMBER, None),
    # The London screening group's chair and clinician (Dr Ravi Kumar sits on it too).
    ("demo-screening-chair", "Dr Nadia Hussain", Role.PANEL_CHAIR, None),
    ("demo-screening-clinician", "Dr Owen Price", Role.PANEL_MEMBER, None),
    ("demo-cdf-admin", "Jo Evans", Role.CDF_ADMIN, None),
    # The London hub's commissioning finance: checks trusts' invoice schedules against its approvals.
    ("demo-finance", "Ella Brooks", Role.COMMISSIONING_FINANCE, None),
    ("demo-cet", "Chris Morgan", Role.CET_ANALYST, None),
    ("demo-policy-lead", "Dr Nia Roberts", Role.POLICY_LEAD, None),
    ("demo-admin", "Alex Reid", Role.ADMIN, None),
    ("demo-auditor", "Morgan Price", Role.AUDITOR, None),
]
HUB_LEADS = {"demo-hub-lead"}


def load_demo_users() -> int:
    """Create the demo users that are missing; returns how many were created."""
    hub = get_hub(DEMO_HUB)
    created = 0
    for username, name, role, provider in DEMO_USERS:
        if find_user(username):
            continue
        code, organisation = provider or (None, None)
        create_user(User(
            leads_hub=username in HUB_LEADS,
            username=username, display_name=name, role=role.value,
            email=f"{username}@example.nhs.uk", organisation_code=code,
            organisation_name=organisation, hub_id=hub.id if role in OF_A_HUB else None,
            region_id=hub.region_id if role is Role.CDF_ADMIN else None,
        ))
        created += 1
    return created
