"""A conversation is one per address in a county (issue 31, docs/city.md): (channel, sender) →
(channel, sender, county_id). A number texting two counties' own numbers talks with each apart —
a draft begun with 鲁山 is never continued, nor filed, by what it texts 宝丰 (an OpenID is one
account's, hence one county's, already). Led by the address, which the lookups by (channel,
sender) use. No row changes: every conversation so far is its one county's.

On SQLite the table is rebuilt in batch mode (a unique constraint written in CREATE TABLE cannot
be dropped in place; foreign keys are off on the migrations' connection, env.py); on PostgreSQL
the constraint is swapped in place.

Revision ID: 0037
Revises: 0036
Create Date: 2026-12-06
"""
from alembic import op


revision = '0037'
down_revision = '0036'
branch_labels = None
depends_on = None


# the key before (one conversation per address) and after (one per address in a county)
BY_ADDRESS = ('uq_conversation_sender', ['channel', 'sender'])
BY_COUNTY = ('uq_conversation_county_sender', ['channel', 'sender', 'county_id'])


def _swap(old: tuple, new: tuple) -> None:
    with op.batch_alter_table('conversation') as batch:
        batch.drop_constraint(old[0], type_='unique')
        batch.create_unique_constraint(*new)


def upgrade() -> None:
    _swap(BY_ADDRESS, BY_COUNTY)


def downgrade() -> None:
    """Back to one conversation per address: refused by the database if a number has one with two counties."""
    _swap(BY_COUNTY, BY_ADDRESS)
