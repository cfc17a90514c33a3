"""Which files may be attached: judged by their content, never their name: the type by its magic
bytes, and what is inside by file_contents (no active content, polyglot or archive bomb)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import filetype

from ifr_service.cases.file_contents import check_contents
from ifr_service.errors import ValidationFailed
from ifr_service.text import text_problem

ACCEPTED_TYPES = {
    "application/pdf": "PDF",
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word (DOCX)",
}


@dataclass(frozen=True)
class CheckedFile:
    filename: str
    content_type: str
    sha256: str
    size_bytes: int


def check_file(filename: str | None, content: bytes, max_bytes: int) -> CheckedFile:
    """The file's checked name, type and hash; ValidationFailed naming `file` if its name holds text
    no name may (a NUL, a control character, a direction override that shows "cod.exe" as
    "exe.doc"), or its content is empty, too large or not an accepted type."""
    if not filename or not filename.strip():
        raise ValidationFailed({"file": "Choose a file to attach."})
    problem = text_problem(filename)
    if problem:
        raise ValidationFailed({"file": f"The file's name cannot be used. {problem} Rename the file and "
                                        "try again."})
    if not content:
        raise ValidationFailed({"file": "The file is empty."})
    if len(content) > max_bytes:
        raise ValidationFailed({"file": f"The file is larger than {max_bytes // (1024 * 1024)} MB."})
    kind = filetype.guess(content)
    if kind is None or kind.mime not in ACCEPTED_TYPES:
        accepted = ", ".join(ACCEPTED_TYPES.values())
        raise ValidationFailed({"file": f"The file must be one of: {accepted}."})
    check_contents(content, kind.mime)
    return CheckedFile(
        filename=_safe_name(filename), content_type=kind.mime,
        sha256=hashlib.sha256(content).hexdigest(), size_bytes=len(content),
    )


def _safe_name(filename: str) -> str:
    """The name without any path, so a stored name can never point elsewhere."""
    return filename.replace("\\", "/").rsplit("/", 1)[-1].strip()[:255] or "attachment"


DESCRIPTION_MAX = 500


def checked_description(description: str | None, field: str = "description",
                        required: bool = False) -> str | None:
    """The description, trimmed; a 422 on `field` naming it if it is missing (when required), too
    long, or holds a control character or an invisible direction override."""
    text = (description or "").strip()
    if not text:
        if required:
            raise ValidationFailed({field: "Enter a description of the file, like \"MRI report, "
                                           "12 November 2026\"."})
        return None
    if len(text) > DESCRIPTION_MAX:
        raise ValidationFailed({field: f"The description must be {DESCRIPTION_MAX} characters or fewer."})
    problem = text_problem(text, multiline=True)
    if problem:
        raise ValidationFailed({field: "The description " + problem.removeprefix("This ")})
    return text
