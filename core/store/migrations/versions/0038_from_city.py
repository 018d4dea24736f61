"""The city's 登记 handed down (issue 31, 3): a petition registered by the city's bureau (到市访,
来信) for one of its counties is that county's case from the first moment, and says which city
handed it down — the city follows it, and is told its answer. A new nullable column and a partial
index of the cases a city handed down; nothing else changes.

Revision ID: 0038
Revises: 0037
Create Date: 2026-12-06
"""
from alembic import op
import sqlalchemy as sa


revision = '0038'
down_revision = '0037'
branch_labels = None
depends_on = None

HANDED_DOWN = "from_city_id IS NOT NULL"


def upgrade() -> None:
    # added in place (SQLite: ALTER TABLE ADD COLUMN … REFERENCES, no copy of a county's year of cases)
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE petition ADD COLUMN from_city_id INTEGER REFERENCES county (id)')
    else:
        op.add_column('petition', sa.Column('from_city_id', sa.Integer(), sa.ForeignKey('county.id'), nullable=True))
    op.create_index('ix_petition_from_city', 'petition', ['from_city_id', 'status'],
                    postgresql_where=sa.text(HANDED_DOWN), sqlite_where=sa.text(HANDED_DOWN))


def downgrade() -> None:
    op.drop_index('ix_petition_from_city', table_name='petition')
    # dropped in place (SQLite 3.35+), as 0032's columns: a batch's copy of the table would drop the
    # old one under the foreign keys of every row that points at a petition
    with op.batch_alter_table('petition', recreate='never') as batch:
        batch.drop_column('from_city_id')
