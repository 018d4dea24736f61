"""inbound messages taken over when their handler died, and failed ones tried again

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('inbound_message', sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('inbound_message', sa.Column('attempts', sa.Integer(), nullable=True))
    op.add_column('inbound_message', sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True))
    op.create_index('ix_inbound_pending', 'inbound_message', ['status', 'next_attempt_at'], unique=False,
                    postgresql_where=sa.text("status <> 'done'"), sqlite_where=sa.text("status <> 'done'"))


def downgrade() -> None:
    op.drop_index('ix_inbound_pending', table_name='inbound_message')
    op.drop_column('inbound_message', 'next_attempt_at')
    op.drop_column('inbound_message', 'attempts')
    op.drop_column('inbound_message', 'claimed_at')
