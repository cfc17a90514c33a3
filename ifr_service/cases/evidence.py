"""Supporting evidence: the files a clinician sends with a request, and the copies the panel reads.

The clinician attaches files (each with a description) while the case is open and removes them
while it is a draft (the workflow's `attach` and `remove_attachment`). The hub's IFR team marks the
files the panel needs (`prepare_evidence_for_panel`); a file that shows who the patient or the
clinician is goes into the de-identified pack only as the redacted copy the team uploads, so the
panel roles never read an original that carries identifiers (docs/security.md). Every change is a
case event, written through apply_action in the request's one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from ifr_service.cases import queries
from ifr_service.cases.attachments import ACCEPTED_TYPES, DESCRIPTION_MAX, check_file, checked_description
from ifr_service.cases.models import Attachment, Case
from ifr_service.cases.service import apply_action, check_action_allowed
from ifr_service.errors import NotFound, ValidationFailed
from ifr_service.runtime import runtime
from ifr_service.users.models import User

EXTENSIONS = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg",
              "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx"}


@dataclass(frozen=True)
class PanelCopy:
    """A file as the panel reads it: the redacted copy where the original shows identifiers, under a
    neutral name (a file's own name may hold the patient's), with the IFR team's description."""

    attachment: Attachment
    number: int
    description: str
    redacted: bool

    @property
    def filename(self) -> str:
        return f"evidence-{self.number}.{EXTENSIONS.get(self.attachment.content_type, 'bin')}"

    @property
    def kind(self) -> str:
        return ACCEPTED_TYPES.get(self.attachment.content_type, "File")


def present_panel_copy(copy: PanelCopy) -> dict:
    """A pack's file as the API lists it (panels/schemas.py:PackEvidenceSchema)."""
    return {"id": copy.attachment.id, "filename": copy.filename, "content_type": copy.attachment.content_type,
            "size_bytes": copy.attachment.size_bytes, "description": copy.description,
            "redacted": copy.redacted}


def originals(case: Case) -> list[dict]:
    """The case's files as people who may read them see them: each original with its redacted copy."""
    files = queries.find_attachments(case)
    copies = {file.redacted_of_id: file for file in files if file.redacted_of_id is not None}
    return [{"file": file, "redacted_copy": copies.get(file.id)} for file in files
            if file.redacted_of_id is None]


def remove_attachment(case: Case, actor: User, attachment_id: int) -> Attachment | None:
    """Remove a draft's file; None if it is gone already (the Remove button pressed twice)."""
    check_action_allowed(case, "remove_attachment", actor)
    attachment = queries.find_attachment(case, attachment_id, for_update=True)
    if attachment is None:
        return None
    queries.delete_attachment(attachment)
    apply_action(case, "remove_attachment", actor, {
        "attachment_id": attachment.id, "filename": attachment.filename, "sha256": attachment.sha256})
    return attachment


def prepare_for_panel(case: Case, actor: User, attachment_id: int, include: bool,
                      holds_identifiers: bool | None = None, panel_description: str | None = None,
                      redacted: tuple[str | None, bytes] | None = None) -> Attachment:
    """Mark an original file for the panel pack (or take it out). A file that shows identifiers
    needs a redacted copy: `redacted` (its name and bytes) stores one, replacing any earlier copy."""
    check_action_allowed(case, "prepare_evidence_for_panel", actor)
    original = queries.find_attachment(case, attachment_id, for_update=True)
    if original is None or original.redacted_of_id is not None:
        raise NotFound("There is no such file on this case.", field="attachment_id")
    if include:
        if holds_identifiers is None:
            raise ValidationFailed({"holds_identifiers": "Select whether the file shows who the patient "
                                                         "or the clinician is."})
        description = checked_description(panel_description, "panel_description", required=True)
    copy = queries.find_redacted_copy(original)
    if include and holds_identifiers and redacted is not None:
        copy = _store_redacted_copy(case, actor, original, copy, *redacted)
    if include and holds_identifiers and copy is None:
        raise ValidationFailed({"redacted_copy": "Upload a copy of the file with the patient's and the "
                                                 "clinician's details removed."})
    original.for_panel = include
    if include:
        original.holds_identifiers, original.panel_description = holds_identifiers, description
    apply_action(case, "prepare_evidence_for_panel", actor, {
        "attachment_id": original.id, "filename": original.filename, "for_panel": include,
        "holds_identifiers": original.holds_identifiers,
        "redacted_copy_id": copy.id if copy is not None and original.holds_identifiers else None})
    return original


def _store_redacted_copy(case: Case, actor: User, original: Attachment, earlier: Attachment | None,
                         filename: str | None, content: bytes) -> Attachment:
    try:
        checked = check_file(filename, content, runtime().config.attachment_max_bytes)
    except ValidationFailed as error:
        raise ValidationFailed({"redacted_copy": error.fields["file"]}) from error
    if checked.sha256 == original.sha256:
        raise ValidationFailed({"redacted_copy": "The redacted copy is the same file as the original: "
                                                 "remove the patient's and the clinician's details, then "
                                                 "upload it."})
    same = queries.find_attachment_by_hash(case, checked.sha256)
    if same is not None and same.id != (earlier.id if earlier else None):
        raise ValidationFailed({"redacted_copy": f"That file is already attached to the case as "
                                                 f"{same.filename}: upload the redacted copy of this one."})
    if earlier is not None:
        if earlier.sha256 == checked.sha256:
            return earlier
        queries.delete_attachment(earlier)
    return queries.create_attachment(Attachment(
        case_id=case.id, filename=checked.filename, content_type=checked.content_type,
        size_bytes=checked.size_bytes, sha256=checked.sha256, redacted_of_id=original.id,
        description=f"Redacted copy of {original.filename}"[:DESCRIPTION_MAX], uploaded_by_id=actor.id,
    ), content)


def panel_copies(case: Case) -> list[PanelCopy]:
    """The files the panel pack holds: each marked original with no identifiers, and the redacted
    copy of each marked original that has them. Nothing else, whatever its id."""
    chosen = []
    for entry in originals(case):
        file, copy = entry["file"], entry["redacted_copy"]
        if not file.for_panel:
            continue
        shown = copy if file.holds_identifiers else file
        if shown is not None:
            chosen.append(PanelCopy(shown, len(chosen) + 1, file.panel_description or "", shown is copy))
    return chosen


def get_panel_copy(case: Case, attachment_id: int) -> PanelCopy:
    """The pack's file with this id; any other (an unmarked original, an original behind its
    redacted copy, a file of another case) is answered as one nobody has."""
    found = next((copy for copy in panel_copies(case) if copy.attachment.id == attachment_id), None)
    if found is None:
        raise NotFound("There is no such file in this panel pack.", field="attachment_id")
    return found
