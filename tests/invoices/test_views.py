"""The invoice-check pages: the upload, a refused file (nothing kept), a schedule's page with its
counts, totals and reasons, the challenges' download, and who may see what."""

from __future__ import annotations

import csv
import io
import re

from ifr_service.config import PROJECT_ROOT
from ifr_service.invoices.schedule import COLUMNS, MAX_BYTES
from tests.conftest import count_rows
from tests.invoices.conftest import EXAMPLE
from tests.invoices.test_schedule import FULLWIDTH_AMOUNT, GOOD, HEADER, with_cell
from tests.users.audited import audit_mark, audited_since
from tests.web.browsing import CSRF, Person


def upload(person: Person, content: bytes, filename: str = "schedule.csv", expect: int | None = None):
    return person.submit("/invoices", {"schedule": (io.BytesIO(content), filename)}, expect=expect,
                         form_page="/invoices", content_type="multipart/form-data")


def upload_raw(person: Person, content: bytes, filename: str = "schedule.csv"):
    """A large upload, its multipart body built here: Werkzeug's test client spools a body over 500 KB to a
    temporary file of its own that it never closes (a ResourceWarning, an error here)."""
    token = CSRF.search(person.open("/invoices")).group(1)
    boundary = "invoice-schedule-boundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"schedule\"; filename=\"{filename}\"\r\n"
            "Content-Type: text/csv\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
    kind = f"multipart/form-data; boundary={boundary}"
    return person.client.post("/invoices", data=body, content_type=kind)


def example() -> bytes:
    return (PROJECT_ROOT / EXAMPLE).read_bytes()


def test_the_finance_role_uploads_the_example_and_reads_its_challenges(app, client, in_db, invoice_world):
    finance = Person(client, "demo-finance")
    response = upload(finance, example(), "invoice-schedule.csv", expect=302)
    page = finance.open(response.headers["Location"])
    assert "Invoice schedule from RRV" in page
    assert "14 lines, £" in page and "3 lines, £16,507.35" in page and "11 lines" in page
    assert page.count('<th scope="row"') == 14
    assert "Follow-up overdue." in page and "Over the cost cap." in page and "No such approval." in page
    listed = finance.open("/invoices")
    assert "invoice-schedule.csv" in listed and "3 (£16,507.35)" in listed


def test_the_challenges_download_holds_only_the_trusts_challenged_lines(app, client, in_db, invoice_world):
    finance = Person(client, "demo-finance")
    location = upload(finance, example(), expect=302).headers["Location"]
    mark = audit_mark(in_db)
    download = client.get(location + "?download=csv")
    assert download.status_code == 200 and download.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(download.get_data(as_text=True))))
    assert len(rows) == 11
    assert {row["provider_code"] for row in rows} == {"RRV"}
    assert rows[0]["challenges"] == "Follow-up overdue" and "overdue" in rows[0]["reasons"]
    everything = download.get_data(as_text=True)
    assert "9990000123" in everything  # the line's own patient, as the trust sent it
    assert "RJ1" not in everything and "62,400" not in everything and "6240000" not in everything
    schedule_id = re.search(r"/invoices/(\d+)", location).group(1)
    subject = f"export:invoice-challenges:{schedule_id}"
    assert audited_since(in_db, mark, subject) == [("demo-finance", "export")]


def test_a_file_that_is_not_a_csv_is_refused_and_nothing_is_kept(app, client):
    finance = Person(client, "demo-finance")
    before = count_rows(app)
    refused = upload(finance, b"PK\x03\x04 a workbook", "schedule.xlsx", expect=422)
    assert "Choose the schedule saved as CSV" in refused.text
    renamed = upload(finance, b"%PDF-1.7\n\xe2\xe3\xcf\xd3", "schedule.csv", expect=422)
    assert "This is not a CSV file saved as UTF-8 text" in renamed.text
    assert count_rows(app) == before


def test_a_bad_line_is_refused_naming_its_line_and_column_and_nothing_is_kept(app, client):
    finance = Person(client, "demo-finance")
    before = count_rows(app)
    lines = [HEADER, GOOD, with_cell("amount_gbp", FULLWIDTH_AMOUNT, with_cell("line_number", "2")),
             with_cell("treatment_date", "31/11/2026", with_cell("line_number", "3"))]
    content = "\n".join(lines).encode()
    refused = upload(finance, content, expect=422)
    assert "Line 3, column amount_gbp (amount (£))" in refused.text
    assert "digits other than 0 to 9" in refused.text
    assert "Line 4, column treatment_date (date of treatment)" in refused.text
    assert 'href="#field-schedule"' in refused.text and "Error: Invoice checks" in refused.text
    assert count_rows(app) == before


def test_a_file_too_large_or_missing_is_refused_saying_why(app, client):
    finance = Person(client, "demo-finance")
    too_large = upload_raw(finance, b"x" * (MAX_BYTES + 1))
    assert too_large.status_code == 413
    assert f"{MAX_BYTES:,} bytes" in too_large.text
    missing = finance.submit("/invoices", {}, expect=422, form_page="/invoices")
    assert "Choose the trust&#39;s invoice schedule" in missing.text


def test_the_upload_page_states_the_format_and_its_limits(client):
    page = Person(client, "demo-cdf-admin").open("/invoices")
    assert all(f"<li><code>{column}</code></li>" in page for column in COLUMNS)
    assert "5,000 lines and 1 MB" in page
    assert "London region&#39;s Cancer Drugs Fund team" in page


def test_another_hub_or_region_does_not_find_the_schedule(app, client, in_db, invoice_world):
    location = upload(Person(client, "demo-finance"), example(), expect=302).headers["Location"]
    for username in ("demo-cdf-admin", "cdf-admin-north"):
        other = Person(app.test_client(), username)
        answer = other.client.get(location)
        assert answer.status_code == 404 and "There is no such invoice schedule" in answer.text
        assert other.client.get(location + "?download=csv").status_code == 404
        assert "invoice-schedule.csv" not in other.open("/invoices")


def test_a_clinician_cannot_upload_or_see_a_schedule(app, client):
    clinician = Person(client, "demo-clinician")
    assert clinician.client.get("/invoices").status_code == 403
    refused = clinician.submit("/invoices", {"schedule": (io.BytesIO(example()), "s.csv")},
                               form_page="/cases", content_type="multipart/form-data")
    assert refused.status_code == 403
