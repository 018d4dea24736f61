"""case handling: deadlines, reminders, score events, bind codes

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('bind_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code_hash')
    )
    op.create_table('reminder',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('petition_id', sa.Integer(), nullable=False),
    sa.Column('milestone', sa.String(length=8), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['petition_id'], ['petition.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('petition_id', 'milestone', 'kind', 'due_at', name='uq_reminder_once')
    )
    op.create_table('score_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('petition_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['petition_id'], ['petition.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('score_event', schema=None) as batch_op:
        batch_op.create_index('ix_score_unit_at', ['unit_id', 'at'], unique=False)

    with op.batch_alter_table('petition', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unit_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('lead_person_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('assigned_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('met_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('replied_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('complexity', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('extension_days', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('pending_extension', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('reply_text', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('rating', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('rated_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('meet_confirmed', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('due_assign', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('due_accept', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('due_meet', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('due_reply', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('due_finish', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('due_next', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('deadline_provisional', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('overdue', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_index(batch_op.f('ix_petition_due_next'), ['due_next'], unique=False)
        batch_op.create_foreign_key('fk_petition_lead_person', 'person', ['lead_person_id'], ['id'])
        batch_op.create_foreign_key('fk_petition_unit', 'unit', ['unit_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('petition', schema=None) as batch_op:
        batch_op.drop_constraint('fk_petition_unit', type_='foreignkey')
        batch_op.drop_constraint('fk_petition_lead_person', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_petition_due_next'))
        batch_op.drop_column('overdue')
        batch_op.drop_column('deadline_provisional')
        batch_op.drop_column('due_next')
        batch_op.drop_column('due_finish')
        batch_op.drop_column('due_reply')
        batch_op.drop_column('due_meet')
        batch_op.drop_column('due_accept')
        batch_op.drop_column('due_assign')
        batch_op.drop_column('meet_confirmed')
        batch_op.drop_column('rated_at')
        batch_op.drop_column('rating')
        batch_op.drop_column('reply_text')
        batch_op.drop_column('pending_extension')
        batch_op.drop_column('extension_days')
        batch_op.drop_column('complexity')
        batch_op.drop_column('closed_at')
        batch_op.drop_column('replied_at')
        batch_op.drop_column('met_at')
        batch_op.drop_column('accepted_at')
        batch_op.drop_column('assigned_at')
        batch_op.drop_column('lead_person_id')
        batch_op.drop_column('unit_id')

    with op.batch_alter_table('score_event', schema=None) as batch_op:
        batch_op.drop_index('ix_score_unit_at')

    op.drop_table('score_event')
    op.drop_table('reminder')
    op.drop_table('bind_code')
