"""The texts sent to a number lately, for a provider's frequency limits per number: ix_outbound_to_sent

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-01
"""
from alembic import op


revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_outbound_to_sent', 'outbound_message', ['to', 'sent_at'])


def downgrade() -> None:
    op.drop_index('ix_outbound_to_sent', table_name='outbound_message')
