"""The ``xinfang`` command: init, demo, serve, chat."""
from __future__ import annotations

import dataclasses
import functools
import logging
import subprocess
import sys
import uuid
from pathlib import Path

import click

# the access log shows paths, never query strings: a WeChat query string is its signature
ACCESS_LOG = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)ss'

# Imports inside functions: each command imports what it uses, so `xinfang --help`, `xinfang
# serve` (which starts gunicorn and the workers as processes) and the short commands start without
# loading SQLAlchemy, Flask, Redis and the handlers they do not need.

from core.settings import SettingsError, load_settings
from core.words import operator as say

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "lushan.toml"


def _setup_logging(verbose: bool = False) -> None:
    from core.phones import install_log_redaction

    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    install_log_redaction()


def _settings(env: dict | None = None):
    try:
        return load_settings(env)
    except SettingsError as exc:
        raise click.ClickException(f"configuration error: {exc}") from None


def init_database(database_url: str, county_file: str | Path, now=None) -> str:
    """Migrate the database and load the county file; returns the load summary."""
    import hashlib

    from core.clock import Clock
    from core.county import CountyFileError, load_county, parse_county_file, record_load, unreachable_units
    from core.store.db import make_engine, make_sessionmaker, migrate, transaction

    try:
        data = parse_county_file(county_file)
    except CountyFileError as exc:
        raise click.ClickException(f"{county_file}: {exc}") from None
    migrate(database_url)
    engine = make_engine(database_url)
    try:
        with transaction(make_sessionmaker(engine)) as s:
            report = load_county(s, data)
            record_load(s, report, str(county_file), hashlib.sha256(Path(county_file).read_bytes()).hexdigest(),
                        now or Clock().now())
            nobody = unreachable_units(s)
    finally:
        engine.dispose()
    if nobody:   # the operator sees it at once; the load still stands
        click.echo(say.unreachable_units(nobody), err=True)
    return report.summary()


def warn_without_wechat_template(settings, options: dict | None) -> None:
    """WeChat is on and the county file names no template message: past the 48 hours a notice
    reaches a citizen only by SMS to the number they proved (docs/channels.md), said once at start."""
    from core.outbound import wechat_template
    from core.words import reach

    if settings.wechat_problem() is None and wechat_template(options) is None:
        click.echo(reach.NO_WECHAT_TEMPLATE, err=True)


def _moment(text: str | None):
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
        url = _settings().database_url
        if not county_loaded(url):
            raise Refused(say.no_county(url))
        return command(*args, **kwargs)
    return run


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Log debug output.")
def main(verbose: bool) -> None:
    """xinfang — the messaging front end of a county petition bureau (信访局)."""
    _setup_logging(verbose)


@main.command()
@click.argument("county_file", type=click.Path(dir_okay=False))
def init(county_file: str) -> None:
    """Create or migrate the database and load COUNTY_FILE (idempotent)."""
    from core.county import parse_county_file

    settings = _settings()
    click.echo(init_database(settings.database_url, county_file))
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
    from core import admin as directory_admin
    from core.store.db import transaction
    from core.words import refusals as errors
    from notifications.services import build_services

    svc = build_services(_settings())
    with transaction(svc.sessions) as s:
        try:
            person, created = directory_admin.make_admin(s, phone, name)
        except directory_admin.DirectoryError as exc:
            raise click.ClickException(errors.say(exc)) from None
        said = say.admin_set(person.name, created)
    click.echo(said)


def _county_options(database_url: str) -> dict | None:
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


@main.command()
@click.option("--port", default=8000, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--workers", default=2, show_default=True, help="gunicorn web processes")
@click.option("--web-only", is_flag=True, help="Only the web processes (workers and cron run elsewhere).")
@click.option("--proxy", type=click.Choice(["auto", "nginx", "none"]), default="auto", show_default=True,
              help="nginx in front of gunicorn, reading each request whole (auto: when nginx is installed).")
def serve(port: int, host: str, workers: int, web_only: bool, proxy: str) -> None:
    """Run the web server (nginx in front of gunicorn), the texts' RQ worker, the reports' RQ
    worker (台账 exports, the analyses) and the RQ cron that ticks every minute — the Procfile's
    processes in one command. Without REDIS_URL an embedded Redis
    is started. Without nginx (``--proxy none``, or none installed) a slow client can hold a web
    process: fine on a laptop, not facing the internet (docs/operations.md)."""
    import os
    import signal
    import time

    from bot.proxy import command as nginx_command
    from bot.proxy import nginx_binary
    from core.settings import DEFAULT_INSTANCE_DIR
    from core.store.db import migrate

    settings = _settings()
    nginx = nginx_binary() if proxy != "none" else None
    if proxy == "nginx" and nginx is None:
        raise Refused(say.no_nginx())
    if proxy == "auto" and nginx is None:
        click.echo(say.NO_NGINX, err=True)
    migrate(settings.database_url)
    for channel, missing in (("wechat", settings.wechat_missing()), ("sms", settings.sms_missing())):
        if missing:
            click.echo(say.channel_off(channel, *missing), err=True)
    if settings.wechat_problem() is None:
        warn_without_wechat_template(settings, _county_options(settings.database_url))
    env = dict(os.environ)
    lite = None
    if not settings.redis_url and not web_only:
        from notifications.queue import embedded, unix_url
        lite = embedded()
        env["REDIS_URL"] = unix_url(lite)
        click.echo(say.embedded_redis(env["REDIS_URL"]), err=True)
    if nginx is not None:   # nginx on host:port, gunicorn behind it on a socket only nginx uses
        env["XINFANG_TRUSTED_PROXY"] = "1"   # the client's address: as our nginx forwards it (no one else can)
        run_dir = (DEFAULT_INSTANCE_DIR / "run").resolve()
        socket_path = run_dir / f"web-{port}.sock"
        commands = [nginx_command(nginx, f"{host}:{port}", f"unix:{socket_path}", run_dir, settings.max_body_bytes),
                    [sys.executable, "-m", "gunicorn", "bot.wsgi:app", "--workers", str(workers),
                     "--bind", f"unix:{socket_path}"]]          # nginx logs the requests
    else:
        if settings.trusted_proxy:
            click.echo(say.trusted_proxy(settings.trusted_proxy, host, port), err=True)
        commands = [[sys.executable, "-m", "gunicorn", "bot.wsgi:app", "--workers", str(workers),
                     "--bind", f"{host}:{port}", "--access-logfile", "-", "--access-logformat", ACCESS_LOG]]
    if not web_only:
        from notifications.queue import QUEUE, REPORTS, WORKER_CLASS
        rq = [sys.executable, "-c", "from rq.cli import main; main()"]
        commands += [rq + ["worker", "--with-scheduler", "--worker-class", WORKER_CLASS, "--url", env["REDIS_URL"],
                           QUEUE],
                     # the reports' own worker: a 台账 export or an analysis never holds a text
                     rq + ["worker", "--worker-class", WORKER_CLASS, "--url", env["REDIS_URL"], REPORTS],
                     rq + ["cron", "bot.cron_config", "--url", env["REDIS_URL"]]]
    def stop(_signum, _frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, stop)   # a supervisor's stop ends the children too
    procs = []
    for cmd in commands:
        click.echo(" ".join(cmd if cmd[0] != sys.executable else cmd[2:] if cmd[1] == "-m" else cmd[3:]), err=True)
        procs.append(subprocess.Popen(cmd, env=env))
    code = 0
    try:
        while all(p.poll() is None for p in procs):
            time.sleep(0.5)
        code = next(p.returncode for p in procs if p.poll() is not None)
    except KeyboardInterrupt:
        pass
    finally:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                p.kill()
        if lite is not None:
            lite.shutdown()
    raise SystemExit(code)


@main.command("follow-ups")
@needs_county
def follow_ups() -> None:
    """回访: answered cases to telephone — the dissatisfied, and those still unrated after being
    asked again (core.followup). Numbers shown: this is the bureau's own list."""
    from core.clock import local
    from core.followup import to_phone
    from core.store.db import make_engine, make_sessionmaker, reading

    engine = make_engine(_settings().database_url)
    with reading(make_sessionmaker(engine)) as s:
        rows = to_phone(s)
        lines = [f"{p.tracking_no} {p.name} {p.phone or say.NO_PHONE} "
                 f"{say.UNSATISFIED if p.rating == 'unsatisfied' else say.UNRATED} "
                 f"{local(p.closed_at or p.replied_at):%m-%d}" for p in rows]
    engine.dispose()
    click.echo(say.to_phone(len(lines)))
    for line in lines:
        click.echo("  " + line)


@main.command("nginx-config")
@click.option("--listen", default="80", show_default=True, help="nginx's listen: a port, or host:port.")
@click.option("--upstream", default="127.0.0.1:8000", show_default=True,
              help="Where gunicorn listens: host:port, or unix:/path.sock.")
def nginx_config(listen: str, upstream: str) -> None:
    """Print the nginx config for a deployment: save it as /etc/nginx/conf.d/xinfang.conf (Debian's
    nginx) and run gunicorn on the upstream address (Procfile: --bind). Same config as ``serve``."""
    from bot.proxy import render

    click.echo(render(listen, upstream, standalone=False, max_body_bytes=_settings().max_body_bytes,
                      access_log="/var/log/nginx/xinfang.access.log"), nl=False)


@main.command()
@click.option("--limit", default=50, show_default=True, help="At most this many of each kind.")
@needs_county
def failures(limit: int) -> None:
    """What failed for good (docs/operations.md): citizens' messages no try could handle, texts the
    provider refused, photos and voice WeChat would not give. Numbers masked; newest first."""
    from core.clock import local
    from core.phones import mask_phone, redact
    from core.outbound import RESENT_WHEN_THEY_WRITE
    from core.store import failures as failed
    from core.store.db import make_engine, read
    from core.store.outbox import awaiting_resend
    from core.words import reach

    def last_line(error: str | None) -> str:
        lines = [line for line in (error or "").strip().splitlines() if line.strip()]
        return redact(lines[-1].strip())[:160] if lines else ""

    def who(channel: str, address: str) -> str:
        return mask_phone(address) if channel == "sms" else address[:6] + "…"

    engine = make_engine(_settings().database_url)
    with read(engine) as conn:
        messages, texts, media = failed.messages(conn, limit), failed.texts(conn, limit), failed.media(conn, limit)
    engine.dispose()
    click.echo(say.failed_messages(len(messages)))
    for r in messages:
        click.echo(f"  #{r.id} {say.CHANNELS.get(r.channel, r.channel)} {who(r.channel, r.sender)} "
                   f"{local(r.received_at):%Y-%m-%d %H:%M} {say.tries(r.attempts or 1)}：{last_line(r.error)}")
    click.echo(say.failed_texts(len(texts)))
    for r in texts:   # a notice to a citizen: whether it goes again when they write (once)
        again = f" ({reach.resend_note(awaiting_resend(r.purpose, r.resent_at))})" \
            if r.purpose in RESENT_WHEN_THEY_WRITE else ""
        click.echo(f"  #{r.id} {say.CHANNELS.get(r.channel, r.channel)} {who(r.channel, r.to)} {r.purpose} "
                   f"{r.tracking_no or '-'} {local(r.created_at):%Y-%m-%d %H:%M} {say.STATES.get(r.status, r.status)}："
                   f"{last_line(r.error)}{again}")
    click.echo(say.failed_media(len(media)))
    for r in media:
        click.echo(f"  #{r.id} {r.kind} {r.tracking_no or say.NO_CASE_YET} {local(r.at):%Y-%m-%d %H:%M} "
                   f"{say.tries(r.fetch_attempts)}：{last_line(r.fetch_error)}")


@main.command()
@click.option("--now", "now_text", help="Run as of this moment (ISO 8601; county time if no offset).")
@needs_county
def tick(now_text: str | None) -> None:
    """Run by hand whatever the schedule has due at this moment (what the workers do every
    minute): each job once per period, however often it is called."""
    from bot.redeliver import redeliver
    from notifications.services import build_services
    from notifications.schedule import tick as run

    svc = build_services(dataclasses.replace(_settings(), outbox_delivery="inline"))
    now = _moment(now_text) or svc.clock.now()
    done = run(svc, now)
    for name, period, result in done:
        click.echo(f"{period.replace('T', ' ')}  {result}")   # the result names the job in words
    if not done:
        click.echo(say.NOTHING_DUE)
    click.echo(redeliver(svc, now))


@main.command()
@click.option("--wechat", "openid", help="Talk as this WeChat OpenID.")
@click.option("--sms", "phone", help="Talk as this phone number (SMS).")
@needs_county
def chat(openid: str | None, phone: str | None) -> None:
    """Talk to the bot in a terminal, through the same handlers WeChat and SMS reach."""
    from bot.inbound import receive
    from notifications.services import build_services
    from core.phones import InvalidPhone, normalize_phone
    from handlers.message import Inbound

    if bool(openid) == bool(phone):
        raise Refused(say.chat_who())
    channel, sender = ("wechat", openid) if openid else ("sms", phone)
    if channel == "sms":
        try:
            sender = normalize_phone(phone)
        except InvalidPhone as exc:
            raise click.UsageError(str(exc)) from None
    svc = build_services(dataclasses.replace(_settings(), outbox_delivery="inline"))   # texts shown as sent
    from core.store.db import migrate
    migrate(svc.settings.database_url)
    click.echo(say.chat_as(channel, sender))
    for line in sys.stdin:
        text = line.rstrip("\n")

        def build(inbound_id, now, text=text):
            return Inbound(channel=channel, sender=sender, kind="text", text=text, received_at=now,
                           inbound_id=inbound_id)

        got = receive(svc, channel, f"chat:{uuid.uuid4()}", sender, "text", text, build)
        click.echo(say.CHAT_REPLY + got.reply)


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
    from core.directory import BIND_TTL, new_bind_code

    svc = build_services(_settings())
    with transaction(svc.sessions) as s:
        people = list(s.scalars(select(Person).where(Person.name == name, Person.active.is_(True))))
        if len(people) != 1:
            raise Refused(say.not_one_person(name, len(people)))
        code = new_bind_code(s, people[0], svc.clock.now())
    days = BIND_TTL // timedelta(days=1)
    click.echo(say.bind_code(name, days, code))


@main.command()
@click.option("--now", "now_text", help="Run as of this moment (ISO 8601; county time if no offset).")
@needs_county
def sweep(now_text: str | None) -> None:
    """Send due reminders and mark missed deadlines (what the scheduler runs every few minutes)."""
    from notifications.services import build_services
    from notifications.schedule import sweeps

    svc = build_services(dataclasses.replace(_settings(), outbox_delivery="inline"))   # texts sent here
    now = _moment(now_text) or svc.clock.now()
    report, evenings = sweeps(svc, now)
    click.echo(report.summary())
    click.echo(evenings.summary())


@main.group()
def evenings() -> None:
    """七晚工作法: campaigns of seven evening home visits."""


@evenings.command("campaign")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--now", "now_text", help="As of this moment (ISO 8601; default: now).")
@needs_county
def evenings_campaign(path: str, now_text: str | None) -> None:
    """Select the cases of a campaign file for 七晚 (name, first_evening, [[cases]] no / unit /
    lead); each unit is asked to file its plan. Running it again changes nothing."""
    import tomllib
    from datetime import date


    from notifications.services import build_services
    from core.cases import Rules, lock_by_number
    from core.store.db import transaction
    from core.directory import find_person, find_unit
    from core.evenings import EveningError, active_plan
    from core.usecases import evenings as usecases
    from core.usecases.base import Act
    from handlers import notify
    from core.words import refusals as errors

    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise click.UsageError(f"{path}: {exc}") from None
    name, first, rows = data.get("name"), data.get("first_evening"), data.get("cases")
    if not isinstance(name, str) or not name.strip():
        raise Refused(say.campaign_no_name(path))
    if first is not None and not isinstance(first, date):
        raise Refused(say.campaign_bad_first(path))
    if not isinstance(rows, list) or not rows:
        raise Refused(say.campaign_no_cases(path))
    svc = build_services(_settings())
    now = _moment(now_text) or svc.clock.now()
    problems: list[str] = []
    selected = kept = 0
    with transaction(svc.sessions) as s:
        county, gazetteer = svc.county(s.connection())
        outbox = notify.Outbox(s, county, gazetteer, now)
        act = Act(s, Rules.for_county(county), now, "campaign")
        for i, row in enumerate(rows, 1):
            no = str(row.get("no", "")).strip()
            p = lock_by_number(s, no)
            unit = find_unit(s, str(row.get("unit", "")))
            lead = find_person(s, str(row["lead"]), roles=("leader", "head")) if row.get("lead") else None
            if p is None or unit is None or (row.get("lead") and lead is None):
                what = "case" if p is None else "unit" if unit is None else "lead"
                problems.append(say.campaign_unknown(i, no, what))
                continue
            current = active_plan(s, p)
            if current is not None and current.campaign == name:
                kept += 1
                continue
            try:
                done = usecases.select(act, p, unit, lead, campaign=name, first_evening=first)
            except EveningError as exc:
                problems.append(say.campaign_refused(i, no, errors.say(exc)))
                continue
            selected += 1
            notify.deliver(outbox, done)
        if problems:
            raise Refused(say.nothing_selected(problems))
    if outbox.outbox_ids:
        svc.deliver(outbox.outbox_ids, now)
    click.echo(say.evenings_selected(name, selected, kept))


@evenings.command("report")
@click.option("--campaign", help="One campaign's figures (default: every plan).")
@needs_county
def evenings_report(campaign: str | None) -> None:
    """Cases, evenings done and missed, resolved, 停访息诉率."""
    from notifications.services import build_services
    from core.evenings import figures
    from notifications.report_text import evenings_text

    svc = build_services(_settings())
    with svc.sessions() as s:
        click.echo(evenings_text(figures(s, campaign)))


@main.command()
@click.option("--from", "start", help="First day, county time (2026-11-01; default: the month's first).")
@click.option("--to", "end", help="Last day, included (2026-11-30; default: today).")
@click.option("--now", "now_text", help="Count deadlines as of this moment (ISO 8601; default: now).")
@needs_county
def stats(start: str | None, end: str | None, now_text: str | None) -> None:
    """Print the measures (按期受理率, 当日见面率, 按期答复率, 平均办结时长, 一次性化解率, 满意率,
    重复访率, counts by channel and category) for petitions received in a date range."""
    from datetime import date, timedelta

    from notifications.services import build_services
    from core.clock import day_start, local
    from core.measures import measure
    from notifications.report_text import measures_text as render

    def day(text: str, name: str) -> date:
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise Refused(say.bad_date(name, text)) from None

    svc = build_services(_settings())
    now = _moment(now_text) or svc.clock.now()
    today = local(now).date()
    first = day(start, "from") if start else today.replace(day=1)
    last = day(end, "to") if end else today
    if last < first:
        raise Refused(say.dates_reversed(first, last))
    with svc.sessions() as s:
        m = measure(s, day_start(first), day_start(last + timedelta(days=1)), now)
    click.echo(render(m))


@main.command()
@click.argument("kind", type=click.Choice(["daily", "weekly", "monthly"]))
@click.option("--date", "day", required=True, help="A day of the period (2026-11-23): its day, week or month.")
@click.option("--out", "out", type=click.Path(dir_okay=False), help="Write the HTML here (default: report-KIND-DAY.html).")
@click.option("--now", "now_text", help="As of this moment (ISO 8601; default: now).")
@needs_county
def report(kind: str, day: str, out: str | None, now_text: str | None) -> None:
    """Write the analysis of a day, week or month as an HTML page (the page the leaders' link opens)."""
    from datetime import date

    from notifications.services import build_services
    from core.analysis import analyse, period_of
    from core.county import current_county
    from notifications.report_html import render

    try:
        first = date.fromisoformat(day)
    except ValueError:
        raise Refused(say.bad_date("date", day)) from None
    svc = build_services(_settings())
    now = _moment(now_text) or svc.clock.now()
    period = period_of(kind, first)
    with svc.sessions() as s:
        analysis = analyse(s, period, now)
        page = render(analysis, current_county(s).name)
    path = Path(out or f"report-{kind}-{period.key}.html")
    path.write_text(page, encoding="utf-8")
    click.echo(analysis.summary())
    click.echo(f"已写入 {path}")


@main.command()
@click.argument("number")
@click.argument("name")
@click.option("-o", "--out", type=click.Path(dir_okay=False), help="Write the .docx here (default: NUMBER-TITLE.docx).")
@click.option("--now", "now_text", help="Record it as issued at this moment (ISO 8601; default: now).")
@needs_county
def document(number: str, name: str, out: str | None, now_text: str | None) -> None:
    """Write a case's document as a Word file — 受理告知书, 不予受理告知书, 交办单, 答复意见书, 复查意见书
    or 复核意见书 — when its state allows it; recorded in the case's history (docs/console.md)."""
    from sqlalchemy import select

    from core import documents
    from core.cases import CaseError
    from core.store.db import transaction
    from core.store.models import Petition
    from core.words import documents as words
    from core.words import refusals
    from notifications.documents import docx_bytes, file_name
    from notifications.services import build_services

    kind = documents.kind_named(name)
    if kind is None:
        raise Refused(words.unknown_kind(name))
    svc = build_services(_settings())
    now = _moment(now_text) or svc.clock.now()
    with transaction(svc.sessions) as s:   # the file is written before the history says it was
        p = s.scalars(select(Petition).where(Petition.tracking_no == number.strip().upper()).with_for_update()).first()
        if p is None:
            raise Refused(words.no_case(number))
        try:
            doc = documents.issue(s, p, kind, now, "system")
        except CaseError as exc:
            raise Refused(refusals.say(exc)) from None
        path = Path(out or file_name(doc))
        path.write_bytes(docx_bytes(doc))
    click.echo(words.written(path))


@main.command()
@click.option("--month", required=True, help="The month, county time (2026-11).")
@needs_county
def scores(month: str) -> None:
    """月考评: every unit's score for a month (100 at the start, the county's rule table applied),
    its ranking and the year's total so far."""
    from notifications.services import build_services
    from core.county import current_county
    from core.scores import ScoreRules, month_scores
    from notifications.report_text import ranking_text
    from notifications.report_text import scores_table as render

    try:
        year, mon = (int(x) for x in month.split("-"))
        if not 1 <= mon <= 12:
            raise ValueError
    except ValueError:
        raise Refused(say.bad_month(month)) from None
    svc = build_services(_settings())
    with svc.sessions() as s:
        rules = ScoreRules.from_options(current_county(s).options)
        ranked = month_scores(s, year, mon, rules)
    click.echo(render(ranked, year, mon, rules))
    click.echo(ranking_text(ranked, year, mon, rules))


@main.command()
@click.option("--database", help="Database URL for the demo (default: a fresh temporary SQLite file).")
@click.option("--sms", "sms_provider", type=click.Choice(["twilio", "tencent"]), default="twilio", show_default=True,
              help="Whose SMS the citizens and cadres text through: Twilio's webhook, or Tencent Cloud SMS's "
                   "reply callback with every text sent as its registered template (a local stub of Tencent's API).")
@click.option("--wecom", is_flag=True, help="赵志强 (尧山镇) works in the county's WeCom app (a local stub of WeCom's API).")
@click.option("--at", "at", default=None,
              help="When the demo's day begins, ISO 8601 in county time (default: now): e.g. 2026-11-23T10:00 for a "
                   "Monday morning, or an evening to see what a petitioner is told after hours.")
def demo(database: str | None, sms_provider: str, wecom: bool, at) -> None:
    """Load the example county and play a scripted conversation through the real webhooks; the
    data stays (instance/demo.sqlite3, made afresh each run) to be opened in the console."""
    from bot.demo import run_demo
    from core.settings import DEFAULT_INSTANCE_DIR

    if database is None:
        path = (DEFAULT_INSTANCE_DIR / "demo.sqlite3").resolve()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
        database = f"sqlite:///{path}"
    click.echo(init_database(database, EXAMPLE))
    run_demo(database, echo=click.echo, sms_provider=sms_provider, wecom=wecom,
             at=_moment(at))
    click.echo(say.demo_console(database))


if __name__ == "__main__":  # pragma: no cover
    main()
