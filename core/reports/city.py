"""The city over its counties (issue 31; docs/city.md): which counties are the city's, and the
day's figures up — the city's 每日访情, each county's day side by side, and the 督办 the city marked on its counties' cases that day and
those missed (core.cases.supervision, counted in each county's bound session).

Each county's day is the one its own leaders read (core.reports.digest.gather_all: every figure
is core.reports.measures'), gathered in the session bound to that county in turn
(core.store.scope) and then put side by side: the city's leaders read the sum and, for each kind
of figure, which counties it came from. No case's number or person is in the city's text: the
counties' lists are theirs (drill-down is the city's console).

The city's weekly and monthly analyses (:func:`analyse_city`) are made the same way: each county's
own analysis, in the session bound to it, and the city's line their sum.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.cases.supervision import marked_in, missed_in
from core.reports.analysis import Analysis, Period, analyse, in_use_before
from core.reports.digest import Day, gather_all, span
from core.reports.measures import Tally
from core.store import scope
from core.store.models import County


def counties_of(s: Session, city_id: int) -> list[County]:
    """The city's counties, in the order they were loaded."""
    return list(s.scalars(select(County).where(County.parent_id == city_id, County.kind == "county")
                          .order_by(County.id)))


def each_county(s: Session, city_id: int) -> Iterator[County]:
    """The city's counties with ``s`` bound to each in turn (a county's figures read as its own
    reports read them), and to what it was bound to again after."""
    bound = s.info.get(scope.COUNTY)
    try:
        for county in counties_of(s, city_id):
            scope.bind(s, county.id)
            yield county
    finally:
        scope.bind(s, bound)


@dataclass
class CityDay:
    """One day of every county of the city."""

    day: date
    counties: list[tuple[str, Day]] = field(default_factory=list)    # (county name, its day), as loaded
    prefixes: dict[str, str] = field(default_factory=dict)            # county name → its tracking prefix
    since: date | None = None
    supervised: dict[str, tuple[int, int]] = field(default_factory=dict)   # county name → 督办 (marked, missed)

    def total(self) -> Tally:
        t = Tally()
        for _, d in self.counties:
            t.add(d.tally)
        return t

    def beyond(self) -> dict[str, tuple[int, int]]:
        """越级访 of every county: level → (批次, 人次)."""
        out: dict[str, tuple[int, int]] = {}
        for _, d in self.counties:
            for level, (b, n) in d.beyond.items():
                ob, on = out.get(level, (0, 0))
                out[level] = (ob + b, on + n)
        return out

    def supervisions(self, which: int) -> tuple[int, list[tuple[str, int]]]:
        """督办 of the day (``which``: 0 marked by the city, 1 missed): the sum and by county, most first."""
        counts = [(name, v[which]) for name, v in self.supervised.items() if v[which]]
        return sum(n for _, n in counts), sorted(counts, key=lambda kv: -kv[1])

    def by_county(self, count) -> list[tuple[str, int]]:
        """``count(day)`` for each county that has any, most first (ties in the order loaded)."""
        values = [(name, count(d)) for name, d in self.counties]
        return sorted(((name, n) for name, n in values if n), key=lambda kv: -kv[1])


def gather_city(s: Session, city_id: int, day: date, now: datetime | None = None, since: date | None = None,
                after: datetime | None = None) -> CityDay:
    """The day of each county of the city as its own 每日访情 counts it (``now``, ``since``,
    ``after``: core.reports.digest.gather_all's), each in ``s`` bound to it (:func:`each_county`)."""
    city = CityDay(day, since=since if since is not None and since < day else None)
    start, end = span(day, now, city.since, after)
    for county in each_county(s, city_id):
        city.counties.append((county.name, gather_all(s, day, now, since, after).view()))
        city.prefixes[county.name] = county.prefix
        city.supervised[county.name] = (marked_in(s, start, end), missed_in(s, start, end))
    return city


@dataclass
class CityAnalysis:
    """The city's 每周访情分析 / 月信访形势分析 (issue 31, 4): each county's own analysis of the
    period, as its own leaders read it, and the city's totals — their sums."""

    period: Period
    counties: list[tuple[str, Analysis]] = field(default_factory=list)    # (county name, its analysis)
    prefixes: dict[str, str] = field(default_factory=dict)                # county name → its tracking prefix

    def to_county(self, which: str = "current") -> tuple[int, int]:
        """到县访 of every county (批次, 人次) in the period (``which``: current, previous, year_before)."""
        figures = [getattr(a, which).to_county for _, a in self.counties]
        return sum(n for n, _ in figures), sum(p for _, p in figures)

    def beyond(self) -> dict[str, tuple[int, int]]:
        """越级访 of every county: level → (批次, 人次)."""
        out: dict[str, tuple[int, int]] = {}
        for _, a in self.counties:
            for level, (b, n) in a.beyond.items():
                ob, on = out.get(level, (0, 0))
                out[level] = (ob + b, on + n)
        return out

    def total(self) -> Tally:
        """Every county's tally of the period (the rates of the city's line)."""
        t = Tally()
        for _, a in self.counties:
            t.add(a.current.county)
        return t


def analyse_city(s: Session, city_id: int, period: Period, now: datetime) -> CityAnalysis:
    """Each county's analysis of ``period`` (core.reports.analysis.analyse: what its own leaders
    read), in ``s`` bound to it in turn (:func:`each_county`); a county not yet in use before the
    period's end is left out, as its own job sends nothing for it."""
    city = CityAnalysis(period)
    for county in each_county(s, city_id):
        if in_use_before(s, period.end):
            city.counties.append((county.name, analyse(s, period, now)))
            city.prefixes[county.name] = county.prefix
    return city
