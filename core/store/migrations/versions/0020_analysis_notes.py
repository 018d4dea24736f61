"""what staff write into the weekly and monthly analyses (舆情预判, 下一步工作): analysis_note

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'analysis_note',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=8), nullable=False),
        sa.Column('first', sa.Date(), nullable=False),
        sa.Column('section', sa.String(length=16), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=True),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_analysis_note_period', 'analysis_note', ['kind', 'first', 'section', 'at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_analysis_note_period', table_name='analysis_note')
    op.drop_table('analysis_note')
