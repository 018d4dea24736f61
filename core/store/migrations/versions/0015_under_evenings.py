"""a case under 七晚 is handled by its plan: petition.under_evenings, set while a plan is under
way (its answer and closing are held to the law's bounds, not the county's short targets)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('petition', sa.Column('under_evenings', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.execute("UPDATE petition SET under_evenings = true WHERE id IN (SELECT petition_id FROM evening_plan "
               "WHERE status IN ('selected', 'filed', 'completed'))")


def downgrade() -> None:
    with op.batch_alter_table('petition') as batch:
        batch.drop_column('under_evenings')
