"""The ``xinfang`` command's group and what every command shares: the settings read from the
environment, ``--now`` read as a moment, a refusal said in Chinese, and a command that needs a loaded
county (``needs_county``)."""
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


def county_loaded(database_url: str) -> bool:
    """Whether the database exists and holds a county (read only: nothing is created)."""
    from sqlalchemy import func, inspect, make_url, select

    from core.store.db import make_engine
    from core.store.models import County

    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and (not url.database or not Path(url.database).exists()):
        return False
    engine = make_engine(database_url)
    try:
        if not inspect(engine).has_table("county"):
            return False
        with engine.connect() as conn:
            return bool(conn.scalar(select(func.count()).select_from(County.__table__)))
    finally:
        engine.dispose()


def needs_county(command):
    """A command that works on a loaded county's data: run before `xinfang init`, it says so and
    stops, rather than creating an empty database and failing on every line (its --help still
    answers: click gives it before the command runs)."""
    @functools.wraps(command)
    def run(*args, **kwargs):
        url = read_settings().database_url
        if not county_loaded(url):
            raise Refused(say.no_county(url))
        return command(*args, **kwargs)
    return run


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Log debug output.")
def main(verbose: bool) -> None:
    """xinfang — the messaging front end of a county petition bureau (信访局)."""
    _setup_logging(verbose)
