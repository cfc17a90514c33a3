"""Form definitions: read from YAML, checked against the meta-schema and for sense.

A bad file stops the app from starting with a message naming the file and the
problem. Loaded forms are frozen dataclasses, looked up by key and version.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ifr_service.config import JSON_MAX_ITEMS
from ifr_service.definitions import read_definition
from ifr_service.forms.answers import check_answer_paths

META_SCHEMA = yaml.safe_load((Path(__file__).parent / "meta_schema.yaml").read_text())
DEFAULT_MAX_LENGTH = {"text": 200, "long_text": 5000, "email": 254}


class FormDefinitionError(ValueError):
    """A form file is not a valid form definition."""


@dataclass(frozen=True)
class FieldDefinition:
    key: str
    label: str
    type: str
    help: str | None = None
    name: str | None = None  # the words its error messages name it by (forms/messages.py)
    required: bool = False
    required_when: dict | None = None
    # In an action's payload: {field: a sibling's key, in: [values]}: asked only under those answers
    only_when: dict | None = None
    options: tuple[dict, ...] = ()
    rules: dict = field(default_factory=dict)
    item: FieldDefinition | None = None
    fields: tuple[FieldDefinition, ...] = ()

    @property
    def option_values(self) -> list[Any]:
        return [option["value"] for option in self.options]


@dataclass(frozen=True)
class SectionDefinition:
    key: str
    title: str
    fields: tuple[FieldDefinition, ...]
    help: str | None = None


@dataclass(frozen=True)
class FormDefinition:
    key: str
    version: int
    route: str
    title: str
    sections: tuple[SectionDefinition, ...]
    description: str | None = None
    # The clinician's trust signs the application off before it goes to NHS England (docs/forms.md).
    signed_off_by_trust: bool = False

    def field_at(self, path: str) -> FieldDefinition | None:
        section_key, _, field_key = path.partition(".")
        for section in self.sections:
            if section.key == section_key:
                return next((f for f in section.fields if f.key == field_key), None)
        return None

    def all_fields(self) -> list[tuple[str, FieldDefinition]]:
        return [(f"{s.key}.{f.key}", f) for s in self.sections for f in s.fields]


RULE_KEYS = ("min_length", "max_length", "pattern", "pattern_message", "minimum", "maximum",
             "not_future", "max_age_days", "must_be", "min_items", "max_items")


def parse_field(raw: dict) -> FieldDefinition:
    rules = {name: raw[name] for name in RULE_KEYS if name in raw}
    if raw["type"] in DEFAULT_MAX_LENGTH:
        rules.setdefault("max_length", DEFAULT_MAX_LENGTH[raw["type"]])
    item = raw.get("item")
    return FieldDefinition(
        key=raw["key"], label=raw["label"], type=raw["type"], help=raw.get("help"), name=raw.get("name"),
        required=raw.get("required", False), required_when=raw.get("required_when"),
        only_when=raw.get("only_when"), options=tuple(raw.get("options", ())), rules=rules,
        item=parse_field({"key": "item", "label": raw["label"], **item}) if item else None,
        fields=tuple(parse_field(child) for child in raw.get("fields", ())),
    )


def parse_form(raw: dict) -> FormDefinition:
    sections = tuple(
        SectionDefinition(key=s["key"], title=s["title"], help=s.get("help"),
                          fields=tuple(parse_field(f) for f in s["fields"]))
        for s in raw["sections"]
    )
    return FormDefinition(key=raw["key"], version=raw["version"], route=raw["route"],
                          title=raw["title"], description=raw.get("description"), sections=sections,
                          signed_off_by_trust=raw.get("signed_off_by_trust", False))


def check_form(form: FormDefinition) -> list[str]:
    """Semantic checks the meta-schema cannot express."""
    problems = _duplicates("section", [s.key for s in form.sections])
    for section in form.sections:
        problems += _duplicates(f"field in section {section.key!r}", [f.key for f in section.fields])
        for definition in section.fields:
            problems += _check_field(form, f"{section.key}.{definition.key}", definition)
    return problems


def _check_field(form: FormDefinition | None, path: str, definition: FieldDefinition) -> list[str]:
    problems = _check_shape(path, definition)
    if definition.item is not None:
        problems += _check_field(form, f"{path}.item", definition.item)
    problems += _duplicates(f"field in {path!r}", [child.key for child in definition.fields])
    for child in definition.fields:
        if child.required_when:
            problems.append(f"{path}.{child.key}: required_when works on section fields only")
        problems += _check_field(form, f"{path}.{child.key}", child)
    if form is not None and definition.only_when:
        problems.append(f"{path}: only_when works in action payloads only")
    if form is None:
        problems += check_only_when(definition.fields, path)
    return problems + _check_condition(form, path, definition.required_when)


def check_fields(definitions: tuple[FieldDefinition, ...], where: str) -> list[str]:
    """Checks for fields outside a form (an action's payload), where required_when has no place."""
    problems = _duplicates(f"field in {where}", [f.key for f in definitions])
    for definition in definitions:
        path = f"{where}: {definition.key}"
        if definition.required_when:
            problems.append(f"{path}: required_when works in forms only")
        problems += _check_field(None, path, definition)
    return problems + check_only_when(definitions, where)


def check_only_when(siblings: tuple[FieldDefinition, ...], where: str) -> list[str]:
    """Each `only_when` names a sibling asked unconditionally whose answers include the values."""
    by_key = {sibling.key: sibling for sibling in siblings}
    problems = []
    for definition in siblings:
        condition = definition.only_when
        if not condition:
            continue
        trigger = by_key.get(condition["field"])
        path = f"{where}: {definition.key}"
        if trigger is None or trigger is definition:
            problems.append(f"{path}: only_when refers to {condition['field']!r}, which is not another "
                            "field beside it")
        elif trigger.type not in ("choice", "boolean") or trigger.only_when:
            problems.append(f"{path}: only_when needs a choice or yes/no field asked unconditionally")
        elif trigger.options and not set(condition["in"]) <= set(trigger.option_values):
            problems.append(f"{path}: only_when lists values {condition['field']!r} cannot take")
    return problems


def _check_shape(path: str, definition: FieldDefinition) -> list[str]:
    problems = []
    if definition.type == "choice" and not definition.options:
        problems.append(f"{path}: a choice field needs options")
    if definition.type == "list" and definition.item is None:
        problems.append(f"{path}: a list field needs an item definition")
    if definition.type == "list" and not 1 <= definition.rules.get("max_items", 0) <= JSON_MAX_ITEMS:
        problems.append(f"{path}: a list field needs max_items, from 1 to {JSON_MAX_ITEMS} (the API checks a "
                        "list's length before its items)")
    if definition.item is not None and definition.item.type == "list":
        problems.append(f"{path}: lists of lists are not supported")
    if definition.type == "group" and not definition.fields:
        problems.append(f"{path}: a group needs fields")
    return problems


def _check_condition(form: FormDefinition | None, path: str, condition: dict | None) -> list[str]:
    if not condition or form is None:
        return []
    target = form.field_at(condition["field"])
    if target is None:
        return [f"{path}: required_when refers to unknown field {condition['field']!r}"]
    if target.options and not set(condition["in"]) <= set(target.option_values):
        return [f"{path}: required_when lists values {condition['field']!r} cannot take"]
    return []


def _duplicates(what: str, keys: list[str]) -> list[str]:
    return [f"duplicate {what}: {key!r}" for key in sorted({k for k in keys if keys.count(k) > 1})]


def load_form_file(path: Path) -> FormDefinition:
    """Every version, old ones too: the answers the code reads (forms/answers.py) are checked in each."""
    form = parse_form(read_definition(path, META_SCHEMA, FormDefinitionError))
    problems = check_form(form) + check_answer_paths(form)
    if problems:
        raise FormDefinitionError(f"{path}: " + "; ".join(problems))
    return form


class FormRegistry:
    """Every form version, so that a case is always read with the form it was submitted on."""

    def __init__(self, forms: list[FormDefinition]):
        self._forms = {(form.key, form.version): form for form in forms}

    @classmethod
    def load(cls, forms_dir: Path) -> FormRegistry:
        # forms/<route>/*.yaml; deeper folders (forms/cdf/list/) hold other definitions.
        forms = [load_form_file(path) for path in sorted(forms_dir.glob("*/*.yaml"))]
        seen: dict[tuple[str, int], FormDefinition] = {}
        for form in forms:
            if (form.key, form.version) in seen:
                raise FormDefinitionError(f"{forms_dir}: form {form.key} version {form.version} twice")
            seen[(form.key, form.version)] = form
        return cls(forms)

    def get(self, key: str, version: int) -> FormDefinition:
        return self._forms[(key, version)]

    def latest(self, key: str) -> FormDefinition:
        versions = [form for (k, _), form in self._forms.items() if k == key]
        if not versions:
            raise KeyError(key)
        return max(versions, key=lambda form: form.version)

    def __iter__(self):
        return iter(self._forms.values())
