"""verification codes looked up by number and time (the limits per number)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01
"""
from alembic import op


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_phone_verification_phone_sent', 'phone_verification', ['phone', 'sent_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_phone_verification_phone_sent', table_name='phone_verification')
