"""扬言: what a petitioner says they will do to themselves, to others, to the roads and gates, or
beyond the county — read from their words, whatever they are writing (the opening, the story, a
补充, a later message).

Pure rules over the text, no database. Each rule is a few words that say the act ("喝农药",
"同归于尽", "堵县政府大门", "去北京上访") and what around them says it is not a threat:

- a thing, not the person: "喝农药中毒的牛", "跳楼价", "自焚式营销", "上吊顶", "树苗不活了";
- a will is needed where the words alone are ordinary: "拿刀" (切菜), "堵了俺家的路" (a
  neighbour did it), "拉横幅" (宣传) count only with "就/要/去/再不…/明天/俺们…" before them;
- a story of what happened, not what will: "俺爹去年喝药走了", "俺去县里反映过两回";
- a trip for something else: "明天去北京看闺女", "去县里看病".

Written for the way people type in the county (俺, 恁, 咋; voice input with no punctuation): a
rule looks at a few characters either side, cut at punctuation when there is some. False alarms
are cheap, misses are not: tests/threat_sentences.py holds the sentences they are measured on
(BENCHMARKS.md).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from core.phones import without_numbers

# gravest first: what a case is marked with when it says several
KINDS = ("self_harm", "violence", "blocking", "trip")

CLAUSE = re.compile(r"[，,。；;！!？?\n\r]")
WHO = r"(?:他|她|你|恁|你们|恁们|他们|她们|他家|他全家|谁|那个?[^，。,\s]{0,3}?)"
# a will to do it, said before the act
WILL = re.compile(r"就(?!是)|(?<![主需重只不])要(?!求|是)|(?<!过)去(?![年世过])|准备|打算|想着?|非得?|只能|只好|只有|干脆|"
                  r"直接|得去|再不|不然|否则|要是|如果|不给|明天|后天|过两天|马上|立马|这就|也要|都要|一起|一块|"
                  r"敢|逼|不如|跟恁|俺们|我们|咱们|全村|大伙|大家|带着|领着|说到做到")
# told as past, or as someone else's news
PAST = re.compile(r"去年|前年|以前|那年|当年|上次|上回|曾经|早些年|过世|去世|死了|走了|没了|抢救|送医|住院|救回来|"
                  r"救过来|过两回|过几回|好几次|好几回|多次|几趟|反映过|去过|有人|听说|据说|新闻|电视上|网上|别人|人家")
ANIMALS = r"(?:牛|羊|猪|鸡|鸭|鹅|狗|鱼|猫|蜂|牲口|家畜|庄稼|麦子|玉米|树|苗|花|草)"


@dataclass(frozen=True)
class Rule:
    kind: str
    said: re.Pattern
    will: bool = False                  # counts only with a will before it (WILL)
    story: bool = False                 # not when told as past or news (PAST), without a will
    not_before: re.Pattern | None = None   # the clause before the words (ends at them)
    not_after: re.Pattern | None = None    # what follows them, in the clause
    not_near: re.Pattern | None = None     # anywhere in the clause around them


def _r(pattern: str) -> re.Pattern:
    return re.compile(pattern)


RULES = (
    # --- self-harm -------------------------------------------------------------------------------
    Rule("self_harm", _r(r"死给[^，。,\s]{0,4}看|以死相逼|一死了之|寻短见|寻死|不想活(?!在(?:这种|那种|这样|那样))|活不下去|活不成了|活够了|"
                         r"不如死了|死了算了|死路一条|绝路|三长两短|一头撞死|撞死在")),
    Rule("self_harm", _r(r"(?:买好|备好|准备好?了?)[^，。,\s]{0,3}(?:农药|敌敌畏|百草枯|老鼠药|耗子药|安眠药|绳子|汽油)")),
    Rule("self_harm", _r(r"(?<![养栽种救成])不活了"), not_before=_r(ANIMALS + r"[^，。,\s]{0,5}$")),
    Rule("self_harm", _r(r"自焚|自杀|自尽|轻生|卧轨|割腕|抹脖子|浇汽油|点火烧了?自己|把自己烧了"),
         story=True, not_after=_r(r"^式|^性")),
    Rule("self_harm", _r(r"喝了?(?:农药|敌敌畏|百草枯|老鼠药|耗子药|除草剂|药水)|吃了?(?:老鼠药|耗子药)"),
         story=True, not_before=_r(ANIMALS + r"[^，。,\s]{0,2}$|(?:是不是|是否|会不会|怕是|可能)$"),
         not_after=_r(r"^(?:中毒|死)?了?的?" + ANIMALS)),
    Rule("self_harm", _r(r"喝药|吃(?:一瓶)?安眠药"), will=True, story=True,
         not_near=_r(r"看病|治病|吃药|天天|每天|医药|中药|药费|报销|病|睡")),
    Rule("self_harm", _r(r"上吊"), story=True, not_after=_r(r"^顶")),
    Rule("self_harm", _r(r"跳(?:楼|河|井|水库|江|崖|桥|黄河|沟)"), story=True,
         not_after=_r(r"^(?:价|机|大甩卖|甩卖|大减价|清仓|处理|促销|亏本)"),
         not_near=_r(r"游泳|扎猛子|洗澡|摸鱼|玩水|防溺水")),
    Rule("self_harm", _r(r"(?:从|上|爬到?)[^，。,\s]{0,6}(?:楼顶|楼上|塔吊|桥上|房顶|大桥)上?(?:往下)?跳"), story=True),
    Rule("self_harm", _r(r"死在[^，。,\s]{0,8}(?:门口|政府|县委|信访局|你们|恁)"), will=True),
    # --- violence --------------------------------------------------------------------------------
    Rule("violence", _r(r"同归于尽|报复社会|血债血偿|鱼死网破|你死我活|炸药|汽油瓶|"
                        rf"(?:杀|宰|弄死|整死|捅|砍)了?{WHO}|要{WHO}的命|(?:跟|和){WHO}拼(?:了|命)|打断{WHO}的?腿|打残{WHO}|"
                        rf"放火烧了?{WHO}|一把火烧了"), not_after=_r(r"^(?:鸡|鱼|猪|羊|树|柴)")),
    Rule("violence", _r(r"(?:拿|动|带|提|掂)(?:着)?(?:刀|斧头|菜刀|镰刀|锄头|棍子)|砍人|打死" + WHO), will=True,
         not_near=_r(r"切菜|做饭|剁|削|杀鸡|杀鱼|砍柴|砍树|割麦|割草|干活|把手")),
    Rule("violence", _r(r"把[^，。,\s]{0,6}?(?:房子?|屋|家|厂|车)[^，。,\s]{0,2}(?:点了|烧了|砸了)"), will=True,
         not_before=_r(r"(?:雷|火灾|电线|失火)[^，。,\s]{0,6}$")),
    Rule("violence", _r(r"炸(?:了|掉|平|毁|死)"), will=True,
         not_before=_r(r"(?:锅炉|煤气罐|爆竹|鞭炮|炮|轮胎|管子|气球)[^，。,\s]{0,4}$"), not_after=_r(r"^锅")),
    # --- blocking roads and gates ----------------------------------------------------------------
    Rule("blocking", _r(r"(?<!被)堵(?:住|了|上|死)?[^，。,\s]{0,6}?(?:路|大门|门口|政府|县委|信访局|大院|国道|省道|"
                        r"高速|路口)"), will=True, not_after=_r(r"^(?:的车|车)")),
    Rule("blocking", _r(r"把[^，。,\s]{0,6}?(?:路|公路|国道|省道|高速|大门|路口|门口)给?堵(?:了|上|住|死)"), will=True),
    Rule("blocking", _r(r"拦(?:住)?[^，。,\s]{0,4}?(?:车|路|领导|县长|书记)"), will=True),
    Rule("blocking", _r(r"(?:拉|打|挂|扯)(?:起|上)?横幅|举(?:着)?牌子|举牌|围堵|围攻|冲击|静坐|下跪|集体跪|"
                        r"(?:门口|大门口?)(?:闹|躺着|坐着|跪着|睡着)"), will=True,
         not_near=_r(r"宣传|标语|庆祝|欢迎|广告|招生|城管|感谢|致谢|锦旗|表扬")),
)

# --- 越级: a trip to petition above the county's units (today's rule, handlers.extract) ----------
TRIP = re.compile(r"(?:去|到|上|赴|进)(县里|县城|县上|县政府|县委|市里|市上|市政府|平顶山|省里|省城|省政府|郑州|"
                  r"北京|中央|京)")
TRIP_INTENT = re.compile(r"上访|告|讨说法|讨个说法|反映|集体|聚集|喊冤|找领导|找中央|明天|后天|过几天|过两天|下周|下个月|"
                         r"商量好|准备|打算|要去|想去|一起去|就去|就上|就到|就进|直接去|非得?去|只能去|也要去|不行")
TRIP_ELSE = re.compile(r"打工|上学|看病|住院|旅游|看望|看她|看他|看孩子|看闺女|看儿子|出差|开会|赶集|买|卖|办证|办理|办事|"
                       r"办[^，。,\s]{0,3}手续|"
                       r"读书|考试|走亲戚|学习|培训|送货|拉货|玩")
TRIP_LEVELS = {"县": "county", "市": "city", "平": "city", "省": "province", "郑": "province", "北": "beijing",
               "中": "beijing", "京": "beijing"}


@dataclass(frozen=True)
class Heard:
    """A threat heard in a text: its kind, the words that said it, the clause around them."""

    kind: str                  # self_harm | violence | blocking | trip
    words: str                 # "喝农药"
    said: str                  # the clause it was said in, as written
    level: str | None = None   # a trip: county | city | province | beijing


def _around(text: str, start: int, end: int, before: int = 12, after: int = 10) -> tuple[str, str]:
    """The clause before ``start`` and after ``end``, at most a few characters each way."""
    return CLAUSE.split(text[max(0, start - before):start])[-1], CLAUSE.split(text[end:end + after])[0]


def _clause(text: str, start: int, end: int) -> str:
    """The clause the words were said in, without the phone and ID numbers in it: it is kept on the
    case and quoted in the 【预警】 a unit's head reads (voice input runs a number into the threat)."""
    left = max((m.end() for m in CLAUSE.finditer(text, 0, start)), default=0)
    right = next((m.start() for m in CLAUSE.finditer(text, end)), len(text))
    return without_numbers(text[left:right].strip())


def _holds(rule: Rule, text: str, m: re.Match) -> bool:
    before, after = _around(text, m.start(), m.end())
    if rule.not_before is not None and rule.not_before.search(before):
        return False
    if rule.not_after is not None and rule.not_after.search(after):
        return False
    if rule.not_near is not None and rule.not_near.search(before + m.group(0) + after):
        return False
    will = WILL.search(before) is not None
    if rule.will and not will:
        return False
    return not (rule.story and not will and PAST.search(before + after))


def trip_in(text: str) -> str | None:
    """An announced trip to petition above the county's units: "明天想去县里上访" → county; not a
    trip for something else ("明天去北京看闺女") nor one told as past ("去县里反映过两回")."""
    heard = _trip(text)
    return heard.level if heard else None


def _trip(text: str) -> Heard | None:
    for m in TRIP.finditer(text):
        before, after = _around(text, m.start(), m.end(), before=10, after=10)
        near = before + m.group(0) + after
        if TRIP_INTENT.search(near) and not TRIP_ELSE.search(after) and not PAST.search(near):
            return Heard("trip", m.group(0), _clause(text, m.start(), m.end()), TRIP_LEVELS.get(m.group(1)[0], "county"))
    return None


def heard_all(text: str) -> list[Heard]:
    """Every threat in ``text``, one per kind (the first words of each), gravest first."""
    found: dict[str, Heard] = {}
    for rule in RULES:
        if rule.kind in found:
            continue
        for m in rule.said.finditer(text):
            if _holds(rule, text, m):
                found[rule.kind] = Heard(rule.kind, m.group(0), _clause(text, m.start(), m.end()))
                break
    trip = _trip(text)
    if trip is not None:
        found["trip"] = trip
    return [found[k] for k in KINDS if k in found]


def heard(text: str) -> Heard | None:
    """The gravest threat in ``text``, or None."""
    if not text:
        return None
    found = heard_all(text)
    return found[0] if found else None


def rank(kind: str | None) -> int:
    """0 for the gravest kind; a kind unknown (or none) after them all."""
    return KINDS.index(kind) if kind in KINDS else len(KINDS)


def graver(kind: str, than: str | None) -> bool:
    """Whether ``kind`` is graver than ``than`` (None: nothing yet)."""
    return rank(kind) < rank(than)
