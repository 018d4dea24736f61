"""the (timestamp, nonce) that signed a plaintext-mode WeChat request, unique: a logged query
string replayed with another body is refused

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('inbound_message', sa.Column('request_key', sa.String(length=64), nullable=True))
    op.create_index('uq_inbound_request', 'inbound_message', ['channel', 'request_key'], unique=True,
                    postgresql_where=sa.text("request_key IS NOT NULL"),
                    sqlite_where=sa.text("request_key IS NOT NULL"))


def downgrade() -> None:
    op.drop_index('uq_inbound_request', table_name='inbound_message')
    op.drop_column('inbound_message', 'request_key')
