"""Render a letter as PDF with reportlab, the same bytes every time for the same case and event.

The letter says what was decided and why, in the words of the action's own
payload fields (so a new outcome in the workflow file needs no new template),
and what the clinician can do next, with the dates by which to do it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from ifr_service.forms.definition import FieldDefinition

NHS_BLUE = colors.HexColor("#005EB8")


@dataclass(frozen=True)
class LetterContent:
    """Everything a letter shows: gathered by the job, rendered here without a database."""

    reference: str
    dated: date
    title: str
    hub_name: str
    clinician_name: str
    provider_trust: str
    intervention: str
    outcome: str
    payload: dict
    fields: tuple[FieldDefinition, ...]
    next_steps: tuple[str, ...]
    copy_to_patient: bool = False
    decided_by: str | None = None


def render_letter(content: LetterContent) -> bytes:
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, invariant=1, leftMargin=20 * mm, rightMargin=20 * mm,
        topMargin=20 * mm, bottomMargin=20 * mm, title=f"{content.title} {content.reference}",
        author="NHS England Specialised Commissioning", creator="ifr-service",
    )
    document.build(_story(content, _styles()))
    return buffer.getvalue()


def _styles() -> dict[str, ParagraphStyle]:
    sheet = getSampleStyleSheet()
    return {
        "heading": ParagraphStyle("heading", parent=sheet["Heading1"], textColor=NHS_BLUE),
        "subheading": ParagraphStyle("subheading", parent=sheet["Heading3"], textColor=NHS_BLUE),
        "body": ParagraphStyle("body", parent=sheet["BodyText"], fontSize=10.5, leading=14),
        "small": ParagraphStyle("small", parent=sheet["BodyText"], fontSize=8.5, leading=11),
    }


def _story(content: LetterContent, styles: dict) -> list:
    body = styles["body"]
    story = [
        Paragraph("NHS England Specialised Commissioning", styles["subheading"]),
        Paragraph(f"{escape(content.hub_name)} hub: Individual Funding Requests", body),
        Spacer(1, 6 * mm),
        Paragraph(f"Date: {content.dated:%d %B %Y}", body),
        Paragraph(f"Our reference: {content.reference}", body),
        Paragraph(f"To: {escape(content.clinician_name)}, {escape(content.provider_trust)}", body),
    ]
    if content.copy_to_patient:
        story.append(Paragraph("Copy: the patient", body))
    story += [
        Spacer(1, 6 * mm),
        Paragraph(escape(content.title), styles["heading"]),
        Paragraph(f"Requested treatment: {escape(content.intervention)}", body),
        Paragraph(f"<b>Outcome: {escape(content.outcome)}</b>", body),
    ]
    if content.decided_by:
        story.append(Paragraph(escape(content.decided_by), body))
    story += [
        Spacer(1, 4 * mm),
    ]
    for field in content.fields:
        value = content.payload.get(field.key)
        if value in (None, "", [], {}):
            continue
        story += _field(field, value, styles)
    story += [Spacer(1, 4 * mm), Paragraph("What happens next", styles["subheading"])]
    story += [Paragraph(escape(step), body) for step in content.next_steps]
    story += [Spacer(1, 8 * mm), Paragraph(
        "This letter is about one patient's request and should be kept with their record. "
        "Please quote the reference in any correspondence.", styles["small"])]
    return story


def _field(field: FieldDefinition, value, styles: dict) -> list:
    heading = Paragraph(escape(field.label), styles["subheading"])
    if field.type == "group" and all(child.type == "group" for child in field.fields):
        return [heading, _findings_table(field, value, styles)]
    return [heading, Paragraph(escape(_as_text(field, value)), styles["body"])]


def _findings_table(field: FieldDefinition, value: dict, styles: dict) -> Table:
    rows = [[Paragraph("<b>Criterion</b>", styles["small"]), Paragraph("<b>Finding</b>", styles["small"]),
             Paragraph("<b>Reasons</b>", styles["small"])]]
    for criterion in field.fields:
        answer = value.get(criterion.key) or {}
        rows.append([Paragraph(escape(criterion.label), styles["small"]),
                     Paragraph(escape(str(answer.get("finding", "")).capitalize()), styles["small"]),
                     Paragraph(escape(answer.get("reasons", "")), styles["small"])])
    table = Table(rows, colWidths=[60 * mm, 18 * mm, 92 * mm], repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8EDEE")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    return table


def _as_text(field: FieldDefinition, value) -> str:
    labels = {option["value"]: option["label"] for option in (field.item or field).options}
    if isinstance(value, list):
        return "; ".join(labels.get(item, str(item)) for item in value)
    if field.type == "date":
        return f"{date.fromisoformat(value):%d %B %Y}"
    return labels.get(value, str(value))
