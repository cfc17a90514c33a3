"""What text the service accepts, and how an error quotes what it was given.

One judgement for every way text comes in (a JSON body, a query string, a page's form, a
multipart upload's filename, an imported CSV row): text that cannot be stored on both databases,
shown on a page or written to a log without harm is refused, never cleaned. docs/security.md
("Text that cannot hurt") explains each rule.
"""

from __future__ import annotations

import unicodedata

# Characters that reorder the text around them on screen (Trojan Source): the embeddings and
# overrides U+202A-U+202E and the isolates U+2066-U+2069. The plain marks (U+200E, U+200F) only
# give neutral characters a direction and stay allowed.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
LINE_BREAKS = frozenset("\n\r\t")
QUOTE_LIMIT = 40


def text_problem(value: str, multiline: bool = False) -> str | None:
    """Why `value` cannot be accepted as text, in words a person understands, or None if it can.

    Refused: NUL; a lone surrogate (half of a character that cannot be stored as UTF-8); control
    characters (C0, DEL and C1: escape sequences among them); and bidirectional embeddings,
    overrides and isolates. A new line, carriage return and tab are allowed in long text only.
    """
    for character in value:
        if character in LINE_BREAKS and multiline:
            continue
        if "\ud800" <= character <= "\udfff":
            return "This holds a broken character (half of a Unicode pair): type it again."
        if character in BIDI_CONTROLS:
            return "This holds an invisible character that reverses text direction, which is not allowed."
        if unicodedata.category(character) == "Cc":
            if character == "\x00":
                return "This holds a NUL character, which is not allowed."
            if character in LINE_BREAKS:
                return "Keep this to one line: it cannot hold a new line or a tab."
            return "This holds a control character, which is not allowed."
    return None


def has_unsafe_text(value: str) -> bool:
    """Whether `value` holds what no text anywhere may hold (line breaks allowed)."""
    return text_problem(value, multiline=True) is not None


def ascii_digits_problem(value: str, what: str) -> str | None:
    """A message if `value` writes a digit in another script (fullwidth, Arabic-Indic...), which
    would make one code or date look like another to a person but not to the database."""
    if any(character.isdigit() and not character.isascii() for character in value):
        return f"Type the {what} in the digits 0 to 9."
    return None


def shortened(value: object, limit: int = QUOTE_LIMIT) -> str:
    """A short, printable piece of what was given, for an error message to echo: at most `limit`
    characters (then "…"), with anything unprintable shown as an escape; never a whole long input."""
    text = value if isinstance(value, str) else repr(value)
    piece = text[:limit]
    if not piece.isprintable():
        piece = piece.encode("unicode_escape", "backslashreplace").decode("ascii")
    return f"{piece}…" if len(text) > limit else piece


def quoted(value: object, limit: int = QUOTE_LIMIT) -> str:
    """The short piece in quotes, as a message names a value it could not use ('X99.9')."""
    return f"'{shortened(value, limit)}'"
