"""WeCom (企业微信) for officials: a person's WeCom user id, from the county file

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('person', sa.Column('wecom_userid', sa.String(length=64), nullable=True))
    op.create_index('uq_person_wecom', 'person', ['wecom_userid'], unique=True)


def downgrade() -> None:
    op.drop_index('uq_person_wecom', table_name='person')
    with op.batch_alter_table('person') as batch:
        batch.drop_column('wecom_userid')
