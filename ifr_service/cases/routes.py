"""The cases API: a thin adapter from HTTP to the case service."""

from __future__ import annotations

from flask import Blueprint, current_app, request, url_for
from marshmallow import Schema, fields

from ifr_service.audit.recording import note_list_shown
from ifr_service.cases import actions, assignment, evidence, presenters, queries, service
from ifr_service.cases.access import can_see_hub_queue, get_identifiable_case, get_visible_case
from ifr_service.cases.schemas import (
    AssignmentRequestSchema,
    AssignmentSchema,
    AttachmentSchema,
    CaseSchema,
    QueueSchema,
    SimilarRequestsSchema,
)
from ifr_service.cdf import service as cdf
from ifr_service.errors import NotFound, ValidationFailed
from ifr_service.letters import queries as letters
from ifr_service.reference import queries as reference
from ifr_service.text import shortened
from ifr_service.users.access import CASE_READERS, HUB_TEAM, WORKS_THE_QUEUE, allow, current_user
from ifr_service.users.models import Role
from ifr_service.web.requests import (
    ID,
    PageArgs,
    file_download,
    json_body,
    load_json,
    load_query,
    takes_file,
)

cases = Blueprint("cases", __name__)


class CreateArgs(Schema):
    submit = fields.Boolean(load_default=False)


@cases.post("/cases")
@allow(Role.CLINICIAN)
def create_case():
    """Create an IFR or CDF application.
    ---
    post:
      summary: Create a draft IFR application (or create and submit it), or apply to the CDF
      description: >-
        The body holds the form's answers by section (see docs/examples/ifr-application.json).
        A draft may be incomplete; submission checks every answer. With "route": "cdf" and an
        "entry" of the national list, the body is a CDF application
        (docs/examples/cdf-application.json), decided at once: the case answers approved with
        its approval_number, or not_approved naming the unmet criteria; `submit` does not apply.
        Send an Idempotency-Key header to make a retried request return the same case.
      tags: [cases]
      parameters:
        - {in: query, name: submit, schema: {type: boolean, default: false}}
        - {in: header, name: Idempotency-Key, schema: {type: string, maxLength: 200}}
      requestBody:
        required: true
        content: {application/json: {schema: IfrApplicationV1}}
      responses:
        201: {description: The case, content: {application/json: {schema: Case}}}
        401: {description: Not signed in, content: {application/json: {schema: Error}}}
        403: {description: Not a clinician, content: {application/json: {schema: Error}}}
        409: {description: "CDF: an approval for this patient, drug and indication is in force",
              content: {application/json: {schema: Error}}}
        422: {description: "Answers with errors; for the CDF, an entry not on the list (with ifr_conversion)",
              content: {application/json: {schema: Error}}}
    """
    args = load_query(CreateArgs())
    user, body, key = current_user(), json_body(), request.headers.get("Idempotency-Key")
    route = body.pop("route", "ifr") if isinstance(body, dict) else "ifr"
    if route == "cdf":
        case, status = cdf.apply_idempotently(user, body, key)
    elif route == "ifr":
        case, status = service.create_case_idempotently(user, body, args["submit"], key)
    else:
        raise ValidationFailed({"route": "Choose the route: ifr or cdf."})
    return _case_response(case, status)


@cases.get("/cases/<reference>")
@allow(*CASE_READERS)
def get_case(reference: str):
    """Read a case.
    ---
    get:
      summary: A case, with what the calling user may do next
      tags: [cases]
      parameters: [{in: path, name: reference, required: true, schema: {type: string}}]
      responses:
        200: {description: The case, content: {application/json: {schema: Case}}}
        404: {description: No such case for this user, content: {application/json: {schema: Error}}}
    """
    case = get_visible_case(reference, current_user())
    return _case_response(case, 200)


@cases.patch("/cases/<reference>")
@allow(Role.CLINICIAN)
def update_case(reference: str):
    """Change a draft's answers.
    ---
    patch:
      summary: Change some answers of a draft; other answers are kept
      tags: [cases]
      parameters: [{in: path, name: reference, required: true, schema: {type: string}}]
      requestBody:
        required: true
        content: {application/json: {schema: IfrApplicationV1}}
      responses:
        200: {description: The case, content: {application/json: {schema: Case}}}
        409: {description: The case is no longer a draft, content: {application/json: {schema: Error}}}
        422: {description: Answers with errors, content: {application/json: {schema: Error}}}
    """
    case = service.update_draft(get_visible_case(reference, current_user(), for_update=True), current_user(),
                                json_body())
    return _case_response(case, 200)


@cases.post("/cases/<reference>/submit")
@allow(Role.CLINICIAN)
def submit_case(reference: str):
    """Submit a draft.
    ---
    post:
      summary: Submit a draft; it gets its reference and goes to its hub's queue
      description: >-
        On a form version the trust signs off (the IFR application from version 3), the draft goes
        to the clinician's trust first (state awaiting_trust_approval, still without a reference):
        the trust approver's approve_for_trust action submits it to NHS England, and
        return_to_clinician returns it to draft with comments.
      tags: [cases]
      parameters:
        - {in: path, name: reference, required: true, schema: {type: string}}
        - {in: header, name: Idempotency-Key, schema: {type: string, maxLength: 200}}
      responses:
        200: {description: The submitted case, content: {application/json: {schema: Case}}}
        409: {description: Already submitted, content: {application/json: {schema: Error}}}
        422: {description: The application is incomplete, content: {application/json: {schema: Error}}}
    """
    case, status = service.submit_case_idempotently(
        get_visible_case(reference, current_user(), for_update=True), current_user(),
        request.headers.get("Idempotency-Key"))
    return _case_response(case, status)


@cases.post("/cases/<reference>/actions/<action>")
@allow(*CASE_READERS)
def take_action(reference: str, action: str):
    """Take a workflow action.
    ---
    post:
      summary: Take one of the case's allowed actions, with the payload it needs
      description: >-
        GET /api/v1/cases/{reference} lists the caller's allowed actions and each one's payload
        fields. An action the case's state does not allow answers 409 with the allowed actions;
        one the caller's role may not take answers 403.
      tags: [cases]
      parameters:
        - {in: path, name: reference, required: true, schema: {type: string}}
        - {in: path, name: action, required: true, schema: {type: string}}
        - {in: header, name: Idempotency-Key, schema: {type: string, maxLength: 200},
           description: For submit, a retried request returns the same case}
      requestBody:
        content: {application/json: {schema: {type: object}}}
      responses:
        200: {description: The case after the action, content: {application/json: {schema: Case}}}
        403: {description: Not for your role, content: {application/json: {schema: Error}}}
        404: {description: No such case or action, content: {application/json: {schema: Error}}}
        409: {description: Not allowed now, content: {application/json: {schema: Error}}}
        422: {description: Payload with errors, content: {application/json: {schema: Error}}}
    """
    payload = json_body() if request.content_length else {}  # an action may need no payload
    user = current_user()
    case = actions.take_action(get_visible_case(reference, user, for_update=True), action, user,
                               payload, request.headers.get("Idempotency-Key"))
    return _case_response(case, 200)


@cases.post("/cases/<reference>/attachments")
@takes_file
@allow(Role.CLINICIAN)
def add_attachment(reference: str):
    """Attach a file.
    ---
    post:
      summary: Attach supporting evidence (PDF, DOCX, PNG or JPEG)
      tags: [cases]
      parameters: [{in: path, name: reference, required: true, schema: {type: string}}]
      requestBody:
        required: true
        content:
          multipart/form-data:
            schema:
              type: object
              required: [file]
              properties:
                file: {type: string, format: binary}
                description: {type: string, maxLength: 500}
      responses:
        201: {description: Attached, content: {application/json: {schema: Attachment}}}
        200: {description: Already attached, content: {application/json: {schema: Attachment}}}
        422: {description: Not an accepted file, content: {application/json: {schema: Error}}}
    """
    case = get_visible_case(reference, current_user(), for_update=True)
    upload = request.files.get("file")
    if upload is None:
        raise ValidationFailed({"file": "Choose a file to attach (multipart/form-data field 'file')."})
    try:
        content = upload.read(current_app.config["IFR"].attachment_max_bytes + 1)
    finally:
        upload.close()
    attachment, created = service.add_attachment(
        case, current_user(), upload.filename, content, request.form.get("description"))
    return AttachmentSchema().dump(attachment), 201 if created else 200


@cases.delete(f"/cases/<reference>/attachments/<{ID}:attachment_id>")
@allow(Role.CLINICIAN)
def remove_attachment(reference: str, attachment_id: int):
    """Remove a file from a draft.
    ---
    delete:
      summary: Remove a file while the application is a draft (a file already gone answers the same)
      tags: [cases]
      parameters:
        - {in: path, name: reference, required: true, schema: {type: string}}
        - {in: path, name: attachment_id, required: true, schema: {type: integer}}
      responses:
        200:
          description: The files left on the draft, whether this request or an earlier one removed it
          content: {application/json: {schema: {type: array, items: Attachment}}}
        409: {description: The case is no longer a draft, content: {application/json: {schema: Error}}}
    """
    user = current_user()
    case = get_visible_case(reference, user, for_update=True)
    evidence.remove_attachment(case, user, attachment_id)
    return AttachmentSchema(many=True).dump(queries.find_attachments(case)), 200


@cases.put(f"/cases/<reference>/attachments/<{ID}:attachment_id>/panel")
@takes_file
@allow(Role.CASE_OFFICER)
def prepare_attachment_for_panel(reference: str, attachment_id: int):
    """Choose a file for the panel pack.
    ---
    put:
      summary: Include a file in the de-identified panel pack, or leave it out
      description: >-
        A file that shows who the patient or the clinician is (holds_identifiers) goes into the
        pack only as its redacted copy, sent here as redacted_copy or earlier.
      tags: [cases]
      parameters:
        - {in: path, name: reference, required: true, schema: {type: string}}
        - {in: path, name: attachment_id, required: true, schema: {type: integer}}
      requestBody:
        required: true
        content:
          multipart/form-data:
            schema:
              type: object
              required: [include]
              properties:
                include: {type: boolean}
                holds_identifiers: {type: boolean}
                panel_description: {type: string, maxLength: 500}
                redacted_copy: {type: string, format: binary}
      responses:
        200: {description: The original, as marked, content: {application/json: {schema: Attachment}}}
        422: {description: A field is missing or wrong, content: {application/json: {schema: Error}}}
    """
    user, form = current_user(), request.form
    case = get_visible_case(reference, user, for_update=True)  # 404 before anything sent is read
    service.check_action_allowed(case, "prepare_evidence_for_panel", user)
    include = _flag(form.get("include"), "include", required=True)
    upload = request.files.get("redacted_copy")
    redacted = (upload.filename, upload.read(current_app.config["IFR"].attachment_max_bytes + 1)) \
        if upload is not None else None
    original = evidence.prepare_for_panel(
        case, user, attachment_id, include, _flag(form.get("holds_identifiers"), "holds_identifiers"),
        form.get("panel_description"), redacted)
    return AttachmentSchema().dump(original)


def _flag(value: str | None, field: str, required: bool = False) -> bool | None:
    if value in ("true", "yes"):
        return True
    if value in ("false", "no"):
        return False
    if value is None and not required:
        return None
    raise ValidationFailed({field: f"Send {field} as true or false."})


@cases.get(f"/cases/<reference>/attachments/<{ID}:attachment_id>")
@allow(*CASE_READERS)
def download_attachment(reference: str, attachment_id: int):
    """Download an attached file.
    ---
    get:
      summary: The attached file's bytes
      tags: [cases]
      parameters:
        - {in: path, name: reference, required: true, schema: {type: string}}
        - {in: path, name: attachment_id, required: true, schema: {type: integer}}
      responses:
        200: {description: The file, content: {application/octet-stream: {}}}
        404: {description: No such attachment, content: {application/json: {schema: Error}}}
    """
    case = get_identifiable_case(reference, current_user())
    attachment = queries.get_attachment(case, attachment_id)
    return file_download(queries.get_attachment_content(attachment), attachment.content_type,
                         attachment.filename)


@cases.get(f"/cases/<reference>/letters/<{ID}:letter_id>")
@allow(*CASE_READERS)
def download_letter(reference: str, letter_id: int):
    """Download a letter.
    ---
    get:
      summary: A letter about the case, as PDF
      tags: [cases]
      parameters:
        - {in: path, name: reference, required: true, schema: {type: string}}
        - {in: path, name: letter_id, required: true, schema: {type: integer}}
      responses:
        200: {description: The PDF, content: {application/pdf: {}}}
        404: {description: No such letter, content: {application/json: {schema: Error}}}
    """
    case = get_identifiable_case(reference, current_user())
    letter = letters.get_letter(case.id, letter_id)
    return file_download(letter.content, "application/pdf", f"{case.public_reference}-letter-{letter.id}.pdf")


@cases.get("/cases/<reference>/similar")
@allow(*HUB_TEAM)
def similar_requests(reference: str):
    """Similar requests nationally.
    ---
    get:
      summary: Requests nationally for the same treatment in the same ICD-10 category, and outcomes
      description: Screening uses it to see whether a request is an individual one or a cohort.
      tags: [cases]
      parameters: [{in: path, name: reference, required: true, schema: {type: string}}]
      responses:
        200: {description: Similar requests, content: {application/json: {schema: SimilarRequests}}}
        404: {description: No such case, content: {application/json: {schema: Error}}}
    """
    case = get_visible_case(reference, current_user())
    return SimilarRequestsSchema().dump(presenters.similar_requests(case))


@cases.put("/cases/<reference>/assignment")
@allow(Role.CASE_OFFICER)
def assign_case(reference: str):
    """Assign a case.
    ---
    put:
      summary: Assign the case to a case officer of its hub, or to nobody
      description: >-
        Only a case officer of the case's own hub may; the assignee must be an active case officer of
        that hub. Assigning a case to whoever it is assigned to already changes nothing and records no
        event. Each change is a case_assigned or case_unassigned event in the case's history.
      tags: [cases]
      parameters: [{in: path, name: reference, required: true, schema: {type: string}}]
      requestBody:
        required: true
        content: {application/json: {schema: AssignmentRequest}}
      responses:
        200: {description: Who the case is assigned to now, content: {application/json: {schema: Assignment}}}
        403: {description: Not a case officer of the case's hub, content: {application/json: {schema: Error}}}
        404: {description: No such case for this user, content: {application/json: {schema: Error}}}
        409: {description: The case has ended, content: {application/json: {schema: Error}}}
        422: {description: Not a case officer of the case's hub to assign to,
              content: {application/json: {schema: Error}}}
    """
    user = current_user()
    case = get_visible_case(reference, user, for_update=True)  # a case they may not see: 404 first
    assignment.assign_case(case, user, load_json(AssignmentRequestSchema())["assigned_to"])
    return AssignmentSchema().dump({"reference": case.public_reference,
                                    "assigned_to": assignment.assignee_of(case)})


@cases.get("/hubs/<hub_code>/queue")
@allow(*WORKS_THE_QUEUE)
def hub_queue(hub_code: str):
    """A hub's queue.
    ---
    get:
      summary: The hub's submitted cases, most urgent and newest first
      tags: [hubs]
      parameters:
        - {in: path, name: hub_code, required: true, schema: {type: string}}
        - {in: query, name: page, schema: {type: integer, minimum: 1, default: 1}}
        - {in: query, name: page_size, schema: {type: integer, minimum: 1, maximum: 100, default: 25}}
      responses:
        200: {description: One page of the queue, content: {application/json: {schema: Queue}}}
        404: {description: No such hub, content: {application/json: {schema: Error}}}
    """
    args = load_query(PageArgs())
    hub = reference.get_hub(hub_code)
    if not can_see_hub_queue(current_user(), hub.id):
        raise NotFound(f"There is no hub queue {shortened(hub_code)} for you.", field="hub_code")
    found, total = queries.find_hub_queue(hub.id, "ifr", service.queue_states("ifr"), args["page"],
                                          args["page_size"])
    cases = [line.case for line in found]
    note_list_shown(current_user(), f"list:work-queue:{hub.code}")  # references and treatments: no patient
    next_clocks = queries.find_next_clocks(cases)
    return QueueSchema().dump({
        "hub": {"code": hub.code, "name": hub.name}, "page": args["page"],
        "page_size": args["page_size"], "total": total,
        "cases": [presenters.present_queue_item(line, next_clocks.get(line.case.id)) for line in found],
    })


def _case_response(case, status: int):
    body = CaseSchema().dump(presenters.present_case(case, current_user()))
    headers = {"Location": url_for("api.cases.get_case", reference=case.public_reference)}
    return body, status, headers
