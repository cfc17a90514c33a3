"""Reading the YAML definitions in forms/ and workflows/, checked against their meta-schema."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import yaml


def read_definition(path: Path, meta_schema: dict, error: type[ValueError]) -> dict:
    """The file's content, or `error` naming the file and, where it can, the place in it."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        jsonschema.validate(raw, meta_schema)
    except yaml.YAMLError as problem:
        raise error(f"{path}: not valid YAML: {problem}") from problem
    except jsonschema.ValidationError as problem:
        where = "/".join(str(part) for part in problem.absolute_path) or "(top level)"
        raise error(f"{path}: at {where}: {problem.message}") from problem
    return raw
