"""A domestic SMS provider's template parameters on each outbound text: outbound_message.params

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbound_message') as batch:
        batch.add_column(sa.Column('params', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('outbound_message') as batch:
        batch.drop_column('params')
