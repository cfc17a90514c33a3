"""Who sees a case because of the panel: staff of a region's lead hub run its panel, so they see
every case of the region (registered with the case access rule, cases/access.py)."""

from __future__ import annotations

from ifr_service.cases.access import also_seen_by
from ifr_service.cases.models import Case
from ifr_service.panels.queries import find_panel_for_region
from ifr_service.users.models import User


@also_seen_by
def runs_the_regions_panel(user: User, case: Case) -> bool:
    panel = case.region_id is not None and find_panel_for_region(case.region_id)
    return bool(panel) and panel.hub_id == user.hub_id
