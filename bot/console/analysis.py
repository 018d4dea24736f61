"""分析: the weekly or monthly analysis as leaders read it, and what staff write into it."""
from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import login_required

from bot.console.common import bp, clock_now, day_of, services, signed_in
from core.workplace import workbench
from core.reports.analysis import NOTE_SECTIONS, analyse, last_complete, notes_of, period_of, write_note
from core.clock import SHANGHAI
from core.directory.lookup import current_county
from core.store.db import transaction
from core.words import console as W
from notifications.report_html import render as render_report


@bp.route("/analysis", methods=["GET", "POST"])
@login_required
def analysis_page():
    """分析: the weekly or monthly analysis (the page leaders' links open), with what staff write
    into it before it goes to the 常委 — 舆情预判 and 下一步工作 (seed 001); every version kept."""
    svc, now = services(), clock_now()
    kind = request.values.get("kind", "weekly") if request.values.get("kind") in ("weekly", "monthly") else "weekly"
    problems: list[str] = []
    day = day_of(request.values.get("day"), now.astimezone(SHANGHAI).date(), problems) \
        or last_complete(kind, now.astimezone(SHANGHAI).date()).first
    for problem in dict.fromkeys(problems):
        flash(problem)
    period = period_of(kind, day)
    with transaction(svc.sessions) as s:
        person = signed_in(s)
        if person.role not in ("staff", "leader"):
            abort(403)
        if request.method == "POST":
            if person.role != "staff":
                abort(403)
            for section in NOTE_SECTIONS:
                if section in request.form and request.form[section].replace("\r\n", "\n").strip() != \
                        notes_of(s, period).get(section, ""):
                    write_note(s, period, section, request.form[section], person.id, now)
                    workbench.audit(s, person, now, "analysis_note", detail=f"{kind} {period.key} {section}")
            flash(W.NOTES_SAVED)
            return redirect(url_for("console.analysis_page", kind=kind, day=period.key))
        county = current_county(s).name
        a = analyse(s, period, now, workbench.counts_hidden_from(s, person))
        page = render_report(a, county)
        return render_template("console/analysis.html", me=person, a=a, period=period, kind=kind,
                               sections=NOTE_SECTIONS, summary=a.summary(), report=page,
                               previous=period.previous().key, following=period_of(kind, period.last + timedelta(days=1)).key)
