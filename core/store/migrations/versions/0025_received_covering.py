"""PostgreSQL: ix_petition_received carries channel, category, unit_id and status (INCLUDE), so
a list narrowed by days and those filters is counted from the index alone (SQLite: unchanged)

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-01
"""
from alembic import op


revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index('ix_petition_received', table_name='petition')
    op.create_index('ix_petition_received', 'petition', ['received_at'], unique=False,
                    postgresql_include=['channel', 'category', 'unit_id', 'status'])


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index('ix_petition_received', table_name='petition')
    op.create_index('ix_petition_received', 'petition', ['received_at'], unique=False)
