"""The nearest deadline by county first, on PostgreSQL (issue 31, 6; docs/city.md): the sweep's
claim of a county's due cases and the 工作台's 即将到期 read ``due_next`` of one county; among ten
counties of a million cases each the planner ANDed the whole deployment's ix_petition_due_next
with the county's open cases (the city's page 7 ms a county for 即将到期; bench/city.py). By county
first and only the cases that have a deadline (a few thousand of a city's ten million), it reads
the county's few. SQLite holds one county and keeps its plain index. No row changes.

Revision ID: 0042
Revises: 0041
Create Date: 2026-12-06
"""
from alembic import op
import sqlalchemy as sa


revision = '0042'
down_revision = '0041'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.create_index('ix_petition_county_due_next', 'petition', ['county_id', 'due_next'],
                    postgresql_where=sa.text('due_next IS NOT NULL'))
    op.drop_index('ix_petition_due_next', table_name='petition')


def downgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.create_index('ix_petition_due_next', 'petition', ['due_next'])
    op.drop_index('ix_petition_county_due_next', table_name='petition')
