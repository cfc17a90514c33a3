"""Funding authorisation references are checked before they are looked up."""

from __future__ import annotations

import pytest
from stdnum import luhn

from ifr_service.errors import ValidationFailed
from ifr_service.funding.numbers import normalise_reference

GOOD = f"IFRA-2026-000123-{luhn.calc_check_digit('2026000123')}"


def test_a_reference_as_typed_is_read_with_spaces_lower_case_fullwidth_digits_and_other_dashes():
    fullwidth = GOOD.lower().replace("2026", "\uff12\uff10\uff12\uff16").replace("-", "\u2013", 1)
    assert normalise_reference(f"  {fullwidth} ") == GOOD


def test_a_cdf_approval_number_is_an_authorisation_reference_too():
    number = f"CDFA-2026-000007-{luhn.calc_check_digit('2026000007')}"
    assert normalise_reference(number) == number


@pytest.mark.parametrize("typed", ["12345", "IFRA-2026-123-1", "XXXX-2026-000123-1", "", "IFRA-2026-000123-"])
def test_something_that_is_not_a_reference_is_refused_naming_the_field(typed):
    with pytest.raises(ValidationFailed) as refused:
        normalise_reference(typed)
    assert "looks like IFRA-2026-000123-3" in refused.value.fields["reference"][0]


def test_a_mistyped_digit_is_caught_by_the_check_digit():
    wrong = GOOD[:-1] + str((int(GOOD[-1]) + 1) % 10)
    with pytest.raises(ValidationFailed) as refused:
        normalise_reference(wrong)
    assert "check digit does not match" in refused.value.fields["reference"][0]
