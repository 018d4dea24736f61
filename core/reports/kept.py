"""The city's figures as its texts sent them (issue 31, 4-5; docs/city.md "Figures up"): the jobs
that send the city's 每日访情, its weekly and monthly analyses and its ranking keep what they counted
(``city_figures``, the city's rows), and the city's console shows those for that day or period —
the page says what the text said, at once, instead of reading a month of ten counties again (a
month's analysis among ten counties of a million cases: 15 s, bench/city.py). A period no job has
kept (before the deployment sent any, or today so far) is counted when asked.

Figures are plain values (what a page shows), each county's line and the city's line their sum."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.reports.city import CityAnalysis, CityDay
from core.reports.digest import LEVELS
from core.reports.ranking import CountyRank
from core.store.models import CityFigures

RATES = ("按期受理率", "按期答复率", "满意率")


def keep(s: Session, kind: str, period: str, figures, now: datetime) -> None:
    """Keep ``figures`` of ``kind`` (daily, weekly, monthly, ranking) for ``period`` in ``s`` (bound
    to the city); a period kept before is replaced (a job run again)."""
    row = kept(s, kind, period)
    if row is None:
        s.add(CityFigures(kind=kind, period=period, figures=figures, computed_at=now))
    else:
        row.figures, row.computed_at = figures, now


def kept(s: Session, kind: str, period: str) -> CityFigures | None:
    return s.scalars(select(CityFigures).where(CityFigures.kind == kind, CityFigures.period == period)).first()


def day_figures(city: CityDay) -> dict:
    """The city's day by county (its 每日访情's figures): 到县访 批次 and 人次, 越级访 批次 by level,
    集体访, 挂牌督办, 扬言预警, the city's 督办 marked and missed."""
    lines = []
    for name, d in city.counties:
        marked, missed = city.supervised.get(name, (0, 0))
        lines.append({"name": name, "prefix": city.prefixes.get(name, ""), "batches": d.batches, "people": d.people,
                      "beyond": {level: d.beyond.get(level, (0, 0))[0] for level, _ in LEVELS},
                      "groups": d.groups, "overdue": len(d.overdue), "warnings": len(d.warnings),
                      "marked": marked, "missed": missed})
    total = {key: sum(line[key] for line in lines)
             for key in ("batches", "people", "groups", "overdue", "warnings", "marked", "missed")}
    total["beyond"] = {level: sum(line["beyond"][level] for line in lines) for level, _ in LEVELS}
    return {"day": city.day.isoformat(), "since": city.since.isoformat() if city.since else None,
            "counties": lines, "total": total}


def analysis_figures(city: CityAnalysis) -> dict:
    """The city's weekly or monthly analysis by county: 到县访 (批次, 人次) of the period, the one
    before and the year before, 越级访 批次, the rates; the city's line their sum (its rates of
    every county's cases)."""
    lines = [{"name": name, "prefix": city.prefixes.get(name, ""), "now": list(a.current.to_county),
              "before": list(a.previous.to_county), "year_before": list(a.year_before.to_county),
              "beyond": sum(b for b, _ in a.beyond.values()),
              "rates": {r: a.current.county.rates()[r] for r in RATES}} for name, a in city.counties]
    rates = city.total().rates()
    total = {"now": list(city.to_county("current")), "before": list(city.to_county("previous")),
             "year_before": list(city.to_county("year_before")),
             "beyond": sum(b for b, _ in city.beyond().values()), "rates": {r: rates[r] for r in RATES}}
    return {"counties": lines, "total": total}


def ranking_figures(ranks: list[CountyRank]) -> list[dict]:
    """The month's ranking of the counties as the text told it."""
    return [{"rank": c.rank, "county": c.county, "score": c.score, "petitions": c.tally.petitions,
             "rates": c.rates, "warned": c.warned, "lost": c.lost} for c in ranks]
