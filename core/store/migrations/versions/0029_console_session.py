"""Server-side console sessions (console_session), and sign-in code requests counted by number
and address (console_code: phone_key, address, asker_hash; person_id empty for a number nobody has)

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-05
"""
from alembic import op
import sqlalchemy as sa


revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'console_session',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('role', sa.String(length=16), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=True),
        sa.Column('admin', sa.Boolean(), nullable=False),
        sa.Column('address', sa.String(length=64), nullable=True),
        sa.Column('began_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('ended_why', sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('uq_console_session_token', 'console_session', ['token_hash'], unique=True)
    op.create_index('ix_console_session_person', 'console_session', ['person_id', 'ended_at'], unique=False)
    op.drop_index('ix_console_code_person_sent', table_name='console_code')
    with op.batch_alter_table('console_code') as batch:
        batch.alter_column('person_id', existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column('phone_key', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('address', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('asker_hash', sa.String(length=64), nullable=True))
    op.create_index('ix_console_code_number', 'console_code', ['phone_key', 'address', 'sent_at'], unique=False)
    op.create_index('ix_console_code_address', 'console_code', ['address', 'sent_at'], unique=False)
    op.create_index('ix_console_code_sent', 'console_code', ['sent_at'], unique=False)
    op.create_index('ix_console_code_asker', 'console_code', ['asker_hash'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_console_code_asker', table_name='console_code')
    op.drop_index('ix_console_code_sent', table_name='console_code')
    op.drop_index('ix_console_code_address', table_name='console_code')
    op.drop_index('ix_console_code_number', table_name='console_code')
    op.execute("DELETE FROM console_code WHERE person_id IS NULL")   # requests for nobody: no person to keep
    with op.batch_alter_table('console_code') as batch:
        batch.drop_column('asker_hash')
        batch.drop_column('address')
        batch.drop_column('phone_key')
        batch.alter_column('person_id', existing_type=sa.Integer(), nullable=False)
    op.create_index('ix_console_code_person_sent', 'console_code', ['person_id', 'sent_at'], unique=False)
    op.drop_index('ix_console_session_person', table_name='console_session')
    op.drop_index('uq_console_session_token', table_name='console_session')
    op.drop_table('console_session')
