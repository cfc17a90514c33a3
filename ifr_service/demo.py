"""A small demo data set: the demo users and a few IFR cases, some submitted, one a draft."""

from __future__ import annotations

import copy
import json

from ifr_service.cases import service
from ifr_service.cases.queries import count_cases
from ifr_service.config import PROJECT_ROOT
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


def load_demo_data() -> dict[str, int]:
    users = load_demo_users()
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
