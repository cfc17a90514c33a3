"""The design system's tag, rendered once per process for each text and colour: a work queue shows
two on every line, and running the component's template each time cost more than the rest of the line."""

from __future__ import annotations

from functools import lru_cache

from flask import current_app
from jinja2 import Environment
from markupsafe import Markup


def design_tag(text: str, colour: str) -> Markup:
    """NHS.UK's tag with this text in this colour (texts are states' and statuses' names)."""
    return _render_tag(current_app.jinja_env, str(text), colour)


@lru_cache(maxsize=512)
def _render_tag(environment: Environment, text: str, colour: str) -> Markup:
    tag = environment.get_template("nhsuk/components/tag/macro.jinja").module.tag
    return Markup(tag({"text": text, "classes": f"nhsuk-tag--{colour}"}))
