"""A page's table as a file: the page's own address with `?download=csv` (or `xlsx`) answers with
exactly the rows the page shows, through the same query, as CSV or XLSX (ifr_service/tables.py
writes every cell as data, never a formula). A template lists the links with `download_links`
(macros/filters.html), built here from the page's own query string.
"""

from __future__ import annotations

import re

from flask import Response, request, url_for

from ifr_service.errors import ValidationFailed
from ifr_service.tables import MEDIA_TYPES, Table, as_csv, as_xlsx

KINDS = {"csv": "CSV", "xlsx": "XLSX (Excel)"}


def requested_download() -> str | None:
    """`csv` or `xlsx` when the page is asked for as a file, None for the page itself."""
    kind = request.args.get("download")
    if kind is None:
        return None
    if kind not in KINDS:
        raise ValidationFailed({"download": "Choose a download as CSV or XLSX."})
    return kind


def table_file(table: Table, kind: str) -> Response:
    content = as_csv(table) if kind == "csv" else as_xlsx(table)
    return Response(content, mimetype=MEDIA_TYPES[kind], headers={
        "Content-Disposition": f"attachment; filename={file_name(table.title)}.{kind}",
        "X-Content-Type-Options": "nosniff"})


def file_name(title: str) -> str:
    """A title as a file's name: lower case, words joined by hyphens, nothing a header could misread."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "table"


def download_links() -> list[dict]:
    """The current page's address for each kind of file, with everything it was asked for."""
    args = {name: value for name, value in request.args.items(multi=True) if name != "download"}
    return [{"kind": kind, "text": text,
             "href": url_for(request.endpoint, **(request.view_args or {}), **args, download=kind)}
            for kind, text in KINDS.items()]
