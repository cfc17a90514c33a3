"""Reads and writes of cases and their records. Only this module touches their tables."""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, NamedTuple
from weakref import WeakKeyDictionary

from sqlalchemy import case as when_then
from sqlalchemy import event, func, literal, or_, text
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import defer
from sqlmodel import Session, select

from ifr_service import db
from ifr_service.cases.models import (
    URGENCY_RANK,
    Attachment,
    AttachmentContent,
    Case,
    CaseClock,
    CaseEvent,
    CaseReferenceCounter,
    IdempotencyRecord,
)
from ifr_service.errors import NotFound
from ifr_service.forms.answers import (
    CLINICIAN_PROVIDER_TRUST,
    DIAGNOSIS_ICD10_CODE,
    INTERVENTION_NAME,
    PATIENT_FAMILY_NAME,
    PATIENT_GIVEN_NAME,
    PATIENT_NHS_NUMBER,
)
from ifr_service.users.models import User

if TYPE_CHECKING:
    from ifr_service.cases.queue import WorkFilter


def get_case(reference: str, for_update: bool = False) -> Case:
    """A case by its reference or its draft reference; `for_update` locks it till commit, and reads it
    afresh once locked: a case this session loaded before waiting for the lock may have moved on."""
    query = select(Case).where(or_(Case.reference == reference, Case.draft_reference == reference))
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    case = db.session().exec(query).first()
    if case is None:
        raise NotFound("There is no case with that reference.", field="reference")
    return case


def get_case_by_id(case_id: int, for_update: bool = False) -> Case:
    case = db.session().get(Case, case_id, with_for_update=for_update, populate_existing=for_update)
    if case is None:
        raise NotFound(f"There is no case with id {case_id}.")
    return case


def count_cases() -> int:
    return db.session().exec(select(func.count()).select_from(Case)).one()


def create_case(case: Case) -> Case:
    db.session().add(case)
    db.session().flush()
    db.session().info.setdefault(CLOCKS_READ, {})[case.id] = []  # a new case has no clocks to read
    db.session().info.setdefault(CREATED, set()).add(case.id)
    return case


CREATED = "ifr_cases_created"  # in the session's info: the cases made in this unit of work, still bare


def is_bare_new_case(case: Case) -> bool:
    """Made in this unit of work, with no files yet: it has no attachments or letters to read (letters
    are made by jobs, after the commit)."""
    return case.id in db.session().info.get(CREATED, ())


def record_event(case: Case, name: str, actor, from_state: str | None, to_state: str | None,
                 payload: dict | None = None, flush: bool = True) -> CaseEvent:
    """Add the case's next event and return it. Its sequence is worked out by the INSERT itself (one
    past the case's last), so recording reads nothing first; `flush=False` leaves the INSERT to the
    unit of work's next flush, in one batch with the rest of the change."""
    event = CaseEvent(
        case_id=case.id, name=name,
        actor_id=getattr(actor, "id", None), actor_role=getattr(actor, "role", None),
        from_state=from_state, to_state=to_state, payload=payload or {},
    )
    # Assigned after construction: the model checks what it is given, and this is SQL, not a number.
    event.sequence = (select(func.coalesce(func.max(CaseEvent.sequence), 0) + 1)
                      .where(CaseEvent.case_id == case.id).scalar_subquery())
    db.session().add(event)
    if flush:
        db.session().flush()
    return event


def get_event(event_id: int) -> CaseEvent:
    event = db.session().get(CaseEvent, event_id)
    if event is None:
        raise NotFound(f"There is no case event with id {event_id}.")
    return event


def find_events(case: Case) -> list[CaseEvent]:
    query = select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.sequence)
    return list(db.session().exec(query))


class QueueLine(NamedTuple):
    """A case on a work queue with the answers its line shows (the case's own answers not loaded)."""

    case: Case
    intervention: str | None
    diagnosis_icd10: str | None
    provider_trust: str | None
    assignee: User | None = None  # the officer the case is assigned to, read with the line


# A queue line's answers, read in SQL: a page of a queue neither fetches nor decodes whole applications.
QUEUE_ANSWERS = (Case.answers[INTERVENTION_NAME.keys].as_string(),
                 Case.answers[DIAGNOSIS_ICD10_CODE.keys].as_string(),
                 Case.answers[CLINICIAN_PROVIDER_TRUST.keys].as_string())
WITHOUT_ANSWERS = defer(Case.answers, raiseload=True)  # a line reading them would be a query per case


def find_hub_queue(hub_id: int, route: str, states: list[str], page: int,
                   page_size: int) -> tuple[list[QueueLine], int]:
    """A hub's cases of a route, most urgent first and newest first within an urgency."""
    where = (Case.hub_id == hub_id, Case.route == route, Case.state.in_(states))
    total = db.session().exec(select(func.count()).select_from(Case).where(*where)).one()
    order = (Case.urgency_rank, Case.submitted_utc.desc(), Case.id.desc())
    return _find_queue_lines(where, order, page, page_size), total


def find_hub_work(work: WorkFilter, page: int, page_size: int) -> tuple[list[QueueLine], int, int]:
    """A hub's IFR cases for its work queue page (cases/queue.py reads the filter), by default the
    overdue first, then the most urgent, then the soonest due. Only the hub's own cases are looked at,
    whatever the search."""
    where = [Case.state.in_(work.states), *_work_conditions(work), *_search_conditions(work.search)]
    total, overdue = _count_work_and_overdue(work, where)
    hub = (Case.hub_id == work.hub_id, Case.route == "ifr")
    return _find_queue_lines((*hub, *where), _work_order(work), page, page_size), total, overdue


def _count_work_and_overdue(work: WorkFilter, where: list) -> tuple[int, int]:
    """How many cases the filter finds and how many of the hub's open cases are overdue, whatever
    the filter: two counts in one statement, each with its own plan (one pass counting both, under
    an OR, cost PostgreSQL more than the two counts), for one round trip rather than two."""
    hub = (Case.hub_id == work.hub_id, Case.route == "ifr")
    found = select(func.count()).select_from(Case).where(*hub, *where).scalar_subquery()
    overdue = (select(func.count()).select_from(Case)
               .where(*hub, Case.state.in_(work.open_states), Case.next_due_on < work.today)
               .scalar_subquery())
    total, overdue_count = db.session().exec(select(found, overdue)).one()
    return total, overdue_count


def count_overdue(hub_id: int, states: tuple[str, ...], today: date) -> int:
    where = (Case.hub_id == hub_id, Case.route == "ifr", Case.state.in_(states), Case.next_due_on < today)
    return db.session().exec(select(func.count()).select_from(Case).where(*where)).one()


def _work_conditions(work: WorkFilter) -> list:
    where = []
    if work.urgency:
        # The rank too, which ix_ifr_case_hub_work leads with.
        where += [Case.urgency == work.urgency, Case.urgency_rank == URGENCY_RANK[work.urgency]]
    after, before = work.due
    if after is not None:
        where.append(Case.next_due_on >= after)
    if before is not None:
        where.append(Case.next_due_on <= before)
    if work.assigned_to_id is not None:
        where.append(Case.assigned_to_id == work.assigned_to_id)
    if work.unassigned:
        where.append(Case.assigned_to_id.is_(None))
    return where


PATIENT_NAME = func.lower(func.coalesce(Case.answers[PATIENT_GIVEN_NAME.keys].as_string(), "") + " "
                          + func.coalesce(Case.answers[PATIENT_FAMILY_NAME.keys].as_string(), ""))


def _search_conditions(search) -> list:
    if search.reference:
        return [Case.reference == search.reference]
    if search.reference_number is not None:
        return [Case.reference.like(f"%-{search.reference_number:06d}")]
    if search.nhs_number:
        return [Case.answers[PATIENT_NHS_NUMBER.keys].as_string() == search.nhs_number]
    return [PATIENT_NAME.like(f"%{_escape_like(word)}%", escape="\\") for word in search.name_words]


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _work_order(work: WorkFilter) -> tuple:
    def direction(column):
        return column.desc().nulls_last() if work.descending else column.asc().nulls_last()

    if work.sort == "reference":
        return (direction(Case.reference), Case.id)
    if work.sort == "urgency":
        return (direction(Case.urgency_rank), Case.next_due_on.asc().nulls_last(), Case.id)
    if work.sort == "submitted":
        return (direction(Case.submitted_utc), Case.id)
    if work.sort == "due":
        return (direction(Case.next_due_on), Case.urgency_rank, Case.id)
    # Unsorted: overdue work first, then the most urgent, then the soonest due.
    overdue_first = when_then((Case.next_due_on < work.today, 0), else_=1)
    return (overdue_first, Case.urgency_rank, Case.next_due_on.asc().nulls_last(), Case.submitted_utc,
            Case.id)


def _find_queue_lines(where, order, page: int, page_size: int) -> list[QueueLine]:
    """The page's ids first, then only their rows and answers: reading the answers from the JSON
    of every case a sort passes over would cost more than the sort."""
    ids = (select(Case.id).where(*where).order_by(*order)
           .offset((page - 1) * page_size).limit(page_size).subquery())
    # The assigned officers come in the same round trip; held by the lines, they stay in the session's
    # identity map, where `assignee_of` finds them rather than asking once per officer.
    query = (select(Case, *QUEUE_ANSWERS, User).options(WITHOUT_ANSWERS).join(ids, ids.c.id == Case.id)
             .outerjoin(User, User.id == Case.assigned_to_id).order_by(*order))
    return [QueueLine(*row) for row in db.session().exec(query)]


def find_provider_cases(org_code: str, page: int, page_size: int,
                        waiting: tuple[str, ...] = ()) -> tuple[list[Case], int]:
    """The cases of a provider trust (drafts too, deleted ones not): those in the `waiting` states
    (waiting on the clinician) first, then the most recently changed first."""
    where = (Case.provider_org_code == org_code, Case.state != "deleted")
    total = db.session().exec(select(func.count()).select_from(Case).where(*where)).one()
    waiting_first = when_then((Case.state.in_(waiting), 0), else_=1) if waiting else literal(1)
    query = (select(Case).where(*where).order_by(waiting_first, Case.updated_utc.desc(), Case.id.desc())
             .offset((page - 1) * page_size).limit(page_size))
    return list(db.session().exec(query)), total


def find_awaiting_trust_approval(org_code: str, state: str, page: int,
                                 page_size: int) -> tuple[list[Case], int]:
    """A trust's applications waiting for its sign-off, the longest waiting first."""
    where = (Case.provider_org_code == org_code, Case.state == state)
    total = db.session().exec(select(func.count()).select_from(Case).where(*where)).one()
    query = (select(Case).where(*where).order_by(Case.updated_utc, Case.id)
             .offset((page - 1) * page_size).limit(page_size))
    return list(db.session().exec(query)), total


def find_latest_case_by(user_id: int) -> Case | None:
    """The case this user started most recently, deleted drafts aside."""
    query = (select(Case).where(Case.created_by_id == user_id, Case.state != "deleted")
             .order_by(Case.created_utc.desc(), Case.id.desc()).limit(1))
    return db.session().exec(query).first()


def find_idempotency_record(user_id: int, key: str) -> IdempotencyRecord | None:
    query = select(IdempotencyRecord).where(IdempotencyRecord.user_id == user_id,
                                            IdempotencyRecord.key == key)
    return db.session().exec(query).first()


def create_idempotency_record(record: IdempotencyRecord) -> bool:
    """Save the record; False if a concurrent request saved the same key first."""
    return db.insert_once(record)


def allocate_reference_number(route: str, year: int) -> int:
    """The next number in a route's yearly sequence, holding no lock beyond the statement that takes
    it (docs/decisions/0007-case-references-without-a-lock.md): a PostgreSQL sequence per route and
    year, or on SQLite, where one writer holds the whole database anyway, the counter row bumped in
    one statement."""
    session = db.session()
    with session.no_autoflush:  # the case's routing is written with the rest of the submission
        if session.get_bind().dialect.name == "postgresql":
            name = _reference_sequence(route, year)
            return session.execute(text(f"SELECT nextval('{name}')")).scalar_one()
        bump = (sqlite_insert(CaseReferenceCounter).values(route=route, year=year, last_number=1)
                .on_conflict_do_update(index_elements=["route", "year"],
                                       set_={"last_number": CaseReferenceCounter.last_number + 1})
                .returning(CaseReferenceCounter.last_number))
        return session.execute(bump).scalar_one()


# The references' sequences this process knows exist, by engine: made once, then only nextval.
_KNOWN_SEQUENCES: WeakKeyDictionary = WeakKeyDictionary()


def _reference_sequence(route: str, year: int) -> str:
    """The name of the route's sequence for the year, made on its first use: under an advisory lock
    (two first submissions of the year would otherwise race to create it), starting after the number
    the route's counter row reached, so references given before sequences (or a year begun under the
    counter) carry on and never repeat."""
    name = f"case_reference_{re.sub(r'[^a-z0-9]', '_', route.lower())}_{year:04d}"
    engine = db.session().get_bind()
    known = _KNOWN_SEQUENCES.setdefault(engine, set())
    if name in known:
        return name
    db.lock(f"reference-sequence:{name}")
    counter = db.session().get(CaseReferenceCounter, (route, year))
    start = (counter.last_number if counter else 0) + 1
    # Owned by the counter's column: dropped with the table, and restarted by TRUNCATE … RESTART IDENTITY.
    db.session().execute(text(f"CREATE SEQUENCE IF NOT EXISTS {name} START WITH {start} MINVALUE 1 "
                              "OWNED BY case_reference_counter.last_number"))
    db.current_unit().after_commit(lambda: known.add(name))  # made for good only once committed
    return name


def find_attachments(case: Case) -> list[Attachment]:
    query = select(Attachment).where(Attachment.case_id == case.id).order_by(Attachment.id)
    return list(db.session().exec(query))


def get_attachment(case: Case, attachment_id: int) -> Attachment:
    attachment = db.session().get(Attachment, attachment_id)
    if attachment is None or attachment.case_id != case.id:
        raise NotFound("There is no such attachment on this case.", field="attachment_id")
    return attachment


def find_attachment(case: Case, attachment_id: int, for_update: bool = False) -> Attachment | None:
    """The case's attachment with this id, or None: one of another case is never found."""
    query = select(Attachment).where(Attachment.id == attachment_id, Attachment.case_id == case.id)
    if for_update:
        query = query.with_for_update()
    return db.session().exec(query).first()


def find_redacted_copy(original: Attachment) -> Attachment | None:
    query = select(Attachment).where(Attachment.redacted_of_id == original.id)
    return db.session().exec(query).first()


def delete_attachment(attachment: Attachment) -> None:
    """The file and its bytes, gone (a draft's file the clinician removed); its events remain."""
    session = db.session()
    session.delete(session.get(AttachmentContent, attachment.id))
    session.flush()
    session.delete(attachment)
    session.flush()


def get_attachment_content(attachment: Attachment) -> bytes:
    return db.session().get(AttachmentContent, attachment.id).content


def find_attachment_by_hash(case: Case, sha256: str) -> Attachment | None:
    query = select(Attachment).where(Attachment.case_id == case.id, Attachment.sha256 == sha256)
    return db.session().exec(query).first()


def create_attachment(attachment: Attachment, content: bytes) -> Attachment:
    db.session().info.get(CREATED, set()).discard(attachment.case_id)  # it has a file now
    db.session().add(attachment)
    db.session().flush()
    db.session().add(AttachmentContent(attachment_id=attachment.id, content=content))
    db.session().flush()
    return attachment


def find_similar_cases(case: Case, limit: int = 10) -> tuple[int, dict[str, int], list[Case]]:
    """Other submitted requests nationally for the same treatment in the same ICD-10 category:
    how many, how many in each state, and the most recent."""
    where = (Case.id != case.id, Case.route == case.route, Case.icd10_category == case.icd10_category,
             Case.intervention_key == case.intervention_key, Case.submitted_utc.is_not(None))
    counts = select(Case.state, func.count()).where(*where).group_by(Case.state)
    by_state = dict(db.session().exec(counts).all())
    recent = list(db.session().exec(select(Case).where(*where)
                                    .order_by(Case.submitted_utc.desc()).limit(limit)))
    return sum(by_state.values()), by_state, recent


def find_latest_clock(case: Case, clock: str) -> CaseClock | None:
    """The clock's latest cycle on the case, from its clocks read once in this unit of work."""
    rows = [row for row in find_clocks(case) if row.clock == clock]
    return max(rows, key=lambda row: row.cycle) if rows else None


CLOCKS_READ = "ifr_case_clocks"  # in the session's info: each case's clock rows, read once


def find_clocks(case: Case) -> list[CaseClock]:
    """Every clock row of the case, oldest first: read in one query the first time in a unit of work,
    then kept with the session (its rows are in its identity map anyway), so that a transition, its
    guards and the response read them once. The case is locked while it changes, so nothing else
    adds to them meanwhile."""
    return list(_clocks_of(case.id))


def _clocks_of(case_id: int) -> list[CaseClock]:
    cache = db.session().info.setdefault(CLOCKS_READ, {})
    if case_id not in cache:
        # Without flushing first: every new clock row is in the list (create_clock), and a change
        # under way (the transition that asked) is written whole at its own flush.
        with db.session().no_autoflush:
            query = select(CaseClock).where(CaseClock.case_id == case_id).order_by(CaseClock.id)
            cache[case_id] = list(db.session().exec(query))
    return cache[case_id]


SUBMITTED = "ifr_cases_submitted"  # in the session's info: the cases submitted in this unit of work


def note_submitted(case: Case) -> None:
    db.session().info.setdefault(SUBMITTED, set()).add(case.id)


def submitted_in_this_unit(case: Case) -> bool:
    return case.id in db.session().info.get(SUBMITTED, ())


@event.listens_for(Session, "after_soft_rollback")
def _forget_what_was_read(session, _previous_transaction) -> None:
    """What a unit of work keeps in its session's info (clocks read, cases submitted, national rows)
    goes with a rollback, as the rows do."""
    for key in [key for key in session.info if str(key).startswith("ifr_")]:
        del session.info[key]


def find_next_clocks(cases: list[Case]) -> dict[int, CaseClock]:
    """The running clock that falls due soonest on each of these cases (the one its next_due_on
    comes from), by case id."""
    if not cases:
        return {}
    query = (select(CaseClock).join(Case, Case.id == CaseClock.case_id)
             .where(CaseClock.case_id.in_([case.id for case in cases]), CaseClock.running_since.is_not(None),
                    CaseClock.due_on == Case.next_due_on)
             .order_by(CaseClock.id))
    found = {}
    for row in db.session().exec(query):
        found.setdefault(row.case_id, row)  # of two due the same day, the one made first
    return found


def find_next_due_on(case: Case) -> date | None:
    """The soonest due date of the case's running clocks: what its place in a work queue turns on."""
    due = [row.due_on for row in find_clocks(case) if row.running_since is not None and row.due_on]
    return min(due, default=None)


def get_clock(clock_id: int) -> CaseClock:
    row = db.session().get(CaseClock, clock_id)
    if row is None:
        raise NotFound(f"There is no case clock {clock_id}.")
    return row


def find_running_clocks_due_by(day: date) -> list[CaseClock]:
    query = (select(CaseClock).where(CaseClock.running_since.is_not(None), CaseClock.due_on <= day)
             .order_by(CaseClock.due_on, CaseClock.id))
    return list(db.session().exec(query))


def create_clock(row: CaseClock) -> CaseClock:
    """Add a clock row; written with the rest of the change at the unit of work's next flush."""
    _clocks_of(row.case_id).append(row)
    db.session().add(row)
    return row


def find_last_event(case: Case, name: str) -> CaseEvent | None:
    query = (select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.name == name)
             .order_by(CaseEvent.sequence.desc()).limit(1))
    return db.session().exec(query).first()
