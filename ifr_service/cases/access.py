"""Who may see a case. A case someone may not see is answered as not found."""

from __future__ import annotations

from ifr_service.cases.models import Case
from ifr_service.errors import NotFound
from ifr_service.users.models import Role, User

HUB_ROLES = {Role.CASE_OFFICER, Role.PANEL_CHAIR, Role.PANEL_MEMBER}


def can_see_case(user: User, case: Case) -> bool:
    role = user.role_enum
    if role in (Role.ADMIN, Role.SYSTEM):
        return True
    if role is Role.CLINICIAN:
        return case.provider_org_code is not None and case.provider_org_code == user.organisation_code
    if role is Role.CDF_ADMIN:
        return case.route == "cdf" and user.region_id is not None and case.region_id == user.region_id
    if role in HUB_ROLES:  # hub IFR teams and panels; the CDF is run by the regions' CDF teams
        return case.route == "ifr" and case.submitted_utc is not None and user.hub_id is not None and (
            case.hub_id == user.hub_id or _runs_panel_of(user, case))
    return False


def _runs_panel_of(user: User, case: Case) -> bool:
    """Staff of a region's lead hub run its panel, so they see every case of the region."""
    from ifr_service.panels.queries import find_panel_for_region

    panel = case.region_id is not None and find_panel_for_region(case.region_id)
    return bool(panel) and panel.hub_id == user.hub_id


def check_can_see_case(user: User, case: Case) -> None:
    if not can_see_case(user, case):
        raise NotFound("There is no case with that reference.", field="reference")


def can_see_hub_queue(user: User, hub_id: int) -> bool:
    return user.role_enum is Role.ADMIN or (user.role_enum in HUB_ROLES and user.hub_id == hub_id)
