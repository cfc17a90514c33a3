"""Error messages that name their question in words, as the NHS.UK design system's do.

"Enter why the request is urgent", "Select the patient's commissioner", "Enter the cost as a
number, like 62400 or 62,400": each message says what to do about which question
(https://service-manual.nhs.uk/design-system/components/error-message). A field's `name` in
forms/ (or an action's payload) is the noun phrase its messages use; without one, its label
is used, its first letter lower-cased unless it starts an abbreviation ("NHS number"). A field
without a name inside a group or a list's rows is named with its group: "reasons for value for money".

The same words answer the API (under the field's dotted path) and the pages (beside the input).
"""

from __future__ import annotations

from ifr_service.forms.definition import FieldDefinition

PAST_EXAMPLE = "28 2 1958"
DATE_EXAMPLE = "15 3 2027"


def field_name(definition: FieldDefinition, within: str | None = None) -> str:
    """The noun phrase the field's messages use: its own `name` alone, which says what it is ("the
    comparator group"); else its label, with the group or list it is part of ("reasons for value for
    money")."""
    if definition.name:
        return definition.name
    name = _lower_first(definition.label.rstrip("?.:"))
    return f"{name} for {within}" if within else name


def _lower_first(text: str) -> str:
    if len(text) > 1 and text[1].isupper():  # NHS number, ICD-10 code, GMC
        return text
    return text[:1].lower() + text[1:]


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def required_message(definition: FieldDefinition, name: str) -> str:
    """What to do when the question is unanswered."""
    kind = definition.type
    if kind == "boolean" and definition.rules.get("must_be") is True:
        return f"Confirm that {_lower_first(definition.label)}"
    if kind == "boolean":
        if definition.name:
            return f"Select yes or no for whether {name}"
        return f"Select yes or no: {definition.label}"
    if kind in ("choice", "commissioner") or (kind == "list" and definition.item.type == "choice"):
        return f"Select {name}"
    if kind == "group":  # a criterion: its finding and its reasons
        return f"Answer the questions on {name}"
    return f"Enter {name}"


def length_message(name: str, minimum: int | None, maximum: int | None) -> str:
    if minimum and maximum:
        return f"Enter {name} between {minimum} and {maximum} characters"
    if maximum:
        return f"Enter {name} in {maximum} characters or fewer"
    return f"Enter {name} in at least {minimum} characters"


def items_message(definition: FieldDefinition, name: str, minimum: int | None, maximum: int) -> str:
    verb = "Select" if definition.item.type == "choice" else "Enter"
    if minimum:
        return f"{verb} between {minimum} and {maximum} {name}"
    return f"{verb} no more than {maximum} {name}"


def choice_message(name: str, values: list) -> str:
    return f"Select {name}: one of {', '.join(str(value) for value in values)}"


def range_message(name: str) -> str:
    return f"Enter {name} between {{min}} and {{max}}"


def type_messages(definition: FieldDefinition, name: str) -> dict[str, str]:
    """marshmallow's messages for an answer of the wrong kind, in words naming the question."""
    kind = definition.type
    if kind == "date":
        example = PAST_EXAMPLE if definition.rules.get("not_future") else DATE_EXAMPLE
        return {"invalid": f"Enter {name} as a real date, like {example}"}
    if kind == "money":
        return {"invalid": f"Enter {name} as a number, like 62400 or 62,400",
                "special": f"Enter {name} as a number, like 62400 or 62,400"}
    if kind == "integer":
        return {"invalid": f"Enter {name} as a whole number, like 12"}
    if kind == "email":
        return {"invalid": f"Enter {name} in the correct format, like name@nhs.net"}
    if kind == "boolean":
        return {"invalid": required_message(definition, name)}
    if kind in ("text", "long_text", "commissioner"):
        return {"invalid": f"Enter {name} as text"}
    return {}


def capitalised(message: str) -> str:
    return _upper_first(message)
