"""The clinician's application pages: start, one section a page, check answers, submit.

Sections, questions, hints and rules come from the form definition the draft was started
on; a new field or section in forms/ shows up here with no new template. Answers are saved
as each page is left, so a clinician can stop and come back to the draft later.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from ifr_service.cases import evidence, queries, service
from ifr_service.cases.access import AWAITING_TRUST_APPROVAL, get_visible_case
from ifr_service.cases.evidence_views import UPLOAD_TITLE
from ifr_service.cases.models import Case
from ifr_service.errors import NotFound, ValidationFailed, flatten_marshmallow_errors
from ifr_service.forms.definition import FormDefinition, SectionDefinition
from ifr_service.forms.schema import conditional_errors, schema_for
from ifr_service.forms.validation import validate_answers
from ifr_service.runtime import runtime
from ifr_service.text import quoted
from ifr_service.users.access import current_user
from ifr_service.users.models import Role
from ifr_service.users.queries import get_user_by_id
from ifr_service.web.fields import (
    chosen_copies,
    field_id,
    posted_values,
    read_fields,
    row_count,
    shown_values,
    without_row,
)
from ifr_service.web.session import page_allow

application_pages = Blueprint("application", __name__)


@application_pages.route("/cases/new", methods=["GET", "POST"])
@page_allow(Role.CLINICIAN)
def start_application():
    form = runtime().forms.latest(service.FORM_FOR_ROUTE["ifr"])
    if request.method == "GET":
        return render_template("cases/start.html", title="Start an Individual Funding Request", form=form)
    user = current_user()
    case = service.create_draft(user, {"clinician": service.clinician_details(user)})
    return redirect(url_for(".task_list", reference=case.public_reference))


@application_pages.get("/cases/<reference>/application")
@page_allow(Role.CLINICIAN)
def task_list(reference: str):
    if _is_submitted(reference):
        return _to_case(reference)
    case, form = _draft(reference)
    problems = _problems(form, case)
    tasks = [{"title": {"text": section.title},
              "href": url_for(".edit_section", reference=reference, section=section.key),
              "status": _task_status(case, section, problems)} for section in form.sections]
    files = evidence.originals(case)
    done = sum(1 for section in form.sections if not _section_problems(section, problems)
               and section.key in case.answers)
    return render_template("cases/task_list.html", title=form.title, case=case, form=form,
                           tasks=_with_upload_task(form, tasks, reference, files), done=done, files=files,
                           returned=returned_by_trust(case))


@application_pages.route("/cases/<reference>/application/<section>", methods=["GET", "POST"])
@page_allow(Role.CLINICIAN)
def edit_section(reference: str, section: str):
    if _is_submitted(reference):
        return _to_case(reference)
    case, form = _draft(reference)
    definition = _section(form, section)
    if request.method == "GET":
        shown = shown_values(definition.fields, case.answers.get(section), f"{section}.")
        _focus_added_row(definition, shown, request.args.get("added"))
        return _section_page(case, form, definition, shown, None)
    posted = chosen_copies(definition.fields, request.form, section)
    changing_rows = _changing_rows(posted, section)
    if changing_rows is not None:
        posted = changing_rows
    try:
        answers = _read_section(definition, posted, section)
        problems = {} if changing_rows is not None or "save_and_return" in posted else \
            _conditional_problems(form, case, section, answers)
        if problems:
            raise ValidationFailed(problems)
        if answers:
            user = current_user()
            service.update_draft(get_visible_case(reference, user, for_update=True), user, {section: answers})
    except ValidationFailed as error:
        if changing_rows is not None:  # "Add another" and "Remove" save what they can, and never refuse
            return _section_page(case, form, definition, _renumbered(definition, posted, section), None)
        return _section_page(case, form, definition, posted_values(posted), error.fields), 422
    return _after_saving(form, definition, reference, posted)


def _read_section(definition: SectionDefinition, posted, section: str) -> dict:
    answers = read_fields(definition.fields, posted, f"{section}.")
    # A blank optional question clears its earlier answer (null, as in the API); a blank
    # required one keeps its answer until another is given.
    return answers | {field.key: None for field in definition.fields
                      if not field.required and field.key not in answers}


def _changing_rows(posted, section: str):
    """The posted form as "Add another" or "Remove" leaves it, or None when neither was pressed."""
    if "remove_row" in posted:
        row = posted["remove_row"]
        return without_row(posted, row) if row.startswith(f"{section}.") else posted
    return posted if "add_row" in posted else None


def _after_saving(form: FormDefinition, definition: SectionDefinition, reference: str, posted):
    if "add_row" in posted:  # the same page, with one more empty row and the focus in it (autofocus,
        # which a browser skips when the address names a fragment)
        return redirect(url_for(".edit_section", reference=reference, section=definition.key,
                                added=posted["add_row"]))
    if "remove_row" in posted:
        return redirect(url_for(".edit_section", reference=reference, section=definition.key)
                        + "#" + field_id(posted["remove_row"].rpartition(".")[0]))
    if "save_and_return" in posted:
        return redirect(url_for(".task_list", reference=reference))
    return redirect(_next_page(form, definition, reference))


def _conditional_problems(form: FormDefinition, case: Case, section: str, answers: dict) -> dict:
    """The questions this page's answers make required and that are unanswered, checked as the
    page is left, not only at submission."""
    merged = {**case.answers, section: {**(case.answers.get(section) or {}), **answers}}
    errors = conditional_errors(schema_for(form).conditional_rules, merged, {section})
    return flatten_marshmallow_errors(errors) if errors else {}


def _focus_added_row(definition: SectionDefinition, shown: dict, added: str | None) -> None:
    """After "Add another", the new row's first question has the focus (autofocus)."""
    field = next((f for f in definition.fields if f"{definition.key}.{f.key}" == added
                  and f.type == "list"), None)
    if field is not None:
        shown["_focus"] = f"{added}.{row_count(shown, added, field.rules.get('max_items')) - 1}"


def _renumbered(definition: SectionDefinition, posted, section: str) -> dict:
    """What was posted, shown again with the rows of each list numbered from 0 (a row removed
    leaves no gap); nothing of it is saved when some answer on the page is not valid yet."""
    shown = posted_values(posted)
    for field in definition.fields:
        if field.type == "list" and field.item.type == "group":
            path = f"{section}.{field.key}"
            shown = {name: value for name, value in shown.items() if not name.startswith(f"{path}.")}
            try:
                rows = read_fields([field], posted, f"{section}.").get(field.key) or []
            except ValidationFailed:
                rows = []
            shown |= shown_values([field], {field.key: rows[:field.rules.get("max_items")]}, f"{section}.")
    return shown


@application_pages.route("/cases/<reference>/check", methods=["GET", "POST"])
@page_allow(Role.CLINICIAN)
def check_answers(reference: str):
    if _is_submitted(reference):  # a second press of "Submit application" finds it sent
        return _to_case(reference)
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
    with_trust = case.state == AWAITING_TRUST_APPROVAL
    title = "Sent to your trust for sign-off" if with_trust else "Application submitted"
    return render_template("cases/submitted.html", title=title, case=case, with_trust=with_trust)


@application_pages.route("/cases/<reference>/delete", methods=["GET", "POST"])
@page_allow(Role.CLINICIAN)
def delete_draft(reference: str):
    if _is_submitted(reference):
        return _to_case(reference)
    case, _form = _draft(reference)
    if request.method == "GET":
        return render_template("cases/delete_draft.html", title="Are you sure you want to delete this draft?",
                               case=case)
    user = current_user()
    service.delete_draft(get_visible_case(reference, user, for_update=True), user)
    flash(f"Draft {case.draft_reference} has been deleted.")
    return redirect(url_for("pages.cases.list_cases"))


def _is_submitted(reference: str) -> bool:
    """An old link to a draft's pages, now the draft has been submitted (or decided at once)."""
    case = get_visible_case(reference, current_user())
    workflow = runtime().workflows[case.route]
    return case.state != workflow.initial and case.state not in service.DELETED_STATES


def _to_case(reference: str):
    case = get_visible_case(reference, current_user())
    if case.state == AWAITING_TRUST_APPROVAL:
        flash("This application is with your trust for sign-off: this is its page.")
    else:
        flash(f"This application has been submitted as {case.public_reference}: this is its case page.")
    return redirect(url_for("pages.cases.show_case", reference=case.public_reference))


def returned_by_trust(case: Case) -> dict | None:
    """The trust's comments when it returned this draft to the clinician: a draft is only ever
    returned after it was last sent, so the latest return is the one to answer."""
    event = queries.find_last_event(case, "returned_by_trust")
    if event is None:
        return None
    approver = get_user_by_id(event.actor_id)
    return {"comments": event.payload.get("comments"), "by": approver.display_name if approver else None,
            "on": event.occurred_utc}


def _draft(reference: str) -> tuple[Case, FormDefinition]:
    case = get_visible_case(reference, current_user())
    if case.state in service.DELETED_STATES:
        raise NotFound("This draft was deleted: its answers were erased.")
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
