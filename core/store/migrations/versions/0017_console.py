"""the console: one-time sign-in codes (console_code) and what people did there (audit_event)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'console_code',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_console_code_person_sent', 'console_code', ['person_id', 'sent_at'], unique=False)
    op.create_table(
        'audit_event',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=True),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('action', sa.String(length=32), nullable=False),
        sa.Column('petition_id', sa.Integer(), nullable=True),
        sa.Column('detail', sa.Text(), nullable=True),
        sa.Column('address', sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
        sa.ForeignKeyConstraint(['petition_id'], ['petition.id'], ),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_audit_event_petition', 'audit_event', ['petition_id', 'at'], unique=False)
    op.create_index('ix_audit_event_at', 'audit_event', ['at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_audit_event_at', table_name='audit_event')
    op.drop_index('ix_audit_event_petition', table_name='audit_event')
    op.drop_table('audit_event')
    op.drop_index('ix_console_code_person_sent', table_name='console_code')
    op.drop_table('console_code')
