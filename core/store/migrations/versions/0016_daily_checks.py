"""日排查日报告: each township's daily check reports (daily_check)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'daily_check',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=True),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('round', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('nothing_new', sa.Boolean(), nullable=False),
        sa.Column('village', sa.String(length=64), nullable=True),
        sa.Column('people', sa.Integer(), nullable=True),
        sa.Column('matter', sa.Text(), nullable=True),
        sa.Column('movement', sa.String(length=10), nullable=True),
        sa.Column('inbound_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['inbound_id'], ['inbound_message.id'], ),
        sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
        sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_daily_check_round', 'daily_check', ['day', 'round', 'unit_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_daily_check_round', table_name='daily_check')
    op.drop_table('daily_check')
