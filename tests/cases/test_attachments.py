"""An attached file is refused when it carries something that runs or misleads when opened: a PDF with
JavaScript, a launch action, automatic actions or embedded files; a file that is also another type;
a Word document that is an archive bomb or holds macros. Each is refused on `file`, saving nothing."""

from __future__ import annotations

import io
import struct
import time
import zipfile
import zlib

import pytest
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject, TextStringObject
from reportlab.pdfgen import canvas

from ifr_service.cases.attachments import check_file
from ifr_service.errors import ValidationFailed
from tests.builders import CLINICIAN, PDF, PNG
from tests.conftest import count_rows

MAX = 10 * 1024 * 1024
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32 + b"\xff\xd9"


def refusal(content: bytes, name: str = "evidence.pdf") -> str:
    with pytest.raises(ValidationFailed) as refused:
        check_file(name, content, MAX)
    assert set(refused.value.fields) == {"file"}
    message = refused.value.fields["file"]
    return " ".join(message) if isinstance(message, list) else message


def pdf(change=lambda writer: None) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def action(kind: str, **entries) -> DictionaryObject:
    return DictionaryObject({NameObject("/S"): NameObject(kind),
                             **{NameObject(f"/{key}"): value for key, value in entries.items()}})


def open_action(value):
    def change(writer: PdfWriter) -> None:
        writer._root_object[NameObject("/OpenAction")] = value
    return change


def named_javascript(writer: PdfWriter) -> None:
    """JavaScript in the document's name tree, which a reader runs when it opens the document."""
    script = writer._add_object(action("/JavaScript", JS=TextStringObject("app.alert(1)")))
    writer._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): DictionaryObject(
        {NameObject("/Names"): ArrayObject([TextStringObject("start"), script])})})


def docx(parts: dict[str, bytes | int]) -> bytes:
    """A Word document's zip; a part given as a number is that many zero bytes, written in pieces."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for name, content in parts.items():
            if isinstance(content, int):
                with archive.open(name, "w", force_zip64=True) as part:
                    for _ in range(content // (1024 * 1024)):
                        part.write(bytes(1024 * 1024))
            else:
                archive.writestr(name, content)
    return out.getvalue()


WORD = {"word/document.xml": b"<w:document/>"}


def test_a_pdf_that_runs_javascript_when_opened_is_refused():
    message = refusal(pdf(open_action(action("/JavaScript", JS=TextStringObject("app.launchURL('x')")))))
    assert "JavaScript" in message and "PDF" in message


def test_javascript_in_the_documents_names_is_refused():
    assert "JavaScript" in refusal(pdf(named_javascript))


def test_javascript_behind_escaped_names_is_refused():
    hidden = PDF.replace(b"/Type /Catalog",
                         b"/Type /Catalog /O#70enAction << /S /J#61vaScript /J#53 (app.alert(1)) >>")
    assert "JavaScript" in refusal(hidden)


def javascript_in_an_object_stream() -> bytes:
    """A PDF 1.5 whose opening action is compressed inside an object stream, found only through its
    cross-reference stream: no byte of the file spells /JavaScript."""
    out, offsets = bytearray(b"%PDF-1.5\n"), {}

    def add(number: int, body: bytes) -> None:
        offsets[number] = len(out)
        out.extend(b"%d 0 obj\n" % number + body + b"\nendobj\n")

    add(1, b"<< /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R >>")
    add(2, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
    add(3, b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 72 72] >>")
    header, packed = b"5 0 ", zlib.compress(b"5 0 << /S /JavaScript /JS (app.alert(1)) >>")
    add(4, b"<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
        % (len(header), len(packed)) + packed + b"\nendstream")
    offsets[6] = len(out)
    rows = [(0, 0, 65535), *((1, offsets[n], 0) for n in (1, 2, 3, 4)), (2, 4, 0), (1, offsets[6], 0)]
    table = b"".join(struct.pack(">BIH", *row) for row in rows)
    out.extend(b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n" % len(table)
               + table + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % offsets[6])
    return bytes(out)


def test_javascript_compressed_in_an_object_stream_is_refused():
    hidden = javascript_in_an_object_stream()
    assert b"/JavaScript" not in hidden
    assert "JavaScript" in refusal(hidden)


def test_a_launch_action_is_refused():
    link = action("/Launch", F=TextStringObject("cmd.exe"))
    assert "opens another program" in refusal(pdf(open_action(link)))


def test_automatic_actions_on_a_page_are_refused():
    def on_open(writer: PdfWriter) -> None:
        writer.pages[0][NameObject("/AA")] = DictionaryObject(
            {NameObject("/O"): action("/URI", URI=TextStringObject("https://evil.example/"))})
    assert "run by themselves" in refusal(pdf(on_open))


def test_a_pdf_with_an_embedded_file_is_refused():
    assert "embedded files" in refusal(pdf(lambda writer: writer.add_attachment("run.exe", b"MZ\x90\x00")))


def test_a_pdf_opening_at_its_first_page_and_a_letter_with_text_are_accepted():
    first_page = ArrayObject([NumberObject(0), NameObject("/Fit")])
    assert check_file("opens.pdf", pdf(open_action(first_page)), MAX).content_type == "application/pdf"
    out = io.BytesIO()
    letter = canvas.Canvas(out, pageCompression=1)
    letter.drawString(72, 720, "Clinic letter: the patient's response to treatment, and the plan.")
    letter.save()
    assert check_file("letter.pdf", out.getvalue(), MAX).content_type == "application/pdf"


def test_a_pdf_that_does_not_begin_with_its_header_is_refused():
    assert "%PDF-" in refusal(b"\xef\xbb\xbf" + PDF)


def test_a_pdf_that_is_also_a_web_page_is_refused():
    polyglot = PDF.replace(b"%PDF-1.3\n", b"%PDF-1.3\n%<html><script>alert(document.cookie)</script>\n")
    assert "HTML" in refusal(polyglot)


def test_a_pdf_that_is_also_an_archive_is_refused():
    assert "archive" in refusal(PDF + docx({"payload.exe": b"MZ\x90\x00"}))


def test_a_pdf_that_cannot_be_read_is_refused_as_it_cannot_be_checked():
    assert "cannot be read" in refusal(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")


def test_a_pdf_of_streams_that_never_end_is_judged_in_one_pass():
    started = time.monotonic()
    assert "cannot be read" in refusal(b"%PDF-1.4\n" + b"stream\n" * 300_000)
    assert time.monotonic() - started < 20  # searching again from each `stream` would take hours


def pdf_of_objects(count: int) -> bytes:
    """A valid PDF of a catalog, an empty page tree and `count` small objects, all in its table."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Count 0 /Kids [] >>",
               *[b"<< /A [1 2 3] >>"] * count]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    table = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, table)
    return bytes(out)


def test_a_pdf_of_more_objects_than_a_document_needs_is_refused_before_they_are_read(monkeypatch):
    """Each object is read to look for active content: 150,000 small ones (8.4 MB, within the upload
    limit) held a request for 5 s. More than MAX_PDF_OBJECTS are refused once the table is read."""
    from ifr_service.cases import file_contents

    assert file_contents.MAX_PDF_OBJECTS == 100_000  # a long tagged report has tens of thousands
    monkeypatch.setattr(file_contents, "MAX_PDF_OBJECTS", 50)
    assert check_file("report.pdf", pdf_of_objects(40), MAX).size_bytes > 0
    started = time.monotonic()
    assert "more than 50 objects" in refusal(pdf_of_objects(60))
    assert time.monotonic() - started < 2


@pytest.mark.parametrize(("image", "name"), [(PNG, "scan.png"), (JPEG, "photo.jpg")])
def test_an_image_with_a_web_page_after_it_is_refused(image, name):
    assert "HTML" in refusal(image + b"<html><body onload=alert(1)></body></html>", name)
    assert check_file(name, image, MAX).size_bytes == len(image)


def test_a_png_with_anything_after_its_end_is_refused():
    assert "after its end" in refusal(PNG + b"payload", "scan.png")


def test_a_word_document_that_expands_many_times_its_size_is_refused():
    assert "100 times its size" in refusal(docx({**WORD, "word/media/fill.bin": 20 * 1024 * 1024}), "a.docx")


def test_a_word_document_that_expands_beyond_the_limit_is_refused():
    assert "more than 100 MB" in refusal(docx({**WORD, "word/media/fill.bin": 101 * 1024 * 1024}), "a.docx")


def test_a_word_document_with_macros_is_refused_and_a_plain_one_accepted():
    assert "macros" in refusal(docx({**WORD, "word/vbaProject.bin": b"\xd0\xcf\x11\xe0"}), "a.docx")
    assert check_file("plain.docx", docx(WORD), MAX).filename == "plain.docx"


def test_the_api_refuses_active_content_on_file_and_saves_nothing(app, client, auth, application):
    reference = client.post("/api/v1/cases", json={"patient": application["patient"]},
                            headers=auth(CLINICIAN)).json["reference"]
    before = count_rows(app)
    response = client.post(f"/api/v1/cases/{reference}/attachments", headers=auth(CLINICIAN), data={
        "file": (io.BytesIO(pdf(named_javascript)), "letter.pdf")})
    assert response.status_code == 422
    [error] = response.json["errors"]
    assert error["field"] == "file" and "JavaScript" in error["message"]
    assert count_rows(app) == before
