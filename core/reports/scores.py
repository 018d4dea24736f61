"""月考评 — each unit's monthly score (DOMAIN.md, "Scoring units"; seeds 000, 001, 004).

A unit starts every month at ``start`` (100). The misses and bonuses the other parts record as
``score_event`` rows when they happen adjust it by the county's rule table:

    [county.scores]
    late_accept = -2        # 受理 after its deadline (the sweep)
    late_meet = -2          # 见面 …
    late_reply = -2         # 答复 …
    late_finish = -3        # 办结 …
    evening_missed = -2     # a 七晚 evening that did not count
    evening_resolved = 5    # a 七晚 case resolved (化解)
    escalation_city = -2    # a 越级访 from the unit's area: 到市
    escalation_province = -5  #                               赴省
    escalation_beijing = -10  #                               进京
    repeat_return = -2      # the unit sends back (退回) a case it has sent back before
    extension = 0           # a 延期 asked for (lawful, Art. 34: counted and shown; a county may weigh it)
    last_minute = -1        # 答复 in the last tenth of the time allowed for it
    check_missed = -1       # a township's 日排查 report not made by its time (core.checks.daily)
    supervision_missed = -5 # a 督办 of the city not answered by its deadline (core.cases.supervision)
    start = 100
    warn_below = 80         # 通报批评
    in_use_from = "2026-11-01"   # the first month scored (default: the month of the first petition)
    colours = { green = 95, yellow = 90, orange = 80 }   # 一旗四色: below orange is red

The last three kinds are the ways a unit games the clock (a county's 督查通报 names exactly
these); each is recorded even at 0 points, so the monthly analysis can count them.

The ranking (seed 000): the townships (乡镇、街道) and the county departments (县直单位) are
ranked apart; the first of each is praised (the 红旗) when it had cases to handle that month —
a unit with none has earned nothing; every unit under ``warn_below`` is criticised. Each unit
stands in a colour by the thresholds (一旗四色预警). The year's total adds up the months scored so
far (each from ``start``), none before the system was in use.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.cases.accusations import not_recused
from core.clock import day_start, local
from core.status import OPEN
from core.rules import ScoreRules
from core.store.models import Person, Petition, ScoreEvent, Unit

KIND_WORDS = {"late_accept": "受理超期", "late_meet": "见面超期", "late_reply": "答复超期", "late_finish": "办结超期",
              "evening_missed": "七晚未计入", "evening_resolved": "七晚化解", "escalation_city": "到市访",
              "escalation_province": "赴省访", "escalation_beijing": "进京访", "repeat_return": "重复退回",
              "extension": "申请延期", "last_minute": "临期答复", "check_missed": "日排查未报",
              "supervision_missed": "督办逾期"}
GAMING = ("repeat_return", "extension", "last_minute")     # playing the clock: counted even at 0 points
COLOUR_WORDS = {"green": "绿", "yellow": "黄", "orange": "橙", "red": "红"}
GROUPS = {"township": "乡镇（街道）", "department": "县直单位"}




@dataclass
class UnitScore:
    unit_id: int
    unit: str
    score: int
    by_kind: dict[str, int]
    year_total: int = 0
    rank: int = 0
    group: str = "department"          # township | department: ranked apart
    cases: int = 0                     # cases it handled in the month (praise needs some)
    counts: dict[str, int] = field(default_factory=dict)   # events of each kind (gaming at 0 points too)
    colour: str = "green"              # 一旗四色
    flag: bool = False                 # 红旗: the first of its group, on merit

    @property
    def gaming(self) -> dict[str, int]:
        return {k: self.counts[k] for k in GAMING if self.counts.get(k)}


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    return day_start(date(year, month, 1)), day_start(date(year + (month == 12), month % 12 + 1, 1))


def in_use_from(s: Session, rules: ScoreRules) -> date | None:
    """The first day of the first month scored: the county's ``in_use_from``, else the month of
    the first petition (or score) recorded; None while nothing is."""
    if rules.in_use_from is not None:
        return rules.in_use_from.replace(day=1)
    first = [t for t in (s.scalar(select(func.min(Petition.received_at))),
                         s.scalar(select(func.min(ScoreEvent.at)))) if t is not None]
    return local(min(first)).date().replace(day=1) if first else None


def month_scores(s: Session, year: int, month: int, rules: ScoreRules,
                 hidden_from: Person | None = None) -> list[UnitScore]:
    """Every active unit (not the bureau) ranked for the month within its group, with the year's
    total of the months scored so far, its cases, its colour and whether it earned the flag.
    ``hidden_from``: a reader some petition accuses — its cases are not counted in what they read."""
    units = s.execute(select(Unit.id, Unit.name, Unit.kind).where(Unit.active.is_(True), Unit.kind != "bureau")).all()
    start, end = month_bounds(year, month)
    year_start, _ = month_bounds(year, 1)
    by_kind: dict[int, dict[str, int]] = defaultdict(dict)
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for unit_id, kind, points, n in s.execute(
            select(ScoreEvent.unit_id, ScoreEvent.kind, func.sum(ScoreEvent.points), func.count())
            .where(ScoreEvent.at >= start, ScoreEvent.at < end).group_by(ScoreEvent.unit_id, ScoreEvent.kind)):
        counts[unit_id][kind] = n
        if points:
            by_kind[unit_id][kind] = int(points)
    since = in_use_from(s, rules)
    first_month = 1 if since is None or since.year < year else (since.month if since.year == year else 13)
    months = max(0, month - first_month + 1)
    earlier = dict(s.execute(select(ScoreEvent.unit_id, func.sum(ScoreEvent.points))
                             .where(ScoreEvent.at >= year_start, ScoreEvent.at < start)
                             .group_by(ScoreEvent.unit_id)).all())
    # cases with the unit at some moment of the month: still open, or closed within or after it —
    # two counts that start from the status and closed_at indexes (grouped on an expression, so the
    # planner does not walk ix_petition_measures over every row for the grouping instead)
    handled: dict[int, int] = defaultdict(int)
    unit = func.coalesce(Petition.unit_id, 0)
    for where in ((Petition.status.in_(OPEN),), (Petition.closed_at >= start, Petition.status.not_in(OPEN))):
        if hidden_from is not None:
            where = (*where, not_recused(hidden_from))
        for unit_id, n in s.execute(select(unit, func.count()).where(*where, Petition.assigned_at < end)
                                    .group_by(unit)):
            handled[unit_id] += n
    out = []
    for unit_id, name, kind in units:
        month_points = sum(by_kind[unit_id].values())
        score = rules.start + month_points
        year_total = rules.start * months + int(earlier.get(unit_id) or 0) + month_points
        out.append(UnitScore(unit_id, name, score, by_kind[unit_id], year_total,
                             group="township" if kind == "township" else "department",
                             cases=int(handled.get(unit_id) or 0), counts=counts[unit_id],
                             colour=rules.colour(score)))
    out.sort(key=lambda u: (u.group != "township", -u.score, u.unit))
    for group in GROUPS:
        ranked = [u for u in out if u.group == group]
        for i, u in enumerate(ranked):
            u.rank = 1 + (ranked[i - 1].rank - 1 if i and ranked[i - 1].score == u.score else i)
        merit = [u for u in ranked if u.cases]   # praise is earned by work done, not by having none
        if merit and merit[0].score >= rules.warn_below:
            for u in merit:
                u.flag = u.score == merit[0].score
    return out
