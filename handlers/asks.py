"""The citizen's answers to questions the bureau asked them outside a conversation.

When a cadre reports a meeting, the petitioner is asked "今天工作人员是否已与您见面？回复1是 2否";
when a reply is sent, to rate it "1 满意 / 2 基本满意 / 3 不满意"; during 七晚, whether the team came.
Several can be open at once — for several cases, of several kinds — so each is kept on the
petitioner's conversation keyed by its kind and case (``data["asks"]``, oldest first). A bare
digit answers the question asked last, and the reply says which it counted ("已记录：LS-… 见面属实");
words answer the question they fit (见了/来了/是的 · 没人来/没见到 · 满意/还行/不满意/没解决), also
with a digit before them ("2 没人来"). An answer is taken only when no intake is under way (a "1"
while choosing a township means the township). "评价 编号 1-3" rates at any time
(handlers.commands). Rating never reopens a case: 不满意 reaches the bureau at once, asks why and
offers 复查 with its last day.
"""
from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy.engine import Connection

from core.cases import threats
from core.status import UNANSWERED, Status
from core.store.models import Petition
from core.cases import petitioner as usecases
from handlers import evenings, notify
from core.words import citizens as texts
from handlers.registry import CITIZEN, citizen_act
from core.store.conversations import ask_key as key_of
from core.store.conversations import open_asks, put_asks
from handlers.context import Context
from handlers.states import State
from handlers.extract import ABOUT_WORDS, PLEA, clauses_of, is_greeting, is_thanks, says_no_matter

def record(conn: Connection, asks: list[tuple[str, str, dict]], now: datetime, county_id: int | None = None) -> None:
    """Put the questions of a committed transaction on their recipients' conversations
    (core.store.conversations.put_asks: one per kind and case) — its county's."""
    put_asks(conn, asks, now, county_id)


MET_YES = ("见了", "见过", "见面了", "已见面", "来了", "来过", "到了", "已到", "是的", "属实", "对", "是")
MET_NO = ("没人来", "没有人来", "没见到", "没见", "没有见", "没来", "未见面", "不属实", "没有", "否", "不是")
RATING_WORDS = (("不满意", "unsatisfied"), ("没解决", "unsatisfied"), ("没有解决", "unsatisfied"),
                ("不行", "unsatisfied"), ("基本满意", "basic"), ("还行", "basic"), ("一般", "basic"),
                ("还可以", "basic"), ("凑合", "basic"), ("满意", "satisfied"), ("很好", "satisfied"),
                ("挺好", "satisfied"))
RATING_DIGITS = {"1": "satisfied", "2": "basic", "3": "unsatisfied"}
SHORT = 30   # an answer is short: a longer text is a story, not an answer


def _met_word(text: str) -> bool | None:
    for word in MET_NO:            # the "no" words first: "没人来" holds "来"
        if text.startswith(word) or (len(text) <= 12 and word in text and len(word) > 1):
            return False
    for word in MET_YES:
        if text.startswith(word) or (len(text) <= 12 and word in text and len(word) > 1):
            return True
    return None


def rating_of(text: str) -> str | None:
    """满意 / 还行 / 不满意 … in an answer, or None."""
    return next((rating for word, rating in RATING_WORDS if word in text), None)


def answer(ctx: Context, text: str) -> str | None:
    """A short answer to a question put to the person (见面, 评价, 七晚), or None."""
    asks = open_asks(ctx.data())
    word = text.strip().rstrip("。.!！")
    if not asks or not word or len(word) > SHORT:
        return None
    m = re.match(r"^([1-9])(?:\s*[、.。，,：:]?\s*)(.*)$", word)
    digit, words = (m.group(1), m.group(2)) if m else (None, word)
    rating = rating_of(words) if words else None
    met = _met_word(words) if words else None
    if digit is not None and not words:
        ask = asks[-1]                                    # a bare digit: the question asked last
    elif rating is not None and (found := _latest(asks, "rate")):
        ask = found
    elif met is not None and (found := _latest(asks, "met", "visit")):
        ask = found
    elif digit is not None:
        ask = asks[-1]
    else:
        return None
    kind = ask.get("kind")
    if kind == "rate":
        choice = RATING_DIGITS.get(digit) if digit and not rating else rating
        if choice is None:
            return texts.ANSWER_RATING
        return _rate(ctx, asks, ask, choice)
    yes = (digit == "1") if digit in ("1", "2") and met is None else met
    if yes is None:
        return texts.ANSWER_VISIT if kind == "visit" else texts.ANSWER_MET
    close(ctx, ask)
    if kind == "visit":
        return evenings.answer(ctx, ask, word, yes)
    p = ctx.case(ask.get("petition_id"))
    if p is None:
        return None
    notify.deliver(ctx, usecases.confirm_meeting(citizen_act(ctx), p, yes))
    return texts.met_recorded(p.tracking_no, yes)


# a question after filing about what happens next: when someone comes, whom to see, how long
ABOUT_THE_CASE = re.compile(r"啥时候|什么时候|几时|多久|多长时间|几天|哪天|找谁|找哪|谁管|谁来|谁办|哪个单位|哪个部门|"
                            r"来人|有人来|准信|信儿|结果|能办|办好|办完|见面|咋办|怎么办|打算|咋弄|咋整|下一步|进展|受理|立案|收到")


# what else a person asks or says of their case once filed: what to bring, whether to come, what it
# costs, that they will wait — the words of it, taken away before asking whether a matter is left
AFTER_FILING = re.compile(r"需要|需不需要|要不要|用不用|还用|准备|材料|资料|证件|证明|身份证|户口本|手续|复印件|照片|提供|带|拿|交|"
                          r"跑|一趟|乡里|镇上|镇里|县里|等着|等消息|等通知|等信|等恁|等你们|通知|回信|回电|告诉|说一声|一声|回个话|找人|问谁|"
                          r"知道|办到|到哪|进度|咋样|怎么样|补充|再说点|时候|私了|和解|说好了|调解好了|解决了|"
                          r"回去|信儿|大概|时间|长|派人|派|编号|记不住|当面|见见|亲自|发短信|短信|打击报复|报复|说出去|"
                          r"律师|还是|儿|记住|没记住|记不清|忘了|忘记|快点|快些|抓紧|赶紧|尽快|一定|务必|再等等|等等|好好|可得|认真|仔细|拜托|直接|"
                          r"相信|信任|放心|保密|别让|不想让|不要让|别告诉|效率|太低|太慢|慢|磨蹭|拖拉|办事|满意|评价|"
                          r"收费|要钱|花钱|费用|免费|钱|撤回|撤销|撤|不告了|不反映了|算了")
# a question, or a word that one waits: "俺还用去县里不", "需要俺准备啥材料不", "那俺就等着了"
ASKS_OR_WAITS = re.compile(r"[?？]|啥|咋|什么|怎么|谁|哪|几|多久|吗|么|呢|(.)不\1|[不没]$|没有$|等(?:着|信|消息|通知|结果|回音|回复|恁|你们)|"
                           r"^(?:中|行|好|嗯|哦|噢|ok|OK|好吧|中吧|行吧|那好|那中|那行|好了|好了吧|就这|就这吧|就这样|那就这样)$")   # "中": then what comes next
# urged, trusted, waited on, kept quiet, too slow: "恁一定得给俺办啊", "麻烦恁们快点", "那俺再等等", "俺相信政府",
# "别让村里知道是俺反映的", "恁们办事效率也太低了"
URGED = re.compile(r"快点|快些|抓紧|赶紧|尽快|一定|务必|等等|好好|相信|信任|放心|直接|"
                   r"保密|别让|不想让|不要让|别告诉|效率|太低|太慢|磨蹭|拖拉")   # trusted, kept quiet, too slow
WITHDRAW = re.compile(r"撤回|撤销|撤了|不告了|不反映了")
SUPPLEMENT = re.compile(r"补充|补点|再说点|再发点")
# a new matter announced after filing: a petition of its own ("俺还有个事", "另外再反映个问题")
ANOTHER_MATTER = re.compile(r"还有|另外|另一|别的|又有|新的|再反映|反映个|有个事|有件事")


def about_the_case(ctx: Context, text: str) -> str | None:
    """"好的，谢谢你们，啥时候有人来？", "找谁", "多久能办", "需要俺准备啥材料不", "那俺就等着了" — or a
    threat, a plea or an urging with nothing new ("说了多少回都不管，明天俺就去跳楼", "麻烦恁们快点") — from
    someone whose case is open and who says no new matter: who handles it and by when (its unit, the
    deadlines to meet and to finish). None: not such a question, or no open case — the text goes on
    as any other."""
    threat = threats.heard_all(text)
    if not (ABOUT_THE_CASE.search(text) or ASKS_OR_WAITS.search(text.strip().rstrip("。.!！~ ")) or WITHDRAW.search(text)
            or threat or PLEA.search(text) or URGED.search(text)) \
            or ANOTHER_MATTER.search(text) \
            or not all(is_thanks(p) or is_greeting(p) or says_no_matter(p, rest := _without(AFTER_FILING.sub("", p), threat))
                       or threat and _little(rest) for p in clauses_of(text)):
        return None
    p = next((p for p in ctx.own_petitions() if p.status in UNANSWERED), None)
    if p is None:
        return None
    if WITHDRAW.search(text):
        return texts.withdraw_how(p.tracking_no)
    if SUPPLEMENT.search(text):
        return texts.supplement_how(p.tracking_no)
    unit = p.unit.name if p.unit is not None and p.status != Status.REGISTERED else None
    finish = texts.by(p.due_finish, ctx.now, "于")
    return texts.case_ahead(p.tracking_no, unit, None if p.met_at else texts.by(p.due_meet, ctx.now, "于"), finish)


def _without(text: str, heard: list[threats.Heard]) -> str:
    """The text without the words of the threats in it ("明天俺就去跳楼": a threat about the case,
    no matter of its own — the case is marked by handlers.threats)."""
    for threat in heard:
        text = text.replace(threat.words, "")
    return text


def _little(rest: str) -> bool:
    """Beside a threat, a clause that names no new thing: two characters at most once the words of
    petitioning are gone ("他再欺负俺", "再不发钱", "俺真不想活了") — the threat's condition, about the
    case already open; "俺村的路又叫拉煤车压塌了" is a matter of its own."""
    return len(re.findall(r"[\u4e00-\u9fff]", ABOUT_WORDS.sub("", rest))) <= 2


def _latest(asks: list[dict], *kinds: str) -> dict | None:
    return next((a for a in reversed(asks) if a.get("kind") in kinds), None)


def close(ctx: Context, ask: dict) -> None:
    """The question (its kind and case) is answered: no longer open."""
    ctx.put(asks=[a for a in open_asks(ctx.data()) if key_of(a) != key_of(ask)], ask=None)


def _rate(ctx: Context, asks: list[dict], ask: dict, rating: str) -> str | None:
    p = ctx.case(ask.get("petition_id"))
    close(ctx, ask)
    if p is None:
        return None
    return rate(ctx, p, rating)


def rate(ctx: Context, p: Petition, rating: str) -> str:
    """A rating, asked for or given with "评价 编号 N": recorded; 不满意 reaches the bureau at once
    and is asked why, with 复查's last day."""
    notify.deliver(ctx, usecases.rate(citizen_act(ctx), p, rating))
    if rating == "unsatisfied":
        ctx.set_state(State.RATE_WHY, why_for=p.id)
        review_by = usecases.review_deadline(ctx.rules, p)
        return texts.rated_unsatisfied(p.tracking_no, review_by)
    return texts.rated(p.tracking_no, rating)


def why(ctx: Context, text: str) -> str | None:
    """Why 不满意: the reason, for the bureau. A command is not the reason: the question is left
    (None: the command is read as one)."""
    if CITIZEN.parse(text) is not None:
        ctx.set_state(State.IDLE, why_for=None)
        return None
    p = ctx.case(ctx.data().get("why_for"))
    ctx.set_state(State.IDLE, why_for=None)
    if p is not None:
        notify.deliver(ctx, usecases.rating_reason(citizen_act(ctx), p, text))
    return texts.WHY_NOTED
