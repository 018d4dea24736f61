"""index the cases each 包案 leader owns, and the open cases flagged overdue (daily 访情)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23
"""
from alembic import op


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('petition', schema=None) as batch_op:
        batch_op.create_index('ix_petition_lead', ['lead_person_id'], unique=False)
        batch_op.create_index('ix_petition_flagged', ['overdue', 'status'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('petition', schema=None) as batch_op:
        batch_op.drop_index('ix_petition_flagged')
        batch_op.drop_index('ix_petition_lead')

