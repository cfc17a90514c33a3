"""The review of a decision, as NHS England's procedure has it (DOMAIN.md, "The IFR process": review of
the process, not the merits, by a Review Panel, which upholds or remits to a newly constituted panel;
the interim 2013 SOP's section on the Review Panel covers its membership, the initial consideration of
a request for review, its purpose and its outcome).

A request for review first gets an initial consideration by the chair (or vice-chair) of the region's
Review Panel: is each ground the clinician stated made out? Then the Review Panel meets. Nobody who took
part in the decision takes part in its review: not in the initial consideration, not counted towards the
Review Panel's quorum, not recording its outcome.
"""

from __future__ import annotations

from datetime import date

from ifr_service.cases.models import Case
from ifr_service.cases.queries import find_events, find_last_event
from ifr_service.cases.redaction import Redactor
from ifr_service.errors import Conflict, ValidationFailed
from ifr_service.panels import queries
from ifr_service.panels.models import Panel, PanelKind, PanelMeeting, PanelMember, PanelRole
from ifr_service.panels.quorum import QuorumResult, check_quorum
from ifr_service.users.models import User

# The events by which a person decides (or keeps) the decision under review: a panel's decision or
# deferral (at a meeting or by chair's action), and a reconsideration accepted or refused.
DECIDING_EVENTS = ("decision_recorded", "decision_deferred", "reconsideration_accepted",
                   "reconsideration_refused")
CHAIRS = (PanelRole.CHAIR, PanelRole.VICE_CHAIR)
YES, NO = "yes", "no"


def part_taken_in_decision(case: Case, user_id: int) -> str | None:
    """How this person took part in the decision under review, in words, or None. Anyone who recorded
    a decision, deferral or reconsideration of the case (chair's action included); anyone present at a
    meeting of a panel (other than a Review Panel) that had the case on its agenda, whether or not they
    declared an interest there; anyone bound by a declaration of interest in the case."""
    if any(event.actor_id == user_id for event in find_events(case) if event.name in DECIDING_EVENTS):
        return "you recorded a decision on it"
    if user_id in _users_present_at_deciding_meetings(case):
        return "you were present at a meeting of the IFR panel that had it on its agenda"
    if user_id in _users_who_declared_an_interest(case):
        return "you declared an interest in it"
    return None


def _deciding_meetings(case: Case) -> list[PanelMeeting]:
    return [meeting for meeting in queries.find_meetings_for_case(case.id)
            if queries.get_panel(meeting.panel_id).kind != PanelKind.REVIEW_PANEL]


def _users_present_at_deciding_meetings(case: Case) -> set[int]:
    present = set()
    for meeting in _deciding_meetings(case):
        members = {member.id: member.user_id for member in queries.find_members(meeting.panel_id)}
        present |= {members[i] for i in meeting.attendee_ids if i in members}
    return present


def _users_who_declared_an_interest(case: Case) -> set[int]:
    """Everyone bound by a standing declaration of interest in the case, at any meeting (a Review
    Panel's included: an interest declared at the review keeps the member out of it)."""
    seats = {}
    for meeting in queries.find_meetings_for_case(case.id):
        seats |= {member.id: member.user_id for member in queries.find_members(meeting.panel_id)}
    return {seats[c.member_id] for c in queries.find_case_conflicts(case.id) if c.member_id in seats}


def review_panel_for(case: Case) -> Panel | None:
    if case.region_id is None:
        return None
    return queries.find_panel_for_region(case.region_id, PanelKind.REVIEW_PANEL)


def may_sit_on_review(case: Case, user: User, seats: tuple[str, ...] | None = None) -> bool:
    """Whether the user has an active seat on the region's Review Panel (in one of `seats`, if named)
    and took no part in the decision: who is offered the review's actions at all."""
    panel = review_panel_for(case)
    seat = _active_seat(panel, user) if panel is not None else None
    return (seat is not None and (seats is None or seat.panel_role in seats)
            and part_taken_in_decision(case, user.id) is None)


# The initial consideration

def check_initial_consideration(case: Case, actor: User) -> None:
    """Only the chair or vice-chair of the region's Review Panel, with an active seat, who took no part
    in the decision, considers whether the grounds are made out."""
    panel = review_panel_for(case)
    if panel is None:
        raise Conflict("The region has no Review Panel yet: an administrator sets one up, with members who "
                       "took no part in IFR decisions, before a request for review can be considered.")
    seat = _active_seat(panel, actor)
    if seat is None or seat.panel_role not in CHAIRS:
        raise Conflict("The initial consideration of a request for review is made by the chair or "
                       "vice-chair of the region's Review Panel.")
    took_part = part_taken_in_decision(case, actor.id)
    if took_part:
        raise Conflict("A request for review must be considered by someone who took no part in the "
                       f"decision: {took_part}.",
                       fix="The Review Panel's other chair (chair or vice-chair) makes the initial "
                           "consideration.")


def _active_seat(panel: Panel, actor: User) -> PanelMember | None:
    return next((member for member in queries.find_members(panel.id)
                 if member.user_id == actor.id and member.is_active), None)


def stated_grounds(case: Case) -> list[str]:
    request = find_last_event(case, "review_requested")
    return list((request.payload if request else {}).get("grounds") or [])


def check_grounds_considered(case: Case, payload: dict) -> dict:
    """Every ground the clinician stated is considered, each with its finding and reasons, and no
    other: the initial consideration answers the request as it was made."""
    stated, considered = stated_grounds(case), _considered(payload)
    errors = {f"grounds_considered.{ground}.finding": "Say whether this ground is made out: the clinician "
              "stated it" for ground in stated if ground not in considered}
    errors |= {f"grounds_considered.{ground}": "The clinician did not state this ground: leave it out"
               for ground in considered if ground not in stated}
    if errors:
        raise ValidationFailed(errors)
    return {"grounds_made_out": [ground for ground in stated if considered[ground] == YES]}


def check_referral_follows_the_grounds(payload: dict) -> None:
    if YES not in _considered(payload).values():
        raise ValidationFailed({"grounds_considered": "A referral to the Review Panel needs at least one "
                                "ground made out: every ground is \"No\". If none is made out, the review "
                                "is not taken forward"})


def check_refusal_follows_the_grounds(payload: dict) -> None:
    made_out = [ground for ground, finding in _considered(payload).items() if finding == YES]
    if made_out:
        raise ValidationFailed({f"grounds_considered.{ground}.finding": "This ground is made out, so the "
                                "request goes to the Review Panel: refer it, or change the finding to "
                                "\"No\"" for ground in made_out})


def _considered(payload: dict) -> dict[str, str | None]:
    return {ground: (answer or {}).get("finding")
            for ground, answer in (payload.get("grounds_considered") or {}).items() if answer}


# The Review Panel's meeting

# What the Review Panel reads beside the pack: the decision under review, the request and its
# initial consideration.
REVIEW_PAPERS = ("decision_recorded", "review_requested", "review_grounds_considered")


def review_papers(case: Case) -> list[dict]:
    """The latest event of each of REVIEW_PAPERS, its payload as the panel reads it: the case's
    identifiers taken out of what was typed."""
    redactor = Redactor(case.answers)
    events = [find_last_event(case, name) for name in REVIEW_PAPERS]
    return [{"event": event, "payload": redactor.answers(event.payload)} for event in events if event]


def latest_review_meeting(case: Case, today: date) -> PanelMeeting | None:
    """The latest meeting of a Review Panel dated today or earlier with the case on its agenda."""
    return next((meeting for meeting in reversed(queries.find_meetings_for_case(case.id))
                 if meeting.meeting_date <= today
                 and queries.get_panel(meeting.panel_id).kind == PanelKind.REVIEW_PANEL), None)


def members_who_count(meeting: PanelMeeting, case: Case) -> dict[int, PanelMember]:
    """The members present who count for a review of this case, by user: active, with no interest
    declared in the case, and who took no part in the decision."""
    conflicted = {conflict.member_id for conflict in queries.find_case_conflicts(case.id)}
    counted = {}
    for member in queries.find_members(meeting.panel_id):
        if (member.id in meeting.attendee_ids and member.is_active and member.id not in conflicted
                and part_taken_in_decision(case, member.user_id) is None):
            counted[member.user_id] = member
    return counted


def review_quorum(meeting: PanelMeeting, case: Case) -> QuorumResult:
    roles = [member.panel_role for member in members_who_count(meeting, case).values()]
    return check_quorum(queries.get_panel(meeting.panel_id).quorum, roles)


def check_review_panel_may_decide(case: Case, actor: User, today: date) -> PanelMeeting:
    """The Review Panel's outcome needs the case on the agenda of its meeting held today or earlier,
    quorate without the members who took part in the decision or declared an interest in the case, and
    is recorded by a member present who counts."""
    meeting = latest_review_meeting(case, today)
    if meeting is None:
        raise Conflict("The case is not on the agenda of a Review Panel meeting held yet.",
                       fix="Record the outcome on or after the day of the Review Panel meeting that has the "
                           "case on its agenda.")
    result = review_quorum(meeting, case)
    if not result.quorate:
        raise Conflict(f"The Review Panel meeting of {meeting.meeting_date:%-d %B %Y} is not quorate for "
                       f"this case without the members who took part in the decision or declared an "
                       f"interest: it lacks {', '.join(result.missing)}.",
                       fix=f"Record as present, on the meeting's page, {', '.join(result.missing)} who took "
                           "no part in the decision; or add such a member to the Review Panel.")
    if actor.id not in members_who_count(meeting, case):
        raise _may_not_record(meeting, case, actor)
    return meeting


def _may_not_record(meeting: PanelMeeting, case: Case, actor: User) -> Conflict:
    took_part = part_taken_in_decision(case, actor.id)
    if took_part:
        reason = f"you took part in the decision under review: {took_part}"
    elif _active_seat(queries.get_panel(meeting.panel_id), actor) is None:
        reason = "you have no seat on this Review Panel"
    elif actor.id not in {m.user_id for m in queries.find_members(meeting.panel_id)
                          if m.id in meeting.attendee_ids}:
        reason = f"you are not recorded as present on {meeting.meeting_date:%-d %B %Y}"
    else:
        reason = "you declared an interest in it"
    return Conflict("Only a member of the Review Panel present at its meeting, who took no part in the "
                    f"decision and has no interest in the case, can record the review's outcome: {reason}.",
                    fix="Another member present who took no part in the decision records it.")
