"""the leaders' reception schedule (接访日程): reception_slot

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'reception_slot',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('starts', sa.String(length=5), nullable=False),
        sa.Column('ends', sa.String(length=5), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=True),
        sa.Column('leader', sa.String(length=64), nullable=False),
        sa.Column('place', sa.String(length=128), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('actor', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_reception_day', 'reception_slot', ['day'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_reception_day', table_name='reception_slot')
    op.drop_table('reception_slot')
