"""Running the service: ``serve`` (nginx, gunicorn, the RQ workers and cron as the Procfile),
``nginx-config``, ``tick`` and ``sweep`` (the schedule by hand), ``chat`` (the bot in a terminal)
and ``demo`` (the example county played through the real webhooks)."""
from __future__ import annotations

import dataclasses
import subprocess
import sys
import uuid

import click

from bot.cli.base import Refused, chosen_county, main, moment, needs_county, read_settings
from bot.cli.county import EXAMPLE, county_options, init_database, warn_without_wechat_template
from core.words import operator as say

# Imports inside functions: each command imports what it uses, so `xinfang --help`, `xinfang
# serve` (which starts gunicorn and the workers as processes) and the short commands start without
# loading SQLAlchemy, Flask, Redis and the handlers they do not need.


# the access log shows paths, never query strings: a WeChat query string is its signature
ACCESS_LOG = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)ss'


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

    settings = read_settings()
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
        warn_without_wechat_template(settings, county_options(settings.database_url))
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


@main.command("nginx-config")
@click.option("--listen", default="80", show_default=True, help="nginx's listen: a port, or host:port.")
@click.option("--upstream", default="127.0.0.1:8000", show_default=True,
              help="Where gunicorn listens: host:port, or unix:/path.sock.")
def nginx_config(listen: str, upstream: str) -> None:
    """Print the nginx config for a deployment: save it as /etc/nginx/conf.d/xinfang.conf (Debian's
    nginx) and run gunicorn on the upstream address (Procfile: --bind). Same config as ``serve``."""
    from bot.proxy import render

    click.echo(render(listen, upstream, standalone=False, max_body_bytes=read_settings().max_body_bytes,
                      access_log="/var/log/nginx/xinfang.access.log"), nl=False)


@main.command()
@click.option("--now", "now_text", help="Run as of this moment (ISO 8601; county time if no offset).")
@needs_county(across=True)
def tick(now_text: str | None) -> None:
    """Run by hand whatever the schedule has due at this moment (what the workers do every
    minute): each job once per period, however often it is called."""
    from bot.redeliver import redeliver
    from notifications.services import build_services
    from notifications.schedule import tick as run

    svc = build_services(dataclasses.replace(read_settings(), outbox_delivery="inline"))
    now = moment(now_text) or svc.clock.now()
    done = run(svc, now)
    for name, period, result in done:
        click.echo(f"{period.replace('T', ' ')}  {result}")   # the result names the job in words
    if not done:
        click.echo(say.NOTHING_DUE)
    click.echo(redeliver(svc, now))


@main.command()
@click.option("--now", "now_text", help="Run as of this moment (ISO 8601; county time if no offset).")
@needs_county(across=True)
def sweep(now_text: str | None) -> None:
    """Send due reminders and mark missed deadlines (what the scheduler runs every few minutes) —
    in a city's deployment, for each county in turn (or the one said with --county)."""
    from notifications.services import build_services
    from notifications.schedule import for_place, places, sweeps

    svc = build_services(dataclasses.replace(read_settings(), outbox_delivery="inline"))   # texts sent here
    now = moment(now_text) or svc.clock.now()
    chosen = chosen_county()
    counties = [p for p in places(svc) if p.kind == "county" and (chosen is None or p.county_id in (None, chosen[0]))]
    for place in counties:
        report, evenings = sweeps(for_place(svc, place) if place.county_id is not None else svc, now)
        head = f"{place.prefix}：" if len(counties) > 1 else ""
        click.echo(head + report.summary())
        click.echo(head + evenings.summary())


@main.command()
@click.option("--wechat", "openid", help="Talk as this WeChat OpenID.")
@click.option("--sms", "phone", help="Talk as this phone number (SMS).")
@needs_county
def chat(openid: str | None, phone: str | None) -> None:
    """Talk to the bot in a terminal, through the same handlers WeChat and SMS reach."""
    from bot.inbound import Entrance, receive
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
    svc = build_services(dataclasses.replace(read_settings(), outbox_delivery="inline"))   # texts shown as sent
    from core.store.db import migrate
    migrate(svc.settings.database_url)
    chosen = chosen_county()   # in a city: as if written to that county's own account or number
    entrance = Entrance(*chosen) if chosen is not None else None
    click.echo(say.chat_as(channel, sender))
    for line in sys.stdin:
        text = line.rstrip("\n")

        def build(inbound_id, now, text=text):
            return Inbound(channel=channel, sender=sender, kind="text", text=text, received_at=now,
                           inbound_id=inbound_id)

        got = receive(svc, channel, f"chat:{uuid.uuid4()}", sender, "text", text, build, county=entrance)
        click.echo(say.CHAT_REPLY + got.reply)


@main.command()
@click.option("--database", help="Database URL for the demo (default: a fresh temporary SQLite file).")
@click.option("--sms", "sms_provider", type=click.Choice(["twilio", "tencent"]), default="twilio", show_default=True,
              help="Whose SMS the citizens and cadres text through: Twilio's webhook, or Tencent Cloud SMS's "
                   "reply callback with every text sent as its registered template (a local stub of Tencent's API).")
@click.option("--wecom", is_flag=True, help="赵志强 (尧山镇) works in the county's WeCom app (a local stub of WeCom's API).")
@click.option("--at", "at", default=None,
              help="When the demo's day begins, ISO 8601 in county time (default: now): e.g. 2026-11-23T10:00 for a "
                   "Monday morning, or an evening to see what a petitioner is told after hours.")
@click.option("--city", is_flag=True, help="平顶山市 over 鲁山县 and 宝丰县 in one deployment (examples/pingdingshan.toml): "
                                           "each county's own Official Account and number, the city's 督办 and 每日访情.")
def demo(database: str | None, sms_provider: str, wecom: bool, at, city: bool) -> None:
    """Load the example county and play a scripted conversation through the real webhooks; the
    data stays (instance/demo.sqlite3, made afresh each run) to be opened in the console."""
    from bot.demo import run_demo
    from core.settings import DEFAULT_INSTANCE_DIR

    if database is None:
        path = (DEFAULT_INSTANCE_DIR / "demo.sqlite3").resolve()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
        database = f"sqlite:///{path}"
    if city:
        from bot.demo_city import run_city_demo
        click.echo(init_database(database, EXAMPLE.parent / "pingdingshan.toml"))
        run_city_demo(database, echo=click.echo, at=moment(at))
        return
    click.echo(init_database(database, EXAMPLE))
    run_demo(database, echo=click.echo, sms_provider=sms_provider, wecom=wecom,
             at=moment(at))
    click.echo(say.demo_console(database))
