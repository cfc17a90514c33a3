"""A letter as a page: the same content as its PDF (both drawn from the letter's kept body), for
the same people, audited the same way (a read of the case)."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for

from ifr_service.cases.access import get_identifiable_case
from ifr_service.letters import queries
from ifr_service.letters.jobs import stored_content
from ifr_service.users.access import CASE_READERS, current_user
from ifr_service.web.requests import ID
from ifr_service.web.session import page_allow

letter_pages = Blueprint("letters", __name__)


@letter_pages.get(f"/cases/<reference>/letters/<{ID}:letter_id>/page")
@page_allow(*CASE_READERS)
def show_letter(reference: str, letter_id: int):
    # Exactly the PDF's rule (cases.views.download_letter): whoever may read the identifiable case.
    case = get_identifiable_case(reference, current_user())
    letter = queries.get_letter(case.id, letter_id)
    content = stored_content(letter)
    return render_template(
        "letters/letter.html", title=f"{content.title} ({case.public_reference})", case=case,
        letter=letter, content=content,
        back_link={"href": url_for("pages.cases.show_case", reference=case.public_reference),
                   "text": f"Back to {case.public_reference}"})
