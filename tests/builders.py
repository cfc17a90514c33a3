"""Builders for tests that drive cases through the API as each person would."""

from __future__ import annotations

import io
import struct
import zlib
from dataclasses import dataclass
from types import SimpleNamespace

# Files to attach: a one-page PDF (as pypdf writes it) and a 1 x 1 PNG, each whole, as the
# attachment checks read them.
PDF = (b"%PDF-1.3\n1 0 obj\n<<\n/Producer (pypdf)\n>>\nendobj\n2 0 obj\n<<\n/Type /Pages\n/Count 1\n"
       b"/Kids [ 4 0 R ]\n>>\nendobj\n3 0 obj\n<<\n/Type /Catalog\n/Pages 2 0 R\n>>\nendobj\n4 0 obj\n"
       b"<<\n/Type /Page\n/Resources <<\n>>\n/MediaBox [ 0.0 0.0 72 72 ]\n/Parent 2 0 R\n>>\nendobj\n"
       b"xref\n0 5\n0000000000 65535 f \n0000000015 00000 n \n0000000054 00000 n \n"
       b"0000000113 00000 n \n0000000162 00000 n \ntrailer\n<<\n/Size 5\n/Root 3 0 R\n/Info 1 0 R\n>>\n"
       b"startxref\n254\n%%EOF\n")


def pdf_with(text: str) -> bytes:
    """A real one-page PDF holding `text` in its metadata: as large or as unique as a test needs,
    and still one the upload's content check reads (random bytes after %%EOF may not be)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(72, 72)
    writer.add_metadata({"/Subject": text})
    document = io.BytesIO()
    writer.write(document)
    return document.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


PNG = (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
       + _png_chunk(b"IDAT", zlib.compress(b"\x00\x00")) + _png_chunk(b"IEND", b""))

CLINICIAN, OFFICER, CHAIR, REVIEW_CHAIR = (
    "demo-clinician", "demo-officer", "demo-panel-chair", "demo-review-chair")
# The chair of the London Review Panel is REVIEW_CHAIR; its other members (ifr_service/demo.py).
REVIEW_VICE_CHAIR, REVIEW_CLINICIAN, REVIEW_LAY_MEMBER = (
    "demo-review-vice-chair", "demo-review-clinician", "demo-review-lay-member")
SCREENING_CHAIR = "demo-screening-chair"  # the London screening group's chair
SCREENING_ACTIONS = ("screen_not_responsible", "screen_routinely_commissioned", "screen_cohort",
                     "screen_to_panel")
TRUST_APPROVER = "demo-trust-approver"  # the chief pharmacist of CLINICIAN's trust


COMPARATOR = "Adults with ROS1-positive non-small-cell lung cancer after one line of treatment."
CRITERIA = {"against_policy": ("significantly_different", "significantly_more_benefit"),
            "no_policy": ("cohort_in_disguise", "evidence_of_effectiveness", "value_for_money")}
CRITERIA["rare_condition"] = CRITERIA["no_policy"]


def findings(finding: str = "no", reasons: str = "The panel considered the evidence submitted.",
             test: str = "against_policy") -> dict:
    """The findings on one branch of the test: "yes", every criterion met; "no", none met (on "a
    cohort in disguise", "Yes" is the finding that does not meet it)."""
    met = finding == "yes"
    answers = {criterion: {"finding": "yes" if met != (criterion == "cohort_in_disguise") else "no",
                           "reasons": reasons} for criterion in CRITERIA[test]}
    stated = {"policy_reference": "170091P", "comparator_group": COMPARATOR}
    against = stated if test == "against_policy" else {}
    return {"policy_position": test, **against, **answers}


DECISION = {"findings": findings("yes"), "summary": "Funded for twelve months, then reviewed."}
REASON = {"reason": "The request describes one patient's exceptional circumstances."}
# A valid payload for each IFR action a person takes through the actions endpoint.
PAYLOADS = {
    "confirm_complete": {},
    "request_information": {"questions": "Please send the latest MRI report."},
    "provide_information": {"information": "MRI of 30 December attached."},
    "screen_not_responsible": {"responsible_commissioner": "The patient's integrated care board",
                               **REASON},
    "screen_routinely_commissioned": {"policy_reference": "NHS England 170001/P", **REASON},
    "screen_cohort": {
        "cohort_description": "Patients with ROS1-positive lung cancer progressing in the brain.",
        "reason": "Several similar requests: a policy question, not an individual one."},
    "screen_to_panel": REASON,
    "refer_for_chairs_action": REASON,
    "call_extraordinary_panel": REASON,
    "approve": DECISION,
    "approve_with_conditions": {
        **DECISION, "conditions": "Treatment at the regional centre only.",
        "review_date": "2027-03-31", "stopping_criteria": "Progression on MRI at 12 weeks."},
    "decline": {"findings": findings("no"), "summary": "Not exceptional."},
    "defer": {"information_needed": "The genomic report of the biopsy."},
    "provide_deferred_information": {"information": "Report attached: ROS1 G2032R."},
    "request_reconsideration": {
        "new_information": "A new scan shows the disease is confined to the brain."},
    "accept_reconsideration": {"reason": "Confinement to the brain is new."},
    "refuse_reconsideration": REASON,
    "request_review": {
        "grounds": ["evidence_not_considered"],
        "explanation": "The panel did not consider the second-line trial data sent."},
    "refer_to_review_panel": {"grounds_considered": {"evidence_not_considered": {
        "finding": "yes", "reasons": "The pack's index does not list the trial data the clinician sent."}}},
    "refuse_review": {"grounds_considered": {"evidence_not_considered": {
        "finding": "no", "reasons": "The minutes record the panel's discussion of the trial data."}}},
    "uphold_on_review": {"reason": "The trial data was in the pack and the minutes record its discussion."},
    "remit_on_review": {"reason": "The trial data sent with the application was not in the panel pack."},
    "withdraw": {"reason": "The patient chose another treatment."},
    "close": {},
}


@dataclass(frozen=True)
class RecordedEvent:
    """A case event as replay reads it: its name, and the states it was taken from and to."""

    name: str
    from_state: str | None
    to_state: str | None


def signed_off(client, auth, case: dict) -> dict:
    """A clinician's submission, through their trust's sign-off when its form asks for it: the case
    as NHS England then receives it."""
    if case["state"] != "awaiting_trust_approval":
        return case
    response = client.post(f"/api/v1/cases/{case['draft_reference']}/actions/approve_for_trust",
                           headers=auth(TRUST_APPROVER))
    assert response.status_code == 200, response.json
    return response.json


def through_trust(client, auth, response):
    """The response to a clinician's submission (`?submit=true`, `/submit`), followed through their
    trust's sign-off when its form asks for one: the submission's status, and the case as NHS England
    then received it."""
    if response.status_code >= 300 or response.json.get("state") != "awaiting_trust_approval":
        return response
    return SimpleNamespace(status_code=response.status_code, headers=response.headers,
                           json=signed_off(client, auth, response.json))


def submit_ifr(client, auth, application: dict, who: str = CLINICIAN, **headers):
    """POST /api/v1/cases?submit=true as the clinician, then through their trust's sign-off."""
    return through_trust(client, auth, client.post("/api/v1/cases?submit=true", json=application,
                                                   headers={**auth(who), **headers}))


class Road:
    """Drives one case through the API, as each person would."""

    def __init__(self, client, auth, application, urgency: str = "routine"):
        self.client, self.auth = client, auth
        application["urgency"] = {"level": urgency, "justification": "Rapid progression."}
        response = client.post("/api/v1/cases?submit=true", json=application, headers=auth(CLINICIAN))
        assert response.status_code == 201, response.json
        self.reference = signed_off(client, auth, response.json)["reference"]

    @classmethod
    def of(cls, client, auth, reference: str) -> Road:
        """The road of a case made some other way (in the browser, say)."""
        road = cls.__new__(cls)
        road.client, road.auth, road.reference = client, auth, reference
        return road

    def act(self, who: str, action: str, payload: dict | None = None, expect: int = 200):
        response = self.client.post(f"/api/v1/cases/{self.reference}/actions/{action}",
                                    json=payload or {}, headers=self.auth(who))
        assert response.status_code == expect, response.json
        return response

    def case(self, who: str = OFFICER) -> dict:
        return self.client.get(f"/api/v1/cases/{self.reference}", headers=self.auth(who)).json

    def clock(self, key: str, who: str = OFFICER) -> dict:
        return [c for c in self.case(who)["clocks"] if c["clock"] == key][-1]

    def to_panel(self, hold_meeting: bool = True):
        """Check, screen in at the screening group's meeting, and (unless told not to) put the case
        before a quorate meeting of the IFR panel today."""
        self.act(OFFICER, "confirm_complete")
        self.screen("screen_to_panel", REASON)
        if hold_meeting:
            self.meeting = self.hold_meeting()

    def screen(self, action: str = "screen_to_panel", payload: dict | None = None, expect: int = 200):
        """The London screening group meets today, every member present, with the case on its
        agenda; the case officer records the group's outcome."""
        self.screening_meeting = self.hold_meeting(kind="screening_group")
        return self.act(OFFICER, action, PAYLOADS[action] if payload is None else payload, expect)

    def panel(self, kind: str = "ifr_panel") -> dict:
        """The London region's panel of this kind (its IFR panel unless asked)."""
        panels = self.client.get("/api/v1/panels", headers=self.auth(OFFICER)).json
        return next(panel for panel in panels if panel["kind"] == kind and panel["region"] == "london")

    def hold_meeting(self, absent: tuple[str, ...] = (), kind: str = "ifr_panel") -> dict:
        """A meeting of a London panel (its IFR panel unless asked) today, with every member present
        but `absent`."""
        panel = self.panel(kind)
        attendees = [m["id"] for m in panel["members"] if m["username"] not in absent]
        today = self.client.application.extensions["ifr"].today()
        meeting = self.client.post(f"/api/v1/panels/{panel['id']}/meetings", headers=self.auth(OFFICER),
                                   json={"meeting_date": today.isoformat(), "attendee_ids": attendees})
        assert meeting.status_code == 201, meeting.json
        agenda = self.client.post(f"/api/v1/meetings/{meeting.json['id']}/agenda",
                                  headers=self.auth(OFFICER))
        assert agenda.status_code == 200, agenda.json
        return agenda.json

    def member_id(self, username: str, kind: str = "ifr_panel") -> int:
        return next(m["id"] for m in self.panel(kind)["members"] if m["username"] == username)

    # A review: asked for, the initial consideration, the Review Panel's meeting.

    def to_review_panel(self, hold_meeting: bool = True):
        """Ask for a review of the decline (PAYLOADS' ground), have the Review Panel's chair find it made
        out, and (unless told not to) put the case before a quorate Review Panel meeting today."""
        self.act(CLINICIAN, "request_review", PAYLOADS["request_review"])
        self.act(REVIEW_CHAIR, "refer_to_review_panel", PAYLOADS["refer_to_review_panel"])
        if hold_meeting:
            self.review_meeting = self.hold_review_meeting()

    def review_panel(self) -> dict:
        panels = self.client.get("/api/v1/panels", headers=self.auth(OFFICER)).json
        return next(panel for panel in panels if panel["kind"] == "review_panel")

    def hold_review_meeting(self, absent: tuple[str, ...] = ()) -> dict:
        """A meeting of the London Review Panel today, with every member present but `absent`."""
        panel = self.review_panel()
        attendees = [m["id"] for m in panel["members"] if m["username"] not in absent]
        today = self.client.application.extensions["ifr"].today()
        meeting = self.client.post(f"/api/v1/panels/{panel['id']}/meetings", headers=self.auth(OFFICER),
                                   json={"meeting_date": today.isoformat(), "kind": "review",
                                         "attendee_ids": attendees})
        assert meeting.status_code == 201, meeting.json
        agenda = self.client.post(f"/api/v1/meetings/{meeting.json['id']}/agenda",
                                  headers=self.auth(OFFICER))
        assert agenda.status_code == 200, agenda.json
        return agenda.json

    def review_member_id(self, username: str) -> int:
        return next(m["id"] for m in self.review_panel()["members"] if m["username"] == username)


def set_up_north_screening_group(client, auth) -> dict:
    """The North region's screening group, run by the North West hub: a chair and a clinician, with
    a quorum of both (a panel's own rule, as an administrator may set one)."""
    group = client.post("/api/v1/panels", headers=auth("demo-admin"), json={
        "name": "North screening group", "hub_code": "north-west", "kind": "screening_group",
        "quorum": {"minimum_members": 2, "requires": [["chair"], ["clinician"]]}})
    assert group.status_code == 201, group.json
    for username, panel_role in (("screening-chair-north-west", "chair"),
                                 ("screening-clinician-north-west", "clinician")):
        seat = client.post(f"/api/v1/panels/{group.json['id']}/members", headers=auth("demo-admin"),
                           json={"username": username, "panel_role": panel_role})
        assert seat.status_code == 201, seat.json
    return seat.json


def hold_meeting_of(client, auth, panel: dict, who: str, day=None) -> dict:
    """A meeting of the panel (today unless `day`), every member present, its agenda built."""
    day = day or client.application.extensions["ifr"].today()
    meeting = client.post(f"/api/v1/panels/{panel['id']}/meetings", headers=auth(who), json={
        "meeting_date": day.isoformat(), "attendee_ids": [m["id"] for m in panel["members"]]})
    assert meeting.status_code == 201, meeting.json
    agenda = client.post(f"/api/v1/meetings/{meeting.json['id']}/agenda", headers=auth(who))
    assert agenda.status_code == 200, agenda.json
    return agenda.json


# The Cancer Drugs Fund

CDF_ADMIN = "demo-cdf-admin"  # the London region's
# A valid ICD-10 code inside each demo entry's indication.
CDF_DIAGNOSES = {
    "atezolizumab-urothelial-after-platinum": "C67.9", "olaparib-ovarian-brca-maintenance": "C56",
    "daratumumab-myeloma-relapsed": "C90.0", "sotorasib-nsclc-kras-g12c": "C34.1",
    "nivolumab-oesophageal-adjuvant": "C15.5", "pembrolizumab-nsclc-untreated-pdl1": "C34.1",
}


def cdf_application_for(client, auth, example: dict, entry_key: str, nhs_number: str | None = None) -> dict:
    """The example application made for another entry of the list: every criterion confirmed and
    each treatment question given its first option, as the entries endpoint describes them."""
    entries = client.get("/api/v1/cdf/entries", headers=auth(CLINICIAN)).json
    entry = next(entry for entry in entries if entry["key"] == entry_key)
    body = {**example, "entry": entry_key,
            "criteria": {criterion["key"]: True for criterion in entry["criteria"]},
            "diagnosis": {**example["diagnosis"], "icd10_code": CDF_DIAGNOSES[entry_key]}}
    body["treatment"] = {"planned_start_date": example["treatment"]["planned_start_date"],
                         **{field["field"]: field["options"][0] for field in entry["treatment_fields"]
                            if field.get("options")}}
    if nhs_number:
        body["patient"] = {**example["patient"], "nhs_number": nhs_number}
    return body


def apply_to_cdf(client, auth, body: dict, expect: int = 201) -> dict:
    response = client.post("/api/v1/cases", json=body, headers=auth(CLINICIAN))
    assert response.status_code == expect, response.json
    return response.json


def record_treatment(client, auth, reference: str, action: str, payload: dict, expect: int = 200):
    response = client.post(f"/api/v1/cases/{reference}/actions/{action}", json=payload,
                           headers=auth(CLINICIAN))
    assert response.status_code == expect, response.json
    return response.json
