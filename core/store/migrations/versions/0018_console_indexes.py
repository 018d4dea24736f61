"""the console's reads over a county in operation (bench/console.py): a case's texts and messages,
cases closed in a period, lookup by name, events of a kind in a period, the 延期 waiting and the
cases to 回访 (partial indexes); a 延期 no longer waiting is SQL NULL, not JSON null

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

INDEXES = (("ix_outbound_petition", "outbound_message", ["petition_id"]),
           ("ix_inbound_petition", "inbound_message", ["petition_id"]),
           ("ix_petition_closed", "petition", ["closed_at", "status", "unit_id", "assigned_at"]),
           ("ix_petition_name", "petition", ["name"]),
           ("ix_petition_event_kind_at", "petition_event", ["kind", "at"]))


FOLLOW_UP = "status = 'closed' AND (rating IS NULL OR rating = 'unsatisfied')"


def upgrade() -> None:
    # by status, now covering the open cases per unit (月考评 counts them without reading rows)
    op.drop_index("ix_petition_status", table_name="petition")
    op.create_index("ix_petition_status", "petition", ["status", "unit_id", "assigned_at"], unique=False)
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)
    op.create_index("ix_petition_follow_up", "petition", ["closed_at", "unit_id"], unique=False,
                    postgresql_where=sa.text(FOLLOW_UP), sqlite_where=sa.text(FOLLOW_UP))
    # a 延期 no longer waiting was kept as JSON null; it is SQL NULL from now on (the model says
    # none_as_null), so the shelf of those waiting reads a small partial index
    if op.get_bind().dialect.name == "postgresql":
        op.execute("UPDATE petition SET pending_extension = NULL WHERE pending_extension::text = 'null'")
    else:
        op.execute("UPDATE petition SET pending_extension = NULL WHERE pending_extension = 'null'")
    op.create_index("ix_petition_extension", "petition", ["due_next"], unique=False,
                    postgresql_where=sa.text("pending_extension IS NOT NULL"),
                    sqlite_where=sa.text("pending_extension IS NOT NULL"))


def downgrade() -> None:
    op.drop_index("ix_petition_extension", table_name="petition")
    op.drop_index("ix_petition_follow_up", table_name="petition")
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
    op.drop_index("ix_petition_status", table_name="petition")
    op.create_index("ix_petition_status", "petition", ["status"], unique=False)
