"""media kept beyond WeChat's three days: every image, voice and video recorded when it arrives
(a petition linked once known), downloaded by a worker, its copy named by SHA-256

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('attachment') as batch:
        batch.alter_column('petition_id', existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column('fetch_status', sa.String(length=10), nullable=True))
        batch.add_column(sa.Column('fetch_attempts', sa.Integer(), server_default='0', nullable=False))
        batch.add_column(sa.Column('fetch_next_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('fetch_error', sa.Text(), nullable=True))
        batch.add_column(sa.Column('sha256', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('size', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('content_type', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('stored_at', sa.DateTime(timezone=True), nullable=True))
    # what was received before: tried once more (WeChat may still have it); older than a day, a
    # failure is final at once and staff are told
    op.execute("UPDATE attachment SET fetch_status = 'pending', fetch_next_at = at WHERE media_id IS NOT NULL")
    op.create_index('ix_attachment_fetch', 'attachment', ['fetch_status', 'fetch_next_at'], unique=False,
                    postgresql_where=sa.text("fetch_status = 'pending'"),
                    sqlite_where=sa.text("fetch_status = 'pending'"))
    op.create_index('ix_attachment_inbound', 'attachment', ['inbound_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_attachment_inbound', table_name='attachment')
    op.drop_index('ix_attachment_fetch', table_name='attachment')
    with op.batch_alter_table('attachment') as batch:
        for column in ('stored_at', 'content_type', 'size', 'sha256', 'fetch_error', 'fetch_next_at',
                       'fetch_attempts', 'fetch_status'):
            batch.drop_column(column)
        batch.alter_column('petition_id', existing_type=sa.Integer(), nullable=False)
