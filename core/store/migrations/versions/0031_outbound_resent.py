"""A notice to a citizen that failed for good is sent again, once, when the citizen next writes:
outbound_message.resent_at says when it was (and that it never will be again). Nothing is deleted.

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-06
"""
from alembic import op
import sqlalchemy as sa


revision = '0031'
down_revision = '0030'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('outbound_message', sa.Column('resent_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('outbound_message') as batch:
        batch.drop_column('resent_at')
