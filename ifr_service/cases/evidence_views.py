"""Evidence pages: the clinician uploads files (each with a description) in the application and while
the case is open, and removes them while it is a draft; answers a request for information with
words and files; the hub's IFR team chooses the files for the panel pack, with redacted copies.

Each page calls the service layer (cases/service.py, cases/evidence.py) in the request's one unit
of work: a refused step saves nothing.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from ifr_service.cases import actions, evidence, service
from ifr_service.cases.access import get_identifiable_case, get_visible_case
from ifr_service.cases.information import open_request
from ifr_service.cases.models import Case
from ifr_service.cases.queries import get_attachment_content
from ifr_service.errors import NotFound, ValidationFailed
from ifr_service.runtime import runtime
from ifr_service.text import quoted
from ifr_service.users.access import current_user
from ifr_service.users.models import Role
from ifr_service.web.fields import posted_values, read_fields
from ifr_service.web.requests import ID, file_download, takes_file
from ifr_service.web.session import page_allow

evidence_pages = Blueprint("evidence", __name__)
# The actions that answer a request for information, each answered on the answer page.
ANSWERS = {"provide_information", "provide_deferred_information"}
UPLOAD_TITLE = "Upload supporting evidence"


@evidence_pages.route("/cases/<reference>/attachments/new", methods=["GET", "POST"])
@takes_file
@page_allow(Role.CLINICIAN)
def add_attachment(reference: str):
    user = current_user()
    case = get_visible_case(reference, user)
    service.check_action_allowed(case, "attach", user)
    if request.method == "GET":
        return _upload_page(case, {}, None)
    try:
        filename, content = _upload("file")
        attachment, created = service.add_attachment(
            get_visible_case(reference, user, for_update=True), user, filename, content,
            request.form.get("description"), description_required=True)
    except ValidationFailed as error:
        return _upload_page(case, posted_values(request.form), error.fields), 422
    flash(f"{attachment.filename} is uploaded." if created else
          f"{attachment.filename} was uploaded already: it is listed once.")
    if _is_draft(case):  # in the application, stay to upload another or remove one
        return redirect(url_for(".add_attachment", reference=case.public_reference))
    return redirect(url_for("pages.cases.show_case", reference=case.public_reference))


@evidence_pages.post(f"/cases/<reference>/attachments/<{ID}:attachment_id>/remove")
@page_allow(Role.CLINICIAN)
def remove_attachment(reference: str, attachment_id: int):
    user = current_user()
    removed = evidence.remove_attachment(get_visible_case(reference, user, for_update=True), user,
                                         attachment_id)
    flash(f"{removed.filename} is removed." if removed else "That file was removed already.")
    back = request.form.get("back")
    if back == "task_list":
        return redirect(url_for("pages.application.task_list", reference=reference))
    return redirect(url_for(".add_attachment", reference=reference))


@evidence_pages.route(f"/cases/<reference>/attachments/<{ID}:attachment_id>/panel", methods=["GET", "POST"])
@takes_file
@page_allow(Role.CASE_OFFICER)
def prepare_for_panel(reference: str, attachment_id: int):
    user = current_user()
    case = get_identifiable_case(reference, user)
    service.check_action_allowed(case, "prepare_evidence_for_panel", user)
    entry = next((e for e in evidence.originals(case) if e["file"].id == attachment_id), None)
    if entry is None:
        raise NotFound("There is no such file on this case.", field="attachment_id")
    if request.method == "GET":
        return _panel_page(case, entry, _panel_values(entry["file"]), None)
    values = posted_values(request.form)
    try:
        include, identifiers = _yes_no("include", required=True), _yes_no("holds_identifiers")
        redacted = _upload("redacted_copy") if request.files.get("redacted_copy") else None
        evidence.prepare_for_panel(get_visible_case(reference, user, for_update=True), user, attachment_id,
                                   include, identifiers, request.form.get("panel_description"), redacted)
    except ValidationFailed as error:
        return _panel_page(case, entry, values, error.fields), 422
    flash(f"{entry['file'].filename} is {'in' if include else 'left out of'} the panel pack.")
    return redirect(url_for("pages.cases.show_case", reference=case.public_reference))


@evidence_pages.route("/cases/<reference>/answer/<action>", methods=["GET", "POST"])
@takes_file
@page_allow(Role.CLINICIAN)
def answer_request(reference: str, action: str):
    """The answer to a request for information: the question, who asked and the reply-by date
    above the answer, with files attached in the same step."""
    user = current_user()
    case = get_visible_case(reference, user)
    if action not in ANSWERS:
        raise NotFound(f"A case has no answer {quoted(action)}.")
    actions.check_may_start(case, action, user)
    definition = runtime().workflows[case.route].action(action)
    if request.method == "GET":
        return _answer_page(case, definition, {}, None)
    try:
        payload = read_fields(definition.payload, request.form)
        locked = get_visible_case(reference, user, for_update=True)
        if request.files.get("file") and request.files["file"].filename:
            filename, content = _upload("file")
            service.add_attachment(locked, user, filename, content, request.form.get("description"),
                                   description_required=True)
        actions.take_action(locked, action, user, payload)
    except ValidationFailed as error:
        return _answer_page(case, definition, posted_values(request.form), error.fields), 422
    flash("Your answer is sent. The IFR team will look at it and let you know what happens next.")
    return redirect(url_for("pages.cases.show_case", reference=case.public_reference))


@evidence_pages.get(f"/cases/<reference>/panel-evidence/<{ID}:attachment_id>")
@page_allow(Role.PANEL_CHAIR)
def panel_copy(reference: str, attachment_id: int):
    """A file of the case's panel pack, for a chair who reads the case de-identified outside a meeting
    (chair's urgent action, a review): only a file the pack holds, as for the pack's own download."""
    case = get_visible_case(reference, current_user())
    copy = evidence.get_panel_copy(case, attachment_id)
    return file_download(get_attachment_content(copy.attachment), copy.attachment.content_type,
                         f"{case.public_reference}-{copy.filename}")


def _max_mb() -> int:
    return runtime().config.attachment_max_bytes // (1024 * 1024)


def _upload(field: str) -> tuple[str | None, bytes]:
    upload = request.files.get(field)
    if upload is None or not upload.filename:
        raise ValidationFailed({field: "Select a file to upload."})
    return upload.filename, upload.read(runtime().config.attachment_max_bytes + 1)


def _yes_no(field: str, required: bool = False) -> bool | None:
    value = request.form.get(field)
    if value in ("yes", "no"):
        return value == "yes"
    if required:
        raise ValidationFailed({field: "Select whether to include the file in the panel pack."})
    return None


def _is_draft(case: Case) -> bool:
    return case.state == runtime().workflows[case.route].initial


def _upload_page(case: Case, values: dict, errors: dict | None):
    draft = _is_draft(case)
    reference = case.public_reference
    if draft:
        back = url_for("pages.application.task_list", reference=reference), "Back to the application"
    else:
        back = url_for("pages.cases.show_case", reference=reference), f"Back to {reference}"
    return render_template("cases/attach.html", title=UPLOAD_TITLE if draft else "Attach supporting evidence",
                           case=case, draft=draft, files=evidence.originals(case), values=values,
                           errors=errors, back={"href": back[0], "text": back[1]}, max_mb=_max_mb())


def _panel_values(file) -> dict:
    def yes_no(value):
        return "" if value is None else ("yes" if value else "no")
    return {"include": yes_no(file.for_panel) if file.for_panel else "",
            "holds_identifiers": yes_no(file.holds_identifiers),
            "panel_description": file.panel_description or file.description or ""}


def _panel_page(case: Case, entry: dict, values: dict, errors: dict | None):
    return render_template("cases/panel_evidence.html", title="Choose the evidence for the panel pack",
                           case=case, entry=entry, values=values, errors=errors)


def _answer_page(case: Case, action, values: dict, errors: dict | None):
    return render_template("cases/answer.html", title=action.title, case=case, action=action,
                           information=open_request(case), files=evidence.originals(case),
                           values=values, errors=errors, max_mb=_max_mb())
