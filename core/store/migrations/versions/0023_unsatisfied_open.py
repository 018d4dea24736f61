"""回访: an index for the answered cases rated 不满意 the unit has not closed yet

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None

WHERE = "status = 'replied' AND rating = 'unsatisfied'"


def upgrade() -> None:
    op.create_index('ix_petition_unsatisfied_open', 'petition', ['rated_at', 'unit_id'], unique=False,
                    postgresql_where=sa.text(WHERE), sqlite_where=sa.text(WHERE))


def downgrade() -> None:
    op.drop_index('ix_petition_unsatisfied_open', table_name='petition')
