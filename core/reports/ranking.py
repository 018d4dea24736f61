"""The city's monthly ranking of its counties (issue 31, 4; seed 004: a city that ranks its
counties and 通报 the last).

A county is measured as a county measures its units, from the same figures
(core.reports.measures — one definition per measure): the petitions received in the month, its
按期受理率, 按期答复率 and 满意率, its 重复访率, and the 越级访 registered from it (到市, 赴省,
进京). Its score starts at ``start`` (100) and loses, for each rate, its weight times what the
rate falls short of 100 %, the 重复访率 times its weight, the points of each 越级访 批次 and of
each 督办 of the city it missed (core.cases.supervision):

    [ranking]                 # the city file's (defaults below)
    accept_on_time = 30       # 按期受理率: a county at 90 % loses 3
    reply_on_time = 30        # 按期答复率
    satisfied = 40            # 满意率
    repeat = 20               # 重复访率: 5 % of repeats loses 1
    escalation_city = -2      # each 越级访 批次 registered: 到市
    escalation_province = -5  #                            赴省
    escalation_beijing = -10  #                            进京
    supervision_missed = -3   # each 督办 of the city missed (core.cases.supervision)
    start = 100
    warn_below = 80           # 通报: every county under it

A rate with nothing due in the month (no case whose acceptance fell due, none rated) costs
nothing: a county is not marked down for what it was not yet asked to do — nor praised for it:
the first is named only when it had petitions. The last is named when the city has more than one
county; every county under ``warn_below`` is warned.

Each county's figures are read in the session bound to that county (core.store.scope): the same
statements a county's own 统计 runs, one county at a time — the per-county query a distributed
PostgreSQL runs on the county's shard (docs/city.md).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from core.cases.supervision import missed_in
from core.clock import local
from core.reports.city import each_county
from core.reports.measures import Tally, escalations, tallies
from core.reports.scores import month_bounds

RATES = {"accept_on_time": "按期受理率", "reply_on_time": "按期答复率", "satisfied": "满意率"}
LEVELS = ("city", "province", "beijing")


@dataclass(frozen=True)
class RankingRules:
    """The city file's ``[ranking]``: the weight of each rate, of 重复访率, the points of a 越级访."""

    weights: dict = field(default_factory=lambda: {"accept_on_time": 30, "reply_on_time": 30, "satisfied": 40})
    repeat: float = 20
    escalation: dict = field(default_factory=lambda: {"city": -2, "province": -5, "beijing": -10})
    supervision_missed: float = -3
    start: float = 100
    warn_below: float = 80

    @classmethod
    def from_raw(cls, raw: dict | None) -> "RankingRules":
        """From the city file's ``[ranking]`` table; an unknown key or a value not a number is refused."""
        raw = dict(raw or {})
        base = cls()
        known = {*base.weights, "repeat", *(f"escalation_{lv}" for lv in LEVELS), "supervision_missed", "start",
                 "warn_below"}
        for key, value in raw.items():
            if key not in known:
                raise ValueError(f"ranking.{key}: not a setting (settings: {', '.join(sorted(known))})")
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ValueError(f"ranking.{key}: a number, got {value!r}")
        weights = {k: raw.get(k, v) for k, v in base.weights.items()}
        if any(w < 0 for w in weights.values()) or raw.get("repeat", 0) < 0:
            raise ValueError("ranking: a rate's weight is what it can cost, 0 or more")
        if any(raw.get(f"escalation_{lv}", 0) > 0 for lv in LEVELS) or raw.get("supervision_missed", 0) > 0:
            raise ValueError("ranking.escalation_*, supervision_missed: a miss costs points (0 or less)")
        return cls(weights=weights, repeat=raw.get("repeat", base.repeat),
                   escalation={lv: raw.get(f"escalation_{lv}", base.escalation[lv]) for lv in LEVELS},
                   supervision_missed=raw.get("supervision_missed", base.supervision_missed),
                   start=raw.get("start", base.start), warn_below=raw.get("warn_below", base.warn_below))


@dataclass
class CountyRank:
    county_id: int
    county: str
    score: float
    tally: Tally
    beyond: dict[str, tuple[int, int]]       # 越级访: level → (批次, 人次)
    lost: dict[str, float]                   # what each measure cost: 按期受理率 → 3.0, 越级访 → 4 …
    supervisions_missed: int = 0             # 督办 of the city missed in the month
    rank: int = 0
    first: bool = False                      # named first: the best score, with petitions to show for it
    last: bool = False                       # named last (a city of more than one county)
    warned: bool = False                     # under the line: 通报

    @property
    def rates(self) -> dict[str, float | None]:
        return {word: self.tally.rates()[word] for word in (*RATES.values(), "重复访率")}


def score_of(t: Tally, beyond: dict[str, tuple[int, int]], rules: RankingRules,
             missed: int = 0) -> tuple[float, dict[str, float]]:
    """A county's score for its month and what each measure cost it."""
    rates = t.rates()
    lost = {}
    for key, word in RATES.items():
        r = rates[word]
        if r is not None and r < 1:
            lost[word] = rules.weights[key] * (1 - r)
    if rates["重复访率"]:
        lost["重复访率"] = rules.repeat * rates["重复访率"]
    trips = -sum(rules.escalation[lv] * beyond.get(lv, (0, 0))[0] for lv in LEVELS)
    if trips:
        lost["越级访"] = trips
    if missed and rules.supervision_missed:
        lost["督办逾期"] = -rules.supervision_missed * missed
    lost = {k: round(v, 1) for k, v in lost.items()}
    return round(rules.start - sum(lost.values()), 1), lost


def rank_counties(s: Session, city_id: int, year: int, month: int, now: datetime,
                  rules: RankingRules | None = None) -> list[CountyRank]:
    """Every county of the city ranked for the month (best first; equal scores share a rank).
    ``s`` is bound to each county in turn, and to what it was bound to again after."""
    rules = rules or RankingRules()
    start, end = month_bounds(year, month)
    end_now = min(end, now)
    first_day, last_day = local(start).date(), local(end - timedelta(seconds=1)).date()
    out = []
    for county in each_county(s, city_id):
        t = tallies(s, start, end_now, now, by=()).get((), Tally()) if end_now > start else Tally()
        beyond = {lv: v for lv, v in escalations(s, first_day, last_day).items() if lv in LEVELS}
        missed = missed_in(s, start, end)
        score, lost = score_of(t, beyond, rules, missed)
        out.append(CountyRank(county.id, county.name, score, t, beyond, lost, missed))
    out.sort(key=lambda c: (-c.score, c.county_id))
    for i, c in enumerate(out):
        c.rank = out[i - 1].rank if i and out[i - 1].score == c.score else i + 1
        c.warned = c.score < rules.warn_below
    if out and out[0].tally.petitions:
        for c in out:
            c.first = c.rank == 1 and bool(c.tally.petitions)
    if len(out) > 1 and out[-1].rank > 1:
        for c in out:
            c.last = c.rank == out[-1].rank
    return out
