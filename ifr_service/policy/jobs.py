"""The nightly cohort detection: candidates found as of today are filed in the queue, once each."""

from __future__ import annotations

import logging
from datetime import date

from ifr_service import db
from ifr_service.policy.service import file_candidates
from ifr_service.runtime import runtime

log = logging.getLogger(__name__)


def file_cohort_candidates(as_of: date | None = None) -> dict[str, list[str]]:
    """One unit of work; run again the same day it files nothing new (the queue is unique on the
    intervention and category, and unchanged evidence is left alone)."""
    with db.unit_of_work(runtime().engine):
        filed = file_candidates(as_of or runtime().today())
    log.info("cohort candidates filed: %s", filed)
    return filed
