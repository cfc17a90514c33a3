"""The key requests for one treatment are grouped by, wherever they are counted: a case's own
record, the national database, cohorts, the policy library and the CDF. Pure, so the case engine,
the CET and the importer share one definition."""

from __future__ import annotations

import unicodedata
from functools import lru_cache


class _Punctuation(dict):
    """A str.translate table that deletes Unicode punctuation (categories P*), filled as
    characters are met rather than for all of Unicode up front."""

    def __missing__(self, codepoint: int) -> int | None:
        kept = None if unicodedata.category(chr(codepoint)).startswith("P") else codepoint
        self[codepoint] = kept
        return kept


_PUNCTUATION = _Punctuation()


@lru_cache(maxsize=1 << 16)  # names repeat: the same treatment is requested again and again
def normalise_intervention(name: str) -> str:
    """A treatment's name as cohorts group it: Unicode casefold, punctuation removed, white space
    collapsed and trimmed ("Drug-X, 100 mg" and "drugx 100  MG" are one)."""
    return " ".join(name.casefold().translate(_PUNCTUATION).split())


def intervention_key(name: str, code: str | None) -> str:
    """The intervention's code where there is one (a dm+d or OPCS-4 code), otherwise its name."""
    code = (code or "").strip()
    return (code or normalise_intervention(name))[:200]
