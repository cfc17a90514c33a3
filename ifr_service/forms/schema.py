"""Build the marshmallow schema of a form definition.

Drafts are loaded with `partial=True`: every answer is checked for its type and
rules, but nothing is required yet. Submission loads the full schema, so the
clinician hears about every missing or wrong answer at once.
"""

from __future__ import annotations

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from ifr_service.forms.definition import FieldDefinition, FormDefinition
from ifr_service.forms.fields import (
    BoundedList,
    Code,
    Date,
    Email,
    Icd10Code,
    Integer,
    Money,
    NhsNumber,
    PastDate,
    RecentDate,
    SafeString,
    StrictBoolean,
    Text,
)
from ifr_service.forms.messages import (
    choice_message,
    field_name,
    items_message,
    length_message,
    range_message,
    required_message,
    type_messages,
)

SIMPLE_TYPES = {
    "email": Email,
    "boolean": StrictBoolean,
    "integer": Integer,
    "nhs_number": NhsNumber,
    "icd10": Icd10Code,
    "commissioner": SafeString,
}
TEXT_TYPES = {"text", "long_text", "email"}


def build_field(definition: FieldDefinition, prefix: str = "", within: str | None = None) -> fields.Field:
    """The marshmallow field of a definition; `prefix` keeps the names of nested schemas apart,
    `within` is the name of the group or list it is part of (its messages name both). A field asked
    only under a sibling's answer (`only_when`) is required by its schema's check, not by itself."""
    optional = not definition.required or definition.only_when is not None
    name = field_name(definition, within)
    missing = required_message(definition, name)
    common = {
        "required": not optional,
        "error_messages": {"required": missing, "null": missing, **type_messages(definition, name)},
        "allow_none": optional,
        "validate": _validators(definition, name),
        "metadata": {"description": definition.help or definition.label, "title": definition.label},
    }
    kind = definition.type
    if kind == "boolean":
        common["error_messages"]["invalid_choice"] = f"{missing} (true or false)"
    if kind in SIMPLE_TYPES:
        return SIMPLE_TYPES[kind](**common)
    if kind in ("text", "long_text"):  # a text with a pattern is a code: its digits only 0 to 9
        text = Code if "pattern" in definition.rules else Text
        return text(multiline=kind == "long_text", **common)
    if kind == "date" and "max_age_days" in definition.rules:
        return RecentDate(name=name, max_age_days=definition.rules["max_age_days"], **common)
    if kind == "date":
        return (PastDate if definition.rules.get("not_future") else Date)(name=name, **common)
    if kind == "money":
        return Money(minimum=definition.rules.get("minimum"), maximum=definition.rules.get("maximum"),
                     name=name, **common)
    if kind == "choice":
        return fields.Raw(**common)
    if kind == "list":
        return _build_list(definition, prefix, within, name, common)
    if kind == "group":
        within = definition.name or name  # "reasons for value for money", not for the whole group
        group = _payload_schema(f"{prefix}{_camel(definition.key)}Group", definition.fields, prefix, within)
        return fields.Nested(group, **common)
    raise ValueError(f"unknown field type {kind!r}")


def _build_list(definition: FieldDefinition, prefix: str, within: str | None, name: str,
                common: dict) -> fields.Field:
    item = FieldDefinition(**{**definition.item.__dict__, "required": True, "key": f"{definition.key}_item",
                              "name": definition.item.name or name})
    minimum, maximum = definition.rules.get("min_items"), definition.rules["max_items"]
    return BoundedList(build_field(item, prefix, within), max_items=maximum, min_items=minimum,
                       error=items_message(definition, name, minimum, maximum), **common)


def _validators(definition: FieldDefinition, name: str) -> list:
    rules = definition.rules
    checks = []
    if definition.options:
        checks.append(validate.OneOf(definition.option_values,
                                     error=choice_message(name, definition.option_values)))
    if definition.required and definition.type in TEXT_TYPES and not rules.get("min_length"):
        checks.append(validate.Length(min=1, error=required_message(definition, name)))
    if "min_length" in rules or "max_length" in rules:
        minimum, maximum = rules.get("min_length"), rules.get("max_length")
        checks.append(validate.Length(min=minimum, max=maximum, error=length_message(name, minimum, maximum)))
    if "pattern" in rules:
        message = rules.get("pattern_message", f"Enter {name} in the expected format")
        checks.append(_full_match(rules["pattern"], message))
    if ("minimum" in rules or "maximum" in rules) and definition.type != "money":
        checks.append(validate.Range(min=rules.get("minimum"), max=rules.get("maximum"),
                                     error=range_message(name)))
    if "must_be" in rules:
        checks.append(validate.Equal(rules["must_be"], error=required_message(definition, name)))
    return checks


def _full_match(pattern: str, message: str) -> validate.Regexp:
    return FullMatch(pattern, error=message)


class FullMatch(validate.Regexp):
    """The pattern matched by the whole answer: re.match's `$` also matches before a final new
    line, so "RRV\n" would pass a pattern of ^[A-Z0-9]{3,6}$."""

    def __call__(self, value):
        if self.regex.fullmatch(value) is None:
            raise ValidationError(self._format_error(value))
        return value


class FormSchema(Schema):
    """Base of generated form schemas: applies `required_when` rules on full loads."""

    class Meta:
        unknown = RAISE

    conditional_rules: tuple[tuple[str, str, tuple, str], ...] = ()

    @validates_schema(skip_on_field_errors=False)
    def check_conditional_requirements(self, data, partial=False, **_kwargs):
        if partial:
            return
        errors = conditional_errors(self.conditional_rules, data)
        if errors:
            raise ValidationError(errors)


def conditional_errors(rules, data: dict, sections: set[str] | None = None) -> dict:
    """Each question required by an answer given (`required_when`) and left unanswered, by section;
    only in `sections` when given (a page checks its own questions as it is left)."""
    errors: dict = {}
    for path, condition_path, values, message in rules:
        section, _, key = path.partition(".")
        if sections is not None and section not in sections:
            continue
        if _value_at(data, condition_path) in values and _value_at(data, path) in (None, "", []):
            errors.setdefault(section, {})[key] = [message]
    return errors


def _value_at(data: dict, path: str):
    section, _, key = path.partition(".")
    return (data.get(section) or {}).get(key)


_SCHEMAS: dict = {}


def schema_for(form: FormDefinition) -> type[Schema]:
    """The schema class of one form version (built once; form versions never change)."""
    if (form.key, form.version) not in _SCHEMAS:
        _SCHEMAS[(form.key, form.version)] = _build_schema(form)
    return _SCHEMAS[(form.key, form.version)]


def _build_schema(form: FormDefinition) -> type[Schema]:
    attributes: dict = {}
    rules = []
    for section in form.sections:
        section_fields = {f.key: build_field(f, f"{_camel(form.key)}V{form.version}") for f in section.fields}
        section_schema = type(f"{_camel(form.key)}V{form.version}{_camel(section.key)}",
                              (Schema,), {**section_fields, "Meta": FormSchema.Meta})
        has_required = any(f.required for f in section.fields)
        attributes[section.key] = fields.Nested(
            section_schema, required=has_required,
            error_messages={"required": f"Complete the section: {section.title}."},
            metadata={"title": section.title},
        )
        rules += [(f"{section.key}.{f.key}", f.required_when["field"], tuple(f.required_when["in"]),
                   required_message(f, field_name(f)))
                  for f in section.fields if f.required_when]
    attributes["conditional_rules"] = tuple(rules)
    return type(f"{_camel(form.key)}V{form.version}", (FormSchema,), attributes)


def schema_for_fields(name: str, definitions: tuple[FieldDefinition, ...]) -> type[Schema]:
    """A flat schema of some fields (an action's payload), built once per name."""
    if name not in _SCHEMAS:
        _SCHEMAS[name] = _payload_schema(_camel(name), definitions, _camel(name), None)
    return _SCHEMAS[name]


def _payload_schema(name: str, definitions: tuple[FieldDefinition, ...], prefix: str,
                    within: str | None) -> type[Schema]:
    """The schema of a payload or a group within it: its fields, and the rules of those asked only
    under a sibling's answer."""
    attributes = {f.key: build_field(f, prefix, within) for f in definitions}
    by_key = {f.key: f for f in definitions}
    rules = tuple(_only_when_rule(f, by_key[f.only_when["field"]], within)
                  for f in definitions if f.only_when)
    base = OnlyWhenSchema if rules else Schema
    return type(name, (base,), {**attributes, "Meta": FormSchema.Meta, "only_when_rules": rules})


def _only_when_rule(definition: FieldDefinition, trigger: FieldDefinition, within: str | None) -> tuple:
    name = field_name(definition, within)
    labels = ({option["value"]: option["label"] for option in trigger.options} if trigger.options
              else {True: "Yes", False: "No"})  # a yes/no question
    answers = " or ".join(f'"{labels.get(value, value)}"' for value in definition.only_when["in"])
    left_out = (f"Leave out {name}: it is asked only when {field_name(trigger, within)} is {answers}")
    choices = tuple(trigger.option_values) or (True, False)  # a yes/no question's answers
    return (definition.key, trigger.key, tuple(definition.only_when["in"]), choices,
            required_message(definition, name) if definition.required else None, left_out)


class OnlyWhenSchema(Schema):
    """A payload (or group) with fields asked only under a sibling's answer: under it, a required
    one must be answered; under any other answer, each must be left out, so a decision records the
    questions of the road it took and no other. With the sibling unanswered or not one of its
    answers, its own message is enough."""

    only_when_rules: tuple[tuple, ...] = ()

    @validates_schema(pass_original=True, skip_on_field_errors=False)
    def check_only_when(self, data, original, **_kwargs):
        if not isinstance(original, dict):
            return
        errors: dict = {}
        for key, trigger, values, choices, missing, left_out in self.only_when_rules:
            chosen = original.get(trigger)
            if chosen is None or chosen not in choices:
                continue
            given = original.get(key) not in (None, "", [], {})
            if chosen in values and not given and missing:
                errors[key] = [missing]
            elif chosen not in values and given:
                errors[key] = [left_out]
        if errors:
            raise ValidationError(errors)


def _camel(key: str) -> str:
    return "".join(part.capitalize() for part in key.replace("_", "-").split("-"))
