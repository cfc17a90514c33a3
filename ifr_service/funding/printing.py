"""A funding authorisation as a printable PDF, for a trust's pharmacy and finance files: the terms
the approval gave and where it stands, with no patient details beyond what the reference carries."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from ifr_service.funding.presenters import terms

NHS_BLUE = colors.HexColor("#005EB8")
ROUTES = {"ifr": "Individual Funding Request", "cdf": "Cancer Drugs Fund"}


def render_authorisation(shown: dict) -> bytes:
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, invariant=1, leftMargin=20 * mm, rightMargin=20 * mm,
                                 topMargin=20 * mm, bottomMargin=20 * mm,
                                 title=f"Funding authorisation {shown['reference']}",
                                 author="NHS England Specialised Commissioning", creator="ifr-service")
    sheet = getSampleStyleSheet()
    heading = ParagraphStyle("heading", parent=sheet["Heading1"], textColor=NHS_BLUE)
    body = ParagraphStyle("body", parent=sheet["BodyText"], fontSize=10, leading=13)
    rows = [[Paragraph(f"<b>{escape(label)}</b>", body), Paragraph(escape(value), body)]
            for label, value in terms(shown)]
    table = Table(rows, colWidths=[55 * mm, 115 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey)]))
    document.build([
        Paragraph("NHS England Specialised Commissioning", body),
        Paragraph(f"Funding authorisation {escape(shown['reference'])}", heading),
        Paragraph(escape(f"{ROUTES[shown['route']]}. Quote the reference on every invoice line for this "
                         "treatment. The treatment is funded only as these terms say."), body),
        Spacer(1, 5 * mm), table])
    return buffer.getvalue()
