"""Render a letter as PDF with reportlab, the same bytes every time for the same content.

The layout follows the letter's page (web/templates/letters/letter.html) block for block: who
writes and how to reach them, the date and reference, who it is to, the title, the patient and
outcome, what was decided and why, what happens next, the routes onward, the signature.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from ifr_service.letters.body import OUTCOME, LetterContent, Section

NHS_BLUE = colors.HexColor("#005EB8")
WHAT_HAPPENS_NEXT = "What happens next"


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
    story = [Paragraph(escape(content.letterhead[0]), styles["subheading"]),
             *(Paragraph(escape(line), body) for line in content.letterhead[1:]),
             *(Paragraph(f"{label}: {escape(value)}", styles["small"]) for label, value in content.contact),
             Spacer(1, 6 * mm),
             Paragraph(f"Date: {content.dated_text}", body),
             Paragraph(f"Our reference: {escape(content.reference)}", body),
             Paragraph("To: " + escape(", ".join(content.addressee)), body),
             *(Paragraph(escape(line), body) for line in content.copies),
             Spacer(1, 6 * mm),
             Paragraph(escape(content.title), styles["heading"]),
             *(Paragraph(f"<b>{escape(label)}: {escape(value)}</b>" if label == OUTCOME
                         else f"{escape(label)}: {escape(value)}", body) for label, value in content.about),
             Spacer(1, 4 * mm),
             Paragraph(escape(content.salutation) + ",", body),
             *(Paragraph(escape(text), body) for text in content.opening)]
    for section in content.sections:
        story += _section(section, styles)
    if content.next_steps:
        story += _section(Section(heading=WHAT_HAPPENS_NEXT, paragraphs=content.next_steps), styles)
    if content.onward:
        story += _section(content.onward, styles)
    story += [Spacer(1, 6 * mm), Paragraph("Yours sincerely,", body), Spacer(1, 4 * mm),
              *(Paragraph(escape(line), body) for line in content.signatory if line),
              Spacer(1, 8 * mm),
              *(Paragraph(escape(line), styles["small"]) for line in content.closing)]
    return story


def _section(section: Section, styles: dict) -> list:
    flowables = [Paragraph(escape(section.heading), styles["subheading"])]
    flowables += [Paragraph(escape(text), styles["body"]) for text in section.paragraphs]
    if section.table:
        flowables.append(_table(section.table, styles))
    return flowables


def _table(rows: tuple[tuple[str, ...], ...], styles: dict) -> Table:
    small = styles["small"]
    cells = [[Paragraph(f"<b>{escape(text)}</b>", small) for text in rows[0]]]
    cells += [[Paragraph(escape(text), small) for text in row] for row in rows[1:]]
    table = Table(cells, colWidths=[60 * mm, 18 * mm, 92 * mm], repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8EDEE")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    return table
