"""Funding authorisation references. A CDF approval's authorisation is its approval number
(CDFA-2026-000123-3); an IFR approval's is IFRA-2026-000123-3, from a yearly sequence of its own.
Both end in a Luhn check digit over the ten digits before it, so that a reference mistyped on an
invoice is caught before it is looked up."""

from __future__ import annotations

import re
import unicodedata

from stdnum import luhn

from ifr_service.cases.queries import allocate_reference_number
from ifr_service.errors import ValidationFailed

IFR_COUNTER = "ifr-auth"  # beside the case references' and the CDF approvals' sequences
SHAPE = re.compile(r"(IFRA|CDFA)-(\d{4})-(\d{6})-(\d)")


def allocate_ifr_reference(year: int) -> str:
    digits = f"{year:04d}{allocate_reference_number(IFR_COUNTER, year):06d}"
    return f"IFRA-{digits[:4]}-{digits[4:]}-{luhn.calc_check_digit(digits)}"


def normalise_reference(text: str) -> str:
    """The reference as stored, from how a person may type it; 422 naming `reference` if it cannot
    be one."""
    reference = re.sub(r"\s", "", read_as_ascii(str(text))).upper()
    match = SHAPE.fullmatch(reference)
    if match is None:
        raise ValidationFailed({"reference": "A funding authorisation reference looks like "
                                             "IFRA-2026-000123-3 (an IFR) or CDFA-2026-000123-3 (the CDF)."})
    if not luhn.is_valid("".join(match.groups()[1:])):
        raise ValidationFailed({"reference": "This is not a funding authorisation reference: its check "
                                             "digit does not match. Check it against the authorisation."})
    return reference


def read_as_ascii(typed: str) -> str:
    """Fullwidth digits and letters (a Japanese keyboard, or a PDF) read as their ASCII forms, and
    dashes of every kind as hyphens."""
    text = unicodedata.normalize("NFKC", typed)
    return "".join("-" if unicodedata.category(char) == "Pd" else char for char in text)
