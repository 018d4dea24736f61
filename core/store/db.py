"""Engine, sessions and migrations.

SQLite (the default) runs in WAL mode with a busy timeout so several gunicorn workers can share
the file; PostgreSQL is used as is. The schema is owned by Alembic (core/migrations).
"""
from __future__ import annotations

# Imports inside functions: alembic only to migrate (`xinfang init`, the first start), not in
# every web process and worker.

import fcntl
import os
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import create_engine, event, exc, func
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from core.store import scope, words

MIGRATIONS = Path(__file__).parent / "migrations"
READ_ONLY = "xinfang_read_only"   # set in a connection's info: a reading transaction (plain BEGIN on SQLite)


def make_engine(url: str, immediate: bool = True, ping_idle_after: float = 10.0, **kwargs) -> Engine:
    """``immediate=False`` gives plain deferred SQLite transactions (readers that never block
    writers); on a server database a pooled connection idle for ``ping_idle_after`` seconds is
    checked before use."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            # The driver's own transaction handling off: BEGIN is emitted below, so that every
            # write transaction is BEGIN IMMEDIATE (writers queue on the lock instead of failing
            # on upgrade).
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()
            words.register(dbapi_conn)   # the search index's trigger calls it

        writing = "BEGIN IMMEDIATE" if immediate else "BEGIN"

        def _sqlite_begin(dbapi_connection):
            # The dialect's begin hook rather than a "begin" event: an engine with any event
            # listener runs its event dispatch on every statement (bench/: a tenth of a message).
            dbapi_connection.execute("BEGIN" if dbapi_connection.info.get(READ_ONLY) else writing)
        engine.dialect.do_begin = _sqlite_begin

        return engine
    engine = create_engine(url, **kwargs)
    if not kwargs.get("pool_pre_ping"):
        _ping_when_idle(engine, ping_idle_after)
    return engine


def _ping_when_idle(engine: Engine, seconds: float) -> None:
    """Check a pooled connection before use only if it sat idle for ``seconds`` (a database
    restarted overnight; a connection dropped by a firewall): a ping on every checkout
    (``pool_pre_ping``) costs a round trip for every message. A connection that fails in use
    is replaced by the pool, and the hot path stores a message once more (bot/inbound.py)."""

    @event.listens_for(engine, "checkin")
    def _idle_from(_dbapi_connection, record):
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_connection, record, _proxy):
        since = record.info.pop("idle_since", None)
        if since is None or time.monotonic() - since < seconds:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            if engine.dialect.is_disconnect(error, dbapi_connection, None):
                raise exc.DisconnectionError() from error   # the pool connects anew and tries again
            raise


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Sessions bound to the deployment's county (core.store.scope): a console request's, a job's,
    the CLI's — a deployment of several counties binds each to its own."""
    return sessionmaker(engine, expire_on_commit=False, info={scope.COUNTY: scope.DEPLOYMENT})


def _sqlite_lock_path(engine: Engine) -> str | None:
    if engine.dialect.name != "sqlite":
        return None
    database = engine.url.database
    if not database or database == ":memory:":
        return None
    return database + ".lock"


def queues_writers(engine: Engine) -> bool:
    """Whether writers take turns on this database (a SQLite file: see :func:`writer_turn`)."""
    return _sqlite_lock_path(engine) is not None


_held = threading.local()   # the writer queues this thread is in (a turn may span transactions)


@contextmanager
def writer_turn(engine: Engine) -> Iterator[None]:
    """On a SQLite file, writers from every process queue on an flock (woken by the kernel the
    moment the lock is free) instead of SQLite's busy handler, which sleeps 1…100 ms between
    retries and so caps throughput and inflates tail latency under gunicorn's several workers.
    Re-entrant: a turn taken around several transactions (bot/inbound.py: storing a message,
    then handling it) is not given up and queued for again between them."""
    path = _sqlite_lock_path(engine)
    held = getattr(_held, "paths", None)
    if held is None:
        held = _held.paths = set()
    if path is None or path in held:
        yield
        return
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        held.add(path)
        yield
    finally:
        held.discard(path)
        os.close(fd)  # closing the descriptor releases the lock


def await_writer(engine: Engine) -> None:
    """On a SQLite file, wait until the writer whose turn it is has finished (a shared flock is
    granted once no writer holds the turn; the kernel wakes the waiter at once). A retry waits so
    for its first delivery (bot/inbound.py), which holds the turn from storing to its reply.
    Elsewhere, or within this thread's own turn: returns at once."""
    path = _sqlite_lock_path(engine)
    if path is None or path in getattr(_held, "paths", ()):
        return
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)
    finally:
        os.close(fd)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session whose work is committed on success and rolled back on any error."""
    with writer_turn(factory.kw["bind"]):
        with factory() as session:
            with session.begin():
                yield session


@contextmanager
def write(engine: Engine) -> Iterator[Connection]:
    """A Core connection in a write transaction, committed on success, rolled back on error; on a
    SQLite file it waits its turn in the writer queue. The hot path (bot/inbound.py) uses it: an
    ORM session costs more than the few statements a message needs."""
    with writer_turn(engine):
        with engine.begin() as conn:
            yield conn


@contextmanager
def read(engine: Engine, single: bool = False) -> Iterator[Connection]:
    """A Core connection in a reading transaction: on SQLite a plain (deferred) BEGIN outside the
    writer queue, so reads never wait for writers. ``single``: one statement, which needs no
    transaction around it (on PostgreSQL autocommit: one round trip instead of three)."""
    with engine.connect() as conn:
        if single and engine.dialect.name == "postgresql":
            with one_statement(conn):
                yield conn
            return
        info = conn.connection.info   # the pooled connection's: cleared before it is returned
        info[READ_ONLY] = True
        try:
            with conn.begin():
                yield conn
        finally:
            info.pop(READ_ONLY, None)


@contextmanager
def reading(factory: sessionmaker[Session]) -> Iterator[Session]:
    """An ORM session for reading, in a :func:`read` transaction: on SQLite a plain BEGIN outside
    the writers' queue (a session of its own would BEGIN IMMEDIATE, as a writer); ended by a
    COMMIT. Reading work on PostgreSQL should never end in a ROLLBACK (a session closed unused, a
    connection closed mid-transaction): psycopg drops every statement it has prepared on the
    connection at a rollback, and a web process then parses and plans its statements anew."""
    with read(factory.kw["bind"]) as conn, factory(bind=conn) as session:
        yield session


@contextmanager
def one_statement(conn: Connection) -> Iterator[None]:
    """A transaction for one statement on ``conn``: on PostgreSQL the statement in autocommit,
    its own transaction (one round trip, not BEGIN, the statement, COMMIT); elsewhere an ordinary
    transaction. The connection is back in its isolation level afterwards."""
    if conn.dialect.name != "postgresql":
        with conn.begin():
            yield
        return
    conn.execution_options(isolation_level="AUTOCOMMIT")
    try:
        with conn.begin():
            yield
    finally:
        conn.execution_options(isolation_level=conn.default_isolation_level)


def county_day(session: Session, column):
    """The county day (Asia/Shanghai) of a stored time, as SQL: 'YYYY-MM-DD' text on SQLite (which
    stores naive UTC text), a date on PostgreSQL — for grouping by day."""
    if session.get_bind().dialect.name == "postgresql":
        return func.date(func.timezone("Asia/Shanghai", column))
    return func.date(column, "+8 hours")


def upsert(session: Session | str, table):
    """The dialect's INSERT that knows ``ON CONFLICT`` (PostgreSQL and SQLite both do); give a
    session or a dialect name."""
    if isinstance(session, str):
        dialect = session
    elif isinstance(session, Connection):
        dialect = session.dialect.name
    else:
        dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        insert = postgresql_insert
    else:
        insert = sqlite_insert
    return insert(table)


def alembic_config(url: str):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def migrate(url: str, revision: str = "head") -> None:
    """Create or upgrade the schema to ``revision``."""
    from alembic import command

    command.upgrade(alembic_config(url), revision)
