"""staff registration (people, category), accusations and recusal, review (复查/复核)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('recusal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('petition_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['petition_id'], ['petition.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('recusal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recusal_petition_id'), ['petition_id'], unique=False)

    with op.batch_alter_table('petition', schema=None) as batch_op:
        batch_op.add_column(sa.Column('people', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('category', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('accusation', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('review_level', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('review_requested_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('due_review', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('review_answered_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_petition_received', ['received_at'], unique=False)
        batch_op.create_index('ix_petition_repeat_of', ['repeat_of_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('petition', schema=None) as batch_op:
        batch_op.drop_index('ix_petition_repeat_of')
        batch_op.drop_index('ix_petition_received')
        batch_op.drop_column('review_answered_at')
        batch_op.drop_column('due_review')
        batch_op.drop_column('review_requested_at')
        batch_op.drop_column('review_level')
        batch_op.drop_column('accusation')
        batch_op.drop_column('category')
        batch_op.drop_column('people')

    with op.batch_alter_table('recusal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recusal_petition_id'))
    op.drop_table('recusal')
