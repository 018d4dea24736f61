"""The city's single account and number (issue 31, 2): a petition says the entrance it came by —
the county whose own entrance (Official Account, SMS number) took it, the city's when the citizen
wrote to the city's account or number — so everything said to the petitioner later goes back
through that account or number, not the case's county's. A new nullable column: existing rows
keep NULL (they came by their own county's entrance, or the deployment's).

Revision ID: 0041
Revises: 0040
Create Date: 2026-12-06
"""
from alembic import op
import sqlalchemy as sa


revision = '0041'
down_revision = '0040'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # added in place (SQLite: ALTER TABLE ADD COLUMN … REFERENCES, no copy of a county's year of cases)
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE petition ADD COLUMN entrance_id INTEGER REFERENCES county (id)')
    else:
        op.add_column('petition', sa.Column('entrance_id', sa.Integer(), sa.ForeignKey('county.id'), nullable=True))


def downgrade() -> None:
    # dropped in place (SQLite 3.35+), as 0038's column
    with op.batch_alter_table('petition', recreate='never') as batch:
        batch.drop_column('entrance_id')
