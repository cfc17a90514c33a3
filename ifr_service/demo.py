"""A small demo data set: the demo users and a few IFR cases, some submitted, one a draft."""

from __future__ import annotations

import copy
import json

from ifr_service.cases import service
from ifr_service.cases.queries import count_cases
from ifr_service.config import PROJECT_ROOT
from ifr_service.panels import service as panels
from ifr_service.panels.models import Panel
from ifr_service.panels.queries import find_panel_for_region
from ifr_service.reference.queries import get_hub
from ifr_service.users.demo import load_demo_users
from ifr_service.users.queries import find_user

EXAMPLE = PROJECT_ROOT / "docs" / "examples" / "ifr-application.json"

DEMO_VARIATIONS = [
    ({}, True),
    ({"patient": {"nhs_number": "9990000026", "given_name": "Sam", "family_name": "Sample",
                  "commissioner": "ccg-islington"},
      "urgency": {"level": "routine", "justification": None},
      "intervention": {"name": "Example biologic infusion"}}, True),
    ({"patient": {"nhs_number": "9990000034", "given_name": "Jo", "family_name": "Demo"},
      "urgency": {"level": "emergency"}}, True),
    ({"patient": {"nhs_number": "9990000042", "given_name": "Lee", "family_name": "Draft"}}, False),
]


def example_application() -> dict:
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


DEMO_PANEL = [
    ("demo-panel-chair", "chair"),
    ("demo-panel-vice-chair", "vice_chair"),
    ("demo-panel-member", "public_health_consultant"),
    ("demo-panel-pharmacist", "pharmacist"),
    ("demo-panel-lay-member", "lay_member"),
    ("demo-panel-commissioner", "commissioning_representative"),
]


def load_demo_panel() -> Panel:
    """The London region's IFR panel, run by the London hub, with a member in every role."""
    london = get_hub("london")
    panel = find_panel_for_region(london.region_id)
    if panel is None:
        panel = panels.create_panel("London IFR panel", "london")
        for username, panel_role in DEMO_PANEL:
            panels.add_member(panel, username, panel_role)
    return panel


def load_demo_data() -> dict[str, int]:
    users = load_demo_users()
    load_demo_panel()
    if count_cases():
        return {"users": users, "cases": 0}
    clinician = find_user("demo-clinician")
    for changes, submit in DEMO_VARIATIONS:
        answers = copy.deepcopy(example_application())
        for section, values in changes.items():
            answers[section].update(values)
        case = service.create_draft(clinician, answers)
        if submit:
            service.submit_case(case, clinician)
    return {"users": users, "cases": len(DEMO_VARIATIONS)}
