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
ME = r"(?:我|俺|咱|本人)"
# "我是X" / "俺叫X" / "本人X" / "姓名：X" / "我姓王，叫王秀兰", optionally with "下汤镇的" between
NAME_INTRO = re.compile(
    rf"(?:{ME}姓{NAME_CHARS}[，,\s]*(?:名字)?叫|{ME}叫|{ME}是|本人是?|姓名[是:：]?|名字[是叫:：]?)"
    rf"(?:[{HAN}]{{0,12}}?的)?(?:村民|居民|群众|农民|老党员|党员|代表|户主|老人)?({NAME_CHARS}{{2,5}}?)(?=$|[^{HAN}·]|(?:住|家住|电话|手机|在|是|今年))")
# "团城乡团城村的薛宝钗，…": a name right after the place it is from, before the story
NAME_AFTER_PLACE = re.compile(rf"(?:^|[，,\s])[{HAN}]{{1,16}}(?:村|社区|组|镇|乡|街道)的({NAME_CHARS}{{2,4}})(?=[，,。\s]|$)")
# words of reporting or complaining about someone: a name after them is the one accused, never
# the writer's ("我要实名举报下汤镇的李建国")
ACCUSING = re.compile(r"举报|检举|揭发|控告|告发|投诉|状告|告|反映|起诉")
SURNAME_ONLY = re.compile(rf"{ME}姓({NAME_CHARS})(?![{HAN}]*叫)")
NOT_NAMES = {"村民", "群众", "居民", "农民", "老百姓", "百姓", "业主", "家长", "学生", "工人", "党员", "本人",
             "信访人", "退伍军人", "老人", "市民", "租户", "患者", "代表", "村里人", "老党员", "贫困户", "低保户"}
FILLER = re.compile(r"我是|我叫|俺是|俺叫|咱是|本人|姓名|名字|电话|手机|号码|联系方式|家住|住在|我们|俺们|咱们|"
                    r"我|俺|咱|的|是|在|村民|居民|群众|[:：\s]")
# said only to open or close a conversation: nothing to file
GREETING_WORDS = re.compile(r"你好呀|您好呀|你好|您好|在吗|在不在|有人吗|有没有人|请问|喂+|hi|hello|同志|领导|"
                            r"工作人员|师傅|麻烦|打扰了|一下|[\s，,。.!！?？~、]")
THANKS = re.compile(r"^(?:谢谢|多谢|感谢|谢了|辛苦了?|好的|好嘞|知道了|明白了|收到|麻烦了|谢谢你们?|谢谢您|太感谢了)"
                    r"[\s，,。.!！~]*(?:谢谢|辛苦了?|你们|您了?|领导|同志)?[\s，,。.!！~]*$")
# the most common surnames (百家姓 as counted today, and the compound ones): a bare answer to
# "请问您怎么称呼" is taken as a name only when it starts with one (or 老/小 and one)
SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常"
    "温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴"
    "霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄"
    "窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池"
    "查麻苑迟邝封原井萧鞠霍綦步薄厉冀郜谈於匡国相宿仝寿勾位郦") | {"欧阳", "上官", "司马", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "长孙"}
NAME_TAILS = ("师傅", "老师", "大爷", "大娘", "大妈", "阿姨", "奶奶", "爷爷", "女士", "先生", "大哥", "大姐", "嫂子",
              "婶", "叔", "姐", "哥", "老汉", "老太")
# words no name holds: what people say about things, not what they are called
NOT_IN_NAMES = set("的了吗呢啊吧呀是在没不我你他她们这那要想说去个坏找问反映事情村镇乡县市地水电")   # not 钱/房/路: surnames
NAME_COMMANDS = {"确认", "确定", "提交", "返回", "取消", "帮助", "查询", "人工", "转人工", "客服", "我要反映",
                 "好的", "是的", "不是", "不知道", "没有", "跳过", "投诉", "举报", "上访", "信访"}
FULL_WIDTH = {ord(c): ord(c) - 0xFEE0 for c in "０１２３４５６７８９＋－"} | {0x3000: 0x20}


@dataclass
class Extracted:
    name: str | None = None
    phone: str | None = None
    place: PlaceMatch | None = None
    content: str | None = None
    people: int | None = None       # a group: how many people (households, representatives) it speaks for


CN_DIGITS = {"一": 1, "二": 2, "两": 2, "俩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
# "三十多户", "二十几个村民", "五个代表", "我们8个人", "一百来户人家"
PEOPLE = re.compile(r"(\d+|[一二两俩三四五六七八九十百]+)(?:多|来|几|余)?(?:个|名|位)?"
                    r"(户人家|户|个?人|名群众|个?村民|个?代表|个?群众|家)")


def cn_number(text: str) -> int | None:
    """"30", "三十", "二十几" (20), "十" , "一百" — what people write for how many."""
    if text.isdigit():
        return int(text)
    total, digit = 0, None
    for ch in text:
        if ch in CN_DIGITS:
            digit = CN_DIGITS[ch]
        elif ch == "十":
            total += (digit or 1) * 10
            digit = None
        elif ch == "百":
            total += (digit or 1) * 100
            digit = None
        else:
            return None
    return total + (digit or 0) or None


def people_in(text: str) -> int | None:
    """How many people a message speaks for, when it says (at least two): "一共三十多户" → 30."""
    counts = [n for m in PEOPLE.finditer(text) if (n := cn_number(m.group(1))) and 2 <= n <= 100_000]
    return max(counts) if counts else None


def is_greeting(text: str) -> bool:
    """Nothing but hello: "喂 有人吗", "您好，请问在吗"."""
    return bool(text.strip()) and not GREETING_WORDS.sub("", text.lower())


def is_thanks(text: str) -> bool:
    """"谢谢", "好的，辛苦了": a close, not a new petition."""
    return bool(THANKS.match(text.strip()))


def readable(text: str) -> str:
    """The text with full-width digits and spaces made plain, for reading numbers only (what is
    stored keeps what the person wrote)."""
    return text.translate(FULL_WIDTH)


def plausible_name(name: str) -> bool:
    """A name as people give it: 2–4 characters (a minority name with ·, up to 10), none of the
    words no name holds, not a title of a group; 张三, 王师傅, 老刘, 欧阳春花."""
    if not name or name in NOT_NAMES or name in NAME_COMMANDS:
        return False
    if "·" in name:
        return bool(re.fullmatch(rf"[{HAN}]{{1,6}}·[{HAN}·]{{1,8}}", name))
    if not re.fullmatch(rf"[{HAN}]{{2,4}}", name) or any(c in NOT_IN_NAMES for c in name):
        return False
    return True


def clean_name(text: str) -> str | None:
    """A bare answer to "请问您怎么称呼？": 张三, 我叫张三, 俺叫杨春花, 王师傅, 老刘, 张三。 — never a
    story, a place, a command or a confirmation. Without an introduction ("我叫"), a name starts with
    a common surname (or 老/小 and one) or ends as people are called (师傅, 大爷 …)."""
    t = re.sub(r"[\s。.!！,，~]+$", "", text.strip())
    introduced = re.match(rf"^(?:{ME}姓{NAME_CHARS}[，,\s]*(?:名字)?叫|{ME}叫|{ME}是|本人是?|姓名[是:：]?|叫)", t)
    if introduced:
        t = t[introduced.end():].strip("：: ")
    if re.fullmatch(r"[A-Za-z][A-Za-z .'-]{1,30}", t) and t.lower() not in {"ok", "hi", "hello", "yes", "no"}:
        return t
    if not plausible_name(t):
        surname = SURNAME_ONLY.fullmatch(text.strip().rstrip("。.!！~ "))
        return f"{surname.group(1)}某" if surname else None
    if introduced or "·" in t:
        return t
    core = t[1:] if t[0] in "老小" and len(t) >= 2 else t
    if t.endswith(NAME_TAILS) and len(t) <= 4:
        return t
    if core[:2] in SURNAMES or core[:1] in SURNAMES:
        return t
    return None


def _name_after_place(text: str) -> str | None:
    """"团城乡团城村的薛宝钗，…" → 薛宝钗; but not the person a clause reports or complains of."""
    for after in NAME_AFTER_PLACE.finditer(text):
        clause = CLAUSE_SPLIT.split(text[:after.start(1)])[-1]
        if clean_name(after.group(1)) and not ACCUSING.search(clause):
            return after.group(1)
    return None


def extract(text: str, gazetteer: Gazetteer) -> Extracted:
    """Everything recognisable in one message. Content is what is left once the clauses that
    only introduce the person (name, place, phone) are taken away."""
    out = Extracted()
    m = NAME_INTRO.search(text)
    if m and plausible_name(m.group(1)) and not gazetteer.match(m.group(1)).places:
        out.name = m.group(1)
    elif (surname := SURNAME_ONLY.search(text)) is not None:
        out.name = f"{surname.group(1)}某"
    else:
        out.name = _name_after_place(text)
    out.phone = find_mobile(readable(text))
    out.people = people_in(text)
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
