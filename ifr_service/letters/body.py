"""What a letter says, as plain data: drawn up once by letters/content.py, kept as JSON with the
letter (`letter.body`), and laid out from it twice, as the PDF (letters/render.py) and as the
letter's page (web/templates/letters/letter.html). Both read the same fields, so they say the same
thing; neither reads the database.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

OUTCOME = "Outcome"  # the line of `about` the PDF sets in bold


@dataclass(frozen=True)
class Section:
    """A heading and what is under it: paragraphs, or a table whose first row is its headings."""

    heading: str
    paragraphs: tuple[str, ...] = ()
    table: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class LetterContent:
    recipient: str  # "clinician" or "patient"
    reference: str
    dated: date
    title: str
    letterhead: tuple[str, ...]  # who writes: NHS England, the hub's IFR team
    contact: tuple[tuple[str, str], ...]  # ("Email", ...), ("Telephone", ...), ("Address", ...)
    addressee: tuple[str, ...]  # name, then organisation or postal address lines
    salutation: str
    about: tuple[tuple[str, str], ...]  # the patient, the treatment, the outcome
    opening: tuple[str, ...] = ()
    sections: tuple[Section, ...] = ()
    next_steps: tuple[str, ...] = ()
    onward: Section | None = None  # after a review: the ombudsman, judicial review
    signatory: tuple[str, str] = ("", "")  # name, role
    copies: tuple[str, ...] = ()
    closing: tuple[str, ...] = ()

    @property
    def dated_text(self) -> str:
        """'7 December 2026' (NHS.UK content style)."""
        return f"{self.dated.day} {self.dated:%B %Y}"


def to_json(content: LetterContent) -> dict:
    """The content as JSON-ready data (tuples as lists, the date as ISO), to keep with the letter."""
    data = asdict(content)
    data["dated"] = content.dated.isoformat()
    return _lists(data)


def from_json(data: dict) -> LetterContent:
    return LetterContent(**{
        **{key: _tuples(value) for key, value in data.items()},
        "dated": date.fromisoformat(data["dated"]),
        "sections": tuple(_section(item) for item in data["sections"]),
        "onward": _section(data["onward"]) if data.get("onward") else None,
    })


def _section(data: dict) -> Section:
    return Section(heading=data["heading"], paragraphs=tuple(data["paragraphs"]),
                   table=tuple(tuple(row) for row in data["table"]))


def _lists(value):
    if isinstance(value, dict):
        return {key: _lists(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_lists(item) for item in value]
    return value


def _tuples(value):
    if isinstance(value, list):
        return tuple(_tuples(item) for item in value)
    return value
