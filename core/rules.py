"""A county's rules, typed from its options (the county file's ``[county.policy]``, calendar and
``[county.scores]``): the deadlines' :class:`~core.timelines.Policy`, the working calendar and the
score rules of 月考评, bundled as :class:`Rules` — what every step, sweep and report is judged by.
Each area's own rules (七晚's EveningRules, 日排查's CheckRules) stay in their area."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from core.timelines import Policy
from core.workdays import WorkCalendar

if TYPE_CHECKING:
    from core.store.models import County

POINTS = {"late_accept": -2, "late_meet": -2, "late_reply": -2, "late_finish": -3, "evening_missed": -2,
          "evening_resolved": 5, "escalation_city": -2, "escalation_province": -5, "escalation_beijing": -10,
          "repeat_return": -2, "extension": 0, "last_minute": -1, "check_missed": -1,
          "supervision_missed": -5}
LAST_MINUTE_SHARE = 0.1                                    # the last tenth of the time allowed
COLOURS = {"green": 95, "yellow": 90, "orange": 80}        # 一旗四色: below orange, red


@dataclass(frozen=True)
class ScoreRules:
    points: dict = field(default_factory=lambda: dict(POINTS))
    start: int = 100
    warn_below: int = 80
    in_use_from: date | None = None
    colours: dict = field(default_factory=lambda: dict(COLOURS))

    @classmethod
    def from_options(cls, options: dict | None) -> ScoreRules:
        raw = dict((options or {}).get("scores") or {})
        settings = {"start", "warn_below", "in_use_from", "colours"}
        unknown = sorted(set(raw) - set(POINTS) - settings)
        if unknown:
            raise ValueError(f"scores: unknown rule {', '.join(unknown)} (known: {', '.join(sorted(POINTS))}, "
                             f"{', '.join(sorted(settings))})")
        for key, value in raw.items():
            if key in ("in_use_from", "colours"):
                continue
            if not isinstance(value, int) or isinstance(value, bool) or not -100 <= value <= 100:
                raise ValueError(f"scores.{key}: a whole number from -100 to 100, got {value!r}")
        since = raw.get("in_use_from")
        if since is not None:
            if isinstance(since, datetime):
                since = since.date()
            elif isinstance(since, str):
                try:
                    since = date.fromisoformat(since)
                except ValueError:
                    raise ValueError(f"scores.in_use_from: a date like 2026-11-01, got {since!r}") from None
            if not isinstance(since, date):
                raise ValueError(f"scores.in_use_from: a date like 2026-11-01, got {since!r}")
        colours = dict(COLOURS)
        given = raw.get("colours") or {}
        if not isinstance(given, dict) or set(given) - set(COLOURS):
            raise ValueError(f"scores.colours: a table of {', '.join(COLOURS)} (the lowest score of each), "
                             f"got {given!r}")
        for key, value in given.items():
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 200:
                raise ValueError(f"scores.colours.{key}: a whole number from 0 to 200, got {value!r}")
        colours.update(given)
        if not colours["green"] >= colours["yellow"] >= colours["orange"]:
            raise ValueError(f"scores.colours: green ≥ yellow ≥ orange, got {colours}")
        points = {**POINTS, **{k: v for k, v in raw.items() if k in POINTS}}
        return cls(points, raw.get("start", 100), raw.get("warn_below", 80), since, colours)

    def of(self, kind: str) -> int:
        return self.points.get(kind, 0)

    def colour(self, score: int) -> str:
        return next((c for c in ("green", "yellow", "orange") if score >= self.colours[c]), "red")


@dataclass(frozen=True)
class Rules:
    policy: Policy
    calendar: WorkCalendar
    scores: ScoreRules = field(default_factory=ScoreRules)

    @classmethod
    def for_county(cls, county: County) -> Rules:
        """The rules of the county's options, built once per options object (a process keeps its
        county for a minute: notifications.services), so the calendar's answers are kept between messages."""
        options = county.options
        known = _RULES.get(id(options))
        if known is not None and known[0] is options:
            return known[1]
        rules = cls(Policy.from_options(options), WorkCalendar.from_options(options), ScoreRules.from_options(options))
        if len(_RULES) >= 8:
            _RULES.clear()
        _RULES[id(options)] = (options, rules)
        return rules


_RULES: dict[int, tuple[dict, Rules]] = {}
