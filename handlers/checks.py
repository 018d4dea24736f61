"""日排查日报告 by message (seed 003; the rules: core.checks.daily): a township's cadre reports the
day's check twice a day —

    排查 无新情况
    排查 村 人数 事由 [动向]       排查 上坪村 3 征地补偿款未到位 扬言去省里上访

The village is a village of the county (or a name ending 村/社区/组), the number of people
digits or Chinese (三人, 5户) — left out, the rest is the matter all the same ("张三家要去县里");
a short all-clear in the cadre's words ("俺村没啥事", "今天一切平稳") is 无新情况; where the people plan to go (去县里、到市、
赴省、进京) anywhere in it is its 动向, and makes the report a 预警 for the bureau at once.
"""
from __future__ import annotations

import re

from core.checks.daily import CheckError, CheckRules
from core.store.models import Person, Unit
from core.checks import usecases
from handlers import notify
from core.words import officials as T
from handlers.context import Context
from handlers.extract import cn_number
from handlers.registry import CADRES, COMMANDS, act

NOTHING_NEW = re.compile(r"^(?:无新情况|无|没有|无异常|无情况|正常|平稳|稳定|一切正常|无新增)[。.！!]?$")
# "俺村没啥事", "今天一切平稳，无异常": a short all-clear in the cadre's own words
ALL_CLEAR = re.compile(r"平稳|正常|无异常|没啥事|没什么事|没事|无新|无情况|没有情况|没情况|没啥情况|稳定")
NOT_CLEAR = re.compile(r"不稳定|苗头|扬言|上访|闹|吵|纠纷|\d")
PLACE_END = re.compile(r"(?:村|社区|组|居委会|小区)$")
COUNT = re.compile(r"^(\d+|[一二两俩三四五六七八九十百]+)(?:多|余)?(?:人|户|名|个人)?$")
MOVES = [  # checked in this order: the farthest named wins
    ("beijing", re.compile(r"进京|赴京|去北京|到北京|上北京|北京")),
    ("province", re.compile(r"赴省|去省|到省|上省|省里|省城|省政府|郑州")),
    ("city", re.compile(r"到市|去市|赴市|上市里|市里|市政府|平顶山")),
    ("county", re.compile(r"到县|去县|上县|赴县|县里|县城|县政府|县委")),
]


def movement_in(text: str) -> str | None:
    """Where a reported group plans to go: "扬言去省里上访" → province."""
    return next((level for level, pattern in MOVES if pattern.search(text)), None)


@COMMANDS.verb("check", "排查", "日排查", roles=CADRES, refusal=T.CHECK_TOWNSHIPS_ONLY,
               help=(("cadre", 95, "排查 无新情况 / 排查 村 人数 事由 [动向]"),))
def check(ctx: Context, person: Person, rest: str) -> str:
    unit = ctx.session.get(Unit, person.unit_id) if person.unit_id else None
    if unit is None or unit.kind != "township":
        return T.CHECK_TOWNSHIPS_ONLY
    rules = CheckRules.from_options(ctx.county.options)
    if not rules.enabled:
        return T.CHECK_NOT_IN_USE
    text = rest.strip(" ：:，,")
    values: dict = {}
    if NOTHING_NEW.match(text) or (len(text) <= 20 and ALL_CLEAR.search(text) and not NOT_CLEAR.search(text)
                                   and movement_in(text) is None):
        values["nothing_new"] = True
    else:
        parts = text.split(maxsplit=1)
        if len(parts) < 2:
            return T.CHECK_FORMAT
        village, rest = parts
        known = ctx.gazetteer.match(village, within_township=unit.township_id).unique
        if not PLACE_END.search(village) and (known is None or known.village_id is None):
            return T.CHECK_FORMAT
        count, _, after = rest.partition(" ")
        m = COUNT.match(count)
        people = cn_number(m.group(1)) if m else None
        if m and after.strip():
            if not people or not 1 <= people <= 100_000:
                return T.CHECK_FORMAT
            matter = after
        elif len(re.sub(r"\s", "", rest)) >= 5:   # "排查 林楼村 张三家要去县里": no count — all that follows
            people, matter = None, rest
        else:   # "排查 上坪村 征地": too little to act on
            return T.CHECK_FORMAT
        values = {"village": village[:64], "people": people, "matter": matter, "movement": movement_in(matter)}
    try:
        done = usecases.report(act(ctx, person), unit, rules, **values)
    except CheckError as exc:
        return T.CHECK_TOWNSHIPS_ONLY if exc.code == "check_townships_only" else T.CHECK_FORMAT
    notify.deliver(ctx, done)
    row = done.data["row"]
    return T.check_recorded(unit.name, row.day, done.data["round"], row.nothing_new, row.village, row.people,
                            row.matter, row.movement)
