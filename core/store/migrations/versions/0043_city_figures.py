"""The city's figures as its texts sent them (issue 31, 4-5; core.reports.kept): its 每日访情 by
county, its weekly and monthly analyses' lines, its monthly ranking — what its console's pages show
for that day or period, instead of reading a month of ten counties again (bench/city.py: the
month's page 15 s among ten counties of a million cases). A new table, the city's; nothing else
changes.

Revision ID: 0043
Revises: 0042
Create Date: 2026-12-06
"""
from alembic import op
import sqlalchemy as sa


revision = '0043'
down_revision = '0042'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'city_figures',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=8), nullable=False),
        sa.Column('period', sa.String(length=10), nullable=False),
        sa.Column('figures', sa.JSON(), nullable=False),
        sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('county_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['county_id'], ['county.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('county_id', 'kind', 'period', name='uq_city_figures_period'),
    )


def downgrade() -> None:
    op.drop_table('city_figures')
