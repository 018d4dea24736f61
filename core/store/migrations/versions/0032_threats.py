"""扬言: a petition marked with the gravest threat its petitioner made (petition.threat: self_harm |
violence | blocking | trip) and when it was marked (petition.threat_at), for the 工作台's 预警
shelf and the daily 访情. Cases warned of a trip before (a 'warning' event) are marked as trips.

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-05
"""
from alembic import op
import sqlalchemy as sa


revision = '0032'
down_revision = '0031'
branch_labels = None
depends_on = None

MARKED = "threat_at IS NOT NULL"


def upgrade() -> None:
    op.add_column('petition', sa.Column('threat', sa.String(length=16), nullable=True))
    op.add_column('petition', sa.Column('threat_at', sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE petition SET threat = 'trip', threat_at = (SELECT MIN(e.at) FROM petition_event e "
               "WHERE e.petition_id = petition.id AND e.kind = 'warning') "
               "WHERE EXISTS (SELECT 1 FROM petition_event e WHERE e.petition_id = petition.id AND e.kind = 'warning')")
    op.create_index('ix_petition_threat', 'petition', ['threat_at'], unique=False,
                    postgresql_where=sa.text(MARKED), sqlite_where=sa.text(MARKED))


def downgrade() -> None:
    op.drop_index('ix_petition_threat', table_name='petition')
    # two plain columns: dropped in place (SQLite 3.35+), where a batch's copy of the table would
    # drop the old one under the foreign keys of every row that points at a petition
    with op.batch_alter_table('petition', recreate='never') as batch:
        batch.drop_column('threat_at')
        batch.drop_column('threat')
