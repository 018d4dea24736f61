"""petition facts for the measures: bits, handling days, a covering index (backfilled)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('petition', schema=None) as batch_op:
        batch_op.add_column(sa.Column('facts', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('handling_days', sa.Float(), nullable=True))
        batch_op.create_index('ix_petition_measures', ['unit_id', 'channel', 'category', 'received_at', 'facts',
                                                       'people', 'handling_days'], unique=False)
    _backfill()


def _backfill() -> None:
    """Existing petitions get their facts (core.facts), including REPEATED for those a later
    petition links to. Uses only the columns this revision knows, in batches."""
    from core.facts import REPEATED, facts_of, handling_days
    from core.store.models import UTCDateTime

    when = [sa.column(c, UTCDateTime()) for c in ("received_at", "closed_at", "due_accept", "due_meet", "due_reply",
                                                   "accepted_at", "met_at", "replied_at")]
    petition = sa.table("petition", sa.column("id", sa.Integer), sa.column("facts", sa.Integer),
                        sa.column("handling_days", sa.Float), sa.column("repeat_of_id", sa.Integer),
                        sa.column("status", sa.String), sa.column("rating", sa.String),
                        sa.column("overdue", sa.Boolean), sa.column("review_level", sa.String), *when)
    conn = op.get_bind()
    repeated = set(conn.execute(sa.select(petition.c.repeat_of_id).where(petition.c.repeat_of_id.is_not(None)))
                   .scalars())
    last = 0
    while True:
        rows = list(conn.execute(sa.select(petition).where(petition.c.id > last).order_by(petition.c.id).limit(2000)))
        if not rows:
            break
        conn.execute(sa.update(petition).where(petition.c.id == sa.bindparam("pid"))
                     .values(facts=sa.bindparam("f"), handling_days=sa.bindparam("d")),
                     [{"pid": r.id, "f": facts_of(r) | (REPEATED if r.id in repeated else 0), "d": handling_days(r)}
                      for r in rows])
        last = rows[-1].id


def downgrade() -> None:
    with op.batch_alter_table('petition', schema=None) as batch_op:
        batch_op.drop_index('ix_petition_measures')
        batch_op.drop_column('handling_days')
        batch_op.drop_column('facts')
