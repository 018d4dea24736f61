"""``xinfang evenings``: 七晚工作法's campaigns from a file, and their figures."""
from __future__ import annotations

import click

from bot.cli.base import Refused, main, moment, needs_county, read_settings
from core.words import operator as say

# Imports inside functions: each command imports what it uses, so `xinfang --help`, `xinfang
# serve` (which starts gunicorn and the workers as processes) and the short commands start without
# loading SQLAlchemy, Flask, Redis and the handlers they do not need.


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
    from core.cases.lifecycle import lock_by_number
    from core.rules import Rules
    from core.store.db import transaction
    from core.directory.lookup import find_person, find_unit
    from core.evenings.visits import EveningError, active_plan
    from core.evenings import usecases
    from core.acts import Act
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
    svc = build_services(read_settings())
    now = moment(now_text) or svc.clock.now()
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
    from core.evenings.visits import figures
    from notifications.report_text import evenings_text

    svc = build_services(read_settings())
    with svc.sessions() as s:
        click.echo(evenings_text(figures(s, campaign)))
