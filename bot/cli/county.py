"""The county file and the directory: ``init`` (migrate and load), ``sms-templates`` (what a
domestic provider must register), ``admin`` (who administers the console), ``bind`` (a cadre's
WeChat)."""
from __future__ import annotations

from pathlib import Path

import click

from bot.cli.base import Refused, main, needs_county, read_settings
from core.words import operator as say

# Imports inside functions: each command imports what it uses, so `xinfang --help`, `xinfang
# serve` (which starts gunicorn and the workers as processes) and the short commands start without
# loading SQLAlchemy, Flask, Redis and the handlers they do not need.


EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "lushan.toml"


def init_database(database_url: str, county_file: str | Path, now=None) -> str:
    """Migrate the database and load the county file — or a city's file, the city and each of its
    counties (docs/city.md); returns the load summary (a city's: a line per file)."""
    import hashlib

    from core.clock import Clock
    from core.county import CountyFileError, is_city_file, load_city, load_county, parse_city_file, \
        parse_county_file, record_load
    from core.directory.lookup import unreachable_units
    from core.store import scope
    from core.store.db import make_engine, make_sessionmaker, migrate, transaction
    from core.words import reports as words

    try:
        city = is_city_file(county_file)
        data = parse_city_file(county_file) if city else parse_county_file(county_file)
    except CountyFileError as exc:
        raise click.ClickException(f"{county_file}: {exc}") from None
    migrate(database_url)
    engine = make_engine(database_url)
    now = now or Clock().now()
    lines, nobody = [], []
    try:
        with transaction(make_sessionmaker(engine)) as s:
            try:
                loads = load_city(s, data) if city else [(None, {"file": str(county_file), **data}, load_county(s, data))]
            except CountyFileError as exc:
                raise click.ClickException(f"{county_file}: {exc}") from None
            for row, parsed, report in loads:
                source = parsed.get("file") or str(county_file)
                if row is not None:
                    scope.bind(s, row.id)   # the load's record and the check are this county's
                record_load(s, report, source, hashlib.sha256(Path(source).read_bytes()).hexdigest(), now)
                nobody += unreachable_units(s)
                lines.append(words.loaded_for(parsed["county"]["name"], report.summary()) if city else report.summary())
    finally:
        engine.dispose()
    if nobody:   # the operator sees it at once; the load still stands
        click.echo(say.unreachable_units(nobody), err=True)
    return "\n".join(lines)


def warn_without_wechat_template(settings, options: dict | None) -> None:
    """WeChat is on and the county file names no template message: past the 48 hours a notice
    reaches a citizen only by SMS to the number they proved (docs/channels.md), said once at start."""
    from core.outbound import wechat_template
    from core.words import reach

    if settings.wechat_problem() is None and wechat_template(options) is None:
        click.echo(reach.NO_WECHAT_TEMPLATE, err=True)


@main.command()
@click.argument("county_file", type=click.Path(dir_okay=False))
def init(county_file: str) -> None:
    """Create or migrate the database and load COUNTY_FILE (idempotent) — or a city's file
    ([city], its counties' files listed): the city and each county with its own directory."""
    from core.county import is_city_file, parse_county_file

    settings = read_settings()
    click.echo(init_database(settings.database_url, county_file))
    if is_city_file(county_file):   # each county's own account (docs/city.md): its entrance says
        return
    warn_without_wechat_template(settings, parse_county_file(county_file)["county"]["options"])


@main.command("sms-templates")
@click.option("--county", "county_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A county file: say which templates it gives no id for, which ids are for nothing, and which "
                   "variables can be longer than its account allows ([county.sms] param_limit).")
def sms_templates(county_file: Path | None) -> None:
    """The SMS templates to register with a domestic provider (docs/channels.md): each key and its
    words, {1} {2} … its variables in order; with --county, what that county file still lacks, and
    each variable whose value (at its longest in that county: its unit and place names, a tracking
    number) is longer than the account's limit — cut when sent, or refused (then the command fails)."""
    from core.county import CountyFileError, parse_county_file, sms_param_limit
    from core.words import templates
    from notifications.template_lengths import check_lines

    for key, t in templates.EVERY.items():
        click.echo(f"{key}\t{t.text}" + (f"\t（{t.differs}）" if t.differs else ""))
    missing = templates.missing()
    if missing:
        click.echo(say.templates_missing(missing))
    if county_file is not None:
        try:
            county = parse_county_file(county_file)
        except CountyFileError as exc:
            raise click.ClickException(str(exc)) from None
        options = county["county"]["options"]
        ids = (options.get("sms") or {}).get("templates") or {}
        lacking, stray = templates.unregistered(ids)
        click.echo(say.template_ids(str(county_file), lacking, stray))
        stated = any(k in (options.get("sms") or {}) for k in ("param_limit", "param_max"))
        lines, refused = check_lines(county, sms_param_limit(options), stated)
        click.echo("\n".join(lines))
        if lacking or stray or refused:
            raise SystemExit(1)


@main.command()
@click.argument("phone")
@click.option("--name", help="The administrator's name, when the number is nobody of the county file.")
def admin(phone: str, name: str | None) -> None:
    """Let PHONE administer the console (管理: people, units, bindings, the county file's state).

    A person of the county file keeps their role and gains 管理; a number nobody has becomes an
    administrator who sees no case (give --name). They sign in at /console with a code by SMS."""
    from core.directory import admin as directory_admin
    from core.store.db import transaction
    from core.words import refusals as errors
    from notifications.services import build_services

    svc = build_services(read_settings())
    with transaction(svc.sessions) as s:
        try:
            person, created = directory_admin.make_admin(s, phone, name)
        except directory_admin.DirectoryError as exc:
            raise click.ClickException(errors.say(exc)) from None
        said = say.admin_set(person.name, created)
    click.echo(said)


@main.command()
@click.argument("name")
@needs_county
def bind(name: str) -> None:
    """Print a one-time code that binds NAME's WeChat (they send "绑定 CODE" to the account)."""
    from datetime import timedelta

    from sqlalchemy import select

    from notifications.services import build_services
    from core.store.db import transaction
    from core.store.models import Person
    from core.directory.lookup import BIND_TTL, new_bind_code

    svc = build_services(read_settings())
    with transaction(svc.sessions) as s:
        people = list(s.scalars(select(Person).where(Person.name == name, Person.active.is_(True))))
        if len(people) != 1:
            raise Refused(say.not_one_person(name, len(people)))
        code = new_bind_code(s, people[0], svc.clock.now())
    days = BIND_TTL // timedelta(days=1)
    click.echo(say.bind_code(name, days, code))


def county_options(database_url: str) -> dict | None:
    """The loaded county's options (None before ``xinfang init``)."""
    from sqlalchemy import select

    from core.store.db import make_engine, read
    from core.store.models import County

    engine = make_engine(database_url)
    try:
        with read(engine) as conn:
            return conn.execute(select(County.options).limit(1)).scalar()
    finally:
        engine.dispose()
