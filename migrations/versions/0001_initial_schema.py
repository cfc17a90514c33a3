"""Create the initial schema: reference data, users, cases and their events, the outbox.

Revision ID: 0001_initial_schema
Revises:
Create Date: 2026-11-23

Migrations never import the models: each states the schema as it was then.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001_initial_schema"
down_revision = None
branch_labels = None
depends_on = None

# JSONB on PostgreSQL, JSON text on SQLite.
JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")

# Case events are append-only: on PostgreSQL the database itself refuses to change them.
APPEND_ONLY_FUNCTION = """
CREATE FUNCTION case_event_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'case_event is append-only: % is not allowed', TG_OP;
END;
$$
"""
APPEND_ONLY_TRIGGER = """
CREATE TRIGGER case_event_append_only BEFORE UPDATE OR DELETE ON case_event
FOR EACH ROW EXECUTE FUNCTION case_event_is_append_only()
"""


def upgrade() -> None:
    op.create_table('case_reference_counter',
    sa.Column('route', sa.String(length=10), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('route', 'year', name=op.f('pk_case_reference_counter'))
    )
    op.create_table('commissioner',
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commissioner')),
    sa.UniqueConstraint('code', name=op.f('uq_commissioner_code'))
    )
    op.create_table('outbox_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job', sa.String(length=100), nullable=False),
    sa.Column('queue', sa.String(length=50), nullable=False),
    sa.Column('payload', JSON_DOCUMENT, nullable=False),
    sa.Column('created_utc', sa.DateTime(timezone=True), nullable=False),
    sa.Column('dispatched_utc', sa.DateTime(timezone=True), nullable=True),
    sa.Column('completed_utc', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.String(length=2000), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_message'))
    )
    op.create_index(op.f('ix_outbox_message_completed_utc'), 'outbox_message', ['completed_utc'], unique=False)
    op.create_index(op.f('ix_outbox_message_created_utc'), 'outbox_message', ['created_utc'], unique=False)
    op.create_table('programme_of_care',
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.String(length=500), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programme_of_care')),
    sa.UniqueConstraint('code', name=op.f('uq_programme_of_care_code'))
    )
    op.create_table('region',
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_region')),
    sa.UniqueConstraint('code', name=op.f('uq_region_code'))
    )
    op.create_table('clinical_reference_group',
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=10), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('new_for_2013', sa.Boolean(), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=True),
    sa.ForeignKeyConstraint(['programme_id'], ['programme_of_care.id'], name=op.f('fk_clinical_reference_group_programme_id_programme_of_care')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clinical_reference_group')),
    sa.UniqueConstraint('programme_id', 'name', name=op.f('uq_clinical_reference_group_programme_id_name'))
    )
    op.create_index(op.f('ix_clinical_reference_group_code'), 'clinical_reference_group', ['code'], unique=False)
    op.create_index(op.f('ix_clinical_reference_group_programme_id'), 'clinical_reference_group', ['programme_id'], unique=False)
    op.create_table('hub',
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], name=op.f('fk_hub_region_id_region')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hub')),
    sa.UniqueConstraint('code', name=op.f('uq_hub_code'))
    )
    op.create_index(op.f('ix_hub_region_id'), 'hub', ['region_id'], unique=False)
    op.create_table('app_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=100), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('role', sa.String(length=30), nullable=False),
    sa.Column('organisation_code', sa.String(length=10), nullable=True),
    sa.Column('organisation_name', sa.String(length=200), nullable=True),
    sa.Column('hub_id', sa.Integer(), nullable=True),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_utc', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['hub_id'], ['hub.id'], name=op.f('fk_app_user_hub_id_hub')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_app_user')),
    sa.UniqueConstraint('username', name=op.f('uq_app_user_username'))
    )
    op.create_table('commissioner_hub',
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('commissioner_id', sa.Integer(), nullable=False),
    sa.Column('hub_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['commissioner_id'], ['commissioner.id'], name=op.f('fk_commissioner_hub_commissioner_id_commissioner')),
    sa.ForeignKeyConstraint(['hub_id'], ['hub.id'], name=op.f('fk_commissioner_hub_hub_id_hub')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commissioner_hub')),
    sa.UniqueConstraint('commissioner_id', 'hub_id', 'valid_from', name=op.f('uq_commissioner_hub_commissioner_id_hub_id_valid_from'))
    )
    op.create_index(op.f('ix_commissioner_hub_commissioner_id'), 'commissioner_hub', ['commissioner_id'], unique=False)
    op.create_index(op.f('ix_commissioner_hub_hub_id'), 'commissioner_hub', ['hub_id'], unique=False)
    op.create_table('ifr_case',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('draft_reference', sa.String(length=20), nullable=False),
    sa.Column('reference', sa.String(length=20), nullable=True),
    sa.Column('route', sa.String(length=10), nullable=False),
    sa.Column('state', sa.String(length=40), nullable=False),
    sa.Column('form_key', sa.String(length=60), nullable=False),
    sa.Column('form_version', sa.Integer(), nullable=False),
    sa.Column('answers', JSON_DOCUMENT, nullable=False),
    sa.Column('urgency', sa.String(length=20), nullable=False),
    sa.Column('urgency_rank', sa.Integer(), nullable=False),
    sa.Column('commissioner_id', sa.Integer(), nullable=True),
    sa.Column('hub_id', sa.Integer(), nullable=True),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('provider_org_code', sa.String(length=10), nullable=True),
    sa.Column('created_utc', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_utc', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_utc', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['commissioner_id'], ['commissioner.id'], name=op.f('fk_ifr_case_commissioner_id_commissioner')),
    sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'], name=op.f('fk_ifr_case_created_by_id_app_user')),
    sa.ForeignKeyConstraint(['hub_id'], ['hub.id'], name=op.f('fk_ifr_case_hub_id_hub')),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], name=op.f('fk_ifr_case_region_id_region')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ifr_case')),
    sa.UniqueConstraint('draft_reference', name=op.f('uq_ifr_case_draft_reference')),
    sa.UniqueConstraint('reference', name=op.f('uq_ifr_case_reference'))
    )
    op.create_index(op.f('ix_ifr_case_created_by_id'), 'ifr_case', ['created_by_id'], unique=False)
    op.create_index(op.f('ix_ifr_case_hub_id'), 'ifr_case', ['hub_id'], unique=False)
    op.create_index('ix_ifr_case_hub_queue', 'ifr_case', ['hub_id', 'state', 'urgency_rank', 'submitted_utc'], unique=False)
    op.create_index(op.f('ix_ifr_case_provider_org_code'), 'ifr_case', ['provider_org_code'], unique=False)
    op.create_index(op.f('ix_ifr_case_region_id'), 'ifr_case', ['region_id'], unique=False)
    op.create_index(op.f('ix_ifr_case_state'), 'ifr_case', ['state'], unique=False)
    op.create_table('attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('description', sa.String(length=500), nullable=True),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('uploaded_utc', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['ifr_case.id'], name=op.f('fk_attachment_case_id_ifr_case')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['app_user.id'], name=op.f('fk_attachment_uploaded_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachment')),
    sa.UniqueConstraint('case_id', 'sha256', name=op.f('uq_attachment_case_id_sha256'))
    )
    op.create_index(op.f('ix_attachment_case_id'), 'attachment', ['case_id'], unique=False)
    op.create_table('case_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_role', sa.String(length=30), nullable=True),
    sa.Column('occurred_utc', sa.DateTime(timezone=True), nullable=False),
    sa.Column('from_state', sa.String(length=40), nullable=True),
    sa.Column('to_state', sa.String(length=40), nullable=True),
    sa.Column('payload', JSON_DOCUMENT, nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['app_user.id'], name=op.f('fk_case_event_actor_id_app_user')),
    sa.ForeignKeyConstraint(['case_id'], ['ifr_case.id'], name=op.f('fk_case_event_case_id_ifr_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_event')),
    sa.UniqueConstraint('case_id', 'sequence', name=op.f('uq_case_event_case_id_sequence'))
    )
    op.create_index(op.f('ix_case_event_case_id'), 'case_event', ['case_id'], unique=False)
    op.create_table('idempotency_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('request_fingerprint', sa.String(length=64), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('status_code', sa.Integer(), nullable=False),
    sa.Column('created_utc', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['ifr_case.id'], name=op.f('fk_idempotency_record_case_id_ifr_case')),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_idempotency_record_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_idempotency_record')),
    sa.UniqueConstraint('user_id', 'key', name=op.f('uq_idempotency_record_user_id_key'))
    )
    op.create_table('notification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=60), nullable=False),
    sa.Column('recipient', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.String(), nullable=False),
    sa.Column('sent_utc', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['ifr_case.id'], name=op.f('fk_notification_case_id_ifr_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification')),
    sa.UniqueConstraint('case_id', 'kind', 'recipient', name=op.f('uq_notification_case_id_kind_recipient'))
    )
    op.create_index(op.f('ix_notification_case_id'), 'notification', ['case_id'], unique=False)
    op.create_table('attachment_content',
    sa.Column('attachment_id', sa.Integer(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['attachment_id'], ['attachment.id'], name=op.f('fk_attachment_content_attachment_id_attachment')),
    sa.PrimaryKeyConstraint('attachment_id', name=op.f('pk_attachment_content'))
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(APPEND_ONLY_FUNCTION)
        op.execute(APPEND_ONLY_TRIGGER)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER case_event_append_only ON case_event")
        op.execute("DROP FUNCTION case_event_is_append_only()")
    op.drop_table('attachment_content')
    op.drop_index(op.f('ix_notification_case_id'), table_name='notification')
    op.drop_table('notification')
    op.drop_table('idempotency_record')
    op.drop_index(op.f('ix_case_event_case_id'), table_name='case_event')
    op.drop_table('case_event')
    op.drop_index(op.f('ix_attachment_case_id'), table_name='attachment')
    op.drop_table('attachment')
    op.drop_index('ix_ifr_case_hub_queue', table_name='ifr_case')
    op.drop_index(op.f('ix_ifr_case_state'), table_name='ifr_case')
    op.drop_index(op.f('ix_ifr_case_region_id'), table_name='ifr_case')
    op.drop_index(op.f('ix_ifr_case_provider_org_code'), table_name='ifr_case')
    op.drop_index(op.f('ix_ifr_case_hub_id'), table_name='ifr_case')
    op.drop_index(op.f('ix_ifr_case_created_by_id'), table_name='ifr_case')
    op.drop_table('ifr_case')
    op.drop_index(op.f('ix_commissioner_hub_hub_id'), table_name='commissioner_hub')
    op.drop_index(op.f('ix_commissioner_hub_commissioner_id'), table_name='commissioner_hub')
    op.drop_table('commissioner_hub')
    op.drop_table('app_user')
    op.drop_index(op.f('ix_hub_region_id'), table_name='hub')
    op.drop_table('hub')
    op.drop_index(op.f('ix_clinical_reference_group_programme_id'), table_name='clinical_reference_group')
    op.drop_index(op.f('ix_clinical_reference_group_code'), table_name='clinical_reference_group')
    op.drop_table('clinical_reference_group')
    op.drop_table('region')
    op.drop_table('programme_of_care')
    op.drop_index(op.f('ix_outbox_message_created_utc'), table_name='outbox_message')
    op.drop_index(op.f('ix_outbox_message_completed_utc'), table_name='outbox_message')
    op.drop_table('outbox_message')
    op.drop_table('commissioner')
    op.drop_table('case_reference_counter')
