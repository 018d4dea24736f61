"""Pulling who / where / what out of free text: "我是下汤镇的张三，小区水泵坏了三天没水".

Pure functions over the text and a :class:`core.places.Gazetteer`; no database.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from core.phones import MOBILE_IN_TEXT, find_mobile
from core.places import Gazetteer, PlaceMatch

HAN = r"\u4e00-\u9fff"
NAME_CHARS = rf"[{HAN}·]"
CLAUSE_SPLIT = re.compile(r"[，,。；;！!？?\n\r]+")
# "我是X" / "我叫X" / "本人X" / "姓名：X", optionally with "下汤镇的" between
NAME_INTRO = re.compile(
    rf"(?:我叫|我是|本人是?|姓名[是:：]?|名字[是叫:：]?)(?:[{HAN}]{{0,12}}?的)?({NAME_CHARS}{{2,5}}?)(?=$|[，,。；;！!\s]|[，,]|(?:住|家住|电话|手机|在))")
NOT_NAMES = {"村民", "群众", "居民", "农民", "老百姓", "百姓", "业主", "家长", "学生", "工人", "党员", "本人",
             "信访人", "退伍军人", "老人", "市民", "租户", "患者"}
FILLER = re.compile(r"我是|我叫|本人|姓名|名字|电话|手机|号码|联系方式|家住|住在|我们|我|的|是|在|村民|居民|群众|[:：\s]")
GREETINGS = {"你好", "您好", "在吗", "在不在", "hi", "hello", "喂", "有人吗", "你好呀", "您好呀"}


@dataclass
class Extracted:
    name: str | None = None
    phone: str | None = None
    place: PlaceMatch | None = None
    content: str | None = None


def is_greeting(text: str) -> bool:
    return re.sub(r"[\s，,。.!！?？~]+", "", text.lower()) in GREETINGS


def clean_name(text: str) -> str | None:
    """A bare answer to "请问您怎么称呼？": 张三, 我叫张三, 张三。"""
    t = re.sub(r"^(?:我叫|我是|本人是?|姓名[是:：]?|叫)", "", text.strip())
    t = re.sub(r"[\s。.!！,，~]+$", "", t)
    if re.fullmatch(rf"{NAME_CHARS}{{2,10}}|[A-Za-z][A-Za-z .'-]{{1,30}}", t) and t not in NOT_NAMES:
        return t
    return None


def extract(text: str, gazetteer: Gazetteer) -> Extracted:
    """Everything recognisable in one message. Content is what is left once the clauses that
    only introduce the person (name, place, phone) are taken away."""
    out = Extracted()
    m = NAME_INTRO.search(text)
    if m and m.group(1) not in NOT_NAMES and not gazetteer.match(m.group(1)).places:
        out.name = m.group(1)
    out.phone = find_mobile(text)
    match = gazetteer.match(text)
    out.place = match if match.places else None

    clauses = [c.strip() for c in CLAUSE_SPLIT.split(text) if c.strip()]
    content = []
    for clause in clauses:
        rest = clause
        if out.name:
            rest = rest.replace(out.name, "")
        rest = MOBILE_IN_TEXT.sub("", rest)
        if out.place:
            for place in out.place.places:
                rest = rest.replace(place.township, "").replace(place.village or "\0", "")
        rest = FILLER.sub("", rest)
        if len(re.findall(rf"[{HAN}A-Za-z0-9]", rest)) >= 2:
            content.append(clause)
    joined = "，".join(content)
    if len(joined) >= 4 and not is_greeting(joined):
        out.content = joined
    return out
