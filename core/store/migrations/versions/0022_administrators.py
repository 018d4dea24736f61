"""Administrators and who keeps a person: person.admin, person.managed, audit_event.subject_id; directory_load

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('person') as batch:
        batch.add_column(sa.Column('admin', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column('managed', sa.String(length=8), nullable=False, server_default='file'))
    with op.batch_alter_table('audit_event') as batch:
        batch.add_column(sa.Column('subject_id', sa.Integer(), nullable=True))
        batch.create_foreign_key('fk_audit_event_subject', 'person', ['subject_id'], ['id'])
    op.create_index('ix_audit_event_subject', 'audit_event', ['subject_id'], unique=False,
                    postgresql_where=sa.text('subject_id IS NOT NULL'), sqlite_where=sa.text('subject_id IS NOT NULL'))
    op.create_table(
        'directory_load',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('source', sa.String(length=255), nullable=False),
        sa.Column('digest', sa.String(length=64), nullable=False),
        sa.Column('summary', sa.Text(), nullable=False),
        sa.Column('kept', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )


def downgrade() -> None:
    op.drop_table('directory_load')
    op.drop_index('ix_audit_event_subject', table_name='audit_event')
    with op.batch_alter_table('audit_event') as batch:
        batch.drop_constraint('fk_audit_event_subject', type_='foreignkey')
        batch.drop_column('subject_id')
    with op.batch_alter_table('person') as batch:
        batch.drop_column('managed')
        batch.drop_column('admin')
