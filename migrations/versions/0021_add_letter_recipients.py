"""Letters to the patient beside the clinician's, each with the content it was drawn from, and the
hub IFR teams' contact details that letters print.

A letter is to a recipient ('clinician' or 'patient'): an event makes one of each at most, so the
unique constraint on (case, event) becomes one on (case, event, recipient); letters made before
are the clinician's. `body` keeps what the letter says (the JSON the PDF and its page are both drawn
from), so the PDF can be rendered again byte for byte from the row alone; letters made before have
none and are drawn from the case again. Each hub gains the contact details of its IFR team (from
reference/data/hubs.yaml, loaded by `ifr-service load-reference-data`).

Revision ID: 0021_add_letter_recipients
Revises: 0019_add_cet_exports
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0021_add_letter_recipients"
down_revision = "0020_add_panel_evidence"
branch_labels = None
depends_on = None

JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("letter") as batch:
        batch.add_column(sa.Column("recipient", sa.String(length=20), nullable=False,
                                   server_default="clinician"))
        batch.add_column(sa.Column("body", JSON_DOCUMENT, nullable=True))
        batch.drop_constraint(op.f("uq_letter_case_id_event_id"), type_="unique")
        batch.create_unique_constraint(op.f("uq_letter_case_id_event_id_recipient"),
                                       ["case_id", "event_id", "recipient"])
    with op.batch_alter_table("hub") as batch:
        batch.add_column(sa.Column("ifr_email", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("ifr_telephone", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("ifr_address", sa.String(length=300), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("hub") as batch:
        batch.drop_column("ifr_address")
        batch.drop_column("ifr_telephone")
        batch.drop_column("ifr_email")
    op.execute("DELETE FROM letter WHERE recipient <> 'clinician'")
    with op.batch_alter_table("letter") as batch:
        batch.drop_constraint(op.f("uq_letter_case_id_event_id_recipient"), type_="unique")
        batch.create_unique_constraint(op.f("uq_letter_case_id_event_id"), ["case_id", "event_id"])
        batch.drop_column("body")
        batch.drop_column("recipient")
