"""The read models in words, for the terminal and the texts: the measures (`xinfang stats`), the
月考评 (`xinfang scores`, the monthly ranking text), the city's ranking of its counties and the 七晚
figures. The values are core's (core.reports.measures, core.reports.scores, core.reports.ranking,
core.evenings.visits.figures)."""
from __future__ import annotations

from collections import Counter
from datetime import timedelta

from core.clock import SHANGHAI
from core.evenings.visits import Figures
from core.reports.city import CityAnalysis
from core.reports.measures import Measures
from core.reports.ranking import CountyRank, RankingRules
from core.reports.scores import COLOUR_WORDS, GAMING, GROUPS, KIND_WORDS, UnitScore
from core.rules import ScoreRules
from core.words import reports as words
from core.text import SMS_THREE_SEGMENTS
from core.words.said import Said
from notifications.digest_text import day_figures


def measures_text(m: Measures) -> str:
    """Plain text for the terminal (``xinfang stats``)."""
    fmt = words.figure
    last = (m.end - timedelta(seconds=1)).astimezone(SHANGHAI)
    lines = [words.measures_head(f"{m.start.astimezone(SHANGHAI):%Y-%m-%d}", f"{last:%Y-%m-%d}",
                                 f"{m.now.astimezone(SHANGHAI):%Y-%m-%d %H:%M}"), ""]
    c = m.county
    lines.append(words.measures_county(c.petitions, c.people, c.overdue))
    lines.append(words.measures_also(day_figures(c, m.beyond)))
    lines += [words.measures_rate(k, fmt(k, v)) for k, v in c.rates().items()]
    lines.append("")
    header = [*words.MEASURES_COLUMNS, *c.rates().keys()]
    lines.append(" | ".join(header))
    for name, t in m.units.items():
        lines.append(" | ".join([name, str(t.petitions), str(t.people), *(fmt(k, v) for k, v in t.rates().items())]))
    lines.append("")
    lines.append(words.by_channel([(k, t.petitions, t.people) for k, t in m.channels.items()]))
    lines.append(words.by_category([(k, t.petitions) for k, t in m.categories.items()]))
    return "\n".join(lines)


def ranking_text(scores: list[UnitScore], year: int, month: int, rules: ScoreRules) -> Said:
    """The monthly report's 月考评 part (seed 000): the first township and the first department
    praised when they earned it, every unit under the line criticised, the colours (一旗四色) and
    the ways units played the clock. Its template's values: the month, how many under the line."""
    under = [u for u in scores if u.score < rules.warn_below]
    if not scores:
        return words.ranking(year, month, [], len(under), rules.warn_below)

    def names(units: list[UnitScore], most: int = 3) -> str:
        if len(units) > most and len({u.score for u in units}) == 1:
            return words.tied(units[0].unit, len(units), units[0].score)
        shown = "、".join(words.scored(u.unit, u.score) for u in units[:most])
        return shown + (words.and_more(len(units)) if len(units) > most else "")

    parts = []
    for group, word in GROUPS.items():
        ranked = [u for u in scores if u.group == group]
        if not ranked:
            continue
        flagged = [u for u in ranked if u.flag]
        if flagged:
            parts.append(words.praised(word, len(flagged) > 1, names(flagged)))
        elif not any(u.cases for u in ranked):
            parts.append(words.no_cases(word))
        else:
            parts.append(words.none_praised(word))
    parts.append(words.criticised(rules.warn_below, names(under, 5) if under else None))
    colours = Counter(u.colour for u in scores)
    if set(colours) - {"green"}:
        parts.append(words.colours([(COLOUR_WORDS[c], colours[c]) for c in ("yellow", "orange", "red") if colours[c]]))
    gaming = Counter()
    for u in scores:
        gaming.update(u.gaming)
    if gaming:
        parts.append(words.times([(KIND_WORDS[k], gaming[k]) for k in GAMING if gaming[k]]))
    return words.ranking(year, month, parts, len(under), rules.warn_below)


def scores_table(scores: list[UnitScore], year: int, month: int, rules: ScoreRules | None = None) -> str:
    start = rules.start if rules else 100
    lines = [words.scores_title(year, month, start), words.SCORES_COLUMNS]
    for u in scores:
        detail = "，".join(f"{KIND_WORDS.get(k, k)}{v:+d}" for k, v in sorted(u.by_kind.items()))
        signals = words.times([(KIND_WORDS[k], n) for k, n in u.gaming.items() if k not in u.by_kind], "，")
        colour = (words.FLAG if u.flag else "") + COLOUR_WORDS[u.colour]
        lines.append(f"{GROUPS[u.group]} | {u.rank} | {u.unit} | {u.score} | {u.year_total} | {colour} | "
                     f"{words.cases(u.cases)} | {'，'.join(x for x in (detail, signals) if x) or '—'}")
    return "\n".join(lines)


def evenings_text(fig: Figures) -> str:
    """七晚 figures in one line (the reports, `xinfang evenings report`)."""
    rate = f"{fig.rate:.1%}" if fig.rate is not None else "—"
    return words.evenings_figures(fig.campaign, fig.cases, fig.running, fig.evenings_done, fig.evenings_missed,
                                  fig.restarts, fig.resolved, fig.agreements, fig.unresolved, rate)


def county_ranking_text(ranks: list[CountyRank], year: int, month: int, rules: RankingRules) -> Said:
    """The city's monthly ranking of its counties for its leaders (seed 004): the first named when
    it had petitions, the last, every county under the line warned (通报). Its template's values:
    the month, how many under the line, the line."""
    under = [c for c in ranks if c.warned]
    if not ranks:
        return words.county_ranking(year, month, [], 0, rules.warn_below)

    def names(counties: list[CountyRank]) -> str:
        return "、".join(words.county_scored(c.county, c.score) for c in counties)

    parts = []
    first = [c for c in ranks if c.first]
    if first:
        parts.append(words.county_first(names(first), len(first) > 1))
    elif not any(c.tally.petitions for c in ranks):
        parts.append(words.county_no_petitions())
    last = [c for c in ranks if c.last]
    if last:
        parts.append(words.county_last(names(last)))
    parts.append(words.county_warned(rules.warn_below, names(under) if under else None))
    return words.county_ranking(year, month, parts, len(under), rules.warn_below)


def county_ranking_table(ranks: list[CountyRank], year: int, month: int, rules: RankingRules) -> str:
    """Each county's line of the ranking (the city's monthly analysis, the terminal)."""
    fmt = words.figure
    lines = [words.county_ranking_title(year, month, rules.start), " | ".join(words.COUNTY_RANKING_COLUMNS)]
    for c in ranks:
        rates = c.rates
        lines.append(" | ".join([str(c.rank), c.county, f"{c.score:g}", str(c.tally.petitions),
                                 *(fmt(k, rates[k]) for k in ("按期受理率", "按期答复率", "满意率", "重复访率")),
                                 str(sum(n for n, _ in c.beyond.values())), words.county_lost(c.lost)]))
    return "\n".join(lines)


def city_analysis_text(city: CityAnalysis, city_name: str, limit: int = SMS_THREE_SEGMENTS) -> Said:
    """The city's 每周访情分析 / 月信访形势分析 (issue 31, 4): the city's line — 到县访 of every
    county with where it came from, against the period before and the year before, 越级访 — then
    each county's line from its own analysis (its 到县访 and change, 越级访, 按期答复率, 满意率).
    Counts and rates only. Its template's values: the period, the city's 到县访 批次 and 人次, 越级访 批次."""
    monthly = city.period.kind == "monthly"
    (n, people), (before, _), (year_before, _) = (city.to_county(w) for w in ("current", "previous", "year_before"))
    counts = sorted(((name, a.current.to_county[0]) for name, a in city.counties if a.current.to_county[0]),
                    key=lambda kv: -kv[1])
    beyond = sum(b for b, _ in city.beyond().values())
    parts = [words.city_analysis_total(n, people, monthly, words.change(n, before), words.change(n, year_before),
                                       counts), words.analysis_beyond(beyond)]
    for name, a in city.counties:
        mine, was = a.current.to_county, a.previous.to_county
        line = [words.county_volume(*mine, monthly, words.change(mine[0], was[0])),
                words.analysis_beyond(sum(b for b, _ in a.beyond.values()))]
        rates = a.current.county.rates()
        line += [words.analysis_rate(r, rates[r]) for r in ("按期答复率", "满意率") if rates[r] is not None]
        parts.append(words.city_analysis_county(name, line))
    return words.city_analysis(city.period.kind, city.period.label, city_name, parts, limit, n, people, beyond)
