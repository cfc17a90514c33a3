"""Panel use cases: set a panel up, schedule its meetings, build agendas, record conflicts, and
decide whether a meeting may decide a case."""

from __future__ import annotations

from datetime import date

from ifr_service.cases.models import Case
from ifr_service.cases.queries import find_last_event
from ifr_service.db import utc_now
from ifr_service.errors import Conflict, Forbidden, NotFound, ValidationFailed
from ifr_service.panels import queries, review
from ifr_service.panels.models import (
    DEFAULT_QUORUMS,
    AgendaItem,
    ConflictOfInterest,
    Panel,
    PanelKind,
    PanelMeeting,
    PanelMember,
    PanelRole,
)
from ifr_service.panels.quorum import QuorumResult, check_quorum
from ifr_service.reference.queries import find_hub
from ifr_service.runtime import runtime
from ifr_service.text import quoted, shortened
from ifr_service.users.models import Role, User
from ifr_service.users.queries import find_user

PANEL_KIND_NAMES = {PanelKind.IFR_PANEL: "an IFR panel", PanelKind.SCREENING_GROUP: "a screening group",
                    PanelKind.REVIEW_PANEL: "a review panel"}


def create_panel(name: str, hub_code: str, quorum: dict | None = None,
                 kind: str = PanelKind.IFR_PANEL) -> Panel:
    """Set up a region's panel of a kind (one of each kind a region), run by its lead hub, with the
    kind's default quorum unless one is given."""
    kind = check_kind(kind)
    hub = find_hub(hub_code)  # named in the body, so a field's error (422), not a missing address
    if hub is None:
        raise ValidationFailed({"hub_code": f"There is no hub with the code {quoted(hub_code)}."})
    if queries.find_panel_for_region(hub.region_id, kind) is not None:
        raise ValidationFailed({"hub_code": f"This hub's region has {PANEL_KIND_NAMES[kind]} already."})
    return queries.add(Panel(name=name, hub_id=hub.id, region_id=hub.region_id, kind=kind,
                             quorum=quorum or dict(DEFAULT_QUORUMS[kind])))


def check_kind(kind: str | None) -> PanelKind:
    if kind not in {k.value for k in PanelKind}:
        raise ValidationFailed({"kind": "Choose the kind of panel: an IFR panel (ifr_panel), a screening "
                                        "group (screening_group) or a review panel (review_panel)."})
    return PanelKind(kind)


def add_member(panel: Panel, username: str, panel_role: str) -> PanelMember:
    user = find_user(username)
    if user is None:
        raise ValidationFailed({"username": f"There is no user {shortened(username)}."})
    if user.role not in (Role.PANEL_CHAIR, Role.PANEL_MEMBER):
        raise ValidationFailed({"username": "Only panel chairs and panel members can sit on a panel."})
    if not user.is_active:
        raise ValidationFailed({"username": f"{shortened(username)} is switched off: switch them on first."})
    if any(member.user_id == user.id for member in queries.find_members(panel.id)):
        raise ValidationFailed({"username": f"{shortened(username)} is a member of this panel already."})
    return queries.add(PanelMember(panel_id=panel.id, user_id=user.id, panel_role=check_seat(panel_role)))


def update_member(panel: Panel, member_id: int, changes: dict) -> PanelMember:
    """Change a member's role on the panel, or stand them down (is_active false): a member stood
    down no longer counts towards quorum or records decisions; past meetings keep them."""
    member = next((m for m in queries.find_members(panel.id) if m.id == member_id), None)
    if member is None:
        raise NotFound("There is no such member of this panel.", field="member_id")
    if "panel_role" in changes:
        member.panel_role = check_seat(changes["panel_role"])
    if "is_active" in changes:
        member.is_active = changes["is_active"]
    return member


def check_seat(panel_role: str | None) -> PanelRole:
    if panel_role not in {role.value for role in PanelRole}:
        raise ValidationFailed({"panel_role": "Choose the member's seat on the panel from the list."})
    return PanelRole(panel_role)


PANEL_ROLES = (Role.PANEL_CHAIR, Role.PANEL_MEMBER)


def seat_of(actor: User, panel_id: int) -> PanelMember | None:
    """The user's active seat on the panel, if they have one."""
    return next((member for member in queries.find_members(panel_id)
                 if member.user_id == actor.id and member.is_active), None)


def check_reads_panel(actor: User, panel: Panel) -> None:
    """A panel's meetings, agendas, packs and minutes are read by the lead hub's case officers, who
    run them, and by the panel's own members: a panel chair or member needs an active seat on it."""
    if actor.role in PANEL_ROLES:
        if seat_of(actor, panel.id) is None:
            raise Forbidden("Only members with a seat on this panel see its meetings and packs.")
        return
    check_runs_panel(actor, panel)


def check_runs_panel(actor: User, panel: Panel) -> None:
    """The lead hub's case officers (or an administrator) and the panel chairs with a seat on the
    panel run its meetings."""
    if actor.role == Role.PANEL_CHAIR:
        if seat_of(actor, panel.id) is None:
            raise Forbidden("Only members with a seat on this panel see its meetings and packs.")
        return
    if actor.role == Role.ADMIN or (actor.role == Role.CASE_OFFICER and actor.hub_id == panel.hub_id):
        return
    raise Forbidden("Only the lead hub's IFR team runs this panel's meetings.")


def panels_read_by(actor: User) -> list[Panel]:
    """The panels whose meetings this user sees: for a member, the panels they sit on; for a case
    officer, their hub's (every panel for an administrator)."""
    if actor.role == Role.ADMIN:
        return queries.find_panels()
    if actor.role in PANEL_ROLES:
        return [panel for panel in queries.find_panels() if seat_of(actor, panel.id) is not None]
    return queries.find_panels_for_hub(actor.hub_id) if actor.hub_id is not None else []


def check_meeting_date(meeting_date: date, today: date) -> None:
    """A meeting is dated within the service's history and at most a configured number of years
    ahead (config: PANEL_MEETING_EARLIEST_DATE, PANEL_MEETING_MAX_YEARS_AHEAD)."""
    config = runtime().config
    latest = _years_after(today, config.meeting_max_years_ahead)
    if not config.meeting_earliest_date <= meeting_date <= latest:
        raise ValidationFailed({"meeting_date": (
            f"The date of the meeting must be between {config.meeting_earliest_date:%-d %B %Y} and "
            f"{latest:%-d %B %Y}.")})


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def schedule_meeting(panel: Panel, meeting_date: date, kind: str, attendee_ids: list[int]) -> PanelMeeting:
    check_meeting_date(meeting_date, runtime().today())
    _check_attendees(panel, attendee_ids)
    return queries.add(PanelMeeting(panel_id=panel.id, meeting_date=meeting_date, kind=kind,
                                    attendee_ids=sorted(set(attendee_ids))))


def record_attendance(meeting: PanelMeeting, attendee_ids: list[int]) -> PanelMeeting:
    if decided_at(meeting):
        raise Conflict("The meeting has decided cases: who was present stands as recorded.")
    _check_attendees(queries.get_panel(meeting.panel_id), attendee_ids)
    meeting.attendee_ids = sorted(set(attendee_ids))
    return meeting


def _check_attendees(panel: Panel, attendee_ids: list[int]) -> None:
    members = {member.id for member in queries.find_members(panel.id) if member.is_active}
    unknown = sorted(set(attendee_ids) - members)
    if unknown:
        raise ValidationFailed({"attendee_ids": f"Not active members of this panel: {unknown}."})


def build_agenda(meeting: PanelMeeting) -> list[tuple[AgendaItem, Case]]:
    """Put every case of the region that is ready for panel on the agenda, most urgent first: a new
    case goes after the cases as urgent as it or more, before the less urgent ones, and the order
    the meeting's organiser set among the cases already listed stands."""
    panel = queries.get_panel(meeting.panel_id)
    agenda = queries.find_agenda(meeting.id)
    listed = {case.id for _, case in agenda}
    order = [(item, case) for item, case in agenda]
    for case in queries.find_cases_ready_for_panel(panel.region_id, panel_states(panel.kind)):
        if case.id not in listed:
            item = queries.add(AgendaItem(meeting_id=meeting.id, case_id=case.id,
                                          position=queries.next_agenda_position(meeting.id)))
            at = next((i for i, (_, other) in enumerate(order) if other.urgency_rank > case.urgency_rank),
                      len(order))
            order.insert(at, (item, case))
    _number(order)
    return queries.find_agenda(meeting.id)


def remove_from_agenda(meeting: PanelMeeting, case: Case) -> None:
    """Take a case off the agenda before the meeting decides it (it goes back among the cases ready
    for panel, for another meeting); a case the meeting decided stays, as part of its record."""
    if case.id in decided_at(meeting):
        raise Conflict("The meeting has decided this case: it stays on the agenda as part of the record.")
    agenda = queries.find_agenda(meeting.id)
    queries.delete(next(item for item, listed in agenda if listed.id == case.id))
    _number([(item, listed) for item, listed in agenda if listed.id != case.id])


def move_on_agenda(meeting: PanelMeeting, case: Case, direction: str) -> None:
    """Move a case one place up (heard sooner) or down the agenda."""
    if direction not in ("up", "down"):
        raise ValidationFailed({"direction": "Choose whether to move the case up or down the agenda."})
    order = queries.find_agenda(meeting.id)
    at = next(i for i, (_, listed) in enumerate(order) if listed.id == case.id)
    to = at - 1 if direction == "up" else at + 1
    if 0 <= to < len(order):
        order[at], order[to] = order[to], order[at]
        _number(order)


def _number(order: list[tuple[AgendaItem, Case]]) -> None:
    for position, (item, _) in enumerate(order, start=1):
        item.position = position
    queries.flush()


def declare_conflict(meeting: PanelMeeting, case: Case, member_id: int, details: str,
                     actor: User) -> ConflictOfInterest:
    if case.id not in {listed.id for _, listed in queries.find_agenda(meeting.id)}:
        raise ValidationFailed({"case_reference": "The case is not on this meeting's agenda."})
    if case.id in decided_at(meeting):
        raise Conflict("The meeting has decided this case: interests had to be declared before.")
    if member_id not in {m.id for m in queries.find_members(meeting.panel_id)}:
        raise ValidationFailed({"member_id": "Not a member of this panel."})
    if not details.strip():
        raise ValidationFailed({"details": "Say what the interest is."})
    if any(c.member_id == member_id for c in queries.find_conflicts(meeting.id, case.id)):
        raise ValidationFailed({"member_id": "This member has declared an interest in the case already."})
    return queries.add(ConflictOfInterest(meeting_id=meeting.id, case_id=case.id, member_id=member_id,
                                          details=details.strip(), declared_by_id=actor.id))


def decided_at(meeting: PanelMeeting) -> set[int]:
    """The cases this meeting decided (or deferred, or screened, or a Review Panel's meeting reviewed),
    by the meeting recorded with the decision."""
    decided = set()
    for _, case in queries.find_agenda(meeting.id):
        for name in queries.DECISION_EVENTS:
            event = find_last_event(case, name)
            if event is not None and (event.payload.get("panel_meeting") or {}).get("id") == meeting.id:
                decided.add(case.id)
    return decided


def withdraw_conflict(meeting: PanelMeeting, conflict_id: int, actor: User,
                      reason: str) -> ConflictOfInterest:
    """Withdraw a declaration, keeping who withdrew it, when and why. Governance is not undone by
    whom it binds: the member it binds may withdraw it only before the case is before a meeting;
    from then only the panel's chair (with no interest in the case, and never their own) may."""
    conflict = next((c for c in queries.find_conflicts(meeting.id) if c.id == conflict_id), None)
    if conflict is None:
        raise NotFound("There is no such declaration of interest at this meeting.", field="conflict_id")
    check_may_withdraw(meeting, conflict, actor, runtime().today())
    if conflict.case_id in decided_at(meeting):
        raise Conflict("The meeting has decided this case: the declaration stands.")
    if not (reason or "").strip():
        raise ValidationFailed({"reason": "Say why the declaration is withdrawn."})
    conflict.withdrawn_utc, conflict.withdrawn_by_id = utc_now(), actor.id
    conflict.withdrawal_reason = reason.strip()
    return conflict


def check_may_withdraw(meeting: PanelMeeting, conflict: ConflictOfInterest, actor: User,
                       today: date) -> None:
    members = {member.id: member for member in queries.find_members(meeting.panel_id)}
    bound = members.get(conflict.member_id)
    if bound is not None and bound.user_id == actor.id:
        kind = queries.get_panel(meeting.panel_id).kind
        if meeting.meeting_date <= today or queries.find_latest_meeting_for_case(conflict.case_id, today,
                                                                                  kind):
            raise Conflict("Once the case is before a meeting a member cannot withdraw their own "
                           "declaration of interest: only the panel's chair can, saying why.")
        return
    seat = seat_of(actor, meeting.panel_id)
    if seat is None or seat.panel_role != PanelRole.CHAIR:
        raise Forbidden("Only the member the declaration binds, or the panel's chair, can withdraw it.")
    if any(c.member_id == seat.id for c in queries.find_case_conflicts(conflict.case_id)):
        raise Conflict("You have declared an interest in this case: you cannot withdraw another "
                       "member's declaration in it.")


def has_declared_interest(case: Case, actor: User, today: date) -> bool:
    """Whether the user has a standing declaration of interest in the case, at any meeting."""
    seat_ids = {member.id for meeting in queries.find_meetings_for_case(case.id)
                for member in queries.find_members(meeting.panel_id) if member.user_id == actor.id}
    return any(c.member_id in seat_ids for c in queries.find_case_conflicts(case.id))


def quorum_for_case(meeting: PanelMeeting, case: Case) -> QuorumResult:
    """Quorum counting only the members present who declared no interest in this case (at this
    meeting or another: an interest is in the case, so a second meeting does not shed it). A Review
    Panel's also leaves out the members who took part in the decision under review (panels/review.py)."""
    if queries.get_panel(meeting.panel_id).kind == PanelKind.REVIEW_PANEL:
        return review.review_quorum(meeting, case)
    members = {member.id: member for member in queries.find_members(meeting.panel_id) if member.is_active}
    conflicted = {conflict.member_id for conflict in queries.find_case_conflicts(case.id)}
    roles = [members[i].panel_role for i in meeting.attendee_ids if i in members and i not in conflicted]
    return check_quorum(queries.get_panel(meeting.panel_id).quorum, roles)


def panel_states(kind: str = PanelKind.IFR_PANEL) -> list[str]:
    """The states whose cases wait for a panel of this kind (`panel: <kind>` in workflows/ifr.yaml):
    the agenda of its meetings takes the region's cases in them."""
    return [state.key for state in runtime().workflows["ifr"].states if state.panel == kind]


def check_panel_may_decide(case: Case, actor: User, today: date) -> PanelMeeting | None:
    """A panel decision needs the case on a quorate meeting's agenda, recorded by a member present
    who declared no interest in it. Chair's action on an urgent case needs no meeting. Each refusal
    says what would let the decision be made (`fix`, in the error body and on the pack)."""
    if case.state == "chairs_action":
        return None
    # Only an IFR panel's meeting decides: a Review Panel's or a screening group's never does.
    meeting = queries.find_latest_meeting_for_case(case.id, today, PanelKind.IFR_PANEL)
    if meeting is None:
        raise Conflict("The case is not on the agenda of a panel meeting held yet.",
                       fix="Record the decision on or after the day of the meeting that has the case on "
                           "its agenda.")
    result = quorum_for_case(meeting, case)
    if not result.quorate:
        raise Conflict(f"The meeting of {meeting.meeting_date:%-d %B %Y} is not quorate for this case: "
                       f"it lacks {', '.join(result.missing)}.",
                       fix=f"Record as present, on the meeting's page, {', '.join(result.missing)} with no "
                           "interest in the case; or add such a member to the panel.")
    declared = queries.find_case_conflicts(case.id)
    present = _present_without_conflict(meeting, case, declared)
    if actor.id not in present:
        raise _not_present_refusal(meeting, actor, declared)
    if was_remitted(case):
        earlier = set()
        for other in queries.find_meetings_for_case(case.id, kind=PanelKind.IFR_PANEL):
            if (other.meeting_date, other.id) < (meeting.meeting_date, meeting.id):
                earlier |= _present_without_conflict(other, case, queries.find_conflicts(other.id, case.id))
        if present & earlier:
            raise Conflict("A case remitted on review goes to a newly constituted panel: members who "
                           "sat on it before are present.",
                           fix="Hold a meeting of members who did not sit on the case before.")
    return meeting


def _not_present_refusal(meeting: PanelMeeting, actor: User, declared: list[ConflictOfInterest]) -> Conflict:
    seat = seat_of(actor, meeting.panel_id)
    if seat is not None and any(conflict.member_id == seat.id for conflict in declared):
        return Conflict("Only a member present at the meeting, with no interest in the case, can "
                        "record its decision: you declared an interest in it.",
                        fix="Another member present with no interest in the case records the decision. If "
                            "the declaration was a mistake, it can be withdrawn on the meeting's page, "
                            "saying why.")
    return Conflict("Only a member present at the meeting, with no interest in the case, can record "
                    f"its decision: you are not recorded as present on {meeting.meeting_date:%-d %B %Y}.",
                    fix="Record your attendance on the meeting's page, or a member present records it.")


def _present_without_conflict(meeting: PanelMeeting, case: Case,
                              declared: list[ConflictOfInterest]) -> set[int]:
    members = {member.id: member.user_id for member in queries.find_members(meeting.panel_id)
               if member.is_active}
    conflicted = {conflict.member_id for conflict in declared}
    return {members[i] for i in meeting.attendee_ids if i in members and i not in conflicted}


def was_remitted(case: Case) -> bool:
    event = find_last_event(case, "review_decided")
    return event is not None and event.to_state == "ready_for_panel"

