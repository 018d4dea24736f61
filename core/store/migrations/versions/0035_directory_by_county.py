"""A second county's directory loads beside the first (issue 31, docs/city.md): a township's name
and a unit's code are unique within their county, not across the deployment — two counties may
both have a 城关镇, or a unit coded "renshe". Nothing is copied or lost: the rows stay as they are,
only the unique keys change (township.name → (county_id, name); unit.code → (county_id, code)).

On SQLite a unique constraint written in CREATE TABLE cannot be dropped in place: the table is
rebuilt in batch mode (Alembic's copy, with foreign keys off on the migrations' connection, env.py,
so the rows pointing at it keep pointing at it). The old constraints have no name there: the
naming convention below gives the reflected ones theirs. On PostgreSQL the old constraint's name
is read from the catalogue (township_name_key, unit_code_key when 0001 made them).

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-06
"""
from alembic import op
import sqlalchemy as sa


revision = '0035'
down_revision = '0034'
branch_labels = None
depends_on = None

NAMING = {"uq": "uq_%(table_name)s_%(column_0_name)s"}
# (table, the key unique across the deployment until now, its new name with county_id first)
KEYS = (('township', 'name', 'uq_township_county_name'),
        ('unit', 'code', 'uq_unit_county_code'))


def _swap(table: str, old: list[str], new: list[str], new_name: str) -> None:
    bind = op.get_bind()
    # the old key's name: 0001 named none (PostgreSQL then calls it township_name_key; SQLite
    # reflects None, which the naming convention names in the batch)
    old_name = next(uc['name'] for uc in sa.inspect(bind).get_unique_constraints(table) if uc['column_names'] == old)
    if bind.dialect.name == 'sqlite':
        with op.batch_alter_table(table, naming_convention=NAMING) as batch:
            batch.drop_constraint(old_name or NAMING["uq"] % {"table_name": table, "column_0_name": old[0]},
                                  type_='unique')
            batch.create_unique_constraint(new_name, new)
        return
    op.drop_constraint(old_name, table, type_='unique')
    op.create_unique_constraint(new_name, table, new)


def upgrade() -> None:
    for table, column, name in KEYS:
        _swap(table, [column], ['county_id', column], name)


def downgrade() -> None:
    """Back to one key across the deployment: refused by the database if two counties share a name."""
    for table, column, name in KEYS:
        _swap(table, ['county_id', column], [column], f'{table}_{column}_key')
