"""The synthetic national history at national scale's shape: the years it is asked for, and with
`repeated_share`, a few interventions asked for often and a long tail asked for rarely; every row
still passes the import's checks."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import date

from ifr_service.cet.importer import import_cases
from ifr_service.cet.synthetic import write_history

AS_OF = date(2026, 10, 31)


def test_a_skewed_ten_year_history_has_a_few_frequent_requests_and_a_long_tail(app, in_db, calendar,
                                                                               tmp_path):
    calendar.set(AS_OF)
    history = tmp_path / "history.csv"
    in_db(write_history, history, 6_000, 7, AS_OF, years=10, repeated_share=0.5)
    with history.open(encoding="utf-8", newline="") as lines:
        rows = list(csv.DictReader(lines))

    received = sorted(date.fromisoformat(row["received_date"]) for row in rows)
    assert received[0] < date(2017, 2, 1) and received[-1] > date(2026, 6, 1)
    repeated = Counter(row["intervention_name"] for row in rows
                       if row["intervention_name"].startswith("Repeated therapy"))
    assert 2_700 <= sum(repeated.values()) <= 3_300  # half the background, give or take chance
    counts = sorted(repeated.values(), reverse=True)
    assert counts[0] >= 20 * counts[len(counts) // 2]  # the most asked-for, against the typical one
    assert sum(count == 1 for count in counts) >= 0.3 * len(counts)  # the long tail: asked for once

    rejects = io.StringIO()
    with app.app_context(), history.open(encoding="utf-8", newline="") as lines:
        report = import_cases(lines, rejects)
    assert (report.loaded, report.rejected) == (6_000, 0), rejects.getvalue()


def test_without_a_repeated_share_every_background_request_is_unique(app, in_db, calendar, tmp_path):
    calendar.set(AS_OF)
    history = tmp_path / "history.csv"
    in_db(write_history, history, 2_000, 7, AS_OF)
    with history.open(encoding="utf-8", newline="") as lines:
        names = Counter(row["intervention_name"] for row in csv.DictReader(lines)
                        if row["case_ref"].startswith("SYN-"))
    assert set(names.values()) == {1}
