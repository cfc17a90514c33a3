"""Form and payload definitions as page inputs, and posted values read back into answers.

The same field definitions that build the API's schemas build the pages: a field's dotted
path (`patient.nhs_number`, `findings.value_for_money.reasons`) is its input's name, so the
service's error for a path lands beside the input that holds it. Reading a posted page only
reshapes text into the answers' JSON form; every rule is checked by the service.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from ifr_service.errors import ValidationFailed
from ifr_service.forms.definition import FieldDefinition
from ifr_service.forms.messages import field_name, items_message
from ifr_service.text import ascii_digits_problem, text_problem
from ifr_service.web.display import nhs_date, nhs_money, nhs_number

MISSING = object()  # the page had no answer for this field: the draft keeps what it had
SELECT_ABOVE = 8  # a choice with more options than this is a select, not radios
ROW = re.compile(r"\.(\d+)\.")


def field_id(path: str) -> str:
    return "field-" + path.replace(".", "-")


def error_list(errors: Mapping[str, list[str]]) -> list[dict]:
    """The error summary's links: each to the input its message is about."""
    return [{"text": message, "href": f"#{field_id(path)}"} if path != "_request" else {"text": message}
            for path, messages in errors.items() for message in messages]


def field_errors(errors: Mapping[str, list[str]] | None, path: str) -> str | None:
    messages = (errors or {}).get(path)
    return messages[0] if messages else None


def read_fields(definitions: Iterable[FieldDefinition], form: Mapping[str, str], prefix: str = "") -> dict:
    """The posted answers; a question asked only under an answer not chosen (`only_when`) is left
    out, so what a person typed under the branch they did not take asks nothing."""
    by_key = {definition.key: definition for definition in definitions}
    answers = {}
    for key, definition in by_key.items():
        value = read_field(definition, form, f"{prefix}{key}")
        if value is not MISSING:
            answers[key] = value
    return {key: value for key, value in answers.items() if is_asked(by_key[key], answers)}


def is_asked(definition: FieldDefinition, answers: Mapping) -> bool:
    """Whether the question is asked, given its siblings' answers (always, without `only_when`)."""
    condition = definition.only_when
    return condition is None or answers.get(condition["field"]) in condition["in"]


def branches(definitions: Iterable[FieldDefinition]) -> list[dict]:
    """The questions asked only under some answers of another (`only_when`), one fieldset for each
    set of answers, in order: {"legend": "If …", "fields": [...]}. A page shows each under its own
    legend rather than revealed under a radio, since the design system keeps conditionally revealed
    content to a simple question or two (service-manual.nhs.uk/design-system/components/radios)."""
    definitions = tuple(definitions)
    by_key = {definition.key: definition for definition in definitions}
    found: dict[tuple, dict] = {}
    for definition in definitions:
        if definition.only_when is None:
            continue
        trigger, values = by_key[definition.only_when["field"]], tuple(definition.only_when["in"])
        labels = {option["value"]: option["label"] for option in trigger.options}
        legend = "If you chose " + " or ".join(f"“{labels.get(value, value)}”" for value in values)
        found.setdefault((trigger.key, values), {"legend": legend, "fields": []})["fields"].append(definition)
    return list(found.values())


def read_field(definition: FieldDefinition, form: Mapping[str, str], path: str):
    """The posted answer to one field, or MISSING; ValidationFailed naming the field if its text
    is not allowed (a NUL, a control character, a direction override: ifr_service/text.py)."""
    if definition.type == "group":
        return read_fields(definition.fields, form, f"{path}.") or MISSING
    if definition.type == "list":
        return _read_list(definition, form, path)
    if definition.type == "date":
        return _read_date(form, path, definition)
    raw = _checked(form.get(path), path, multiline=definition.type == "long_text")
    if raw is None or not raw.strip():
        return MISSING
    if definition.type == "boolean":
        return {"yes": True, "no": False}.get(raw, raw)
    if definition.type == "choice":
        return next((option["value"] for option in definition.options
                     if option_text(option["value"]) == raw), raw)
    return raw.strip()


def _read_list(definition: FieldDefinition, form: Mapping[str, str], path: str):
    if definition.item.type == "choice":  # checkboxes: one value for each box ticked
        ticked = form.getlist(path) if hasattr(form, "getlist") else [form[path]] if path in form else []
        return [read_field(definition.item, {path: value}, path) for value in ticked] or MISSING
    if definition.item.type != "group":
        raw = _checked(form.get(path), path, multiline=True)
        return MISSING if raw is None else [line.strip() for line in raw.splitlines() if line.strip()]
    rows = sorted({int(match.group(1)) for name in form if name.startswith(f"{path}.")
                   for match in [ROW.match(name[len(path):])] if match})
    if not rows:
        return MISSING
    most = definition.rules.get("max_items")
    if most and len(rows) > most:  # refused before a row is read, as the API refuses such a list
        raise ValidationFailed({path: items_message(definition, field_name(definition), None, most)})
    items = [read_fields(definition.item.fields, form, f"{path}.{row}.") for row in rows]
    return [item for item in items if item]


def _checked(raw: str | None, path: str, multiline: bool) -> str | None:
    problem = raw and text_problem(raw, multiline=multiline)
    if problem:
        raise ValidationFailed({path: problem})
    return raw


def _read_date(form: Mapping[str, str], path: str, definition: FieldDefinition):
    day, month, year = (_checked(form.get(f"{path}[{part}]", ""), path, multiline=False).strip()
                        for part in ("day", "month", "year"))
    if not (day or month or year):
        return MISSING
    if ascii_digits_problem(day + month + year, "date"):
        raise ValidationFailed({path: f"Enter {field_name(definition)} in the digits 0 to 9, like 28 2 1958"})
    if day.isdigit() and month.isdigit() and year.isdigit():
        return f"{int(year):04d}-{int(month):02d}-{int(day):02d}"
    return f"{year}-{month}-{day}"  # the service names the field as not a valid date


def option_text(value) -> str:
    """An option's value as a page carries it: true/false for booleans, else its text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def shown_values(definitions: Iterable[FieldDefinition], answers: Mapping | None, prefix: str = "") -> dict:
    """Saved answers flattened into the inputs' names and text: the reverse of read_fields."""
    shown: dict[str, str] = {}
    for definition in definitions:
        value = (answers or {}).get(definition.key)
        if value is not None:
            _show(definition, value, f"{prefix}{definition.key}", shown)
    return shown


def _show(definition: FieldDefinition, value, path: str, shown: dict[str, str]) -> None:
    if definition.type == "group" and isinstance(value, Mapping):
        shown.update(shown_values(definition.fields, value, f"{path}."))
    elif definition.type == "list" and isinstance(value, list):
        if definition.item.type == "choice":
            shown[path] = "\n".join(option_text(item) for item in value)
        elif definition.item.type == "group":
            for row, item in enumerate(value):
                shown.update(shown_values(definition.item.fields, item, f"{path}.{row}."))
        else:
            shown[path] = "\n".join(str(item) for item in value)
    elif definition.type == "date" and isinstance(value, str) and value.count("-") == 2:
        year, month, day = value.split("-")
        shown.update({f"{path}[day]": day, f"{path}[month]": month, f"{path}[year]": year})
    elif definition.type == "boolean":
        shown[path] = "yes" if value is True else "no" if value is False else str(value)
    else:
        shown[path] = option_text(value)


def posted_values(form) -> dict[str, str]:
    """What was just posted, as the inputs show it again beside its errors."""
    return {name: "\n".join(values) for name, values in form.lists()}


def action_page(action, caption: str, back: tuple[str, str], values: Mapping[str, str],
                errors: Mapping[str, list[str]] | None):
    """The page of a workflow action: its payload as inputs. `back` is (address, words)."""
    from flask import render_template

    return render_template("action.html", title=action.title, action=action, caption=caption,
                           back_link={"href": back[0], "text": back[1]}, values=values, errors=errors)


def row_count(shown: Mapping[str, str], path: str, most: int | None = None) -> int:
    """How many rows a list of groups shows: those answered, and one more to fill in; never more
    than the list may hold (a page posted with row 9999 does not draw ten thousand rows)."""
    rows = {int(match.group(1)) for name in shown if name.startswith(f"{path}.")
            for match in [ROW.match(name[len(path):])] if match and len(match.group(1)) <= 6}
    count = (max(rows) + 1 if rows else 0) + 1
    return min(count, most) if most else count


def reveals(definitions: Iterable[FieldDefinition], section: str) -> dict[str, dict[str, list]]:
    """The questions each answer of a section reveals: a question required when another of the
    same section has certain answers (`required_when`) is shown under those answers, as the design
    system's conditional reveal. {trigger key: {answer as the page carries it: [questions]}}."""
    by_key = {definition.key: definition for definition in definitions}
    shown: dict[str, dict[str, list]] = {}
    for definition in by_key.values():
        trigger_section, _, trigger_key = (definition.required_when or {}).get("field", "").partition(".")
        trigger = by_key.get(trigger_key) if trigger_section == section else None
        if trigger is None or not _has_radios(trigger):
            continue
        for value in definition.required_when["in"]:
            shown.setdefault(trigger.key, {}).setdefault(option_text(value), []).append(definition)
    return shown


def revealed_keys(definitions: Iterable[FieldDefinition], section: str) -> set[str]:
    return {child.key for answers in reveals(definitions, section).values()
            for children in answers.values() for child in children}


def _has_radios(definition: FieldDefinition) -> bool:
    return (definition.type == "boolean" and not definition.rules.get("must_be")) or \
        (definition.type == "choice" and len(definition.options) <= SELECT_ABOVE)


def chosen_copies(definitions: Iterable[FieldDefinition], form, section: str):
    """The posted form with one answer to each revealed question: a question revealed under two
    answers (urgent, emergency) is on the page twice, and the copy under the answer chosen counts.
    A question revealed under answers not chosen is cleared: its hidden box asks nothing."""
    from werkzeug.datastructures import MultiDict

    chosen = MultiDict(form)
    for trigger_key, answers in reveals(definitions, section).items():
        picked = form.get(f"{section}.{trigger_key}")
        children = {child.key: child for kids in answers.values() for child in kids}
        for key in children:
            path = f"{section}.{key}"
            under = [value for value, kids in answers.items() if any(kid.key == key for kid in kids)]
            copies = form.getlist(path) if hasattr(form, "getlist") else [form[path]] if path in form else []
            if picked and picked not in under:
                chosen.setlist(path, [""])
            elif picked in under and len(copies) == len(under):
                chosen.setlist(path, [copies[under.index(picked)]])
            elif copies:
                chosen.setlist(path, [next((copy for copy in copies if copy.strip()), "")])
    return chosen


def without_row(form, row_path: str):
    """The posted form with one row of a list removed (its Remove button)."""
    from werkzeug.datastructures import MultiDict

    return MultiDict([(name, value) for name, values in form.lists() for value in values
                      if not name.startswith(f"{row_path}.")])


def is_optional(definition: FieldDefinition) -> bool:
    """Labelled "(optional)": neither required, nor required by another answer."""
    return not definition.required and not definition.required_when


def answer_text(definition: FieldDefinition, value) -> str:
    """An answer as a person reads it on a summary: option labels, Yes/No, one line each."""
    if value is None or value == "" or value == []:
        return ""
    if definition.type == "boolean":
        return "Yes" if value is True else "No" if value is False else str(value)
    if definition.options:
        labels = {option_text(option["value"]): option["label"] for option in definition.options}
        if isinstance(value, list):
            return "\n".join(labels.get(option_text(item), str(item)) for item in value)
        return labels.get(option_text(value), str(value))
    if definition.type in DISPLAYED:
        return DISPLAYED[definition.type](value)
    if definition.type == "list":
        if definition.item.type == "group":
            return "\n\n".join("\n".join(f"{child.label}: {answer_text(child, item.get(child.key))}"
                                         for child in definition.item.fields) for item in value)
        return "\n".join(answer_text(definition.item, item) for item in value)  # a choice by its label
    if definition.type == "group" and isinstance(value, Mapping):  # what was asked and answered
        answers = ((child, answer_text(child, value.get(child.key))) for child in definition.fields)
        return "\n".join(f"{child.label}: {answer}" for child, answer in answers if answer)
    return str(value)


def commissioner_name(code) -> str:
    """A commissioner by its name ("NHS Camden CCG"), never its code; the code if it is unknown."""
    from ifr_service.reference.queries import find_commissioner

    commissioner = find_commissioner(str(code))
    return commissioner.name if commissioner else str(code)


DISPLAYED = {"date": nhs_date, "nhs_number": nhs_number, "money": nhs_money,
             "commissioner": commissioner_name}


# What the field macro needs beside the definition (templates/macros/fields.html).

def option_items(options: Iterable[dict], chosen: Iterable[str | None], mark: str = "checked") -> list[dict]:
    chosen = set(chosen)
    return [{"value": option_text(option["value"]), "text": option["label"],
             mark: option_text(option["value"]) in chosen} for option in options]


def commissioner_items(chosen: str | None) -> list[dict]:
    from ifr_service.reference.queries import find_commissioners
    from ifr_service.runtime import runtime

    return [{"value": commissioner.code, "text": commissioner.name, "selected": commissioner.code == chosen}
            for commissioner in find_commissioners(runtime().today())]


INPUT_OPTIONS = {
    "nhs_number": {"inputmode": "numeric", "width": 10, "autocomplete": "off", "spellcheck": False},
    "money": {"prefix": "£", "inputmode": "decimal", "width": 10, "spellcheck": False},
    "email": {"type": "email", "autocomplete": "email", "spellcheck": False},
    "icd10": {"width": 5, "spellcheck": False, "autocapitalize": "characters"},
}


def input_options(definition: FieldDefinition) -> dict:
    return INPUT_OPTIONS.get(definition.type, {})


TEMPLATE_GLOBALS = {function.__name__: function for function in (
    field_id, field_errors, error_list, row_count, option_items, commissioner_items, input_options,
    answer_text, reveals, revealed_keys, is_optional, branches)} | {"select_above": SELECT_ABOVE}
