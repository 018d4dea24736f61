"""The words of a petition's text, indexed so the console's search by words (core.workplace.workbench.search)
finds the few cases with a word — or none — without reading every row.

Chinese has no spaces, and most search words are two characters (停水, 拆迁, 低保), below what a
trigram index can use. So the text is indexed by its character bigrams (Lucene's CJK approach):
"村里停水三天" → 村里 里停 停水 水三 三天. A search word's bigrams must all be in a case for it to be
a candidate, and the text itself (LIKE) then decides — the index only narrows, never answers.

- PostgreSQL: a GIN index on the expression ``xf_bigrams(content)`` (an immutable SQL function,
  migration 0024); the planner takes it for a rare word and walks the date index for a common one.
- SQLite: a contentless FTS5 table ``petition_words`` (rowid = the petition's id, no positions:
  ``detail=none``), written by a trigger on insert with ``xf_bigrams``, which every connection of
  :func:`core.store.db.make_engine` registers (:func:`register`).

A word of one character, or a query with no run of two, is searched by the text alone.
"""
from __future__ import annotations

import re

from sqlalchemy import Text, and_, cast, func, literal_column, or_, select, text, union
from sqlalchemy.dialects.postgresql import ARRAY, array
from sqlalchemy.orm import Session

from core.store.models import ONE_DIALECT, Petition

# runs of characters a word is made of: Han (with extension A and compatibility), Latin letters, digits
RUN = re.compile(r"[0-9A-Za-z\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
TABLES = ("petition_words", "petition_words_data", "petition_words_idx", "petition_words_docsize",
          "petition_words_config", "petition_words_content")   # SQLite's FTS5 table and its shadows
INDEXES = ("ix_petition_words",)                                  # PostgreSQL's expression index
DENSE = 5000   # more candidates than this: the word is common, walking the newest cases finds 50 soon


def modelled(name: str | None, type_: str, parent_names: dict) -> bool:
    """Alembic's ``include_name``: the index lives outside the models (a virtual table, an
    expression index), so autogenerate and the models-match-migrations test leave it be."""
    return not ((type_ == "table" and name in TABLES) or (type_ == "index" and name in INDEXES))


def modelled_on(dialect: str):
    """Alembic's ``include_object`` on a ``dialect`` database: an index the models keep for the
    other database alone (core.store.models.only) is not this one's to compare."""
    def include(obj, name, type_, reflected, compare_to) -> bool:
        return not (type_ == "index" and ONE_DIALECT.get(name, dialect) != dialect)
    return include


def grams(text_: str | None) -> list[str]:
    """The distinct bigrams of the runs of word characters, lower-cased, in order of appearance."""
    seen: dict[str, None] = {}
    for run in RUN.findall((text_ or "").lower()):
        for i in range(len(run) - 1):
            seen.setdefault(run[i:i + 2], None)
    return list(seen)


def grams_text(text_: str | None) -> str:
    """What SQLite's FTS5 table holds for a text: its bigrams, space-separated (one token each)."""
    return " ".join(grams(text_))


def register(dbapi_conn) -> None:
    """``xf_bigrams`` on a SQLite connection (the trigger that fills petition_words calls it)."""
    dbapi_conn.create_function("xf_bigrams", 1, grams_text, deterministic=True)


def says(s: Session, word: str, or_named: bool = False):
    """The condition on Petition "its text says ``word``" (or, with ``or_named``, "or the
    petitioner is called that"), narrowed by the index where it helps: to the cases that have
    every bigram of the word — the text then decides. A word of one character, or a common word
    on SQLite (more than :data:`DENSE` candidates: the newest cases soon give a page), is the text
    alone."""
    like = Petition.content.contains(word, autoescape=True)
    named = Petition.name == word
    plain = or_(named, like) if or_named else like
    wanted = grams(word)
    if not wanted:
        return plain
    if s.get_bind().dialect.name == "postgresql":
        narrowed = and_(func.xf_bigrams(Petition.content).op("@>")(cast(array(wanted), ARRAY(Text))), like)
        return or_(named, narrowed) if or_named else narrowed
    match = " AND ".join(f'"{g}"' for g in wanted)
    found = select(literal_column("rowid")).select_from(text("petition_words")).where(
        text("petition_words MATCH :match").bindparams(match=match))
    if s.scalar(select(func.count()).select_from(found.limit(DENSE + 1).subquery())) > DENSE:
        return plain
    ids = union(select(Petition.id).where(named), found) if or_named else found   # an OR would walk the year
    return and_(Petition.id.in_(ids), plain)
