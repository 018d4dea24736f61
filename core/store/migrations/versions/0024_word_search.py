"""The console's search by words: a bigram index of the petitions' text (core/store/words.py)

PostgreSQL: xf_bigrams(text), an immutable SQL function, and a GIN index on xf_bigrams(content).
SQLite: the contentless FTS5 table petition_words, filled by a trigger on insert (and kept on an
update of the text), with xf_bigrams registered on every connection; the petitions there are
indexed here.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-01
"""
from alembic import op


revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION xf_bigrams(t text) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT substr(lower(t), i, 2)), '{}')
  FROM generate_series(1, length(t) - 1) AS i
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        op.execute("CREATE INDEX ix_petition_words ON petition USING gin (xf_bigrams(content))")
        return
    op.execute("CREATE VIRTUAL TABLE petition_words USING fts5(grams, content='', detail=none)")
    op.execute("CREATE TRIGGER petition_words_insert AFTER INSERT ON petition BEGIN "
               "INSERT INTO petition_words (rowid, grams) VALUES (new.id, xf_bigrams(new.content)); END")
    op.execute("CREATE TRIGGER petition_words_update AFTER UPDATE OF content ON petition BEGIN "
               "INSERT INTO petition_words (petition_words, rowid, grams) VALUES ('delete', old.id, xf_bigrams(old.content)); "
               "INSERT INTO petition_words (rowid, grams) VALUES (new.id, xf_bigrams(new.content)); END")
    op.execute("INSERT INTO petition_words (rowid, grams) SELECT id, xf_bigrams(content) FROM petition")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_petition_words")
        op.execute("DROP FUNCTION xf_bigrams(text)")
        return
    op.execute("DROP TRIGGER petition_words_update")
    op.execute("DROP TRIGGER petition_words_insert")
    op.execute("DROP TABLE petition_words")
