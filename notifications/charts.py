"""The charts of 统计 (the console) and of the analyses (the page leaders' links open) as data.

Each chart is a dict: its title, the title its picture carries (with the period), the labels, the
series and their values. The page carries it as JSON (``data-chart`` of its ``<div>``) for
``bot/static/charts.js`` to draw with the vendored Apache ECharts, and the same figures as a table
under it (notifications/templates/chart.html: read without a script, by screen readers and the
tests). The words are the catalogue's (core.words.reports); the figures are the read models'
(core.reports.measures, core.reports.analysis.trend, core.reports.scores): nothing here reads the database.
"""
from __future__ import annotations

from datetime import date

from core.reports.analysis import LEVELS, Trend
from core.reports.measures import Tally
from core.words import reports as words

BAR = "#8a1c1c"                                    # the console's red
PEOPLE = "#2f6f9f"
GROUPS = "#b8860b"
BEYOND = {"city": "#c77c48", "province": "#a63d40", "beijing": "#5b1a2e"}
# 一旗四色 (core.reports.scores.COLOUR_WORDS): the colour each unit's score stands in
SCORE_COLOURS = {"green": "#2e9e44", "yellow": "#e0b400", "orange": "#f07f00", "red": "#d7263d"}
MOST_BARS = 20                                     # units, categories, townships: the first 20, most first


def series(key: str, values: list[int], colour: str, kind: str = "bar", stack: str | None = None,
           colours: list[str] | None = None) -> dict:
    return {"name": words.SERIES[key], "kind": kind, "values": values, "colour": colour, "stack": stack,
            "colours": colours}


def chart(key: str, title: str, first: date, last: date, labels: list[str], series_: list[dict],
          tips: list[str] | None = None, horizontal: bool = False) -> dict:
    caption = words.chart_caption(title, first, last)
    return {"id": f"chart-{key}", "title": title, "caption": caption, "labels": labels, "tips": tips or labels,
            "axis": words.AXIS[key], "series": series_, "horizontal": horizontal, "save": words.SAVE_AS_IMAGE,
            "file": caption, "table": words.DATA_TABLE}


def over_time(t: Trend, first: date, last: date) -> list[dict]:
    """批次 and 人次 by day (or week), and 集体访 with the 越级访 of each level."""
    labels = [words.chart_day(b.first) for b in t.buckets]
    tips = [words.chart_day(b.first, b.last) for b in t.buckets]
    every = words.EVERY[t.by]
    return [
        chart("trend", every + words.CHARTS["trend"], first, last, labels,
              [series("petitions", [b.petitions for b in t.buckets], BAR),
               series("people", [b.people for b in t.buckets], PEOPLE, kind="line")], tips),
        chart("groups", every + words.CHARTS["groups"], first, last, labels,
              [series("groups", [b.groups for b in t.buckets], GROUPS)]
              + [series(level, [b.beyond[level] for b in t.buckets], BEYOND[level], stack="beyond")
                 for level in LEVELS], tips),
    ]


def bars(key: str, first: date, last: date, counts: dict[str, int]) -> dict:
    """A horizontal bar of 批次 for each (unit, category, township), most first."""
    top = [(k or words.NO_TOWNSHIP, n) for k, n in counts.items() if n][:MOST_BARS]
    return chart(key, words.CHARTS[key], first, last, [k for k, _ in top],
                 [series("petitions", [n for _, n in top], BAR)], horizontal=True)


def by_tally(key: str, first: date, last: date, tallies: dict[str, Tally]) -> dict:
    return bars(key, first, last, {k: t.petitions for k, t in tallies.items()})


def scores(month_first: date, month_last: date, units: list) -> dict:
    """月考评: each unit's score this month, in the colour it stands in (一旗四色)."""
    return chart("scores", words.CHARTS["scores"], month_first, month_last, [u.unit for u in units],
                 [series("score", [u.score for u in units], BAR,
                         colours=[SCORE_COLOURS.get(u.colour, BAR) for u in units])], horizontal=True)
