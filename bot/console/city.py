"""The city's pages over its counties (issue 31, 5; docs/city.md):

- ``/console/city`` — each county's bureau's shelves as its own 工作台 counts them
  (core.workplace.workbench.roll_up) and 越级访 this week, the city's sum beneath; each count leads
  into that county's list (the city's people look into a county: bot.console.common.services),
  where a case file offers the city's 督办;
- ``/console/city/day`` — the city's 每日访情 as a page (its text's "各县情况请在工作台查看"): each
  county's day as core.reports.city.gather_city counts it, the city's line their sum;
- ``/console/city/analysis`` — the city's 每周访情分析 / 月信访形势分析 as a page (the texts'
  "各县分析请在工作台查看"): the city's line and each county's, as core.reports.city.analyse_city
  reads them, each county's line leading into that county's own 分析;
- ``/console/city/ranking`` — a month's ranking of the counties (core.reports.ranking, as the
  monthly text tells it; last month unless ``?month=2026-10``): a month of every county's figures,
  which the roll-up, opened many times a day, does not wait for (bench/city.py)."""
from __future__ import annotations

from datetime import date, timedelta

from flask import abort, g, render_template, request
from flask_login import current_user, login_required

from bot.console.common import CITY_READERS, bp, clock_now, day_of, services, signed_in
from core.clock import SHANGHAI
from core.reports import kept
from core.reports.analysis import last_complete, period_of
from core.reports.city import analyse_city, gather_city
from core.reports.digest import LEVELS
from core.reports.ranking import RankingRules, rank_counties
from core.store.db import reading
from core.store.models import County
from core.words import reports as words
from core.workplace import workbench


def _city_only() -> None:
    # a county's people have no city pages; nor have the city departments' (their own unit's cases)
    if g.get("city_id") is None or getattr(current_user, "role", None) not in CITY_READERS:
        abort(404)


@bp.get("/city")
@login_required
def city_page():
    _city_only()
    svc, now = services(), clock_now()
    with reading(svc.sessions) as s:
        me = signed_in(s)
        rows = workbench.roll_up(s, g.city_id, now)
    today = now.astimezone(SHANGHAI).date()
    return render_template("console/city.html", rows=rows, total=workbench.roll_up_total(rows), me=me,
                           first=today.replace(day=1), last=today,   # the 台账 form: this month so far
                           SHELVES=[(key, workbench.CASE_SHELVES[key].title) for key in workbench.ROLL_UP_SHELVES])


def _month_asked(today: date) -> tuple[int, int] | None:
    """The month ``?month=YYYY-MM`` names (last month when none): a month ended, not before 2000;
    None for anything else."""
    last = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    text = (request.args.get("month") or "").strip()
    if not text:
        return last
    year, _, month = text.partition("-")
    if not (year.isascii() and year.isdigit() and month.isascii() and month.isdigit()):
        return None
    asked = (int(year), int(month))
    return asked if 1 <= asked[1] <= 12 and (2000, 1) <= asked <= last else None


@bp.get("/city/ranking")
@login_required
def city_ranking():
    _city_only()
    svc, now = services(), clock_now()
    today = now.astimezone(SHANGHAI).date()
    asked = _month_asked(today)
    with reading(svc.sessions) as s:
        me = signed_in(s)
        rules = RankingRules.from_raw((s.get(County, g.city_id).options or {}).get("ranking"))
        if asked is None:
            return render_template("console/city_ranking.html", me=me, ranks=[], rules=rules, month=None,
                                   problem=words.RANKING_MONTH, shown=request.args.get("month", "")[:20]), 400
        year, month = asked
        row = kept.kept(s, "ranking", f"{year:04d}-{month:02d}")    # as the monthly text told it
        ranks = row.figures if row else kept.ranking_figures(rank_counties(s, g.city_id, year, month, now, rules))
    return render_template("console/city_ranking.html", me=me, ranks=ranks, year=year, month=month, rules=rules,
                           shown=f"{year:04d}-{month:02d}", problem=None, pct=words.percent, lost=words.county_lost,
                           sent_at=_local(row))


@bp.get("/city/analysis")
@login_required
def city_analysis():
    """The city's weekly or monthly analysis over its counties (``?kind=weekly|monthly``, ``?day=``
    any day of the period; the last one ended when none): each county's own analysis side by side
    with the city's line, as the city's leaders' text counts them, for the city's staff and leaders."""
    _city_only()
    svc, now = services(), clock_now()
    kind = request.args.get("kind") if request.args.get("kind") in ("weekly", "monthly") else "weekly"
    today = now.astimezone(SHANGHAI).date()
    problems: list[str] = []
    period = period_of(kind, day_of(request.args.get("day"), today, problems) or last_complete(kind, today).first)
    if period.first > today:          # a period to come has no figures: the one in progress
        period = period_of(kind, today)
    with reading(svc.sessions) as s:
        me = signed_in(s)
        row = kept.kept(s, kind, period.key)          # as the leaders' text counted it
        figures = row.figures if row else kept.analysis_figures(analyse_city(s, g.city_id, period, now))
    return render_template("console/city_analysis.html", me=me, kind=kind, period=period, f=figures, today=today,
                           problems=list(dict.fromkeys(problems)), sent_at=_local(row),
                           previous=period.previous().key, following=period_of(kind, period.last + timedelta(days=1)).key,
                           pct=words.percent, change=words.change, ANALYSES=words.ANALYSES)


@bp.get("/city/day")
@login_required
def city_day():
    """The city's day over its counties (``?day=``, today when none): what its 每日访情 counts, by
    county — 到县访, 越级访 by level, 集体访, 挂牌督办, 扬言预警, the city's 督办 marked and missed —
    each county's line leading into its 工作台."""
    _city_only()
    svc, now = services(), clock_now()
    today = now.astimezone(SHANGHAI).date()
    problems: list[str] = []
    day = day_of(request.args.get("day"), today, problems) or today
    if day > today:
        day = today
    with reading(svc.sessions) as s:
        me = signed_in(s)
        # the day the 每日访情 told (17:30) as it told it, unless asked for now's count
        row = None if request.args.get("live") == "1" else kept.kept(s, "daily", day.isoformat())
        figures = row.figures if row else kept.day_figures(gather_city(s, g.city_id, day, now))
    return render_template("console/city_day.html", me=me, day=day, today=today, f=figures, LEVELS=LEVELS,
                           problems=list(dict.fromkeys(problems)), sent_at=_local(row),
                           since=date.fromisoformat(figures["since"]) if figures.get("since") else None,
                           previous=(day - timedelta(days=1)).isoformat(),
                           following=min(day + timedelta(days=1), today).isoformat())


def _local(row):
    """When a kept figure was counted, Beijing time (None: counted now)."""
    return row.computed_at.astimezone(SHANGHAI) if row is not None else None
