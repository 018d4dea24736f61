"""seven evenings (七晚工作法): plans, members, visits

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('evening_plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('petition_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('lead_person_id', sa.Integer(), nullable=True),
    sa.Column('campaign', sa.String(length=64), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('selected_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('filed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('first_evening', sa.Date(), nullable=True),
    sa.Column('chain_start', sa.Date(), nullable=True),
    sa.Column('settled_through', sa.Date(), nullable=True),
    sa.Column('in_a_row', sa.Integer(), nullable=False),
    sa.Column('evenings_done', sa.Integer(), nullable=False),
    sa.Column('evenings_missed', sa.Integer(), nullable=False),
    sa.Column('restarts', sa.Integer(), nullable=False),
    sa.Column('agreement', sa.Boolean(), nullable=False),
    sa.Column('outcome_note', sa.Text(), nullable=True),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['lead_person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['petition_id'], ['petition.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('evening_plan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evening_plan_petition_id'), ['petition_id'], unique=False)
        batch_op.create_index('ix_evening_plan_status', ['status'], unique=False)

    op.create_table('plan_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('label', sa.String(length=16), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['plan_id'], ['evening_plan.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('plan_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_member_phone'), ['phone'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_member_plan_id'), ['plan_id'], unique=False)

    op.create_table('evening_visit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('evening', sa.Date(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('started_by', sa.Integer(), nullable=True),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ended_by', sa.Integer(), nullable=True),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('location', sa.JSON(), nullable=True),
    sa.Column('distance_m', sa.Float(), nullable=True),
    sa.Column('petitioner_start', sa.Boolean(), nullable=True),
    sa.Column('petitioner_end', sa.Boolean(), nullable=True),
    sa.Column('excuse', sa.Text(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('judged_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['ended_by'], ['plan_member.id'], ),
    sa.ForeignKeyConstraint(['plan_id'], ['evening_plan.id'], ),
    sa.ForeignKeyConstraint(['started_by'], ['plan_member.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('plan_id', 'evening', name='uq_evening_visit_once')
    )


def downgrade() -> None:
    op.drop_table('evening_visit')
    with op.batch_alter_table('plan_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_member_plan_id'))
        batch_op.drop_index(batch_op.f('ix_plan_member_phone'))

    op.drop_table('plan_member')
    with op.batch_alter_table('evening_plan', schema=None) as batch_op:
        batch_op.drop_index('ix_evening_plan_status')
        batch_op.drop_index(batch_op.f('ix_evening_plan_petition_id'))

    op.drop_table('evening_plan')
