"""The intake conversation: who → phone (WeChat only) → where → what → summary → 确认.

Which of these functions answers in which state, and where each may lead, is declared in
handlers.conversation's table (drawn in docs/conversation.md); the states are handlers.states'.
A number given on WeChat is proven by handlers.verify.

Every message is first mined for everything it holds (name, phone, place, content), so a person
can answer any step with everything at once; the next state is the first thing still missing.
See docs/conversation.md for the diagram.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta


from core.clock import SHANGHAI, local
from core.store.models import Petition
from core.phones import find_mobile, mask_phone
from core.directory.places import TOWNSHIP_SUFFIXES, CityGazetteer, Place, short_name
from core.store import petitions
from core.cases.lifecycle import CaseError
from core.status import UNANSWERED, Status
from core.cases import petitioner as usecases
from core.words.said import Said
from core.text import gist
from handlers import notify, verify
from core.words import citizens as texts
from handlers.registry import citizen_act, filing_act
from handlers.context import Context, md
from handlers.states import INTAKE_STEPS, State
from core.cases.similar import most_similar
from handlers.extract import HAN as HAN_RANGE
from handlers.extract import ABOUT_MARK, NAME_COMMANDS, clean_name, clauses_of, extract, is_greeting, is_thanks, readable
from handlers.extract import ASKS_US, PLEA, says_no_matter, without_emoticons, without_places
from handlers.extract import NOT_IN_PLACES, PEOPLE, SHORT_MATTER, cn_number, group_name, plausible_name, uncommon_name, unspaced
from core.phones import without_numbers

CONFIRM_WORDS = {"确认", "确定", "提交", "确认提交", "是", "是的", "好", "好的", "对", "没问题", "ok", "OK", "1"}
SKIP_WORDS = {"跳过", "不清楚", "不知道", "无", "没有"}
NOTHING_MORE = {"没了", "没有了", "就这些", "就这样", "好的", "好", "嗯", "行", "对的", "没错", "就这", "就这么多", "没啥了",
                "没别的", "没别的了", "完了", "说完了", "就这吧"}   # at the summary: not more of the story
REPEAT_WINDOW = timedelta(days=30)
ANSWERED_REPEAT_WINDOW = timedelta(days=90)   # an answered matter raised again within it is a 重复访
ANSWERED = (Status.REPLIED, Status.CLOSED)
DRAFT_TTL = timedelta(hours=24)


def steps_for(ctx: Context) -> list[str]:
    return [s for s in INTAKE_STEPS if not (s is State.PHONE and ctx.channel == "sms")]


# the draft key that answers each step; village is answered (or skipped) when village_done is set
ANSWER_KEY = {State.NAME: "name", State.PHONE: "phone", State.PLACE: "township_id", State.VILLAGE: "village_done",
              State.CONTENT: "content"}


def next_missing(ctx: Context, draft: dict) -> State:
    for step in steps_for(ctx):
        if step is State.VILLAGE and not draft.get("township_id"):
            continue
        if step is State.PHONE and draft.get("phone_declined"):
            continue                      # on WeChat, a number declined twice: we answer by WeChat
        if step is State.CONFIRM or not draft.get(ANSWER_KEY[step]):
            return step
    return State.CONFIRM


@dataclass
class Absorbed:
    """What reading one message found besides answers: what to tell the person."""

    notes: list[str] = field(default_factory=list)
    code_news: str | None = None   # a code sent, or why not (intake._set_phone)
    choosing: bool = False
    prefix: str = ""               # said before the next question ("已记下您说的情况。")


def start(ctx: Context, text: str | None = None) -> str:
    """Begin a new draft, using whatever the first message already says."""
    draft: dict = {}
    pending = ctx.data().get("pending_location")
    if pending:
        draft["location"] = pending
    # photos (and videos) sent just before: this petition's, as the person meant
    sent_before = recent_media(ctx)
    draft["images"] = [{"inbound_id": m[0]} for m in sent_before if m[2] == "image"]
    ctx.conv.started_at = ctx.now
    ctx.set_state(State.NAME, draft=draft, pending_location=None, pending_media=None,
                  inbound_ids=[m[0] for m in sent_before], said=[], choices=None, pages=None)
    if ctx.channel == "sms":
        draft["phone"] = ctx.msg.sender
    else:
        # a returning WeChat user: reuse the number of their last petition (shown in the summary)
        phone = petitions.last_phone(ctx.conn, ctx.msg.sender, ctx.entrance_id)
        if phone:
            draft["phone"] = phone
            draft["phone_verified"] = phone in ctx.verified_phones()
    found = _absorb(ctx, draft, text, step="start") if text and not is_greeting(text) else Absorbed()
    # "您好！请慢慢讲" to one who opens with a greeting or nothing yet; one who told the matter is asked on
    return _advance(ctx, draft, found, greeting=not draft.get("content"))


def answer_step(ctx: Context, text: str) -> str:
    """A text at one of the steps: read for everything it holds; on to the first step still missing."""
    state = ctx.conv.state
    draft = ctx.draft()
    return _advance(ctx, draft, _absorb(ctx, draft, text, step=state), was=state)


def _words_of(text: str) -> list[str]:
    """The words of a short answer, between its spaces and stops: "对的 没错" → 对的, 没错."""
    return [p for p in re.split(r"[\s，,。.!！~、]+", text.strip()) if p]


def _says_nothing_more(text: str) -> bool:
    """Thanks, a greeting, or only words of being done ("没了", "对的 没错", "没有了 就这")."""
    parts = _words_of(text)
    return is_thanks(text) or is_greeting(text) or text.strip().rstrip("。.!！") in SKIP_WORDS | NOTHING_MORE \
        or len(parts) > 1 and all(p in SKIP_WORDS | NOTHING_MORE | CONFIRM_WORDS or is_thanks(p) for p in parts)


def at_summary(ctx: Context, text: str) -> str:
    """A text at the summary: 确认 files it (or asks about an earlier one); anything else said is
    more of the story."""
    text = without_emoticons(text) or text
    parts = _words_of(text)
    confirmed = len(parts) > 1 and {"确认", "确定", "提交", "确认提交"} & set(parts) \
        and all(p in CONFIRM_WORDS | NOTHING_MORE or is_thanks(p) for p in parts)     # "好的 确认", "没了 提交"
    if _says_nothing_more(text) and not confirmed:
        return texts.confirm_or_add()
    draft = ctx.draft()
    if text.strip() in CONFIRM_WORDS or confirmed:
        return _submit_or_ask_repeat(ctx, draft)
    if corrected(draft, text.strip(), ctx.gazetteer) or _whole_name(draft, text):   # "不对，俺叫张大川": the summary again
        ctx.save_draft(draft, state=next_missing(ctx, draft))
        return _prompt(ctx, next_missing(ctx, draft), draft)
    if ASKED_AT_SUMMARY.search(text.strip().rstrip("。.!！~ ")) and all(says_no_matter(c) for c in clauses_of(text)) \
            and not (PLEA.search(text) and not ASKS_US.search(text)):
        return texts.confirm_or_add()                      # "这样就行了吧", "还要写啥不": no more of the story
    draft["content"] = (draft.get("content", "") + "\n" + without_numbers(text.strip())).strip()
    ctx.save_draft(draft)
    return texts.added_to_draft()


# a question or a word of being done, at the summary: "这样就行了吧", "还要写啥不"
ASKED_AT_SUMMARY = re.compile(r"[?？]|啥|什么|吗|么|呢|吧$|[不没]$|行了|可以了|中了|好了")


def _whole_name(draft: dict, text: str) -> bool:
    """The whole name after the surname alone ("俺姓宋", then "宋长林"): it replaces 宋某."""
    name = draft.get("name") or ""
    whole = clean_name(text)
    if name.endswith("某") and whole and whole[0] == name[0] and not whole.endswith("某") and len(whole) > 1:
        draft["name"] = whole
        return True
    return False


def answer_edit(ctx: Context, text: str) -> str:
    """After 返回 at the summary: the part to change."""
    if _says_nothing_more(text):
        return texts.ask_what_to_edit(ctx.channel)
    return _answer_edit(ctx, ctx.draft(), text)


def answer_choice(ctx: Context, text: str) -> str:
    """Which of the places that fit."""
    return _answer_choice(ctx, ctx.draft(), text)


def answer_repeat(ctx: Context, text: str) -> str:
    """1 the same matter as the earlier petition, 2 a new one (or 复查 of an answered one)."""
    return _answer_repeat(ctx, ctx.draft(), text)


def back_a_step(ctx: Context, step: State) -> str:
    """返回 at ``step``: re-ask the step before it (its old answer is replaced by the next one)."""
    order = [s for s in steps_for(ctx) if s is not State.VILLAGE or ctx.draft().get("township_id")]
    idx = order.index(step) if step in order else 0
    if idx == 0:
        return texts.NOTHING_TO_GO_BACK + _prompt(ctx, order[0], ctx.draft())
    previous = order[idx - 1]
    draft = ctx.draft()
    if previous in (State.PLACE, State.VILLAGE):
        draft.pop("village_done", None)
    ctx.set_state(previous, draft=draft, choices=None)
    return texts.ANSWER_AGAIN + _prompt(ctx, previous, draft)


def back_to_edit(ctx: Context) -> str:
    """返回 at the summary: which part to change; nothing is wiped."""
    ctx.set_state(State.EDIT, choices=None)
    return texts.ask_what_to_edit(ctx.channel)


def attach_image(ctx: Context) -> str:
    draft = ctx.draft()
    images = list(draft.get("images", []))
    images.append({"media_id": ctx.msg.media_id, "url": ctx.msg.url, "inbound_id": ctx.msg.inbound_id})
    draft["images"] = images
    ctx.save_draft(draft)
    said = texts.IMAGE_SAVED.format(n=len(images))
    if ctx.conv.state == State.CONFIRM:
        return said + texts.CONFIRM_OR_MORE
    return said + _prompt(ctx, ctx.conv.state, draft)


def recent_media(ctx: Context) -> list[list]:
    """Media sent outside a conversation in the last DRAFT_TTL: [inbound id, when, kind] each —
    the petition started next is theirs."""
    return [m for m in ctx.data().get("pending_media") or [] if ctx.now - datetime.fromisoformat(m[1]) < DRAFT_TTL]


def keep_media(ctx: Context, text: str = "") -> str:
    """A photo or a video outside an intake: kept for the petition they may be about to start."""
    if ctx.msg.inbound_id:
        ctx.put(pending_media=(recent_media(ctx) + [[ctx.msg.inbound_id, ctx.now.isoformat(), ctx.msg.kind]])[-20:])
    return texts.media_when_idle(ctx.msg.kind)


def keep_location(ctx: Context, text: str = "") -> str:
    """A location outside an intake: kept for the petition they may be about to start."""
    ctx.put(pending_location=ctx.msg.location)
    return texts.location_when_idle()


def attach_video(ctx: Context) -> str:
    """A video during an intake: recorded when it arrived, it joins the petition on submission."""
    if ctx.conv.state == State.CONFIRM:
        return texts.VIDEO_SAVED + texts.CONFIRM_OR_MORE
    return texts.VIDEO_SAVED + _prompt(ctx, ctx.conv.state, ctx.draft())


def attach_location(ctx: Context, text: str = "") -> str:
    """A location sent during an intake: kept; its label (WeChat's address) gives the place when
    none was said and it names one of the county's."""
    return _located(ctx, asked_where=False)


def answer_where(ctx: Context, text: str = "") -> str:
    """A location sent when asked where (or which place): its label's place answers, and the
    conversation goes on to the next step still missing."""
    return _located(ctx, asked_where=True)


def _located(ctx: Context, asked_where: bool) -> str:
    draft = ctx.draft()
    draft["location"] = ctx.msg.location
    label = (ctx.msg.location or {}).get("label") or ""
    said = texts.LOCATION_SAVED.format(label=label or "已记录")
    if label and not draft.get("township_id"):
        m = ctx.gazetteer.match(label)
        if m.unique is not None:
            _set_place(draft, m.unique)
            if asked_where:
                return said + _advance(ctx, draft, Absorbed())
    ctx.save_draft(draft)
    if ctx.conv.state == State.CONFIRM:
        return said + texts.CONFIRM_TO_SUBMIT
    return said + _prompt(ctx, ctx.conv.state, draft)


def reprompt(ctx: Context) -> str:
    return _prompt(ctx, ctx.conv.state, ctx.draft())


# --- the steps --------------------------------------------------------------------------------

def _absorb(ctx: Context, draft: dict, text: str, step: str) -> Absorbed:
    """Read ``text`` for every field (core of the intake: handlers.intake.fold) and tell what to
    say besides; send a code for a new number."""
    folded = fold(draft, step, text, ctx.gazetteer, ctx.channel)
    result = Absorbed(notes=folded.notes)
    if (folded.story or folded.noted) and not folded.answered and step in (State.NAME, State.PHONE, State.PLACE, State.VILLAGE):
        result.prefix = texts.STORY_NOTED if folded.story else texts.NOTED    # then the question again
    result.prefix = folded.prefix + result.prefix
    if folded.phone is not None:
        result.code_news = _set_phone(ctx, draft, folded.phone)
    if folded.choices:
        ctx.set_state(State.CHOOSE_PLACE, choices=[p.__dict__ for p in folded.choices])
        result.choosing = True
    return result


@dataclass
class Folded:
    """What one message did to a draft (``fold``)."""

    notes: list[str] = field(default_factory=list)
    prefix: str = ""                         # said before the next question
    phone: str | None = None                 # a number given: the caller proves it
    choices: list[Place] = field(default_factory=list)   # several places fit: ask which
    story: bool = False                      # something was added to the story
    answered: bool = False                   # the text answered the step asked
    noted: bool = False                      # it gave another field instead of the answer


def fold(draft: dict, step: str, text: str, gazetteer, channel: str) -> Folded:
    """One message of an intake, read for every field, into the draft (changed in place) — a
    pure function of the draft, the step being asked, the text and the county's places, so the
    conversation's rules are tested without a database (tests/test_corpus.py).

    A field is filled only by an answer that looks like it: a name is a name (extract.clean_name:
    2–4 characters of a name, or what follows 我叫/俺叫/我姓…叫/我是…的), a phone a mainland
    mobile, a place one of the county's. Whatever else the person says — the story sent while we
    asked for the name, more of it at the summary — is added to the story, in order; nothing said
    is dropped (every message also stays in the petition's record). A greeting or a command is
    neither."""
    text = without_emoticons(text.strip())     # "[微笑]": WeChat's faces, not words
    out = Folded()
    if not text or is_greeting(text) or is_thanks(text):
        return out
    before = dict(draft)
    lead = CORRECTION.match(text)
    if lead and channel != "sms" and (phone := extract(text[lead.end():], gazetteer).phone):
        out.phone, out.noted = phone, True        # "电话号码错了 是139…": the number given instead
        return out
    if corrected(draft, text, gazetteer):        # "不对，俺叫张大川": the answer it corrects is replaced
        out.noted = True
        return out
    found = extract(text, gazetteer)
    answered = False
    if found.people and found.people > draft.get("people", 1):
        draft["people"] = found.people    # a group petition (集体访): the 人次 it counts
    heard = [h for h in found.heard if h not in draft.get("heard", [])]
    if heard:
        draft["heard"] = draft.get("heard", []) + heard   # no matter, but said: a note on the case

    if found.typing_for:
        draft["for_kin"] = True           # typed for a relative: the relative is the petitioner
    if step == State.NAME:
        name = found.name or clean_name(text) or clean_name(without_numbers(text)) \
            or (clean_name(without_places(text, gazetteer)) if found.place else None)   # "宋长江13838765432", "王 秀 英 下汤镇"
        if not name and (name := group_name(text)):     # "五十户业主签名": the group, as it calls itself
            draft["name_group"] = True                  # until one of them gives their own name
            count = PEOPLE.search(name)
            if count and (n := cn_number(count.group(1))) and n > draft.get("people", 1):
                draft["people"] = n
        if not name:
            name = uncommon_name(text, gazetteer)      # "鄢春梅": a surname not among the common ones
        if not name and draft.get("name_asked", 0) >= 1 and plausible_name(unspaced(text).strip("。.!！ ")) \
                and not found.place and not found.content:
            name = unspaced(text).strip("。.!！ ")      # asked again: a name as said, though no surname we know
        if name:
            draft["name"], answered = name, True
            draft["name_weak"] = name == found.name and not found.called
        else:
            draft["name_asked"] = draft.get("name_asked", 0) + 1
    elif found.name and draft.get("name_group") and found.name != draft.get("name"):
        draft["name"], draft["name_group"] = found.name, False   # "俺们十来户一起反映", then "俺是带头的孟老三"
    elif found.name and (not draft.get("name") or draft.get("name_weak") and found.called):
        draft["name"], draft["name_weak"] = found.name, not found.called   # "俺是头一回反映", then "俺叫岳老三"
    elif found.kin and draft.get("for_kin") and draft.get("name") != found.kin and found.name == found.kin:
        draft["name"] = found.kin         # "我替我爸问一下 我叫刘洋", then "我爸叫刘建业": the father's
    elif (draft.get("name") or "").endswith("某") and (whole := found.name or clean_name(text)) \
            and whole[0] == draft["name"][0] and not whole.endswith("某"):
        draft["name"] = whole             # "俺姓田", then "田凤芝" while the place is asked

    if channel != "sms":
        if step == State.PHONE and not found.phone and re.fullmatch(r"[\d\s\-+()（）]{11,20}", readable(text)):
            found.phone = find_mobile(re.sub(r"\D", "", readable(text))[-11:])   # "1381 234 5678"
        if found.phone and (step == State.PHONE or not draft.get("phone")):
            out.phone, answered = found.phone, answered or step == State.PHONE
        elif step == State.PHONE and re.fullmatch(r"[\d\s+\-－（）()]{5,}", readable(text)):
            out.notes.append(texts.BAD_PHONE)     # a number, but not a mobile one
            answered = True
        elif step == State.PHONE and PHONE_REFUSED.search(text) and len(text) <= 12:
            answered = True                   # "不想留电话": why we ask; said again, we go on without it
            if draft.get("phone_why"):
                draft["phone_declined"] = True
                out.prefix = texts.PHONE_DECLINED
            else:
                draft["phone_why"] = True
                out.notes.append(texts.PHONE_WHY)

    matches = found.place.places if found.place else []
    if step == State.PLACE:
        if len(matches) == 1:
            _set_place(draft, matches[0])
            answered = True
            if matches[0].village_id is None and (village := _village_after(text, matches[0].township)):
                draft["village_text"], draft["village_done"] = village, True   # "背孜乡后河村": not on file
        elif matches:
            out.choices, answered = matches, True
        elif (outside := outside_city(gazetteer, text)) is not None:
            answered = True               # at the city's own entrance: a place of none of its counties
            out.notes.append(not_in_city(gazetteer, outside))
        elif PLACE_LIKE.fullmatch(text):
            answered = True               # a place, but not one of this county's
            out.notes.append(not_in_city(gazetteer, text) if isinstance(gazetteer, CityGazetteer)
                             else texts.place_not_found(examples_of(gazetteer)))
    elif step != State.VILLAGE and len(matches) == 1 and (
            not draft.get("township_id") or matches[0].village_id and not draft.get("village_id")
            and matches[0].township_id == draft["township_id"]):
        _set_place(draft, matches[0])     # also the village of the township said, while the name is asked
        if matches[0].village_id is None and not draft.get("village_done") \
                and (village := _village_after(text, matches[0].township)):
            draft["village_text"], draft["village_done"] = village, True   # "熊背乡寺沟村的杜长河": not on file

    village = (VILLAGE_SAID.sub("", text) or text) if step == State.VILLAGE else text    # "俺是后河嘞" → 后河
    told_after = None                     # "石门沟村 俺村的桥塌了": the village, then the story
    if step == State.VILLAGE and not _village_like(village) and (lead := VILLAGE_LEAD.match(text)) \
            and not NOT_IN_PLACES.search(lead.group(1)):
        village, told_after = lead.group(1), lead.group(2)
    if step == State.VILLAGE and village in SEAT_WORDS:
        answered = True                   # "俺住镇上": the township's seat, the village named like it
        seat = gazetteer.seat_of(draft.get("township_id"))
        if seat is not None:
            _set_place(draft, seat)
        else:
            draft["village_text"], draft["village_done"] = village, True
    elif step == State.VILLAGE and (_village_like(village) or draft.get("village_asked") and not found.content
                                    and len(village) <= 16 and not QUESTION.search(village)):
        answered = True                   # a village's name, or a second answer that is no story: as written
        if village in SKIP_WORDS:
            draft["village_done"] = True
        else:
            m = gazetteer.match(village, within_township=draft.get("township_id"))
            hit = next((p for p in m.places if p.township_id == draft.get("township_id") and p.village_id), None)
            other = found.place.unique if found.place else None
            if hit:
                _set_place(draft, hit)
            elif other and other.township_id != draft.get("township_id") and gazetteer.names_township(text):
                _set_place(draft, other)  # another township named with its village
            else:
                # not on file: the petitioner knows their village better than our list does
                draft["village_text"] = village[:32]
                draft["village_done"] = True
    elif step == State.VILLAGE:
        draft["village_asked"] = True     # asked once more; a second answer is taken as written

    piece = None
    if step == State.CONTENT and not answered:
        if found.content is None and found.heard and ABOUT_MARK.search(text):
            out.notes.append(texts.ASK_MATTER)    # announced again, or asked whether one may: what is it?
        elif found.content is None and not found.heard and found.name and found.name == draft.get("name"):
            pass                          # "俺叫董春来" said again: who, not the matter
        elif len(re.findall(rf"[{HAN_RANGE}A-Za-z0-9]", text)) >= 2 and text.strip().rstrip("。.!！") not in SKIP_WORDS:
            piece = found.content if found.heard and found.content else text
        else:
            out.notes.append(texts.SAY_MORE)
    elif told_after:
        piece = extract(told_after, gazetteer).content or told_after
    elif found.content and not (answered and _only_answer(text, found)):
        piece = found.content             # also said instead of the answer: the story, never lost
    if piece and step != State.CONTENT and (_is_command_word(text) or ABOUT_THE_QUESTION.search(text)):
        piece = None                      # about our question, not the matter
    if piece:
        out.story = _add_story(draft, piece)
    out.answered = answered
    filled_other = any(draft.get(k) != before.get(k) for k in ("name", "township_id", "village_id")) or out.phone \
        or (heard and step != State.CONTENT)
    if filled_other and not answered:
        out.noted = True                  # it said something else we needed: noted, then the question
    elif not answered and not out.story and not out.choices and not out.notes:
        out.notes.append({State.NAME: texts.BAD_NAME, State.PHONE: texts.BAD_PHONE,
                          State.PLACE: texts.place_not_found(examples_of(gazetteer))}.get(step, texts.SAY_MORE))
    return out


# a correction of what was said before: "不对，俺叫张大川", "说错了 是大年沟村", "不对 是瓦屋镇"
CORRECTION = re.compile(r"^(?:(?:刚才|刚刚|前面)?(?:的)?(?:村名|村|镇名|镇|乡名|乡|街道|社区|名字|姓名|地址|地点|乡镇|"
                        r"电话号码|手机号码|手机号|手机|电话|号码)?(?:也)?(?:不对|不是|错了|说错了|打错了|写错了|搞错了|弄错了|记错了|更正一下|更正|改一下)[，,。.!！\s]*|(?=应该是|应是))"
                        r"(?:应该是|应该|改成|改为|是)?")


def corrected(draft: dict, text: str, gazetteer, again: bool = False) -> bool:
    """A correction of the name or the place already given, and nothing else: the new answer replaces
    the old one (True); False when the text corrects nothing said (it is read as any other)."""
    lead = CORRECTION.match(text)      # (again: the answer asked for again, no 不对 needed)
    rest = text[lead.end():].strip() if lead else re.sub(r"^(?:应该是|是)", "", text).strip() if again else ""
    if lead and lead.group().startswith("不是") and (said := re.search(r"[，,\s]+(?:应该是|是)(.+)$", rest)):
        rest = said.group(1).strip()     # "不是林楼村 是社楼村": the second
    if not rest:
        return False
    found = extract(rest, gazetteer)
    if found.content and not SHORT_MATTER.fullmatch(found.content or ""):
        return False                     # more than a correction: read as any other message
    name = found.name or clean_name(rest)
    place = gazetteer.match(rest, within_township=draft.get("township_id")) if not name else None
    if name and draft.get("name") and name != draft["name"]:
        draft["name"] = name
        return True
    if place and place.unique is not None and draft.get("township_id"):
        new = place.unique
        if new.township_id != draft["township_id"] or new.village_id and new.village_id != draft.get("village_id"):
            if new.village_id is None:
                for key in ("village_done", "village_id", "village", "village_text", "village_asked"):
                    draft.pop(key, None)
            _set_place(draft, new)
            return True
    return False


PLACE_LIKE = re.compile(rf"[{HAN_RANGE}]{{1,10}}(?:省|市|区|县|镇|乡|村|街道|社区|组|庄|屯)")
# a number refused: "不想留电话", "不留", "俺没手机", "电话就算了"
PHONE_REFUSED = re.compile(r"不想留|不愿意?留|不留|不方便|不给|不想给|没有?手机|没有?电话|不用手机|不想说|算了|不要了|"
                           r"保密|不告诉|不能留|留不了|微信联系|用微信|微信上|微信就行|微信回复|发微信")   # "就用微信联系吧"
# a short answer about the question itself ("我不想留", "为啥要电话"): not the story
ABOUT_THE_QUESTION = re.compile(r"^.{0,4}(?:不重要|无所谓|别问|不想|不愿|不方便|不留|不告诉|不知道|不记得|忘了|没有?手机|没电话|为什么|为啥|"
                                r"干什么|干嘛|干啥|做啥|弄啥|啥意思|什么意思|怎么填|不会|等会|等一会|待会|一会儿|回头|保密|泄露|外传|安全).{0,6}$")


def _add_story(draft: dict, piece: str) -> bool:
    """Add to the story, unless it is already there (the same words sent twice)."""
    piece = without_numbers(piece.strip())
    story = draft.get("content", "")
    if not piece or piece in story:
        return False
    draft["content"] = (story + "\n" + piece).strip()
    return True


def _only_answer(text: str, found) -> bool:
    """The text is no more than the answer (its leftover is the answer's own words) — unless what is
    left is a matter said in a word ("许大庆 低保")."""
    return len(found.content or "") < 6 and not SHORT_MATTER.fullmatch(found.content or "")


QUESTION = re.compile(r"啥|什么|怎么|咋|为何|谁|多少|几时|吗|呢|没人|不管")   # asked or complained, not named


# how a village is said besides its name: "俺是后河嘞", "俺住镇上", "在后沟组"
VILLAGE_SAID = re.compile(r"^(?:我|俺|咱)?(?:家)?(?:是|住|住在|在|就在|家在|就是)?|(?:的|哩|嘞|人|那|那儿|这)?(?:啊|呀|嘛|吧)?[。.!！~\s]*$")
VILLAGE_LEAD = re.compile(rf"^(?:我|俺|咱)?(?:是|住|在)?([{HAN_RANGE}]{{1,6}}?(?:村|社区|组|庄|屯|寨|沟))(?:的|哩|嘞)?[\s，,。]+(.{{4,}})$")
SEAT_WORDS = {"镇上", "镇里", "乡里", "乡上", "街上", "集上", "镇政府", "乡政府", "镇街", "街里"}


def _village_after(text: str, township: str) -> str | None:
    """A village the county's list does not hold, named right after its township: "背孜乡后河村"."""
    short = re.escape(short_name(township, TOWNSHIP_SUFFIXES))
    m = re.search(rf"{short}(?:{'|'.join(TOWNSHIP_SUFFIXES)})?(?:的|哩|嘞)?[，,\s]?([{HAN_RANGE}]{{1,6}}?(?:村|社区|组|庄|屯|寨))",
                  re.sub(r"\s+", "", text))
    return m.group(1) if m and not NOT_IN_PLACES.search(m.group(1)) else None


def _village_like(text: str) -> bool:
    """A village's name, or "不清楚": short, one clause, not a question or a complaint ("你们啥时候来人")."""
    return text in SKIP_WORDS or (len(text) <= 12 and not re.search(r"[，,。；;！!？?\n]", text)
                                  and not QUESTION.search(text) and not NOT_IN_PLACES.search(text))


def _is_command_word(text: str) -> bool:
    return text.strip().rstrip("。.!！") in NAME_COMMANDS or text.strip() in CONFIRM_WORDS


def _set_phone(ctx: Context, draft: dict, phone: str) -> str | None:
    """Record the number and prove it (handlers.verify): the code's news for the person."""
    draft["phone"] = phone
    draft["phone_verified"], news = verify.prove(ctx, phone)
    return news


def _set_place(draft: dict, place: Place) -> None:
    draft["township_id"] = place.township_id
    draft["township"] = place.township
    if place.county:   # at the city's own entrance: the county the place is in (the summary says it)
        draft["county"] = place.county
    else:
        draft.pop("county", None)
    if place.village_id:
        draft["village_id"] = place.village_id
        draft["village"] = place.village
        draft["village_done"] = True
        draft.pop("village_text", None)
    elif draft.get("village_id") and draft.get("township_id") != place.township_id:
        draft.pop("village_id", None)
        draft.pop("village", None)


def _answer_choice(ctx: Context, draft: dict, text: str) -> str:
    choices = ctx.data().get("choices") or []
    pick = text.strip().rstrip(".。")
    chosen = None
    if pick.isdigit() and 1 <= int(pick) <= len(choices):
        chosen = choices[int(pick) - 1]
    else:
        narrowed = [c for c in choices if pick and pick in ((c.get("county") or "") + c["township"] + (c["village"] or ""))]
        if len(narrowed) != 1 and isinstance(ctx.gazetteer, CityGazetteer):   # "宝丰嘞", "是鲁山县的"
            named = {ctx.gazetteer.county_names[cid] for cid in ctx.gazetteer.counties_named(pick)}
            narrowed = [c for c in choices if c.get("county") in named]
        if len(narrowed) == 1:
            chosen = narrowed[0]
    if chosen is None:
        m = ctx.gazetteer.match(text)
        if m.unique:
            chosen = m.unique.__dict__
        elif m.places:
            ctx.set_state(State.CHOOSE_PLACE, choices=[p.__dict__ for p in m.places])
            return choose(m.places)
        elif m.outside is not None:   # "郏县的": none of the city's counties — said so, the place asked again
            draft.pop("township_id", None)
            ctx.save_draft(draft, state=State.PLACE)
            ctx.put(choices=None)
            return not_in_city(ctx.gazetteer, m.outside)
        else:
            return choose([Place(**c) for c in choices])
    _set_place(draft, Place(**chosen))
    ctx.set_state(State.PLACE, choices=None)
    return _advance(ctx, draft, Absorbed())


def _advance(ctx: Context, draft: dict, found: Absorbed, greeting: bool = False, was: str | None = None) -> str:
    if found.choosing:
        ctx.save_draft(draft, state=State.CHOOSE_PLACE)
        return choose([Place(**c) for c in ctx.data()["choices"]])
    step = next_missing(ctx, draft)
    ctx.save_draft(draft, state=step)
    prefix = found.prefix
    if found.code_news:
        prefix += found.code_news + ("" if ctx.channel == "sms" else "\n")
    said = found.notes[0] if found.notes and step == was else _prompt(ctx, step, draft, greeting=greeting)
    return said.after(prefix) if isinstance(said, Said) else prefix + said


def _prompt(ctx: Context, step: str, draft: dict, greeting: bool = False) -> str:
    if step == State.NAME:
        return texts.ask_name(ctx.channel, greeting=greeting)
    if step == State.PHONE:
        return texts.ask_phone()
    if step in (State.PLACE, State.CHOOSE_PLACE):
        if step == State.CHOOSE_PLACE:
            return choose([Place(**c) for c in ctx.data().get("choices", [])])
        return texts.ask_place(examples_of(ctx.gazetteer))
    if step == State.VILLAGE:
        return texts.ask_village(draft.get("township", ""))
    if step == State.CONTENT:
        return texts.ASK_MATTER if draft.get("heard") else texts.ask_content(ctx.channel)
    if step == State.REPEAT:
        return texts.ANSWER_1_OR_2
    return _summary(ctx, draft)


def choose(places: list[Place]) -> str:
    """Which of the places that fit; at the city's own entrance, a place two counties share (两个城关镇)
    is asked by its county."""
    labels = [p.label() for p in places]
    counties = [p.county for p in places if p.county]
    if len(counties) == len(places) > 1 and len(set(counties)) == len(counties) \
            and len({p.township + (p.village or "") for p in places}) == 1:
        return texts.choose_county(places[0].township + (places[0].village or ""), counties, labels)
    return texts.choose_place(labels)


def outside_city(gazetteer, text: str) -> str | None:
    """At the city's own entrance: a place named outside every county of the city, else None."""
    return gazetteer.match(text).outside if isinstance(gazetteer, CityGazetteer) else None


def not_in_city(gazetteer: CityGazetteer, place: str | None) -> str:
    """The place is in none of the city's counties: said so, with the city's hotline."""
    return texts.place_not_in_city(place, list(gazetteer.county_names.values()),
                                   ((gazetteer.city.options or {}).get("contact") or {}).get("hotline"))


def examples_of(gazetteer) -> list[str]:
    """Townships to name as examples of a place."""
    return [name for _, name, _ in gazetteer.townships[:6]][::2] or ["下汤镇"]


def _place_label(draft: dict) -> str:
    return (draft.get("county") or "") + draft.get("township", "") + (draft.get("village") or draft.get("village_text") or "")


def _summary(ctx: Context, draft: dict) -> str:
    phone = draft.get("phone")
    return texts.summary(ctx.channel, draft.get("name", ""), mask_phone(phone) if phone else None,
                         bool(draft.get("phone_verified")) or ctx.channel == "sms", _place_label(draft),
                         draft.get("content", ""), len(draft.get("images", [])), bool(draft.get("location")))


# --- submission -------------------------------------------------------------------------------

def _submit_or_ask_repeat(ctx: Context, draft: dict) -> str:
    missing = next_missing(ctx, draft)
    if missing != State.CONFIRM:
        ctx.save_draft(draft, state=missing)
        return _prompt(ctx, missing, draft)
    original, answered = _find_earlier(ctx, draft)
    if original is not None:
        ctx.set_state(State.REPEAT, draft=draft, repeat_of=original.id, review_offered=None)
        return texts.ask_repeat(original.tracking_no, md(original.received_at), gist(original.content))
    if answered is not None:
        p = ctx.case(answered.id)
        review_by = usecases.review_deadline(ctx.rules, p)
        if review_by is not None and review_by < ctx.now:
            review_by = None   # its 30 days are over: 复查 is not offered, the repeat is linked
        ctx.set_state(State.REPEAT, draft=draft, repeat_of=p.id, review_offered=review_by is not None)
        return texts.ask_repeat_answered(p.tracking_no, md(p.received_at), gist(p.content),
                                         md(p.replied_at) if p.replied_at else None,
                                         md(review_by) if review_by is not None else None)
    return _submit(ctx, draft, None)


EDIT_WORDS = {"姓名": State.NAME, "名字": State.NAME, "电话": State.PHONE, "手机": State.PHONE, "号码": State.PHONE,
              "地点": State.PLACE, "地方": State.PLACE, "乡镇": State.PLACE, "村": State.PLACE, "问题": State.CONTENT, "内容": State.CONTENT}
# the part to change said in one's own words: "改名字", "地址错了", "问题没说清"
EDIT_HINTS = ((State.NAME, r"名|姓|称呼"), (State.PHONE, r"电话|手机|号码"), (State.PLACE, r"地址|地点|地方|住址|村|乡|镇|街道|社区"),
              (State.CONTENT, r"问题|内容|事|情况|没说清"))
EDIT_NUMBERS = {"wechat": (State.NAME, State.PHONE, State.PLACE, State.CONTENT), "sms": (State.NAME, State.PLACE, State.CONTENT)}


def _answer_edit(ctx: Context, draft: dict, text: str) -> str:
    """The part to change, after 返回 at the summary. Its old answer stays until a new one that
    looks like it comes; the story is added to (an earlier telling is never wiped)."""
    word = text.strip().rstrip("。.")
    numbers = EDIT_NUMBERS["sms" if ctx.channel == "sms" else "wechat"]
    step = numbers[int(word) - 1] if word.isdigit() and 1 <= int(word) <= len(numbers) else EDIT_WORDS.get(word)
    if step == State.PHONE and ctx.channel == "sms":
        step = None
    if step is None and word not in CONFIRM_WORDS and corrected(draft, word, ctx.gazetteer, again=True):
        ctx.save_draft(draft, state=next_missing(ctx, draft))      # "俺叫吴天亮", "是社楼村": the new answer itself
        return _prompt(ctx, next_missing(ctx, draft), draft)
    if step is None and len(word) <= 10 and (hint := next((s for s, words in EDIT_HINTS if re.search(words, word)), None)):
        step = hint if hint is not State.PHONE or ctx.channel != "sms" else None   # "改名字", "地址错了"
    if step is None:
        if word in CONFIRM_WORDS:
            return _submit_or_ask_repeat(ctx, draft)
        if len(re.findall(rf"[{HAN_RANGE}]", text)) >= 4 and _add_story(draft, text):   # more of the story
            ctx.save_draft(draft, state=State.CONFIRM)
            return texts.added_to_draft()
        return texts.ask_what_to_edit(ctx.channel)
    if step == State.PLACE:
        for key in ("village_done", "village_id", "village", "village_text"):
            draft.pop(key, None)
    ctx.save_draft(draft, state=step)
    if step == State.CONTENT:
        return texts.ASK_CORRECTION
    return texts.ANSWER_AGAIN + _prompt(ctx, step, draft)


def _answer_repeat(ctx: Context, draft: dict, text: str) -> str:
    answer = text.strip()
    original = ctx.case(ctx.data().get("repeat_of"))
    if ctx.data().get("review_offered") and original is not None and answer in ("1", "复查", "申请复查", "是", "是的"):
        # the answer did not satisfy: 复查 of it, with what was said now as its grounds
        try:
            done = usecases.request_review(citizen_act(ctx), original, "review", draft.get("content", ""))
        except CaseError:
            return _submit(ctx, draft, original)
        ctx.petition_id = original.id
        notify.deliver(ctx, done)
        usecases.keep(filing_act(ctx, f"{ctx.channel}:citizen"), ctx.data().get("inbound_ids") or (), original.id)
        ctx.reset()
        return texts.review_opened(original.tracking_no, "复查", md(original.due_review))
    if answer in ("1", "是", "是的", "对", "同一事项", "一样"):
        return _submit(ctx, draft, original)
    if answer in ("2", "否", "不是", "新的", "新事项", "不一样"):
        return _submit(ctx, draft, None)
    return texts.ANSWER_1_OR_2


def _find_earlier(ctx: Context, draft: dict):
    """The sender's earlier petitions on the same matter, read in one statement: (the open one not
    yet answered, within REPEAT_WINDOW: a repeat joins it; the answered one, within
    ANSWERED_REPEAT_WINDOW: a repeat is linked and offered 复查) — rows (id, tracking_no,
    received_at, content, status), or None."""
    rows = list(petitions.open_in_township(ctx.conn, ctx.channel, ctx.msg.sender, draft["township_id"],
                                           ctx.now - ANSWERED_REPEAT_WINDOW, UNANSWERED + ANSWERED, ctx.entrance_id,
                                           city=ctx.city is not None))
    recent = ctx.now - REPEAT_WINDOW
    open_ = most_similar([r for r in rows if r.status in UNANSWERED and local(r.received_at) >= recent],
                         draft["content"])
    if open_ is not None:
        return open_, None
    return None, most_similar([r for r in rows if r.status in ANSWERED], draft["content"])


def _submit(ctx: Context, draft: dict, repeat_of: Petition | None) -> str:
    """确认: the petition is filed by one use case (core.cases.petitioner.file), its notices
    written, the conversation ended, and the petitioner told its number."""
    if ctx.city is not None:   # the city's own account or number: filed in the county of the place named
        ctx.enter(ctx.city_places.county_of.get(draft["township_id"]))
        if ctx.county.id == ctx.city.id:   # a place no longer on file: asked again
            for key in ("township_id", "township", "county", "village_id", "village", "village_text", "village_done"):
                draft.pop(key, None)
            ctx.save_draft(draft, state=State.PLACE)
            return _prompt(ctx, State.PLACE, draft)
    verified = ctx.channel == "sms" or bool(draft.get("phone_verified"))
    said = "\n".join(ctx.data().get("said") or []) + "\n" + ctx.msg.text
    filing = usecases.Filing(
        channel=ctx.channel, name=draft["name"], phone=draft.get("phone"), phone_verified=verified,
        township_id=draft["township_id"], village_id=draft.get("village_id"),
        content=draft["content"] + (texts.village_as_written(draft["village_text"]) if draft.get("village_text") else ""),
        people=draft.get("people") or 1, location=draft.get("location"), said=said,   # 扬言 in anything said: 预警
        heard=without_numbers("；".join(draft.get("heard") or [])),   # said while filing, not the matter
        # images from a message were recorded when they arrived (core.store.media); one without is now
        images=tuple(image for image in draft.get("images", []) if not image.get("inbound_id")),
        messages=tuple(ctx.data().get("inbound_ids") or ()),
        entrance_id=ctx.city.id if ctx.city is not None else None)
    done = usecases.file(filing_act(ctx, f"{ctx.channel}:citizen"), ctx.county, filing,
                         ctx.gazetteer.directory_names, repeat_of)
    ctx.petition_id = done.data["petition_id"]
    notify.deliver(ctx, done)
    tracking_no = done.data["tracking_no"]
    ctx.reset()
    if repeat_of is not None:
        return texts.repeat_linked(tracking_no, repeat_of.tracking_no, ctx.channel)
    today = ctx.now.astimezone(SHANGHAI).date()
    later = texts.receipt_day_note(ctx.rules.policy.receipt_day(ctx.now, ctx.rules.calendar).date, today,
                                   ctx.rules.calendar.is_workday(today))
    return texts.submitted(tracking_no, ctx.channel, unverified_phone=bool(draft.get("phone")) and not verified, later=later)
