"""CDF approval numbers: CDFA-2026-000123-3, the last digit a Luhn check digit over the digits
before it, so that a number mistyped on an invoice is caught before it is looked up."""

from __future__ import annotations

import re

from stdnum import luhn

from ifr_service.cases.queries import allocate_reference_number
from ifr_service.errors import ValidationFailed

COUNTER = "cdf-appr"  # the approvals' own yearly sequence beside the case references'
SHAPE = re.compile(r"CDFA-(\d{4})-(\d{6})-(\d)")


def allocate_approval_number(year: int) -> str:
    digits = f"{year:04d}{allocate_reference_number(COUNTER, year):06d}"
    return f"CDFA-{digits[:4]}-{digits[4:]}-{luhn.calc_check_digit(digits)}"


def normalise_approval_number(text: str) -> str:
    """The number as stored, from how a person may type it; 422 naming `number` if it cannot be one."""
    number = re.sub(r"\s", "", text).upper()
    match = SHAPE.fullmatch(number)
    if match is None:
        raise ValidationFailed({"number": "An approval number looks like CDFA-2026-000123-3."})
    if not luhn.is_valid("".join(match.groups())):
        raise ValidationFailed({"number": "This is not a CDF approval number: its check digit does not "
                                          "match. Check it against the approval."})
    return number
