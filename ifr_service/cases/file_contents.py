"""What is inside an attached file: active content, polyglots and archive bombs are refused.

A file of an accepted type can still carry something that runs or misleads when it is opened: a PDF
with JavaScript, a launch action or embedded files; a file that is also another type (a PDF that is
also HTML or a zip archive, an image with HTML after its end); or a Word document (a zip archive)
that expands to far more than it weighs. Each check reads the file as it is, never runs it and
never expands an archive: a zip file's sizes are read from its central directory.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from collections.abc import Iterator

from ifr_service.errors import ValidationFailed

PDF_TYPE = "application/pdf"
PNG_TYPE = "image/png"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# A Word document expands to no more than this, and no more than this many times its own size.
MAX_EXPANDED_BYTES = 100 * 1024 * 1024
MAX_EXPANSION_RATIO = 100
MAX_ARCHIVE_MEMBERS = 5000
# A PDF holds no more objects than this: each is read to look for active content, and 150,000 small
# ones (8.4 MB) took 5 s; a long tagged report (PDF/UA: an object for each heading and paragraph)
# has tens of thousands.
MAX_PDF_OBJECTS = 100_000

# PDF names that run or open something, each with the words a person reads.
ACTIVE_PDF_NAMES = {
    "/JS": "JavaScript", "/JavaScript": "JavaScript",
    "/Launch": "an action that opens another program or file",
    "/ImportData": "an action that opens another program or file",
    "/AA": "actions that run by themselves when it is opened or read",
    "/EmbeddedFile": "embedded files", "/EmbeddedFiles": "embedded files", "/EF": "embedded files",
    "/RichMedia": "embedded media", "/RichMediaExecute": "embedded media",
    "/XFA": "an XFA form, which can hold scripts",
}
# Tags that make a browser treat bytes as a page, or run a script.
HTML_TAG = re.compile(rb"<\s*(?:!doctype\s+html|html|head|body|script|iframe|frame|object|embed|svg|"
                      rb"meta|link|style|img|form|a\s+href)[\s/>]", re.IGNORECASE)
PDF_NAME = re.compile(rb"/[^\s/<>\[\]()%{}]+")
PDF_STREAM_START = re.compile(rb"stream\r?\n")
PNG_END = b"IEND\xaeB`\x82"
# Parts of a Word document that hold code: macros, ActiveX controls, embedded OLE objects.
ACTIVE_DOCX_PART = re.compile(r"(?:^|/)vbaProject\.bin$|(?:^|/)activeX/|(?:^|/)embeddings/oleObject[^/]*$",
                              re.IGNORECASE)


class TooManyObjects(Exception):
    """A PDF whose table lists more than MAX_PDF_OBJECTS objects."""


def check_contents(content: bytes, content_type: str) -> None:
    """Refuse (422 on `file`) a file that carries active content, is also another type, or is a bomb."""
    if HTML_TAG.search(content):
        _refuse("The file also contains web page code (HTML), so a browser could run it as a page. "
                "Save it again as a plain PDF, PNG, JPEG or Word document and attach that.")
    if content_type != DOCX_TYPE and zipfile.is_zipfile(io.BytesIO(content)):
        _refuse("The file is also an archive (a zip file) hidden inside another type. Attach the file "
                "itself, not an archive.")
    if content_type == PDF_TYPE:
        _check_pdf(content)
    elif content_type == PNG_TYPE and not content.rstrip(b"\x00").endswith(PNG_END):
        _refuse("The image has something after its end. Save it again as a PNG and attach that.")
    elif content_type == DOCX_TYPE:
        _check_docx(content)


def _refuse(message: str) -> None:
    raise ValidationFailed({"file": message})


def _check_pdf(content: bytes) -> None:
    if not content.startswith(b"%PDF-"):
        _refuse("The file does not begin as a PDF does (with %PDF-), so it may be another kind of "
                "file as well. Save it again as a PDF and attach that.")
    names = set(_names_outside_streams(content)) | set(_names_in_objects(content))
    found = sorted({ACTIVE_PDF_NAMES[name] for name in names if name in ACTIVE_PDF_NAMES})
    if found:
        _refuse(f"The PDF contains {' and '.join(found)}, which could run when it is opened. Print it "
                "to a new PDF, which leaves them out, and attach that.")


def _names_outside_streams(content: bytes) -> Iterator[str]:
    """Every name written in the file's own syntax, whether or not the cross-reference table lists
    its object (a reader that repairs a file finds those too); `#xx` escapes decoded."""
    for match in PDF_NAME.finditer(_outside_streams(content)):
        token = re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), match.group())
        yield token.decode("latin-1")


def _outside_streams(content: bytes) -> bytes:
    """The file without its streams' data, in one pass: a stream with no end leaves the rest of the
    file to be read as syntax, never searched again for each `stream` in it."""
    kept, position = [], 0
    while (start := PDF_STREAM_START.search(content, position)) is not None:
        end = content.find(b"endstream", start.end())
        if end < 0:
            break
        kept.append(content[position:start.start()])
        position = end + len(b"endstream")
    kept.append(content[position:])
    return b" ".join(kept)


def _names_in_objects(content: bytes) -> Iterator[str]:
    """Every dictionary key and name value of every object, those in compressed object streams
    included, as pypdf reads them. A PDF pypdf cannot read is refused: it cannot be checked."""
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(content), strict=False)
            if sum(map(len, reader.xref.values())) + len(reader.xref_objStm) > MAX_PDF_OBJECTS:
                raise TooManyObjects
            pending: list = [reader.trailer]
            for generation, numbers in reader.xref.items():
                pending += [reader.get_object(IndirectObject(n, generation, reader)) for n in numbers]
            pending += [reader.get_object(number) for number in reader.xref_objStm]
    except TooManyObjects:
        _refuse(f"The PDF holds more than {MAX_PDF_OBJECTS:,} objects, far more than a document needs, so it "
                "cannot be checked. Print it to a new PDF and attach that.")
    except Exception:  # pypdf raises many kinds for a malformed file: each means it cannot be read
        _refuse("The PDF cannot be read, so it cannot be checked. Save it again as a PDF and attach that.")
    while pending:
        item = pending.pop()
        if isinstance(item, DictionaryObject):
            yield from (str(key) for key in item)
            pending += list(item.values())
        elif isinstance(item, ArrayObject):
            pending += list(item)
        elif isinstance(item, NameObject):
            yield str(item)


def _check_docx(content: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError):
        _refuse("The Word document cannot be read. Save it again as a Word document (DOCX) and attach that.")
    if len(members) > MAX_ARCHIVE_MEMBERS:
        _refuse(f"The Word document holds more than {MAX_ARCHIVE_MEMBERS:,} parts, far more than a "
                "document needs.")
    expanded = sum(member.file_size for member in members)
    if expanded > MAX_EXPANDED_BYTES:
        _refuse(f"The Word document would expand to more than {MAX_EXPANDED_BYTES // (1024 * 1024)} MB "
                "when opened, far more than a document needs.")
    if expanded > MAX_EXPANSION_RATIO * len(content):
        _refuse(f"The Word document would expand to more than {MAX_EXPANSION_RATIO} times its size when "
                "opened, as an archive bomb does.")
    if any(ACTIVE_DOCX_PART.search(member.filename) for member in members):
        _refuse("The Word document contains macros, ActiveX controls or embedded objects, which could run "
                "when it is opened. Save it as a plain Word document (DOCX) without them and attach that.")
