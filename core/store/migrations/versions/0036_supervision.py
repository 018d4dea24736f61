"""督办 by the city (issue 31, 3): a county's case marked 挂牌督办 by the city's bureau, with a
reason and a deadline (core.cases.supervision). A new table, the case's county's; nothing else
changes. The sweep reads the open ones by their deadline (a partial index of those neither met
nor missed).

Revision ID: 0036
Revises: 0035
Create Date: 2026-12-06
"""
from alembic import op
import sqlalchemy as sa


revision = '0036'
down_revision = '0035'
branch_labels = None
depends_on = None

OPEN = "met_at IS NULL AND missed_at IS NULL"


def upgrade() -> None:
    op.create_table(
        'supervision',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('petition_id', sa.Integer(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('by_person_id', sa.Integer(), nullable=True),
        sa.Column('by_name', sa.String(length=64), nullable=False),
        sa.Column('met_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('missed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('county_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['petition_id'], ['petition.id']),
        sa.ForeignKeyConstraint(['by_person_id'], ['person.id']),
        sa.ForeignKeyConstraint(['county_id'], ['county.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_supervision_petition', 'supervision', ['petition_id'])
    op.create_index('ix_supervision_due', 'supervision', ['due_at'],
                    postgresql_where=sa.text(OPEN), sqlite_where=sa.text(OPEN))


def downgrade() -> None:
    op.drop_index('ix_supervision_due', table_name='supervision')
    op.drop_index('ix_supervision_petition', table_name='supervision')
    op.drop_table('supervision')
