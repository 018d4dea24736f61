"""台账 across counties (issue 31, 4): the city's staff export the ledger of all its counties or
chosen ones. ``ledger_export.counties``: the prefixes chosen ("LS,BF", in the order given) for an
export of the city's; NULL — every export so far — is the ledger of the export's own county. A
new nullable column; no row changes.

Revision ID: 0040
Revises: 0039
Create Date: 2026-12-06
"""
from alembic import op
import sqlalchemy as sa


revision = '0040'
down_revision = '0039'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('ledger_export', sa.Column('counties', sa.String(200), nullable=True))


def downgrade() -> None:
    # dropped in place (SQLite 3.35+), as 0038's column
    with op.batch_alter_table('ledger_export', recreate='never') as batch:
        batch.drop_column('counties')
