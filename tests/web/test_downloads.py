"""A page's table downloads as CSV or XLSX with a safe file name; any other kind is refused."""

from __future__ import annotations

import pytest
from flask import Flask

from ifr_service.errors import ValidationFailed
from ifr_service.tables import Table
from ifr_service.web.downloads import download_links, file_name, requested_download, table_file


@pytest.fixture
def page_app():
    app = Flask(__name__)
    app.add_url_rule("/spend/<region>", "spend", lambda region: "")
    return app


def test_a_title_becomes_a_plain_file_name():
    assert file_name("Spend by month: London 2026/27") == "spend-by-month-london-2026-27"
    assert file_name("\r\n;") == "table"


def test_the_links_keep_the_page_query_and_ask_for_each_kind(page_app):
    with page_app.test_request_context("/spend/Y56?year=2026&download=csv"):
        links = download_links()
    assert [link["href"] for link in links] == ["/spend/Y56?year=2026&download=csv",
                                                "/spend/Y56?year=2026&download=xlsx"]


def test_only_csv_and_xlsx_are_downloads(page_app):
    with page_app.test_request_context("/spend/Y56"):
        assert requested_download() is None
    with page_app.test_request_context("/spend/Y56?download=pdf"), pytest.raises(ValidationFailed):
        requested_download()


def test_a_table_file_is_an_attachment_of_its_kind(page_app):
    with page_app.test_request_context("/spend/Y56"):
        table = Table("Spend by drug", ["drug", "committed"], [{"drug": "=1+1", "committed": 5}])
        response = table_file(table, "csv")
    assert response.headers["Content-Disposition"] == "attachment; filename=spend-by-drug.csv"
    assert response.get_data(as_text=True).splitlines() == ["drug,committed", "'=1+1,5"]
