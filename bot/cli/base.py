"""The ``xinfang`` command's group and what every command shares: the settings read from the
environment, ``--now`` read as a moment, a refusal said in Chinese, and a command that needs a loaded
county (``needs_county``) — in a city's deployment, the county said with ``--county``."""
from __future__ import annotations

import functools
import logging
from pathlib import Path

import click

from core.settings import SettingsError, load_settings
from core.words import operator as say

# Imports inside functions: each command imports what it uses, so `xinfang --help`, `xinfang
# serve` (which starts gunicorn and the workers as processes) and the short commands start without
# loading SQLAlchemy, Flask, Redis and the handlers they do not need.


def _setup_logging(verbose: bool = False) -> None:
    from core.phones import install_log_redaction

    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    install_log_redaction()


def read_settings(env: dict | None = None):
    try:
        return load_settings(env)
    except SettingsError as exc:
        raise click.ClickException(say.bad_setting(exc)) from None


def moment(text: str | None):
    """``--now``: an ISO 8601 moment, county time when it has no offset; None when not given."""
    from datetime import datetime

    from core.clock import SHANGHAI

    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise Refused(say.bad_moment(text)) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=SHANGHAI)


class Refused(click.ClickException):
    """A command that cannot run, said in Chinese to the operator (exit code 1), nothing changed."""

    def show(self, file=None) -> None:
        click.echo(f"xinfang：{self.format_message()}", file=file, err=True)


def counties_of(database_url: str) -> list[tuple[int, str, str]]:
    """The deployment's counties (id, prefix, name), in the order they were loaded; none when the
    database does not exist or holds none yet (read only: nothing is created)."""
    from sqlalchemy import inspect, make_url, select

    from core.store.db import make_engine
    from core.store.models import County

    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and (not url.database or not Path(url.database).exists()):
        return []
    engine = make_engine(database_url)
    try:
        schema = inspect(engine)
        if not schema.has_table("county"):
            return []
        query = select(County.id, County.prefix, County.name).order_by(County.id)
        if "kind" in {c["name"] for c in schema.get_columns("county")}:   # a database of before the city: one county
            query = query.where(County.kind == "county")
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(query)]
    finally:
        engine.dispose()


def chosen_county() -> tuple[int, str] | None:
    """The county the command was told to work for (``xinfang --county BF …``), as ``needs_county``
    chose it: (id, prefix); None when none was said."""
    return click.get_current_context().meta.get("xinfang.county")


def needs_county(command=None, *, across: bool = False):
    """A command that works on a loaded county's data: run before `xinfang init`, it says so and
    stops, rather than creating an empty database and failing on every line (its --help still
    answers: click gives it before the command runs).

    In a city's deployment (several counties, docs/city.md) the command works for the county said
    with ``xinfang --county PREFIX`` (or XINFANG_COUNTY): the process's sessions are that county's
    (core.store.scope.choose). Not said: a command that reads one county stops with the counties
    to choose from; one ``across`` counties (``tick``, ``sweep``, ``failures``) runs for each."""
    def wrap(command):
        @functools.wraps(command)
        def run(*args, **kwargs):
            from core.store import scope

            url = read_settings().database_url
            counties = counties_of(url)
            if not counties:
                raise Refused(say.no_county(url))
            prefix = click.get_current_context().find_root().params.get("county")
            if prefix:
                found = [c for c in counties if (c[1] or "").upper() == prefix.strip().upper()]
                if not found:
                    raise Refused(say.no_such_county(prefix, [(c[2], c[1]) for c in counties]))
                scope.choose(found[0][0])
                click.get_current_context().meta["xinfang.county"] = (found[0][0], found[0][1])
            elif len(counties) > 1 and not across:
                raise Refused(say.which_county([(c[2], c[1]) for c in counties]))
            try:
                return command(*args, **kwargs)
            finally:
                scope.choose(None)
        return run
    return wrap(command) if command is not None else wrap


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Log debug output.")
@click.option("--county", envvar="XINFANG_COUNTY", metavar="PREFIX",
              help="In a city's deployment: the county a command works for, by its tracking prefix (LS, BF).")
def main(verbose: bool, county: str | None) -> None:
    """xinfang — the messaging front end of a county petition bureau (信访局)."""
    _setup_logging(verbose)
