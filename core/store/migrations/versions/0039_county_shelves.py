"""The 工作台's shelves by county first, on PostgreSQL (issue 31, 6; docs/city.md): the partial
indexes of 待见面, 回访 (closed, and answered 不满意) and the flagged overdue cases lead with
``county_id``. Among ten counties of a million cases each, PostgreSQL's planner ANDed a county's
whole ix_petition_county_received with the partial index of every county (a county's 工作台 470 ms;
bench/city.py); by county first it reads the county's few (30 ms). SQLite holds one county and
keeps its indexes (its filter is ``+county_id``, which no index serves). And a county's cases by
day carry the measures' columns on PostgreSQL (``INCLUDE``): a county's month of figures among a
city's is an index-only scan (the city's ranking, a county's 统计). No row changes.

Revision ID: 0039
Revises: 0038
Create Date: 2026-12-06
"""
from alembic import op
import sqlalchemy as sa


revision = '0039'
down_revision = '0038'
branch_labels = None
depends_on = None

TO_MEET = "status = 'accepted' AND met_at IS NULL AND due_meet IS NOT NULL"
FOLLOW_UP = "status = 'closed' AND (rating IS NULL OR rating = 'unsatisfied')"
UNSATISFIED_OPEN = "status = 'replied' AND rating = 'unsatisfied'"

# the county's index → (its columns, its predicate); the index without the county it replaces → (its columns)
BY_COUNTY = {
    'ix_petition_county_flagged': (['county_id', 'overdue', 'status'], None),
    'ix_petition_county_follow_up': (['county_id', 'closed_at', 'unit_id'], FOLLOW_UP),
    'ix_petition_county_unsatisfied_open': (['county_id', 'rated_at', 'unit_id'], UNSATISFIED_OPEN),
    'ix_petition_county_to_meet': (['county_id', 'due_meet', 'unit_id'], TO_MEET),
}
WITHOUT_COUNTY = {
    'ix_petition_flagged': (['overdue', 'status'], None),
    'ix_petition_follow_up': (['closed_at', 'unit_id'], FOLLOW_UP),
    'ix_petition_unsatisfied_open': (['rated_at', 'unit_id'], UNSATISFIED_OPEN),
    'ix_petition_to_meet': (['due_meet', 'unit_id'], TO_MEET),
}


COUNTY_MEASURES = ['unit_id', 'channel', 'category', 'facts', 'people', 'handling_days', 'status']


def _create(indexes: dict) -> None:
    for name, (columns, where) in indexes.items():
        op.create_index(name, 'petition', columns, postgresql_where=sa.text(where) if where else None)


def upgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    _create(BY_COUNTY)
    for name in WITHOUT_COUNTY:
        op.drop_index(name, table_name='petition')
    op.drop_index('ix_petition_county_received', table_name='petition')
    op.create_index('ix_petition_county_received', 'petition', ['county_id', 'received_at'],
                    postgresql_include=COUNTY_MEASURES)


def downgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    _create(WITHOUT_COUNTY)
    for name in BY_COUNTY:
        op.drop_index(name, table_name='petition')
    op.drop_index('ix_petition_county_received', table_name='petition')
    op.create_index('ix_petition_county_received', 'petition', ['county_id', 'received_at'])
