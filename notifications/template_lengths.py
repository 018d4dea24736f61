"""How long each registered SMS template's values can be in a county, against its Tencent Cloud SMS
account's variable length (``[county.sms] param_limit``, core.county.sms_param_limit): what
``xinfang sms-templates --county FILE`` tells an operator before the first text is refused.

Each template's values are made at their longest from the county file — its longest unit, place,
township and names, a tracking number with its prefix, the last days of a year, four-digit
counts, every status, rating and reason the texts can say: a notice's by its template's own
parameters (core.words.templates.TEMPLATES), the others by the kind of each variable (``KINDS``,
as their writers make them). At send time a value too long is cut where a cut still says
something true (core.words.templates.fit) and refused otherwise (notifications.sms.too_long); the
check says which of the two would happen.
"""
from __future__ import annotations

import inspect
import itertools
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import SimpleNamespace

from core.words.jobs import MOVEMENT_WORDS, THREAT_WORDS
from core.words.reports import days_covered
from core.clock import SHANGHAI, hm, month_day, with_weekday
from core.directory.places import unit_short_name
from core.text import CHANNEL_LABELS
from core.words import lengths as words, templates
from core.words.citizens import RATING_NAMES, STATUS_LABELS, by, receipt_day_note
from core.words.officials import DONE_WORDS
from notifications.outbox import _reason
from core.words.jobs import _few
from notifications.sms import PARAM_TOO_LONG

TOTAL_MAX = 500    # Tencent: a whole text, signature and values included, at most 500 characters

# the variables of the templates whose values are made with their text (not by a notice's
# parameters): the kind of value each carries, in order
KINDS: dict[str, tuple[str, ...]] = {
    "console_code": ("code",), "verify_phone": ("code",), "send_failed": ("who", "no_or_none", "reason"),
    "assign_needed_accusation": ("no", "township"), "follow_up": ("no",), "bind_code": ("bind_code", "count"),
    "overdue": ("no", "steps"), "overdue_many": ("count",), "reminder": ("no", "steps_by"), "reminder_many": ("count",),
    "daily_digest": ("day", "count", "count", "count", "count", "count"),
    "daily_digest_unit": ("unit_short", "day", "count", "count", "count", "count"),
    "progress_due": ("no", "progress_state", "date"), "check_ask": ("unit_short", "check_round"),
    "check_missed": ("check_day_round", "townships_few"), "monthly_scores": ("year", "month", "count", "count"),
    "messages_failed": ("count", "date"), "weekly_report": ("week", "count", "count", "count"),
    "monthly_report": ("month_label", "count", "count", "count"), "evening_late": ("no", "count", "time", "time"),
    "media_failed": ("count", "no_many"), "official_done": ("no", "done"), "official_help": (),
    "official_todo": ("count", "no", "date"), "official_other": (), "query_status": ("no", "status", "date"),
    "query_list": ("count", "no", "status"), "query_not_found": ("no",), "call_back": ("channel", "masked"),
    "ask_name": (), "ask_name_plain": (), "ask_place": ("places_3",), "place_not_found": ("places_4",),
    "place_not_in_city": ("place_said", "counties"),
    "choose_place": ("choices",), "ask_village": ("township",), "ask_content": (), "met_yes": ("no",),
    "met_no": ("no",), "rated_unsatisfied_noted": ("no",), "rated": ("no", "rating"), "why_noted": (),
    "answer_met": (), "answer_visit": (), "visit_thanks": (), "visit_confirmed": (), "visit_denied": (),
    "confirm_withdraw": ("no",), "withdraw_done": ("no",), "answer_withdraw": (), "closed_case": ("no", "status"),
    "supplement_added": ("no",), "threat_care": (), "say_more": (), "ask_matter": (), "case_ahead": ("no", "unit", "by", "by"),
    "case_ahead_met": ("no", "unit", "by"), "case_ahead_unassigned": ("no",), "withdraw_how": ("no",), "supplement_how": ("no",), "summary": ("name", "place"), "added_to_draft": (),
    "confirm_or_add": (), "submitted": ("no",), "submitted_later": ("no", "later_why", "day"), "reply_other": (),
    "escalation_now": ("day", "level", "count", "township"), "threat_unfiled": ("channel", "threat", "masked"),
    "supervision_missed": ("city", "no", "date"),
    "city_weekly_report": ("week", "count", "count", "count"),
    "city_monthly_report": ("month_label", "count", "count", "count"),
}
CITY_NAMES = words.CITY_NAMES


@dataclass(frozen=True)
class TooLong:
    """One template's variable whose value, in this county, can be longer than the account allows."""
    key: str
    index: int          # {1}, {2} …
    value: str          # the longest value found
    cut: str | None     # what would be sent instead; None: the text would be refused


def _lines(over: list[TooLong], limit: int) -> list[str]:
    """For an operator: one line per value too long, with the variables that carry it."""
    by_value: dict[tuple[str, str | None], list[str]] = {}
    for o in over:
        by_value.setdefault((o.value, o.cut), []).append(f"{o.key} {{{o.index}}}")
    return [words.value_line(value, cut, limit, where) for (value, cut), where in by_value.items()]


def samples(county: dict, now: datetime | None = None) -> dict[str, list[str]]:
    """The values of each kind at their longest in this county (``county``: core.county.parse_county_file)."""
    now = now or datetime(2026, 12, 30, 17, 30, tzinfo=SHANGHAI)     # two-digit months and days
    no = f"{county['county']['prefix']}-{now:%Y%m%d}-1234"
    units = [u["name"] for u in county["units"]] or ["县信访局"]
    townships = [t["name"] for t in county["townships"]]
    places = sorted(townships + [t["name"] + v for t in county["townships"] for v in t["villages"]], key=len)
    names = [p["name"] for p in county["people"]] + ["欧阳建国"]       # a citizen's name as they give it
    rounds = [f"第{i}次（{t}）" for i, t in enumerate(("11:30", "17:00"), 1)]
    shorts = [unit_short_name(u) for u in units]
    return {
        "no": [no], "no_or_none": [no, "无"], "level": ["到市", "赴省", "进京"], "threat": list(THREAT_WORDS.values()), "no_many": [f"{no}等12件"], "code": ["123456"], "bind_code": ["ABCD2345"],
        "count": ["1234"], "year": [f"{now.year}"], "month": ["12"], "date": [month_day(now)], "time": ["21:30"],
        "day": [with_weekday(now.date()), days_covered(now.date() - timedelta(days=40), now.date())], "unit": units, "unit_short": shorts, "township": townships, "place": places,
        "places_3": ["、".join(places[-3:])], "places_4": ["、".join(places[-4:])],
        # at a city's own account or number: the place said (cut to ten characters), the city's counties
        "place_said": [v[:10] for v in words.PLACE_SAID], "counties": words.COUNTIES_SAID,
        "choices": [" ".join(f"{i}.{label}" for i, label in enumerate(places[-3:], 1))],
        "name": names, "status": list(STATUS_LABELS.values()), "rating": list(RATING_NAMES.values()),
        "done": list(DONE_WORDS.values()) + ["已登记并交办"], "channel": list(CHANNEL_LABELS.values()),
        "reason": sorted({_reason(e) for e in ("tencent FailedOperation.X: x", "twilio 400 21211: x", "gave up",
                                                "wechat 43004: x", "wechat: 48 hours", "wecom 81013 invaliduser",
                                                "wecom 60020", f"tencent: x {PARAM_TOO_LONG}")}),
        "who": ["138****0099", "微信用户o_demo", "企业微信用户liu_gu"], "masked": ["138****0099"],
        "steps": [f"受理、见面、答复（期限{month_day(now)}）"], "steps_by": [f"{month_day(now)}前受理、见面、答复"],
        "progress_state": ["已逾期30天", "今日应报"], "check_round": rounds,
        "check_day_round": [f"{now.month}月{now.day}日{r}" for r in rounds],
        "townships_few": [_few([unit_short_name(u["name"]) for u in county["units"] if u["kind"] == "township"], 20)],
        "city": CITY_NAMES, "week": [f"{now.month}月28日–1月3日"], "month_label": [f"{now.year}年{now.month}月"],
        "by": [by(now + timedelta(days=1), now, "于"), by(now, now, "于"), by(now - timedelta(days=1), now, "于")],
        "later_why": [receipt_day_note(now.date() + timedelta(days=1), now.date(), w)[0] for w in (True, False)],
    }


def _notice_values(county: dict, key: str, t: templates.Template, kinds: dict[str, list[str]],
                   now: datetime) -> list[list[str]]:
    """Every list of values a notice's template takes, from its own parameters at their longest."""
    leaders = [(p.get("title") or "") + p["name"] for p in county["people"]] or ["县委书记"]
    p = SimpleNamespace(tracking_no=kinds["no"][0], due_finish=now, due_accept=now, due_meet=now, due_review=now,
                        people=120)
    ctx = SimpleNamespace(now=now - timedelta(days=20), place_of=lambda p, village=True: (
        max(kinds["place"], key=len) if village else max(kinds["township"], key=len)))
    longest = {"unit": [max(kinds["unit"], key=len)], "lead": [max(kinds["name"], key=len)],
               "leader": [max(leaders, key=len)], "title": [""], "village": [max(kinds["place"], key=len)],
               "names": ["、".join(sorted(kinds["name"], key=len)[-3:])], "how": ["走访", "来信"],
               "level": ["review", "re_review", "county", "city", "province", "beijing"],
               "movement": list(MOVEMENT_WORDS), "kind": list(THREAT_WORDS), "days": [30], "number": [7], "far_m": [12500], "people": [120],
               "original": kinds["no"], "took": [timedelta(hours=3, minutes=45)], "named": [None], "city": CITY_NAMES}
    args = [a for a in inspect.signature(t.params).parameters][2:]
    out = []
    for combo in itertools.product(*(longest.get(a, [now if a in {"meet_by", "started_at", "ended_at", "due",
                                                                     "first"} else "事由"]) for a in args)):
        try:
            values = t.params(ctx, p, **dict(zip(args, combo)))
        except KeyError:            # a level that is not this template's (复查 vs 赴省)
            continue
        out.append(values["v"] if isinstance(values, dict) else values)
    return out


def values_of(county: dict) -> dict[str, list[list[str]]]:
    """For every registered template, each list of values it may carry in this county, at their longest."""
    now = datetime(2026, 12, 30, 17, 30, tzinfo=SHANGHAI)
    kinds = samples(county, now)
    out: dict[str, list[list[str]]] = {}
    for key, t in templates.EVERY.items():
        if t.params is not None:
            out[key] = _notice_values(county, key, t, kinds, now)
        else:
            out[key] = [list(combo) for combo in itertools.product(*(kinds[k] for k in KINDS[key]))]
    return out


def too_long(county: dict, limit: int | None) -> tuple[list[TooLong], list[str]]:
    """The template variables whose values can be longer than ``limit`` in this county (the
    longest one each), and the templates whose whole text could pass Tencent's 500 characters."""
    sign = ((county["county"].get("options") or {}).get("sms") or {}).get("sign") or ""
    over, whole = [], []
    for key, lists in values_of(county).items():
        longest: dict[int, str] = {}
        for values in lists:
            for i, v in enumerate(values, 1):
                if len(v) > len(longest.get(i, "")):
                    longest[i] = v
            if len(templates.EVERY[key].render(values)) + len(sign) + 2 > TOTAL_MAX and key not in whole:
                whole.append(key)
        over += [TooLong(key, i, v, templates.fit(v, limit)) for i, v in sorted(longest.items())
                 if limit is not None and len(v) > limit]
    return over, whole


def check_lines(county: dict, limit: int | None, stated: bool) -> tuple[list[str], bool]:
    """What ``xinfang sms-templates --county`` prints of the lengths, and whether a text would be
    refused (the command then fails)."""
    over, whole = too_long(county, limit)
    lines = [words.limit_head(limit, stated)]
    refused = [o for o in over if o.cut is None]
    if over:
        lines.append(words.over_head(len(over), len(refused)))
        lines += _lines(over, limit)
    elif limit is not None:
        lines.append(words.ALL_FIT)
    if whole:
        lines.append(words.whole_too_long(TOTAL_MAX, whole))
    return lines, bool(refused or whole)
