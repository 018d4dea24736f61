"""``/reports/<kind>/<first day>``: the weekly and monthly analyses (and a day's) as HTML, behind a
signed, expiring link (notifications.report_html). A bad or expired link gets 403 and no data."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, current_app, request

from core.reports.analysis import analyse, period_of
from core.directory.lookup import current_county
from core.store.db import reading
from core.words import reports as words
from notifications.report_html import check, render

bp = Blueprint("reports", __name__)


@bp.get("/reports/<kind>/<day>")
def report(kind: str, day: str):
    svc = current_app.extensions["xinfang"]
    now = svc.clock.now()
    problem = check(kind, day, request.args.get("exp", ""), request.args.get("sig", ""), now)
    if problem:
        return Response(words.link_refused(problem), status=403,
                        mimetype="text/plain; charset=utf-8")
    try:
        first = date.fromisoformat(day)
    except ValueError:
        return Response("bad date", status=400, mimetype="text/plain")
    with reading(svc.sessions) as s:
        county = current_county(s).name
        page = render(analyse(s, period_of(kind, first), now), county)
    return Response(page, mimetype="text/html; charset=utf-8", headers={"Cache-Control": "private, max-age=300"})
