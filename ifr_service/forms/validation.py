"""Check a set of answers against a form: its schema, then its references to reference data.

Every problem is collected and reported at once as field errors with dotted
paths, so the clinician can fix the whole form in one go.
"""

from __future__ import annotations

from marshmallow import ValidationError

from ifr_service.clock import today_in_england
from ifr_service.errors import ValidationFailed, flatten_marshmallow_errors
from ifr_service.forms.definition import FormDefinition
from ifr_service.forms.schema import schema_for
from ifr_service.reference import queries as reference
from ifr_service.text import shortened


def validate_answers(form: FormDefinition, answers, complete: bool) -> dict:
    """The answers, cleaned into JSON-safe values; ValidationFailed naming every bad field."""
    if not isinstance(answers, dict):
        raise ValidationFailed({"_request": "The request body must be a JSON object of answers."})
    schema = schema_for(form)()
    errors: dict[str, list[str]] = {}
    try:
        loaded = schema.load(answers, partial=not complete)
    except ValidationError as error:
        errors = flatten_marshmallow_errors(error.messages)
        loaded = error.valid_data if isinstance(error.valid_data, dict) else {}
    errors.update(_reference_errors(form, loaded, errors))
    if errors:
        raise ValidationFailed(errors)
    return schema.dump(loaded)


def _reference_errors(form: FormDefinition, loaded: dict, known: dict) -> dict[str, list[str]]:
    errors = {}
    for path, definition in form.all_fields():
        if definition.type != "commissioner" or path in known:
            continue
        section, _, key = path.partition(".")
        code = (loaded.get(section) or {}).get(key)
        if code is None:
            continue
        commissioner = reference.find_commissioner(code)
        if commissioner is None:
            errors[path] = [f"{shortened(code)} is not a commissioner this service knows."]
        elif not commissioner.is_valid_on(today_in_england()):
            errors[path] = [f"{commissioner.name} no longer commissions care; choose its successor."]
    return errors
