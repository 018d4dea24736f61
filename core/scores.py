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
    start = 100
    warn_below = 80         # named in the monthly report

The ranking: the first is praised; the last, and every unit under ``warn_below``, is named. The
year's total adds up the months so far (each from ``start``).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.clock import day_start
from core.store.models import ScoreEvent, Unit

POINTS = {"late_accept": -2, "late_meet": -2, "late_reply": -2, "late_finish": -3, "evening_missed": -2,
          "evening_resolved": 5, "escalation_city": -2, "escalation_province": -5, "escalation_beijing": -10}
KIND_WORDS = {"late_accept": "受理超期", "late_meet": "见面超期", "late_reply": "答复超期", "late_finish": "办结超期",
              "evening_missed": "七晚未计入", "evening_resolved": "七晚化解", "escalation_city": "到市访",
              "escalation_province": "赴省访", "escalation_beijing": "进京访"}


@dataclass(frozen=True)
class ScoreRules:
    points: dict = field(default_factory=lambda: dict(POINTS))
    start: int = 100
    warn_below: int = 80

    @classmethod
    def from_options(cls, options: dict | None) -> ScoreRules:
        raw = dict((options or {}).get("scores") or {})
        unknown = sorted(set(raw) - set(POINTS) - {"start", "warn_below"})
        if unknown:
            raise ValueError(f"scores: unknown rule {', '.join(unknown)} (known: {', '.join(sorted(POINTS))}, "
                             f"start, warn_below)")
        for key, value in raw.items():
            if not isinstance(value, int) or isinstance(value, bool) or not -100 <= value <= 100:
                raise ValueError(f"scores.{key}: a whole number from -100 to 100, got {value!r}")
        points = {**POINTS, **{k: v for k, v in raw.items() if k in POINTS}}
        return cls(points, raw.get("start", 100), raw.get("warn_below", 80))

    def of(self, kind: str) -> int:
        return self.points.get(kind, 0)


@dataclass
class UnitScore:
    unit_id: int
    unit: str
    score: int
    by_kind: dict[str, int]
    year_total: int = 0
    rank: int = 0


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    return day_start(date(year, month, 1)), day_start(date(year + (month == 12), month % 12 + 1, 1))


def month_scores(s: Session, year: int, month: int, rules: ScoreRules) -> list[UnitScore]:
    """Every active unit (not the bureau) ranked for the month, with the year's total so far."""
    units = dict(s.execute(select(Unit.id, Unit.name).where(Unit.active.is_(True), Unit.kind != "bureau")).all())
    start, end = month_bounds(year, month)
    year_start, _ = month_bounds(year, 1)
    by_kind: dict[int, dict[str, int]] = defaultdict(dict)
    for unit_id, kind, points in s.execute(
            select(ScoreEvent.unit_id, ScoreEvent.kind, func.sum(ScoreEvent.points))
            .where(ScoreEvent.at >= start, ScoreEvent.at < end).group_by(ScoreEvent.unit_id, ScoreEvent.kind)):
        by_kind[unit_id][kind] = int(points)
    earlier = dict(s.execute(select(ScoreEvent.unit_id, func.sum(ScoreEvent.points))
                             .where(ScoreEvent.at >= year_start, ScoreEvent.at < start)
                             .group_by(ScoreEvent.unit_id)).all())
    out = []
    for unit_id, name in units.items():
        score = rules.start + sum(by_kind[unit_id].values())
        year_total = rules.start * month + int(earlier.get(unit_id) or 0) + sum(by_kind[unit_id].values())
        out.append(UnitScore(unit_id, name, score, by_kind[unit_id], year_total))
    out.sort(key=lambda u: (-u.score, u.unit))
    for i, u in enumerate(out):
        u.rank = 1 + (out[i - 1].rank - 1 if i and out[i - 1].score == u.score else i)
    return out
