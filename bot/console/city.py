"""``/console/city``: the city's page over its counties (issue 31, 5; docs/city.md) — each county's
bureau's shelves as its own 工作台 counts them (core.workplace.workbench.roll_up) and 越级访 this
week, the city's sum beneath, and last month's ranking of the counties (core.reports.ranking, as the
monthly text tells it); each count leads into that county's list (the city's people look
into a county: bot.console.common.services), where a case file offers the city's 督办."""
from __future__ import annotations

from flask import abort, g, render_template
from flask_login import login_required

from bot.console.common import bp, clock_now, services, signed_in
from core.clock import SHANGHAI
from core.reports.ranking import RankingRules, rank_counties
from core.store.db import reading
from core.store.models import County
from core.words import reports as words
from core.workplace import workbench


@bp.get("/city")
@login_required
def city_page():
    if g.get("city_id") is None:
        abort(404)          # a county's people have no city page
    svc, now = services(), clock_now()
    t = now.astimezone(SHANGHAI)
    year, month = (t.year, t.month - 1) if t.month > 1 else (t.year - 1, 12)
    with reading(svc.sessions) as s:
        me = signed_in(s)
        rows = workbench.roll_up(s, g.city_id, now)
        rules = RankingRules.from_raw((s.get(County, g.city_id).options or {}).get("ranking"))
        ranks = rank_counties(s, g.city_id, year, month, now, rules)     # last month's (the monthly text's)
    return render_template("console/city.html", rows=rows, total=workbench.roll_up_total(rows), me=me,
                           first=t.date().replace(day=1), last=t.date(),   # the 台账 form: this month so far
                           SHELVES=[(key, workbench.CASE_SHELVES[key].title) for key in workbench.ROLL_UP_SHELVES],
                           ranks=ranks, year=year, month=month, rules=rules, pct=words.percent, lost=words.county_lost)
