"""The case's own identifiers taken out of the free text a panel reads.

The de-identified application (the panel pack, and a chair's view of one case) leaves out the
patient's section and the clinician's contact details; but a clinician may still type the patient's
NHS number, name or date of birth into a free-text answer ("Mrs Example, NHS 999 000 0018, born
12/04/1968, ..."), and a case officer into a screening note. Each exact occurrence of this case's own
identifiers in any text shown to the panel is replaced with a bracketed word saying what was there:

- the NHS number in any spacing or punctuation between its digits ("9990000018", "999 000 0018",
  "999-000-0018");
- the patient's name as it is written of them: whole ("Alex Example", "Example, Alex"), the family
  name after a title or an initial ("Mrs Example", "A. Example"), the given name alone; each part of
  a name of several parts too; as whole words written as a name is (as stored, capitalised, or in
  capitals). A lower-case word that happens to be a name ("may", "grace") is left, and so is the
  family name alone, which is often a condition's or a place's name as well (Parkinson, Wilson);
- the date of birth in the common ways of writing it: 1968-04-12, 12/04/1968, 12/4/68, 12.04.1968,
  12 April 1968, 12th Apr 1968, April 12, 1968;
- the postcode of the patient's address, in any spacing; and the clinician's name, email address,
  telephone number and registration number, which the pack leaves out too.

Only this case's identifiers are looked for: it is not a search for anyone's, which no pattern could
do without taking out clinical text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from ifr_service.forms.answers import (
    CLINICIAN_EMAIL,
    CLINICIAN_NAME,
    CLINICIAN_REGISTRATION_NUMBER,
    CLINICIAN_TELEPHONE,
    PATIENT_DATE_OF_BIRTH,
    PATIENT_FAMILY_NAME,
    PATIENT_GIVEN_NAME,
    PATIENT_NHS_NUMBER,
    PATIENT_POSTAL_ADDRESS,
    read_answer,
)

NHS_NUMBER, NAME, BIRTH_DATE, POSTCODE, CLINICIAN = (
    "[NHS number removed]", "[name removed]", "[date of birth removed]", "[postcode removed]",
    "[clinician's details removed]")
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
UK_POSTCODE = re.compile(r"\b([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})\b", re.IGNORECASE)
SEPARATOR = r"[\s/.\-,]+"
HONORIFICS = {"dr", "mr", "mrs", "ms", "miss", "mx", "prof", "professor", "sir", "dame"}


class Redactor:
    """The patterns of one case's identifiers, each with what it is replaced by."""

    def __init__(self, answers: dict):
        self.patterns = [(pattern, word) for pattern, word in _patterns(answers) if pattern]

    def text(self, value: str) -> str:
        for pattern, word in self.patterns:
            value = pattern.sub(word, value)
        return value

    def answers(self, value):
        """Every string within dicts and lists scrubbed; other values as they are."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {key: self.answers(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [self.answers(item) for item in value]
        return value


def _patterns(answers: dict) -> Iterator[tuple[re.Pattern | None, str]]:
    yield _nhs_number(read_answer(answers, PATIENT_NHS_NUMBER)), NHS_NUMBER
    yield _birth_date(read_answer(answers, PATIENT_DATE_OF_BIRTH)), BIRTH_DATE
    yield _postcode(read_answer(answers, PATIENT_POSTAL_ADDRESS)), POSTCODE
    for path in (CLINICIAN_EMAIL, CLINICIAN_TELEPHONE, CLINICIAN_REGISTRATION_NUMBER):
        yield _exact(read_answer(answers, path)), CLINICIAN
    yield _clinician_name(read_answer(answers, CLINICIAN_NAME)), CLINICIAN
    yield _names(read_answer(answers, PATIENT_GIVEN_NAME), read_answer(answers, PATIENT_FAMILY_NAME)), NAME


def _nhs_number(value) -> re.Pattern | None:
    digits = re.sub(r"\D", "", value or "") if isinstance(value, str) else ""
    if len(digits) != 10 or not digits.isascii():
        return None
    return re.compile(r"(?<!\d)" + r"[\s\-.]*".join(digits) + r"(?!\d)")


def _birth_date(value) -> re.Pattern | None:
    try:
        born = date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
    if born is None:
        return None
    day = rf"0?{born.day}(?:st|nd|rd|th)?"
    name = MONTHS[born.month - 1]
    month_name = rf"(?:{name}|{name[:3]}\.?)"
    month = rf"(?:0?{born.month}|{month_name})"
    year = rf"(?:{born.year}|{born.year % 100:02d})"
    forms = [rf"{day}{SEPARATOR}{month}{SEPARATOR}{year}",  # 12/04/1968, 12 April 1968, 12/4/68
             rf"{month_name}{SEPARATOR}{day}{SEPARATOR}{year}",  # April 12, 1968
             rf"{born.year}{SEPARATOR}0?{born.month}{SEPARATOR}0?{born.day}"]  # 1968-04-12
    return re.compile(r"(?<![\dA-Za-z])(?:" + "|".join(forms) + r")(?![\dA-Za-z])", re.IGNORECASE)


def _postcode(address) -> re.Pattern | None:
    found = UK_POSTCODE.search(address) if isinstance(address, str) else None
    if found is None:
        return None
    return re.compile(rf"\b{found.group(1)}\s*{found.group(2)}\b", re.IGNORECASE)


def _exact(value) -> re.Pattern | None:
    if not isinstance(value, str) or len(value.strip()) < 4:
        return None
    return re.compile(re.escape(value.strip()), re.IGNORECASE)


def _clinician_name(name) -> re.Pattern | None:
    """The clinician's name, one field ("Dr Priya Shah"): its last word is taken as the family name."""
    words = [word for word in (name or "").split() if word.rstrip(".").lower() not in HONORIFICS] \
        if isinstance(name, str) else []
    return _names(" ".join(words[:-1]), words[-1]) if words else None


def _names(given, family) -> re.Pattern | None:
    """The person's name as it is written of them: whole (given then family, or "Family, Given"), the
    family name after a title or the given name's initial (Mrs Example, A. Example), and the given
    name, or any part of either, alone. The family name alone is left: it is often the name of a
    condition or a place too (Parkinson, Wilson, Down), which the clinical text needs. Each as a whole
    word written as a name is: as stored, capitalised, or in capitals."""
    given_names, family_names = _name_parts(given), _name_parts(family)
    if not given_names and not family_names:
        return None
    g, f = _spellings(given_names), _spellings(family_names)
    title = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Professor|Sir|Dame)\.?\s+"
    forms = []
    if g and f:
        initials = "".join(sorted({name[0].upper() for name in given_names}))
        forms += [rf"(?:{title})?{g}\s+{f}", rf"{f},\s*{g}", rf"(?:{title})?[{initials}]\.?\s+{f}"]
    if f:
        forms.append(rf"{title}{f}")
    if g:
        forms.append(rf"(?:{title})?{g}")
    return re.compile(rf"(?<!\w)(?:{'|'.join(forms)})(?!\w)")


def _name_parts(value) -> list[str]:
    """A name and each part of it of two letters or more, titles left out, the longest first."""
    if not isinstance(value, str) or not value.strip():
        return []
    whole = value.strip()
    parts = {whole, *(part for part in re.split(r"[\s\-]+", whole) if len(part) >= 2)}
    kept = (part for part in parts if part.rstrip(".").lower() not in HONORIFICS)
    return sorted(kept, key=len, reverse=True)


def _spellings(names: list[str]) -> str:
    spellings = {spelling for name in names for spelling in (name, name.title(), name.upper())}
    return "(?:" + "|".join(re.escape(s) for s in sorted(spellings, key=len, reverse=True)) + ")" \
        if spellings else ""
