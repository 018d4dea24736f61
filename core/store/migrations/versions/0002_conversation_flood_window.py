"""conversation: the sender's flood-limit window kept on the row (no count query per message)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('conversation') as batch:
        batch.add_column(sa.Column('window_started_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('window_count', sa.Integer(), nullable=False, server_default='0'))


def downgrade() -> None:
    with op.batch_alter_table('conversation') as batch:
        batch.drop_column('window_count')
        batch.drop_column('window_started_at')
