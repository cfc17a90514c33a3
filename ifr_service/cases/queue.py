"""A hub's work queue: what its IFR team filters, searches and sorts by, read from the query string.

Every filter is optional (a blank one means any); an unknown value of one is refused naming it; a
parameter the queue does not know is ignored. The search looks only among the hub's own cases, by
reference, NHS number (any spacing) or the patient's name; the last two only for those who may read
patients' identifiers (cases/access.py:can_read_identifiers). The queue shows no patient's name
or NHS number, so viewing it is audited as one list view; a search by NHS number or name ties that
patient to each case found, so each is audited as read (docs/security.md).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta

from marshmallow import EXCLUDE, Schema, fields, pre_load, validate

from ifr_service.cases import queries
from ifr_service.cases.access import can_read_identifiers
from ifr_service.cases.models import URGENCY_RANK
from ifr_service.cases.queries import QueueLine
from ifr_service.clock import add_working_days
from ifr_service.errors import ValidationFailed
from ifr_service.users.models import User
from ifr_service.workflows.definition import Workflow

VIEWS = {"open": "Open cases", "decided": "Decided and closed"}
DUE_FILTERS = {"overdue": "Overdue", "due_soon": "Due within 2 working days", "on_track": "On track"}
ASSIGNED = {"me": "Assigned to me", "nobody": "Not assigned"}
# The columns a queue sorts by. Unsorted, it lists overdue work first, then the most urgent, then the
# soonest due.
SORTS = {"due": "Due", "reference": "Reference", "urgency": "Urgency", "submitted": "Submitted"}
ORDERS = ("ascending", "descending")
SEARCH_MAX_LENGTH = 100
SEARCH_MAX_WORDS = 4
ONE_DAY = timedelta(days=1)
REFERENCE = re.compile(r"(IFR|CDF)-?(\d{4})-?(\d{1,6})", re.IGNORECASE)


def _one_of(choices, what: str):
    return validate.OneOf(list(choices), error=f"Choose {what} from the list.")


class QueueArgs(Schema):
    """The queue's query string. Blank values are taken as not given."""

    class Meta:
        unknown = EXCLUDE  # a link's tracking parameter, say: ignored, never an error page

    view = fields.String(load_default="open", validate=_one_of(VIEWS, "which cases to show"))
    state = fields.String(load_default=None, validate=validate.Length(max=40))
    urgency = fields.String(load_default=None, validate=_one_of(URGENCY_RANK, "an urgency"))
    due = fields.String(load_default=None, validate=_one_of(DUE_FILTERS, "a target"))
    assigned = fields.String(load_default=None, validate=_one_of(ASSIGNED, "who the case is assigned to"))
    search = fields.String(load_default=None, validate=validate.Length(
        max=SEARCH_MAX_LENGTH, error=f"Enter no more than {SEARCH_MAX_LENGTH} characters to search for."))
    sort = fields.String(load_default=None, validate=_one_of(SORTS, "a column to sort by"))
    order = fields.String(load_default="ascending", validate=_one_of(ORDERS, "ascending or descending"))
    page = fields.Integer(load_default=1, validate=validate.Range(
        min=1, max=100_000, error="Ask for a page between 1 and 100,000."))

    @pre_load
    def _blank_means_any(self, data, **kwargs):
        return {name: value.strip() for name, value in data.items()
                if not isinstance(value, str) or value.strip()}


@dataclass(frozen=True)
class Search:
    """What a search box's words were read as: a reference, an NHS number or a name."""

    reference: str | None = None
    reference_number: int | None = None
    nhs_number: str | None = None
    name_words: tuple[str, ...] = ()

    @property
    def names_a_patient(self) -> bool:
        """A search by NHS number or name: each case found is that patient's, so is read (audit)."""
        return bool(self.nhs_number or self.name_words)


@dataclass(frozen=True)
class WorkFilter:
    hub_id: int
    states: tuple[str, ...]
    today: date
    urgency: str | None = None
    due: tuple[date | None, date | None] = (None, None)
    assigned_to_id: int | None = None
    unassigned: bool = False
    search: Search = field(default_factory=Search)
    sort: str | None = None
    descending: bool = False
    open_states: tuple[str, ...] = ()  # whose overdue cases the queue's heading counts, whatever the filter


def view_states(workflow: Workflow, view: str) -> list[str]:
    """The states of a view: open work, or decided and final cases. Never the draft."""
    decided = view == "decided"
    return [s.key for s in workflow.states
            if s.key != workflow.initial and (s.decided or s.final) == decided]


def view_of_state(workflow: Workflow, state: str) -> str:
    chosen = workflow.state(state)
    return "decided" if chosen.decided or chosen.final else "open"


def read_search(text: str | None, user: User) -> Search:
    """The search box's words: a case reference (IFR-2026-000123, or its number alone), an NHS number
    (spaces and hyphens as typed), or else words of the patient's name."""
    if not text:
        return Search()
    folded = unicodedata.normalize("NFKC", text).strip()
    compact = re.sub(r"[\s-]", "", folded)
    if match := REFERENCE.fullmatch(folded.replace(" ", "")):
        return Search(reference=f"{match[1].upper()}-{match[2]}-{int(match[3]):06d}")
    if compact.isdigit() and len(compact) <= 6:
        return Search(reference_number=int(compact))
    if not can_read_identifiers(user):
        raise ValidationFailed({"search": "Search by case reference: your role does not see patients' "
                                          "NHS numbers or names."})
    if compact.isdigit() and len(compact) == 10:
        return Search(nhs_number=compact)
    if compact.isdigit():
        raise ValidationFailed({"search": "Enter an NHS number of 10 digits, like 943 476 5919, or a "
                                          "case reference, like IFR-2026-000123."})
    words = tuple(word.casefold() for word in folded.split()[:SEARCH_MAX_WORDS])
    return Search(name_words=words)


def due_bounds(due: str | None, today: date) -> tuple[date | None, date | None]:
    """The soonest-due-date range each filter means: overdue is before today; due soon within
    the next two working days."""
    soon = add_working_days(today, 2)
    return {"overdue": (None, today - ONE_DAY), "due_soon": (today, soon),
            "on_track": (soon + ONE_DAY, None)}.get(due, (None, None))


def work_filter(user: User, hub_id: int, workflow: Workflow, args: dict, today: date) -> WorkFilter:
    """The queue's filter from its checked query string; a state of the workflow's or a 422."""
    if args["state"]:
        if args["state"] not in view_states(workflow, "open") + view_states(workflow, "decided"):
            raise ValidationFailed({"state": "Choose a status from the list."})
        states = (args["state"],)
    else:
        states = tuple(view_states(workflow, args["view"]))
    return WorkFilter(
        hub_id=hub_id, states=states, today=today, open_states=tuple(view_states(workflow, "open")),
        urgency=args["urgency"],
        due=due_bounds(args["due"], today),
        assigned_to_id=user.id if args["assigned"] == "me" else None,
        unassigned=args["assigned"] == "nobody", search=read_search(args["search"], user),
        sort=args["sort"], descending=args["order"] == "descending")


def find_work(user: User, hub_id: int, workflow: Workflow, args: dict, today: date,
              page_size: int) -> tuple[list[QueueLine], int, int]:
    """A page of the queue, how many cases the filter finds, and how many open cases are overdue."""
    return queries.find_hub_work(work_filter(user, hub_id, workflow, args, today), args["page"], page_size)
