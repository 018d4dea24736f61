"""What the bureau reads from the command line: ``stats`` (the measures), ``report`` (an analysis
as HTML), ``scores`` (月考评), ``document`` (a case's notice as a Word file), ``follow-ups`` (回访
to telephone) and ``failures`` (what failed for good)."""
from __future__ import annotations

from pathlib import Path

import click

from bot.cli.base import Refused, chosen_county, main, moment, needs_county, read_settings
from core.words import operator as say

# Imports inside functions: each command imports what it uses, so `xinfang --help`, `xinfang
# serve` (which starts gunicorn and the workers as processes) and the short commands start without
# loading SQLAlchemy, Flask, Redis and the handlers they do not need.


@main.command("follow-ups")
@needs_county
def follow_ups() -> None:
    """回访: answered cases to telephone — the dissatisfied, and those still unrated after being
    asked again (core.cases.followup). Numbers shown: this is the bureau's own list."""
    from core.clock import local
    from core.cases.followup import to_phone
    from core.store.db import make_engine, make_sessionmaker, reading

    engine = make_engine(read_settings().database_url)
    with reading(make_sessionmaker(engine)) as s:
        rows = to_phone(s)
        lines = [f"{p.tracking_no} {p.name} {p.phone or say.NO_PHONE} "
                 f"{say.UNSATISFIED if p.rating == 'unsatisfied' else say.UNRATED} "
                 f"{local(p.closed_at or p.replied_at):%m-%d}" for p in rows]
    engine.dispose()
    click.echo(say.to_phone(len(lines)))
    for line in lines:
        click.echo("  " + line)


@main.command()
@click.option("--limit", default=50, show_default=True, help="At most this many of each kind.")
@needs_county(across=True)
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

    engine = make_engine(read_settings().database_url)
    county = (chosen_county() or (None,))[0]   # in a city: the county said with --county, else every county's
    with read(engine) as conn:
        messages, texts, media = (failed.messages(conn, limit, county), failed.texts(conn, limit, county),
                                  failed.media(conn, limit, county))
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
    from core.reports.measures import measure
    from notifications.report_text import measures_text as render

    def day(text: str, name: str) -> date:
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise Refused(say.bad_date(name, text)) from None

    svc = build_services(read_settings())
    now = moment(now_text) or svc.clock.now()
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
    from core.reports.analysis import analyse, period_of
    from core.directory.lookup import current_county
    from notifications.report_html import render

    try:
        first = date.fromisoformat(day)
    except ValueError:
        raise Refused(say.bad_date("date", day)) from None
    svc = build_services(read_settings())
    now = moment(now_text) or svc.clock.now()
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

    from core.cases import documents
    from core.cases.lifecycle import CaseError
    from core.store.db import transaction
    from core.store.models import Petition
    from core.words import documents as words
    from core.words import refusals
    from notifications.documents import docx_bytes, file_name
    from notifications.services import build_services

    kind = documents.kind_named(name)
    if kind is None:
        raise Refused(words.unknown_kind(name))
    svc = build_services(read_settings())
    now = moment(now_text) or svc.clock.now()
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
    from core.directory.lookup import current_county
    from core.reports.scores import month_scores
    from core.rules import ScoreRules
    from notifications.report_text import ranking_text
    from notifications.report_text import scores_table as render

    try:
        year, mon = (int(x) for x in month.split("-"))
        if not 1 <= mon <= 12:
            raise ValueError
    except ValueError:
        raise Refused(say.bad_month(month)) from None
    svc = build_services(read_settings())
    with svc.sessions() as s:
        rules = ScoreRules.from_options(current_county(s).options)
        ranked = month_scores(s, year, mon, rules)
    click.echo(render(ranked, year, mon, rules))
    click.echo(ranking_text(ranked, year, mon, rules))
