"""A workflow action's page for a case: the form, then, before an action that sends a letter, a
check-your-answers page of exactly what will be recorded and sent, then Confirm.

The pages keep no state between the steps: the check page carries what was typed as hidden inputs,
and Confirm (or Change) posts them back; every step checks them again with the same
`actions.check_action` as the API, so nothing reaches the case that the service would refuse. Each
page shows the case it acts on (the patient de-identified for the panel roles) and a back link to
where the person came from: the queue for the hub's team, the panel pack for the panel.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from ifr_service.cases import actions
from ifr_service.cases.access import can_read_identifiers, get_visible_case
from ifr_service.cases.models import Case
from ifr_service.cases.similar import deidentified_application
from ifr_service.errors import Conflict, IfrError, TransitionNotAllowed, ValidationFailed
from ifr_service.forms.answers import (
    INTERVENTION_NAME,
    PATIENT_FAMILY_NAME,
    PATIENT_GIVEN_NAME,
    PATIENT_NHS_NUMBER,
    read_answer,
)
from ifr_service.outcomes.presenters import action_context, action_prefill
from ifr_service.panels import queries as panel_queries
from ifr_service.runtime import runtime
from ifr_service.users.access import current_user
from ifr_service.users.models import Role, User
from ifr_service.web.fields import answer_text, is_asked, posted_values, read_fields, without_row
from ifr_service.workflows.definition import Action, letter_of

CHANGE, CHECK, CONFIRM = "change", "check", "confirm"  # the step a POST asks for (`_step`)
PANEL_ROLES = {Role.PANEL_CHAIR, Role.PANEL_MEMBER}
# Actions with consequences that cannot be undone: their page says what they mean and is confirmed
# with a warning button (the case page shows them as warning buttons too).
CONFIRMATION_PAGES = {"withdraw": "cases/withdraw.html"}
# What the trust approver is told once they have signed an application off or returned it.
TRUST_DONE = {"approve_for_trust": "Approved for your trust and sent to NHS England as {reference}.",
              "return_to_clinician": "{reference} has been returned to its clinician with your comments."}


def sends_letter(case: Case, action: Action) -> bool:
    """Whether the action sends a letter (its own, or the state's it leads to): a letter cannot be
    taken back, so its page asks the person to check before they confirm."""
    return letter_of(runtime().workflows[case.route], action, action.to) is not None


def action_page(case: Case, action: Action):
    """GET shows the form; POST takes the step it names."""
    if request.method == "GET":
        return _form(case, action, action_prefill(case, action.key), None)
    step = request.form.get("_step", CHECK)
    posted = without_row(request.form, request.form["remove_row"]) if "remove_row" in request.form \
        else request.form
    values = {name: value for name, value in posted_values(posted).items()
              if name not in ("csrf_token", "_step", "_back", "add_row", "remove_row")}
    if step == CHANGE or "add_row" in request.form or "remove_row" in request.form:
        return _form(case, action, values, None)  # a list's row added or removed: the form again
    user = current_user()
    try:
        payload = read_fields(action.payload, request.form)
        if step == CHECK and sends_letter(case, action):
            checked = actions.check_action(case, action.key, user, payload)
            return _check_page(case, action, checked)
        actions.take_action(get_visible_case(case.public_reference, user, for_update=True), action.key,
                            user, payload)
    except ValidationFailed as error:
        return _form(case, action, values, error.fields), 422
    except TransitionNotAllowed as refusal:
        if _just_taken(case, action, user):  # a second click, after the first moved the case on
            flash(f"{action.title}: this was recorded already; it was recorded once.")
            return redirect(url_for("pages.cases.show_case", reference=case.public_reference))
        if refusal.status_code != 409:
            raise
        return refused_page(case, action, refusal), 409
    except Conflict as refusal:  # a guard: the member declared an interest, the meeting is not quorate
        return refused_page(case, action, refusal), 409
    if user.role_enum is Role.TRUST_APPROVER:  # the case has left their sight: back to their list
        flash(TRUST_DONE[action.key].format(reference=case.public_reference))
        return redirect(url_for("pages.cases.trust_sign_off"))
    state = runtime().workflows[case.route].state(case.state)
    flash(f"{action.title}: done. The case is now {state.title.lower()}.")
    return redirect(url_for("pages.cases.show_case", reference=case.public_reference))


def refused_page(case: Case, action: Action, refusal: IfrError):
    """The action cannot be taken now: the page says why and what would let it be, with the case
    and a way back, instead of a dead end."""
    return render_template("action.html", title=action.title, action=action, caption=case.public_reference,
                           back_link=_back(case), about=about_case(case, action.key),
                           refusal={"reason": refusal.message, "fix": refusal.extra.get("fix")})


def _just_taken(case: Case, action: Action, user: User) -> bool:
    """Whether this person's own last step on the case was this action: a Confirm pressed twice, whose
    second press arrives after the first moved the case on."""
    from ifr_service.cases.queries import find_events

    events = find_events(get_visible_case(case.public_reference, user))
    last = events[-1] if events else None
    return last is not None and last.name == action.event and last.actor_id == user.id and (
        action.to in ("same", last.to_state))


def _form(case: Case, action: Action, values: dict, errors: dict | None):
    return render_template(CONFIRMATION_PAGES.get(action.key, "action.html"), title=action.title,
                           action=action, caption=case.public_reference,
                           back_link=_back(case), values=values, errors=errors,
                           about=about_case(case, action.key), sends_letter=sends_letter(case, action),
                           back_to=_back_asked())


def _check_page(case: Case, action: Action, checked: dict):
    workflow = runtime().workflows[case.route]
    rows = [{"label": field.label, "answer": answer_text(field, checked.get(field.key)),
             "group": [{"label": child.label, "answer": answer_text(child, (checked.get(field.key) or {})
                                                                     .get(child.key))}
                       for child in field.fields if is_asked(child, checked.get(field.key) or {})]
             if field.type == "group" else None,
             "path": field.key}
            for field in action.payload if is_asked(field, checked)]  # the questions of the branch taken
    hidden = [(name, value) for name, posted in request.form.lists() for value in posted
              if name not in ("csrf_token", "_step", "_back")]
    return render_template("cases/check_action.html", title=f"Check before you confirm: {action.title}",
                           action=action, caption=case.public_reference, back_link=_back(case),
                           about=about_case(case, action.key), rows=rows, hidden=hidden,
                           back_to=_back_asked(),
                           outcome=workflow.state(case.state if action.to == "same" else action.to).title,
                           decided_by=_decided_by(checked))


def _decided_by(checked: dict) -> str | None:
    if checked.get("decided_by") == "chair's action":
        return "The panel chair, by chair's action"
    if checked.get("decided_by") == "screening chair's action":
        return f"The chair of the {checked['screening_group']['name']}, by chair's action between meetings"
    meeting = checked.get("panel_meeting")
    if meeting and checked.get("decided_by") == "screening group":
        return f"The {meeting['panel']}, at its meeting of {_day(meeting['date'])}"
    if meeting:
        who = "The Review Panel" if checked.get("decided_by") == "review_panel" else "The panel"
        return f"{who}, at its meeting of {_day(meeting['date'])}"
    return None


def _day(iso: str) -> str:
    from ifr_service.web.display import nhs_date

    return nhs_date(iso)


def about_case(case: Case, action_key: str | None = None) -> dict:
    """The case an action page acts on: its reference and treatment, and its patient, named for those
    who may read identifiers and described (age and sex) for the panel roles."""
    user = current_user()
    treatment = read_answer(case.answers, INTERVENTION_NAME) or "Not given"
    rows = [("Case", case.public_reference), ("Treatment", treatment),
            ("Urgency", _urgency_title(case))]
    if can_read_identifiers(user):
        from ifr_service.web.display import nhs_number

        name = " ".join(part for part in (read_answer(case.answers, PATIENT_GIVEN_NAME),
                                          read_answer(case.answers, PATIENT_FAMILY_NAME)) if part)
        number = nhs_number(read_answer(case.answers, PATIENT_NHS_NUMBER))
        rows.append(("Patient", f"{name or 'Not given'}, NHS number {number}"))
    else:
        seen = deidentified_application(case, runtime().today())["patient"]
        age = f"{seen['age_in_years']} years" if seen.get("age_in_years") is not None else "age not given"
        rows.append(("Patient", f"{age}, {seen.get('sex') or 'sex not given'} (de-identified)"))
    # What an action after an approval is asked against (the measures, the authorisation's dates).
    rows += action_context(case, action_key, deidentified=not can_read_identifiers(user))
    return {"rows": [{"key": {"text": key}, "value": {"text": value}} for key, value in rows]}


def _urgency_title(case: Case) -> str:
    urgency = runtime().workflows[case.route].urgency(case.urgency)
    return urgency.title if urgency else case.urgency.capitalize()


def _back_asked() -> str:
    """The page this one was opened from (`?back=`), carried through the steps; only a path here."""
    asked = request.values.get("_back") or request.args.get("back") or ""
    return asked if asked.startswith("/") and not asked.startswith("//") and "\\" not in asked else ""


def _back_words(path: str) -> str:
    if path.startswith("/panel/meetings/") and "/cases/" in path:
        return "Back to the panel pack"
    if path.startswith("/queue"):
        return "Back to the work queue"
    return "Back"


def _back(case: Case) -> dict:
    """Where the person came from: a page of this service named in `back`, or else the queue for
    the hub's team and the case's latest panel pack for the panel roles."""
    asked = _back_asked()
    if asked:
        return {"href": asked, "text": _back_words(asked)}
    user = current_user()
    if user.role_enum in PANEL_ROLES:
        meeting = panel_queries.find_latest_meeting_for_case(case.id, runtime().today()) or next(
            iter(reversed(panel_queries.find_meetings_for_case(case.id))), None)
        if meeting is not None:
            return {"href": url_for("pages.panels.case_pack", meeting_id=meeting.id,
                                    reference=case.public_reference), "text": "Back to the panel pack"}
    elif user.role_enum is Role.CASE_OFFICER and user.hub_id is not None:
        return {"href": url_for("pages.cases.queue"), "text": "Back to the work queue"}
    return {"href": url_for("pages.cases.show_case", reference=case.public_reference),
            "text": f"Back to {case.public_reference}"}
