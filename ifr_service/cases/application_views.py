"""The clinician's application pages: start, one section a page, check answers, submit.

Sections, questions, hints and rules come from the form definition the draft was started
on; a new field or section in forms/ shows up here with no new template. Answers are saved
as each page is left, so a clinician can stop and come back to the draft later.
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for

from ifr_service.cases import evidence, service
from ifr_service.cases.access import get_visible_case
from ifr_service.cases.evidence_views import UPLOAD_TITLE
from ifr_service.cases.models import Case
from ifr_service.errors import NotFound, ValidationFailed
from ifr_service.forms.definition import FormDefinition, SectionDefinition
from ifr_service.forms.validation import validate_answers
from ifr_service.runtime import runtime
from ifr_service.text import quoted
from ifr_service.users.access import current_user
from ifr_service.users.models import Role
from ifr_service.web.fields import field_id, posted_values, read_fields, shown_values
from ifr_service.web.session import page_allow

application_pages = Blueprint("application", __name__)


@application_pages.route("/cases/new", methods=["GET", "POST"])
@page_allow(Role.CLINICIAN)
def start_application():
    form = runtime().forms.latest(service.FORM_FOR_ROUTE["ifr"])
    if request.method == "GET":
        return render_template("cases/start.html", title="Start an Individual Funding Request", form=form)
    case = service.create_draft(current_user(), {})
    return redirect(url_for(".task_list", reference=case.public_reference))


@application_pages.get("/cases/<reference>/application")
@page_allow(Role.CLINICIAN)
def task_list(reference: str):
    case, form = _draft(reference)
    problems = _problems(form, case)
    tasks = [{"title": {"text": section.title},
              "href": url_for(".edit_section", reference=reference, section=section.key),
              "status": _task_status(case, section, problems)} for section in form.sections]
    files = evidence.originals(case)
    done = sum(1 for section in form.sections if not _section_problems(section, problems)
               and section.key in case.answers)
    return render_template("cases/task_list.html", title=form.title, case=case, form=form,
                           tasks=_with_upload_task(form, tasks, reference, files), done=done, files=files)


@application_pages.route("/cases/<reference>/application/<section>", methods=["GET", "POST"])
@page_allow(Role.CLINICIAN)
def edit_section(reference: str, section: str):
    case, form = _draft(reference)
    definition = _section(form, section)
    if request.method == "GET":
        shown = shown_values(definition.fields, case.answers.get(section), f"{section}.")
        return _section_page(case, form, definition, shown, None)
    try:
        answers = read_fields(definition.fields, request.form, f"{section}.")
        # A blank optional question clears its earlier answer (null, as in the API); a blank
        # required one keeps its answer until another is given.
        answers |= {field.key: None for field in definition.fields
                    if not field.required and field.key not in answers}
        if answers:
            user = current_user()
            service.update_draft(get_visible_case(reference, user, for_update=True), user, {section: answers})
    except ValidationFailed as error:
        return _section_page(case, form, definition, posted_values(request.form), error.fields), 422
    if "add_row" in request.form:  # "Add another": the same page, with one more empty row
        return redirect(url_for(".edit_section", reference=reference, section=section))
    if "save_and_return" in request.form:
        return redirect(url_for(".task_list", reference=reference))
    return redirect(_next_page(form, definition, reference))


@application_pages.route("/cases/<reference>/check", methods=["GET", "POST"])
@page_allow(Role.CLINICIAN)
def check_answers(reference: str):
    case, form = _draft(reference)
    if request.method == "GET":
        return _check_page(case, form, None)
    try:
        user = current_user()
        case = service.submit_case(get_visible_case(reference, user, for_update=True), user)
    except ValidationFailed as error:
        return _check_page(case, form, error.fields), 422
    return redirect(url_for(".submitted", reference=case.public_reference))


@application_pages.get("/cases/<reference>/submitted")
@page_allow(Role.CLINICIAN)
def submitted(reference: str):
    case = get_visible_case(reference, current_user())
    return render_template("cases/submitted.html", title="Application submitted", case=case)


def _draft(reference: str) -> tuple[Case, FormDefinition]:
    case = get_visible_case(reference, current_user())
    if case.state != runtime().workflows[case.route].initial:
        raise NotFound("This application has been submitted: it can no longer be changed here.")
    return case, runtime().forms.get(case.form_key, case.form_version)


def _section(form: FormDefinition, key: str) -> SectionDefinition:
    section = next((s for s in form.sections if s.key == key), None)
    if section is None:
        raise NotFound(f"The application has no section {quoted(key)}.")
    return section


def _section_page(case, form, section, shown, errors):
    number = [s.key for s in form.sections].index(section.key) + 1
    return render_template("cases/section.html", title=section.title, case=case, form=form, section=section,
                           number=number, values=shown, errors=errors)


def _next_page(form: FormDefinition, section: SectionDefinition, reference: str) -> str:
    keys = [s.key for s in form.sections]
    position = keys.index(section.key)
    if position + 1 < len(keys):
        return url_for(".edit_section", reference=reference, section=keys[position + 1])
    return url_for(".check_answers", reference=reference)


def _problems(form: FormDefinition, case: Case) -> dict[str, list[str]]:
    """What submission would refuse now, by field path."""
    try:
        validate_answers(form, case.answers, complete=True)
    except ValidationFailed as error:
        return error.fields
    return {}


def _section_problems(section: SectionDefinition, problems: dict) -> dict:
    return {path: messages for path, messages in problems.items()
            if path == section.key or path.startswith(f"{section.key}.")}


def _with_upload_task(form: FormDefinition, tasks: list[dict], reference: str, files: list) -> list[dict]:
    """The sections' tasks and, after the evidence section (or last), "Upload supporting evidence"."""
    count = len(files)
    upload = {"title": {"text": UPLOAD_TITLE},
              "href": url_for("pages.evidence.add_attachment", reference=reference),
              "status": {"text": f"{count} file{'' if count == 1 else 's'} uploaded"} if count else
              {"tag": {"text": "No files yet", "classes": "nhsuk-tag--grey"}}}
    keys = [section.key for section in form.sections]
    position = keys.index("evidence") + 1 if "evidence" in keys else len(tasks)
    return [*tasks[:position], upload, *tasks[position:]]


def _task_status(case: Case, section: SectionDefinition, problems: dict) -> dict:
    if section.key not in case.answers:
        return {"tag": {"text": "Not started", "classes": "nhsuk-tag--grey"}}
    if _section_problems(section, problems):
        return {"tag": {"text": "In progress", "classes": "nhsuk-tag--blue"}}
    return {"text": "Completed"}


def _check_page(case: Case, form: FormDefinition, errors: dict | None):
    """Check your answers: each section as a summary list; a refusal links to the section to fix."""
    error_links = []
    for path, messages in (errors or {}).items():
        section = _section(form, path.partition(".")[0]) if path != "_request" else None
        href = (url_for(".edit_section", reference=case.public_reference, section=section.key)
                + f"#{field_id(path)}") if section else None
        error_links += [{"text": f"{section.title}: {m}" if section else m, "href": href} for m in messages]
    return render_template("cases/check_answers.html", title="Check your answers before you submit",
                           case=case, form=form, errors=errors, error_links=error_links,
                           files=evidence.originals(case))
