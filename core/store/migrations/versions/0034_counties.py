"""A city over its counties (issue 31, docs/city.md): the county row says whether it is a county or
the city (county.kind) and which city a county belongs to (county.parent_id); every county-owned
table gets county_id (NOT NULL, a foreign key to county), every existing row the one county's id —
nothing is copied or lost. A few indexes lead with county_id where a city's lists by county need
them.

On SQLite the column is added in place with the county's id as its default (ALTER TABLE ADD
COLUMN: every existing row reads it, no page is rewritten; a table copy would drop the petitions'
words trigger and the foreign keys of every row pointing at them). SQLite adds a NOT NULL column
with a REFERENCES clause only while foreign keys are off, which the migrations' connection is
(env.py). On PostgreSQL the column is added with the same default (PostgreSQL 11+ stores it
once, no rewrite) and the default is then dropped: a row must say its county.

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-05
"""
from alembic import op
import sqlalchemy as sa


revision = '0034'
down_revision = '0033'
branch_labels = None
depends_on = None

# the county-owned tables (core.store.models.CountyOwned); their children reached only through
# them carry none (village, recusal, reminder, plan_member, evening_visit, bind_code, console_session)
OWNED = ('township', 'unit', 'person', 'directory_load', 'inbound_message', 'conversation',
         'phone_verification', 'outbound_message', 'petition', 'petition_event', 'instruction',
         'attachment', 'score_event', 'evening_plan', 'escalation', 'daily_check', 'reception_slot',
         'analysis_note', 'ledger_export', 'audit_event')

# rebuilt on SQLite by 0035 and 0037 (their unique keys by county): county_id's foreign key is a clause of
# the table there, which SQLite's DROP COLUMN refuses — dropped by a table copy instead
REBUILT = ('township', 'unit', 'conversation')

INDEXES = (('ix_petition_county_received', 'petition', ['county_id', 'received_at']),
           ('ix_petition_county_status', 'petition', ['county_id', 'status']),
           ('ix_audit_event_county_at', 'audit_event', ['county_id', 'at']),
           ('ix_escalation_county_day', 'escalation', ['county_id', 'occurred_on']))


def upgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == 'sqlite'
    op.add_column('county', sa.Column('kind', sa.String(length=8), server_default='county', nullable=False))
    if sqlite:
        op.execute('ALTER TABLE county ADD COLUMN parent_id INTEGER REFERENCES county (id)')
    else:
        op.add_column('county', sa.Column('parent_id', sa.Integer(), sa.ForeignKey('county.id'), nullable=True))
    # the one county of the deployment (none yet on a new database: its tables are empty, and the
    # county `xinfang init` loads next is the first row)
    county_id = int(bind.scalar(sa.text('SELECT min(id) FROM county')) or 1)
    if sqlite:
        if bind.exec_driver_sql('PRAGMA foreign_keys').scalar():
            raise RuntimeError('0034 adds county_id with its foreign key: run it with foreign keys off (env.py)')
        for table in OWNED:
            op.execute(f'ALTER TABLE {table} ADD COLUMN county_id INTEGER NOT NULL DEFAULT {county_id} '
                       'REFERENCES county (id)')
    else:
        for table in OWNED:
            op.add_column(table, sa.Column('county_id', sa.Integer(), sa.ForeignKey('county.id'), nullable=False,
                                           server_default=str(county_id)))
            op.alter_column(table, 'county_id', server_default=None)
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == 'sqlite'
    for name, table, _columns in INDEXES:
        op.drop_index(name, table_name=table)
    for table in OWNED + ('county',):
        columns = ('parent_id', 'kind') if table == 'county' else ('county_id',)
        for column in columns:
            if sqlite and table in REBUILT:   # 0035 copied it: its county_id's key is the table's now
                with op.batch_alter_table(table) as batch:
                    batch.drop_column(column)
            elif sqlite:   # in place (SQLite 3.35+): a table copy would drop what points at its rows
                op.execute(f'ALTER TABLE {table} DROP COLUMN {column}')
            else:
                op.drop_column(table, column)
