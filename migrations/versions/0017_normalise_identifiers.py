"""One patient, one identity: identifiers and codes already stored in another script's digits
(fullwidth, Arabic-Indic...) are rewritten in the digits 0 to 9, and text no page can show (lone
surrogates, control characters, direction overrides) is replaced by U+FFFD in cases' answers.

What is rewritten:
- ifr_case.answers: the NHS number (its spaces and hyphens dropped too), ICD-10, dm+d, OPCS-4 and
  ODS codes, the registration number, amounts and dates are NFKC-folded (a fullwidth C becomes C)
  and their digits written 0 to 9; in every other answer, a lone surrogate, a control character
  other than a new line or tab, or a direction override becomes U+FFFD.
- cdf_application.nhs_number: as the answers' NHS number.
- national_case.patient_pseudonym of a case whose NHS number was rewritten: recomputed from the
  rewritten number under the configured CET_PSEUDONYM_KEY, so it links with the patient's others.

What cannot be: a national_case row imported from CSV (no case_id) keeps no NHS number, so its
pseudonym, if keyed from another script's digits, cannot be recomputed; the importer refused such
rows from this release on. Two CDF approvals that now share one NHS number are not undone: the
migration logs how many patients have more than one, for the CDF team to review.

The downgrade changes nothing back: the earlier spellings were the fault.

Revision ID: 0017_normalise_identifiers
Revises: 0016_add_conflict_withdrawal
Create Date: 2026-12-07
"""

import hashlib
import hmac
import logging
import os
import unicodedata

import sqlalchemy as sa
from alembic import context, op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0017_normalise_identifiers"
down_revision = "0016_add_conflict_withdrawal"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

JSON = sa.JSON().with_variant(JSONB(), "postgresql")
CODED = {("patient", "nhs_number"), ("patient", "date_of_birth"), ("diagnosis", "icd10_code"),
         ("intervention", "dmd_code"), ("intervention", "opcs4_code"), ("clinician", "provider_ods_code"),
         ("clinician", "registration_number"), ("cost", "amount_gbp"), ("treatment", "planned_start_date"),
         ("drug", "dmd_code")}
BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _ascii_code(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text)
    return "".join(str(unicodedata.decimal(c)) if c.isdigit() and not c.isascii()
                   and unicodedata.decimal(c, None) is not None else c for c in folded)


def _nhs_number(text: str) -> str:
    return "".join(c for c in _ascii_code(text) if c not in " -")


def _safe(text: str) -> str:
    return "".join("\ufffd" if ("\ud800" <= c <= "\udfff" or c in BIDI
                                or (unicodedata.category(c) == "Cc" and c not in "\n\r\t")) else c
                   for c in text)


def _clean(value):
    if isinstance(value, str):
        return _safe(value)
    if isinstance(value, list):
        return [_clean(item) for item in value]
    if isinstance(value, dict):
        return {key: _clean(item) for key, item in value.items()}
    return value


def _normalised(answers: dict) -> dict:
    cleaned = _clean(answers)
    for section, key in CODED:
        value = (cleaned.get(section) or {}).get(key) if isinstance(cleaned.get(section), dict) else None
        if isinstance(value, str):
            cleaned[section][key] = _nhs_number(value) if key == "nhs_number" else _ascii_code(value)
    return cleaned


def upgrade() -> None:
    connection = op.get_bind()
    cases = sa.table("ifr_case", sa.column("id", sa.Integer), sa.column("answers", JSON))
    renumbered: dict[int, str] = {}
    for case_id, answers in connection.execute(sa.select(cases.c.id, cases.c.answers)).all():
        if not isinstance(answers, dict):
            continue
        normalised = _normalised(answers)
        if normalised != answers:
            connection.execute(cases.update().where(cases.c.id == case_id).values(answers=normalised))
            before = (answers.get("patient") or {}).get("nhs_number")
            after = (normalised.get("patient") or {}).get("nhs_number")
            if before != after and isinstance(after, str):
                renumbered[case_id] = after

    applications = sa.table("cdf_application", sa.column("case_id", sa.Integer),
                            sa.column("nhs_number", sa.String))
    for row_id, number in connection.execute(sa.select(applications.c.case_id, applications.c.nhs_number)).all():
        if number is not None and _nhs_number(number) != number:
            connection.execute(applications.update().where(applications.c.case_id == row_id)
                               .values(nhs_number=_nhs_number(number)))
    _recompute_pseudonyms(connection, renumbered)
    _report_shared_approvals(connection)


def _recompute_pseudonyms(connection, renumbered: dict[int, str]) -> None:
    if not renumbered:
        return
    key = context.config.attributes.get("pseudonym_key") or os.environ.get("CET_PSEUDONYM_KEY")
    if not key:
        log.warning("0017: %d cases' national pseudonyms were not recomputed: no pseudonym key",
                    len(renumbered))
        return
    national = sa.table("national_case", sa.column("case_id", sa.Integer),
                        sa.column("patient_pseudonym", sa.String))
    for case_id, number in renumbered.items():
        pseudonym = hmac.digest(key.encode(), number.encode(), hashlib.sha256).hex()
        connection.execute(national.update().where(national.c.case_id == case_id)
                           .values(patient_pseudonym=pseudonym))
    log.info("0017: %d cases' NHS numbers rewritten in the digits 0 to 9, pseudonyms recomputed",
             len(renumbered))


def _report_shared_approvals(connection) -> None:
    shared = connection.execute(sa.text(
        "SELECT count(*) FROM (SELECT nhs_number, entry_key FROM cdf_application "
        "WHERE approval_number IS NOT NULL GROUP BY nhs_number, entry_key HAVING count(*) > 1) AS shared"
    )).scalar_one()
    if shared:
        log.warning("0017: %d patient and CDF entry pairs have more than one approval (a re-approval after "
                    "treatment stopped is one): review whether "
                    "more than one is in force", shared)


def downgrade() -> None:
    pass  # the earlier spellings were the fault: nothing to restore
