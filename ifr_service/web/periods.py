"""A date typed into a page's filter in the design system's date input: three boxes, day, month and
year (the NHS service manual's pattern for a date a person knows), sent as `from[day]`,
`from[month]` and `from[year]`. Read here into the ISO text (`from=2026-11-03`) the query schemas
take, so a page and the API load the same schema; a link that carries `from=2026-11-03` still works.

A part-typed date, a word, a fullwidth digit or a day that does not exist is refused by name, in
words ("Enter the 'from' date as a day, month and year, like 3 11 2026"), before any query runs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from marshmallow import Schema

from ifr_service.errors import ValidationFailed
from ifr_service.text import ascii_digits_problem, text_problem
from ifr_service.web.requests import load_query

PARTS = ("day", "month", "year")


def load_filters(schema: Schema, args: Mapping[str, str], dates: Iterable[tuple[str, str]]) -> dict:
    """The page's query loaded by `schema`, each of `dates` (name, words for it) read from its
    date input first. Every problem, in the dates and the rest, is named in one 422."""
    plain = {name: value for name, value in args.items() if "[" not in name}
    problems: dict[str, str] = {}
    for name, words in dates:
        try:
            typed = read_date(args, name, words)
        except ValidationFailed as error:
            problems.update(error.fields)
            plain.pop(name, None)
            continue
        if typed is not None:
            plain[name] = typed.isoformat()
    try:
        loaded = load_query(schema, plain)
    except ValidationFailed as error:
        raise ValidationFailed({**error.fields, **problems}) from error
    if problems:
        raise ValidationFailed(problems)
    return loaded


def read_date(args: Mapping[str, str], name: str, words: str) -> date | None:
    """The date typed in `name`'s three boxes, None if all three are blank."""
    parts = [args.get(f"{name}[{part}]", "").strip() for part in PARTS]
    if not any(parts):
        return None
    example = "like 3 11 2026"
    for part in parts:
        if problem := text_problem(part):
            raise ValidationFailed({name: problem})
        if problem := ascii_digits_problem(part, words):
            raise ValidationFailed({name: f"{problem[:-1]}, {example}."})
    missing = [part for part, typed in zip(PARTS, parts, strict=True) if not typed]
    if missing:
        raise ValidationFailed({name: f"The {words} must include a {' and a '.join(missing)}."})
    if not all(part.isdigit() and len(part) <= 4 for part in parts) or len(parts[2]) != 4:
        raise ValidationFailed({name: f"Enter the {words} as a day, month and year in numbers, {example}."})
    day, month, year = (int(part) for part in parts)
    try:
        return date(year, month, day)
    except ValueError:
        raise ValidationFailed({name: f"The {words} must be a real date, {example}."}) from None


def shown_date_parts(args: Mapping[str, str], name: str, value: date | None) -> dict[str, str]:
    """What the three boxes show: what was typed, or else the date in force (a default period)."""
    typed = {f"{name}[{part}]": args.get(f"{name}[{part}]", "") for part in PARTS}
    if any(typed.values()) or value is None:
        return typed
    return {f"{name}[day]": str(value.day), f"{name}[month]": str(value.month),
            f"{name}[year]": str(value.year)}
