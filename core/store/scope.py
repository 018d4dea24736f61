"""A county's data, scoped by its county in one place (docs/city.md).

An ORM session is bound to a county (``session.info["county_id"]``, :func:`bind`); then

- every ORM SELECT of a county-owned model (core.store.models.CountyOwned) — a list, a get by
  id, a join, a subquery, a relationship's load — and every ORM UPDATE and DELETE of one by
  its criteria is filtered by ``county_id``
  (SQLAlchemy's ``do_orm_execute`` event and ``with_loader_criteria``): another county's row is
  not found, as if it did not exist;
- every new county-owned object flushed without a county gets the session's;
- a village, which carries no county, is filtered by its township's.

The product's sessions are bound where they are opened: the message's (handlers.context: its
county), and every session of :func:`core.store.db.make_sessionmaker` — the console's requests,
the jobs, the CLI — to :data:`DEPLOYMENT`, the deployment's only county, read at the session's
first statement; a deployment of several counties must bind each session to its own county (a
session left to :data:`DEPLOYMENT` there is refused, never silently given all of them). A
statement meant across counties (the city's figures, the outbox's workers) says so with the
execution option ``all_counties=True``.

The hot path's hand-built Core statements (core.store.conversations, petitions, inbox, outbox,
counters; core.cases.lifecycle.NewCase) are not ORM statements: they write ``county_id`` — said,
or the column's default, the deployment's only county (core.store.models.ONLY_COUNTY), which a
deployment of several counties refuses.
"""
from __future__ import annotations

from functools import lru_cache

from sqlalchemy import Integer, event, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria
from sqlalchemy.sql.functions import FunctionElement

from core.store.models import County, CountyOwned, Township, Village

COUNTY = "county_id"            # the key of session.info: the county the session is bound to
DEPLOYMENT = "deployment"       # bound to the deployment's only county, read at the first statement
ALL_COUNTIES = "all_counties"   # an execution option: this statement is across counties


class ScopeError(RuntimeError):
    """A session of a deployment of several counties not bound to one."""


def bind(session: Session, county_id: int | None) -> Session:
    """Bind ``session`` to a county (None: unbound, every county's rows)."""
    session.info[COUNTY] = county_id
    return session


def county_of(session: Session) -> int | None:
    """The county ``session`` is bound to (None: unbound); :data:`DEPLOYMENT` read once."""
    county = session.info.get(COUNTY)
    if county == DEPLOYMENT:
        county = session.info[COUNTY] = deployment_county(session.connection())
    return county


_COUNTIES = select(County.id).where(County.kind == "county").limit(2)
_chosen: int | None = None   # this process's county, where the operator chose one (`xinfang --county BF …`)


def choose(county_id: int | None) -> None:
    """This process's county: the one :data:`DEPLOYMENT` means from now on, in a deployment of
    several counties as of one — for a command of the CLI run for one county of a city (``xinfang
    --county BF stats``). The web processes and the workers never choose: they bind each request
    and each job to its own county."""
    global _chosen
    _chosen = county_id


def deployment_county(conn) -> int | None:
    """The deployment's county when it holds one (None before any is loaded: `xinfang init` on a
    new database), or the one this process chose (:func:`choose`); several and none chosen:
    :class:`ScopeError` — each session must then say its county."""
    if _chosen is not None:
        return _chosen
    ids = list(conn.scalars(_COUNTIES))
    if len(ids) > 1:
        raise ScopeError("this deployment holds several counties: bind the session to one (core.store.scope.bind)")
    return ids[0] if ids else None


class _Key(FunctionElement):
    """A county-owned row's ``county_id`` in the scope's filter. On SQLite — one county, every row
    of it — written ``+county_id``, which no index serves: its planner, without statistics, would
    take an index leading with county_id for an equality every row meets, over the index the
    query was written for. PostgreSQL knows from its statistics and uses them for a city."""

    type = Integer()
    name = "county_key"
    inherit_cache = True


@compiles(_Key)
def _key(element, compiler, **kw):
    return compiler.process(element.clauses, **kw)


@compiles(_Key, "sqlite")
def _key_sqlite(element, compiler, **kw):
    return "+" + compiler.process(element.clauses, **kw)


def county_key(column):
    """A hand-built statement's county filter, as the scope writes it (``+county_id`` on SQLite)."""
    return _Key(column)


@lru_cache(maxsize=64)
def _criteria(county_id: int):
    return (with_loader_criteria(CountyOwned, lambda cls: _Key(cls.county_id) == county_id, include_aliases=True),
            # a village is its township's: read on its own (the places of a county), through its township
            with_loader_criteria(Village, lambda cls: cls.township_id.in_(
                select(Township.id).where(_Key(Township.county_id) == county_id)), include_aliases=True))


@event.listens_for(Session, "do_orm_execute")
def _scoped(state: ORMExecuteState) -> None:
    if state.is_select:
        if state.is_column_load or state.is_relationship_load:
            return   # the loads of rows already read went through the scope with them
    elif not (state.is_update or state.is_delete) or isinstance(state.parameters, list):
        return       # an INSERT writes the county it is given; a bulk UPDATE by primary keys names its rows
    if state.session.info.get(COUNTY) is None or state.execution_options.get(ALL_COUNTIES):
        return
    county = county_of(state.session)
    if county is not None:
        state.statement = state.statement.options(*_criteria(county))


@event.listens_for(Session, "before_flush")
def _stamped(session: Session, _context, _instances) -> None:
    if session.info.get(COUNTY) is None:
        return
    new = [obj for obj in session.new if isinstance(obj, CountyOwned) and obj.county_id is None]
    if new:
        county = county_of(session)
        for obj in new:
            obj.county_id = county
