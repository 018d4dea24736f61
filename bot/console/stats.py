"""统计 and the 台账: the measures, charts and 月考评 for a period, read in the request (a year at
most); the ledger exports built by the reports' worker, followed, built again and downloaded."""
from __future__ import annotations

from datetime import date, timedelta

from flask import abort, current_app, flash, g, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from bot.console.common import (bp, client_address, clock_now, county_today, day_of, met_words, row_of, services,
                                signed_in)
from core.workplace import workbench
from core.reports.analysis import period_of, trend
from core.clock import SHANGHAI, day_start
from core.directory.lookup import current_county
from core.reports.digest import gather
from core.reports.measures import measure
from core.reports.scores import COLOUR_WORDS, GROUPS, month_scores
from core.rules import ScoreRules
from core.store.db import reading, transaction
from core.store.models import LedgerExport, Unit
from core.words import console as W
from core.words import reports as R
from notifications import charts, exports
from notifications.report_html import figure


STATS_DAYS = 366                           # 统计's period: the measures are read in the request


def _period_from(values, problems: list | None = None) -> tuple[date, date]:
    """?from=…&to=… (days, county time; either way round; default: this month so far); a day
    malformed or out of range is the default's, and what was wrong is added to ``problems``."""
    today = county_today()
    problems = [] if problems is None else problems
    first = day_of(values.get("from"), today, problems) or today.replace(day=1)
    last = day_of(values.get("to"), today, problems) or today
    return (first, last) if first <= last else (last, first)


@bp.get("/stats")
@login_required
def stats():
    """统计: the measures for any period, county-wide and per unit (a unit's people: their unit),
    the day's figures, and 月考评 with its colours."""
    svc, now = services(), clock_now()
    problems: list[str] = []
    first, last = _period_from(request.args, problems)
    asked = first    # the 台账 is built by a worker: it may take the whole period asked for
    if (last - first).days >= STATS_DAYS:   # the measures are read here, in the request: a year at most
        first = last - timedelta(days=STATS_DAYS - 1)
        problems.append(W.stats_too_long(STATS_DAYS, last))
    for problem in dict.fromkeys(problems):
        flash(problem)
    with reading(svc.sessions) as s:
        person = signed_in(s)
        hidden_from = workbench.counts_hidden_from(s, person)
        m = measure(s, day_start(first), day_start(last + timedelta(days=1)), now, hidden_from)
        mine = person.role in workbench.UNIT_ROLES
        unit_name = s.get(Unit, person.unit_id).name if mine and person.unit_id else None
        units = {k: v for k, v in m.units.items() if not mine or k == unit_name}
        options = current_county(s).options
        rules = ScoreRules.from_options(options)
        scores = month_scores(s, first.year, first.month, rules, hidden_from)
        if mine:
            scores = [u for u in scores if u.unit_id == person.unit_id]
        today = gather(s, now.astimezone(SHANGHAI).date(), person.unit_id if mine else None, person, now)
        # the charts: the period by day (by week past a month), 集体访 and 越级访, townships and
        # categories — the unit's own for its people, else the county's, as the measures above
        t = trend(s, first, last, hidden_from, person.unit_id if mine else None)
        month = period_of("monthly", first)   # 月考评's: the month the period begins in
        figures = [*charts.over_time(t, first, last),
                   *([] if mine else [charts.by_tally("units", first, last, units)]),
                   charts.bars("categories", first, last, {k: n for k, (n, _) in t.categories.items()}),
                   charts.bars("townships", first, last, {k: n for k, (n, _) in t.townships.items()})]
        return render_template("console/stats.html", me=person, m=m, units=units, first=first, last=last,
                               charts=figures, figure=figure, export_first=asked,
                               scores_chart=charts.scores(month.first, month.last, scores) if scores else None,
                               scores=scores, rules=rules, today=today, groups=GROUPS, colours=COLOUR_WORDS,
                               value=R.figure, met=met_words)


FORMAT_WORDS = {"xlsx": "Excel", "csv": "CSV"}


@bp.get("/export")
@login_required
def export():
    """The old address of the Excel download: a 台账 is no longer built in the web request (two
    ten-year exports held both web workers — issue 29); the 统计 page's form has a worker build it."""
    return _to_export_form("xlsx")


@bp.get("/export.csv")
@login_required
def export_csv():
    """The old address of the CSV download: as :func:`export`."""
    return _to_export_form("csv")


def _to_export_form(fmt: str):
    problems: list[str] = []
    first, last = _period_from(request.args, problems)
    for problem in dict.fromkeys(problems):
        flash(problem)
    flash(W.export_moved(FORMAT_WORDS[fmt]))
    return redirect(url_for("console.stats", **{"from": first.isoformat(), "to": last.isoformat(), "format": fmt}))


@bp.post("/exports")
@login_required
def export_start():
    """生成台账: the reports' worker builds the period's 台账 (notifications.exports) as Excel or
    CSV; the page follows it. One at a time per person, a few a day: a refusal writes nothing, not
    even the audit row — that is written with the export accepted."""
    svc, now = services(), clock_now()
    fmt = request.form.get("format") if request.form.get("format") in exports.FORMATS else "xlsx"
    problems: list[str] = []
    first, last = _period_from(request.form, problems)
    back = url_for("console.stats", **{"from": first.isoformat(), "to": last.isoformat()})
    if problems:
        for problem in dict.fromkeys(problems):
            flash(problem)
        return redirect(back)
    across = request.form.getlist("counties")   # the city's 台账 of its counties (all: "*", or prefixes)
    try:
        with transaction(svc.sessions) as s:
            person = signed_in(s)
            counties = None
            if across:
                counties = exports.counties_of(s, person, [p for p in across if p != "*"])
            row = exports.ask(s, person, first, last, fmt, now, counties)
            workbench.audit(s, person, now, "export", detail=W.export_asked(
                first, last, FORMAT_WORDS[fmt], [name for _, _, name in counties or ()]), address=client_address())
            export_id = row.id
    except exports.Refused as exc:
        flash(W.export_refused(exc.code, exc.values))
        if exc.code == "running":
            return redirect(url_for("console.export_page", export_id=exc.values["export_id"]))
        if exc.code == "counties":
            return redirect(url_for("console.city_page") if g.get("city_id") is not None else back)
        return redirect(back)
    _hand_over(svc, export_id)
    return redirect(url_for("console.export_page", export_id=export_id))


def _hand_over(svc, export_id: int) -> None:
    """To the reports' worker; the queue away (Redis down), the export is failed at once — it
    would otherwise hold the person's one turn — and they are told to try again."""
    try:
        svc.export_later(export_id)
    except Exception as exc:
        current_app.logger.warning("export %s not built: %s", export_id, exc)
        with transaction(svc.sessions) as s:
            row = s.get(LedgerExport, export_id)
            if row is not None and row.status == "queued":
                row.status, row.error, row.finished_at = "failed", "queue unavailable", clock_now()
        flash(W.QUEUE_AWAY)


def _mine(s, export_id: int) -> LedgerExport:
    row = row_of(s, LedgerExport, export_id)
    if row is None or row.person_id != current_user.id:
        abort(404)
    return row


@bp.get("/exports/<int:export_id>")
@login_required
def export_page(export_id: int):
    with reading(services().sessions) as s:
        person = signed_in(s)
        row = _mine(s, export_id)
        return render_template("console/export.html", me=person, x=row, lost=exports.lost(row, clock_now()),
                               fmt=FORMAT_WORDS[exports.fmt_of(row)], retention=exports.RETENTION.days)


@bp.post("/exports/<int:export_id>/again")
@login_required
def export_again(export_id: int):
    """An export that failed, whose worker died or whose file expired is built again, under the
    same number — within the same bounds as a new one."""
    svc, now = services(), clock_now()
    again = False
    try:
        with transaction(svc.sessions) as s:
            person = signed_in(s)
            row = _mine(s, export_id)
            again = exports.again(s, person, row, now)
            if again:
                workbench.audit(s, person, now, "export", detail=f"{row.first}–{row.last}（重新生成）",
                                address=client_address())
    except exports.Refused as exc:
        flash(W.export_refused(exc.code, exc.values))
    if again:
        _hand_over(svc, export_id)
    return redirect(url_for("console.export_page", export_id=export_id))


@bp.get("/exports/<int:export_id>/state")
@login_required
def export_state(export_id: int):
    """The progress, for the page to refresh in place (htmx) until the file is ready."""
    with reading(services().sessions) as s:
        row = _mine(s, export_id)
        return render_template("console/_export_state.html", x=row, lost=exports.lost(row, clock_now()),
                               fmt=FORMAT_WORDS[exports.fmt_of(row)], retention=exports.RETENTION.days)


@bp.get("/exports/<int:export_id>/file")
@login_required
def export_file(export_id: int):
    svc, now = services(), clock_now()
    with transaction(svc.sessions) as s:
        person = signed_in(s)
        row = _mine(s, export_id)
        if row.status != "done" or not row.file:
            abort(404)
        fmt = exports.fmt_of(row)
        path = svc.settings.export_dir / row.file
        if not path.is_file():   # removed under it (the retention's sweep): said, and it may be built again
            row.status = "expired"
            flash(W.export_expired(exports.RETENTION.days))
            return redirect(url_for("console.export_page", export_id=export_id))
        workbench.audit(s, person, now, "export_download",
                        detail=W.export_downloaded(row.first, row.last, row.rows_done, FORMAT_WORDS[fmt]),
                        address=client_address())
        name = f"台账_{row.first:%Y%m%d}-{row.last:%Y%m%d}.{fmt}"
    return send_file(path.resolve(), as_attachment=True, download_name=name, mimetype=exports.MIMETYPES[fmt], max_age=0)
