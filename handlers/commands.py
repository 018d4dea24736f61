"""The citizen's commands: 查询, 补充, 撤回, 复查/复核, 下一页, 帮助, 取消, 返回 …

Each is declared once on handlers.registry.CITIZEN (its words, whether a tracking number may
follow, its WeChat menu key) with what it does in any state (the conversation's fallbacks); a
function returns None where its words are an ordinary answer ("返回" outside an intake). What a
command means otherwise in a state (取消 during an intake, 完成 while adding to a case) is one of
the functions below the declarations, put to that state by handlers.conversation's table.
"""
from __future__ import annotations


from core.cases import audience, lifecycle as cases


from core.directory import reception
from core.clock import local
from core.phones import mask_phone
from core.store.models import Petition
from core.status import FINISHED
from core.store import petitions
from core.text import gist
from core.cases import petitioner as usecases
from handlers import asks, intake, notify, verify
from core.words import refusals as errors
from core.words import citizens as texts
from handlers.context import Context, md
from handlers.extract import clauses_of, is_greeting, says_no_matter
from handlers.registry import CITIZEN, Command, citizen_act
from handlers.states import State

CLOSED = FINISHED


@CITIZEN.verb("help", "帮助", "使用帮助", "help", "?", "？", "菜单", "怎么用", click="XF_HELP")
def _help(ctx: Context, cmd: Command) -> str:
    hotline = contact_of(ctx.county.options).get("hotline")
    return texts.help_text(ctx.channel) + (texts.hotline_line(hotline, ctx.channel) if hotline else "")


def number_to_ring(ctx: Context) -> str | None:
    """The number staff can ring the sender on: theirs by SMS, else the last one they gave us."""
    return ctx.msg.sender if ctx.channel == "sms" else petitions.last_phone(ctx.conn, ctx.msg.sender, ctx.entrance_id)


@CITIZEN.verb("person", "人工", "转人工", "人工客服", "找人工", "真人", "客服", "热线", "联系方式", "电话多少",
              "你们电话多少", "怎么找你们", "怎么联系你们", "找领导",
              pattern=r"[^，。,！!？?]{0,8}?(?:人工|客服|热线|电话多少|电话是多少|联系电话|怎么找你们|怎么联系你们|"
                      r"找个人|真人|活人|打电话给你们|跟人说|和人说|号码多少|号码是多少|信访局的?电话|咋联系恁|怎么联系恁|"
                      r"联系恁们?|机器人)[^，。,！!？?]{0,6}")
def _person(ctx: Context, cmd: Command) -> str:
    """A person asks for a person: the bureau's hotline and hours from the county file, and the
    staff told (once a day per sender) that someone wants a call back, with the number we have."""
    day = local(ctx.now).date().isoformat()
    number = number_to_ring(ctx)
    if ctx.data().get("call_back_asked") != day:
        for to in audience.staff(ctx.session):
            ctx.queue_sms(to, texts.call_back_wanted(ctx.channel, number), purpose="call_back",
                          params=[texts.CHANNEL_LABELS.get(ctx.channel, ctx.channel),
                                  mask_phone(number) if number else "未留电话"])
        ctx.put(call_back_asked=day)
    return texts.reach_a_person(contact_of(ctx.county.options), has_number=bool(number))


@CITIZEN.verb("reception", "接访", "领导接访", "接访日程", "接访安排", "领导接访日程", "哪天有领导接访", click="XF_RECEPTION",
              pattern=r"[^，。,！!？?]{0,8}?(?:接访|接待群众|接待日|接待时间)[^，。,！!？?]{0,6}[？?]?")
def _reception(ctx: Context, cmd: Command) -> str:
    """接访: the leaders' receptions to come (core.directory.reception), from the schedule staff keep."""
    slots = reception.upcoming(ctx.session, local(ctx.now).date())
    return texts.reception_schedule(slots, contact_of(ctx.county.options), ctx.channel)


# asked for in a sentence of other words that say no matter: "有人吗？俺要找个真人说话，这机器说不明白"
ASKED_WITHIN = ("person", "reception")


def asked_within(text: str) -> Command | None:
    """A person (or the receptions) asked for in one clause of a message whose other clauses say
    no matter — a greeting, a complaint about the machine — so a story that mentions 客服 is
    still a story."""
    parts = clauses_of(text)
    if len(parts) < 2 or not all(is_greeting(p) or says_no_matter(p) for p in parts):
        return None
    return next((cmd for p in parts if (cmd := CITIZEN.parse(p)) is not None and cmd.name in ASKED_WITHIN), None)


def contact_of(options: dict | None) -> dict:
    """``[county.contact]``: hotline, hours, reception (the leaders' reception days)."""
    return dict((options or {}).get("contact") or {})


@CITIZEN.verb("cancel", "取消", "算了", "不反映了", "退出", "取消反映")
def _cancel(ctx: Context, cmd: Command) -> str:
    return texts.NOTHING_TO_CANCEL


@CITIZEN.verb("back", "返回", "上一步", "修改", "返回上一步")
def _back(ctx: Context, cmd: Command) -> str | None:
    return None    # an intake's: handlers.intake.back_a_step, back_to_edit


@CITIZEN.verb("next", "下一页", "下页", "更多")
def _next(ctx: Context, cmd: Command) -> str:
    return ctx.next_page()


@CITIZEN.verb("report", "我要反映", "反映问题", "我要投诉", "我要举报", "我要信访", "反映", click="XF_REPORT")
def _report(ctx: Context, cmd: Command) -> str:
    ctx.reset()
    return intake.start(ctx)


@CITIZEN.verb("done", "完成", "补充完毕", "结束补充")
def _done(ctx: Context, cmd: Command) -> None:
    return None    # while adding to a case: finish_supplement


@CITIZEN.verb("confirm_withdraw", "确认撤回", "确认", "确定", "是的")
def _confirm_withdraw(ctx: Context, cmd: Command) -> None:
    return None    # asked to confirm a 撤回: confirm_withdraw


@CITIZEN.verb("resend_code", "验证", "重新验证", "重发验证码")
def _resend_code(ctx: Context, cmd: Command) -> str | None:
    return verify.resend_code(ctx)


@CITIZEN.verb("code", pattern=r"\d{6}")
def _code(ctx: Context, cmd: Command) -> str | None:
    answered = verify.answer_code(ctx, cmd.rest)
    return answered[0] if answered is not None else None


@CITIZEN.verb("query", "查询进度", "查询", "进度", numbered=True, click="XF_QUERY")
def _query(ctx: Context, cmd: Command) -> str:
    return do_query(ctx, cmd)


@CITIZEN.verb("supplement", "补充材料", "补充", numbered=True, free_text=True)
def _supplement(ctx: Context, cmd: Command) -> str:
    return do_supplement(ctx, cmd)


@CITIZEN.verb("rate", "评价", "打分", numbered=True, free_text=True)
def _rate(ctx: Context, cmd: Command) -> str:
    """评价 编号 1-3 (or words): rate an answered case at any time, asked or not."""
    p = _own_case(ctx, cmd, "评价 {} 1")
    if isinstance(p, str):
        return p
    if p.replied_at is None:
        return texts.rate_too_early(p.tracking_no)
    word = cmd.rest.strip()
    rating = asks.RATING_DIGITS.get(word[:1]) if word[:1].isdigit() else asks.rating_of(word)
    if rating is None:
        return texts.ANSWER_RATING
    asks.close(ctx, {"kind": "rate", "petition_id": p.id})    # a question about it is answered too
    return asks.rate(ctx, p, rating)


@CITIZEN.verb("review", "申请复查", "复查", numbered=True)
@CITIZEN.verb("re_review", "申请复核", "复核", numbered=True)
def _review(ctx: Context, cmd: Command) -> str | None:
    return do_review(ctx, cmd)


@CITIZEN.verb("withdraw", "撤回", "撤销", numbered=True)
def _withdraw(ctx: Context, cmd: Command) -> str:
    return do_withdraw(ctx, cmd)


# --- what a command means in a state (handlers.conversation puts each to its states) ----------

def cancel_draft(ctx: Context, cmd: Command) -> str:
    """取消 during an intake, or while adding to a case: back to the start."""
    ctx.reset()
    return texts.CANCELLED


def keep_the_case(ctx: Context, cmd: Command) -> str:
    """取消 when asked to confirm a 撤回: the case stays."""
    ctx.reset()
    return texts.WITHDRAW_KEPT


def finish_supplement(ctx: Context, cmd: Command) -> str:
    """完成 while adding to a case."""
    target = supplement_target(ctx)
    ctx.reset()
    return texts.supplement_done(target.tracking_no) if target else texts.help_text(ctx.channel)


def then_ask_again(name: str):
    """During an intake: the command's answer, then the step's question again."""
    run = CITIZEN.verbs[name].run

    def during_intake(ctx: Context, cmd: Command) -> str | None:
        said = run(ctx, cmd)
        return None if said is None else said + "\n" + intake.reprompt(ctx)
    return during_intake


def draft_not_submitted(ctx: Context, cmd: Command) -> str:
    """我要反映 during an intake: this one is not filed yet."""
    return texts.DRAFT_NOT_SUBMITTED + intake.reprompt(ctx)


def code_during_intake(ctx: Context, cmd: Command) -> str | None:
    """The code answered during an intake: once proven, the step's question again."""
    answered = verify.answer_code(ctx, cmd.rest)
    if answered is None:
        return None
    said, proven = answered
    return said + intake.reprompt(ctx) if proven else said


def supplement_during_intake(ctx: Context, cmd: Command) -> str:
    """补充 编号 内容 during an intake adds to that case; without the words, finish this one first."""
    return do_supplement(ctx, cmd) if cmd.rest else texts.FINISH_DRAFT_FIRST.format(what="补充其他事项")


def withdraw_during_intake(ctx: Context, cmd: Command) -> str:
    """撤回 during an intake: finish this one first."""
    return texts.FINISH_DRAFT_FIRST.format(what="撤回其他事项")


def parse(text: str) -> Command | None:
    return CITIZEN.parse(text)


# --- 查询 -------------------------------------------------------------------------------------

FINISH_TOLD = ("assigned", "accepted")   # a case whose 办结期限 the petitioner is told

def do_query(ctx: Context, cmd: Command) -> str:
    if cmd.tracking_no:
        p = ctx.find_own(cmd.tracking_no)
        if p is None:
            ctx.reply_params = {"t": "query_not_found", "v": [cmd.tracking_no]}
            return texts.NOT_FOUND.format(no=cmd.tracking_no)
        return _detail(ctx, p)
    petitions = ctx.own_petitions()
    if not petitions:
        return texts.NONE_YET
    latest = petitions[0]   # by a template-only SMS provider: how many, and where the latest stands
    ctx.reply_params = {"t": "query_list", "v": [str(len(petitions)), latest.tracking_no,
                                                  texts.STATUS_LABELS.get(latest.status, latest.status)]}
    items = [texts.list_item(i, p.tracking_no, texts.STATUS_LABELS.get(p.status, p.status), md(p.received_at),
                             gist(p.content, 8 if ctx.channel == "sms" else 16))
             for i, p in enumerate(petitions, 1)]
    return ctx.paginate([texts.list_header(len(petitions))], items)


def _detail(ctx: Context, p: Petition) -> str:
    """查询 编号: status, place, the matter, the unit's 答复 in its words, and the steps — repeated
    ones (补充材料 ×3) once; by SMS within two segments."""
    sms = ctx.channel == "sms"
    history: list[str] = []
    answer = None
    for e in petitions.events_of(ctx.session, p):
        if e.kind in ("replied", "review_answered") and e.text:
            answer = e.text
        label = texts.history_label(e.kind, e.text)
        if not label:
            continue
        if history and history[-1].split("×")[0].endswith(label) and history[-1].startswith(md(e.at)):
            base, _, n = history[-1].partition("×")
            history[-1] = f"{base}×{int(n or 1) + 1}"
        else:
            history.append(f"{md(e.at)}{label}")
    place = ctx.place_of(p)
    images = petitions.image_count(ctx.session, p)
    ctx.reply_params = {"t": "query_status", "v": [p.tracking_no, texts.STATUS_LABELS.get(p.status, p.status),
                                                    md(p.due_finish) if p.due_finish and p.status in FINISH_TOLD else "无"]}
    text = texts.detail(p.tracking_no, texts.STATUS_LABELS.get(p.status, p.status),
                        f"{p.received_at:%m-%d %H:%M}" if sms else f"{p.received_at:%Y-%m-%d %H:%M}", place,
                        gist(p.content, 16 if sms else 200), history[-3:] if sms else history[-6:],
                        answer=gist(answer, 40 if sms else 300) if answer else None,
                        images=0 if sms else images,
                        finish_by=md(p.due_finish) if p.due_finish is not None and p.status in FINISH_TOLD else None)
    if ctx.channel == "sms":
        text = text.replace("\n", "；")
    return ctx.fit(text)


# --- 复查 / 复核 ------------------------------------------------------------------------------

def do_review(ctx: Context, cmd: Command) -> str:
    """申请复查 编号 (within 30 days of the reply) or 申请复核 编号 (within 30 days of the 复查
    answer): opens a review the bureau answers within 30 days."""
    word = texts.REVIEW_WORDS[cmd.name]
    p = _own_case(ctx, cmd, f"申请{word} {{}}")
    if isinstance(p, str):
        return p
    try:
        done = usecases.request_review(citizen_act(ctx), p, cmd.name, cmd.rest)
    except cases.CaseError as exc:
        return errors.say(exc)
    ctx.petition_id = p.id
    notify.deliver(ctx, done)
    return texts.review_opened(p.tracking_no, word, md(p.due_review))


# --- 补充 -------------------------------------------------------------------------------------

def do_supplement(ctx: Context, cmd: Command) -> str:
    p = _own_case(ctx, cmd, "补充 {} 内容")
    if isinstance(p, str):
        return p
    if p.status in CLOSED:
        return texts.closed_case(p.tracking_no, texts.STATUS_LABELS[p.status])
    if cmd.rest:
        add_text(ctx, p, cmd.rest)
        return texts.supplement_added(p.tracking_no)
    ctx.set_state(State.SUPPLEMENT, target=p.id)
    return texts.supplement_prompt(p.tracking_no)


def add_text(ctx: Context, p: Petition, text: str) -> None:
    usecases.supplement(citizen_act(ctx), p, text)
    ctx.petition_id = p.id


def add_media(ctx: Context, p: Petition) -> None:
    """补充 with a photo, a voice or a video (recorded when it arrived: handlers.dispatch)."""
    usecases.supplement_media(citizen_act(ctx), p, ctx.msg.kind, ctx.msg.media_id, ctx.msg.url)
    ctx.petition_id = p.id


def supplement_words(ctx: Context, text: str) -> str:
    """A text while adding to a case: added to it (the case closed meanwhile: back to the start)."""
    target = supplement_target(ctx)
    if target is None:
        ctx.reset()
        return texts.help_text(ctx.channel)
    add_text(ctx, target, text)
    return texts.supplement_saved(target.tracking_no)


def supplement_with_media(ctx: Context) -> str | None:
    """A photo, voice or video while adding to a case: added to it; None when the case is closed."""
    target = supplement_target(ctx)
    if target is None:
        return None
    add_media(ctx, target)
    return texts.supplement_saved(target.tracking_no)


def supplement_target(ctx: Context) -> Petition | None:
    pid = ctx.data().get("target")
    p = ctx.session.get(Petition, pid) if pid else None
    return p if p is not None and p.status not in CLOSED else None


# --- 撤回 -------------------------------------------------------------------------------------

def do_withdraw(ctx: Context, cmd: Command) -> str:
    p = _own_case(ctx, cmd, "撤回 {}")
    if isinstance(p, str):
        return p
    if p.status in CLOSED:
        return texts.closed_case(p.tracking_no, texts.STATUS_LABELS[p.status])
    ctx.set_state(State.WITHDRAW, target=p.id)
    return texts.confirm_withdraw(p.tracking_no, gist(p.content, 10))


def confirm_withdraw(ctx: Context, cmd: Command | None = None) -> str:
    p = ctx.session.get(Petition, ctx.data().get("target"))
    ctx.reset()
    if p is None or p.status in CLOSED:
        return texts.NOTHING_TO_CANCEL
    notify.deliver(ctx, usecases.withdraw(citizen_act(ctx), p))
    ctx.petition_id = p.id
    return texts.withdrawn(p.tracking_no)


def _own_case(ctx: Context, cmd: Command, example: str) -> Petition | str:
    """The sender's petition the command names, or what to say: how to write it (``example``, the
    command with "{}" where the number goes), or the same "not found" as for a number that does not
    exist (whose else it may be is never said)."""
    if not cmd.tracking_no:
        return texts.NEED_NUMBER.format(example=example.format(_example_no(ctx)))
    p = ctx.find_own(cmd.tracking_no)
    return p if p is not None else texts.NOT_FOUND.format(no=cmd.tracking_no)


def _example_no(ctx: Context) -> str:
    county = ctx.county if ctx.city_places is None or ctx.county.id != ctx.city.id else \
        next(iter(ctx.city_places.counties.values()))[0]   # the city's own entrance: numbers are its counties'
    return f"{county.prefix}-{ctx.now:%Y%m%d}-0001"
