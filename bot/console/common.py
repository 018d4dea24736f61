"""What the console's areas share: the ``console`` blueprint every route of bot/console/ is
declared on, the request's services and clock, the client's address, the signed-in person, names
of units and people, the days and ids a request may give (a bad one said in words, never a 500 —
issue 29), the words of roles, events, the audit and texts, the template filters and context
processor, and the security headers of every response."""
from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, g, request
from werkzeug.exceptions import Forbidden
from flask_login import current_user
from sqlalchemy import select

from core import actions

from core.workplace import workbench
from core.store import scope
from core.store.db import write
from handlers import asks
from core.cases.lifecycle import NOBODY, barred
from core.clock import SHANGHAI
from core.directory.lookup import LEAD_ROLES
from core.phones import mask_phone, redact
from core.store.models import County, Person, Petition
from core.text import CHANNEL_LABELS
from core.words import citizens as citizen_texts
from core.words import officials as T
from core.words import console as W
from core.words.jobs import THREAT_WORDS
from notifications.bound import Bound
from core.words import documents as document_words
from core.cases.documents import EVENT as DOCUMENT_EVENT
from notifications.digest_text import day_figures


bp = Blueprint("console", __name__, url_prefix="/console",
               template_folder=str(Path(__file__).parents[1] / "templates"),
               static_folder=str(Path(__file__).parents[1] / "static"), static_url_path="/static")


ROLE_WORDS = {"staff": "信访局", "liaison": "联络员", "cadre": "干部", "head": "主要负责人", "leader": "县领导",
              "admin": "管理员"}
EVENT_WORDS = {**citizen_texts.HISTORY_LABELS, "assigned": "交办", "reassigned": "改派", "urged": "催办", "overdue": "超期", "returned": "退回",
               "extension_requested": "申请延期", "warning": "预警", "recused": "回避", "lead_set": "包案",
               "instruction": "县领导批示", "progress": "进展", "taken_back": "收回", "joined": "并案",
               "rating": "评价", "follow_up": "回访（再次请求评价）", "follow_up_call": "电话回访", "review_requested": "申请复查", "review_answered": "复查答复",
               "re_review_requested": "申请复核", "re_review_answered": "复核答复", "note": "备注",
               "evening_selected": "列入七晚", "evening_filed": "七晚报备", "evening_counted": "七晚计入",
               "evening_missed": "七晚未计入", "evening_completed": "已满七晚", "evening_resolved": "七晚化解",
               "evening_unresolved": "七晚未化解", "evening_excused": "七晚确认", **W.EVENTS}
AUDIT_WORDS = {"media": "查看图片/语音", "follow_up_call": "电话回访", "admin_add": "新增人员", "admin_save": "修改人员", "admin_deactivate": "停用人员",
               "admin_activate": "启用人员", "admin_grant": "设为管理员", "admin_revoke": "取消管理员",
               "admin_unbind": "解除微信绑定", "admin_bind_code": "发送绑定码", "admin_hand_back": "交还名录文件",
               "instruct": "批示", "analysis_note": "撰写分析", "reception_add": "发布接访", "reception_cancel": "取消接访", "export": "导出台账",
               "export_download": "下载台账", "register": "登记", "recuse": "被反映", "view": "查阅案卷", "reveal": "显示号码", "assign": "交办", "accept": "受理", "meet": "见面",
               "reply": "答复", "close": "办结", "approve": "批准延期", "note": "备注", "sign_in": "登录",
               "code_sent": "发送验证码", "code_asked": "请求验证码（号码不在名录中）"}
EVENT_WORDS[DOCUMENT_EVENT] = AUDIT_WORDS[DOCUMENT_EVENT] = document_words.HISTORY   # bot/console/documents.py
TEXT_STATES = {"queued": "待发送", "sending": "发送中", "sent": "已发出", "delivered": "已送达", "failed": "发送失败",
               "withdrawn": "已撤回", "unknown": "可能已发出"}


# what the record (审计) calls each action: its own word, else the case action's label ("lead" 包案,
# "send_back" 退回 …) — never the action's code on a page
AUDIT = {**{a.name: a.label.split(" / ")[0] for a in actions.ACTIONS.values()}, **AUDIT_WORDS}


def services():
    """The app's services — in a deployment of several counties, as the signed-in person's county
    sees them (notifications.bound.Bound: every session of the request bound to it, docs/city.md);
    before anyone is known (signing in), across counties where the caller binds its session. The
    city's people look into one of its counties (drill-down, 督办): the county the address names."""
    svc = current_app.extensions["xinfang"]
    county = g.get("county_id")
    if county is None or not svc.several_counties():
        return svc
    bound = g.get("county_services")
    if bound is None:
        # the city's own pages are the city's, whatever the address says (?county= there is nothing)
        looked_into = _looked_into(svc) if g.get("city_id") is not None and request.endpoint not in _NOT_INTO \
            else None
        if looked_into is not None and (request.method == "POST" and request.endpoint not in CITY_POSTS_INTO
                                        or request.endpoint in CITY_NEVER_INTO):
            raise LookingInto()
        bound = g.county_services = Bound(svc, looked_into or county)
    return bound


# what the city's people may send into a county they look into: an action on a case (core.actions
# decides which: 挂牌督办), a number shown (recorded), a 到市访 registered and handed down, its
# ledger exported. Nothing else of the county's own — its analyses' notes, its 接访 schedule, its
# people, a 批量 of its cases — is the city's to write.
CITY_POSTS_INTO = {"console.act", "console.reveal", "console.register", "console.logout"}
# nor what a GET writes there: a 文书 is issued in the county's name and recorded in its case's
# 经过. (The ledger of a county is exported from the city's page, for the counties chosen.)
CITY_NEVER_INTO = {"documents.download"}


CITY_READERS = ("staff", "leader")   # the city's people who read its counties (its pages, a look in)


class LookingInto(Forbidden):
    """The city's people sending what is the county's own to write (bot.console.errors says so)."""


def _looked_into(svc) -> int | None:
    """The city's county a city person's request is about: ``county`` in the address or the form
    (a prefix, "BF"), else a case's number's prefix (/cases/BF-20261123-0001); None: the city's own.
    A ``county`` the city has not is 没有找到 (404), never the city's own pages under another name;
    a case number of no county of the city is the city's own, where no case has it."""
    asked = (request.args.get("county") or request.form.get("county") or "").strip()
    number = (request.view_args or {}).get("no") or ""
    prefix = asked or (number.split("-", 1)[0] if "-" in number else "")
    if not prefix:
        return None
    with svc.engine.connect() as conn:
        found = conn.execute(select(County.id, County.name).where(
            County.prefix == prefix.upper()[:16], County.parent_id == g.city_id, County.kind == "county")).first()
    if found is None:
        if asked:
            abort(404)
        return None
    if getattr(current_user, "role", None) not in CITY_READERS:
        abort(404)          # a city department's people work their own unit's cases: no county to look into
    g.looked_into, g.looked_into_name = prefix.upper(), found.name
    return found.id


# the city's own pages, and what is nobody's county: their addresses never say one
_NOT_INTO = {"console.static", "console.city_page", "console.city_ranking", "console.city_analysis", "console.city_day",
             "console.login", "console.login_code", "console.logout"}


@bp.url_defaults
def _still_into(endpoint: str, values: dict) -> None:
    """While the city's people look into a county, every address a page gives keeps it (a 工作台's
    shelf, a list's next page, a form's action): the next request is that county's too. A case's
    address says its county by its number already."""
    prefix = g.get("looked_into")
    if prefix and "county" not in values and "no" not in values and endpoint not in _NOT_INTO:
        values["county"] = prefix


def everyone(s):
    """``s`` across counties: who signs in (by number, by session) is not known to be of any county yet."""
    return scope.bind(s, None)


def clock_now() -> datetime:
    return services().clock.now()


def client_address() -> str:
    """The client's address for the audit trail and the sign-in limits: the connection's — or,
    behind the proxy the app is told to trust (XINFANG_TRUSTED_PROXY), the address it forwards
    (ProxyFix, in bot.console.sign_in.set_up). A header a client sets itself is never read here."""
    return request.remote_addr or ""


# --- what every console response carries ------------------------------------------------------------

def _nonce() -> str:
    """This response's nonce for a <style> the page must carry inline (the analysis's own page,
    shown in a frame): made on first use; the CSP then allows it and nothing else inline."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


@bp.app_context_processor
def _nonce_helper():
    return {"csp_nonce": _nonce}


@bp.after_request
def security_headers(response: Response) -> Response:
    """Scripts and styles from /console/static only (htmx, console.css), framed by nobody, types
    as declared, the address of a case never sent to another site, and no page kept by the
    browser or a proxy (they show cases and numbers); the vendored static files may be cached."""
    nonce = g.get("csp_nonce")
    style = "style-src 'self'" + (f" 'nonce-{nonce}'" if nonce else "")
    h = response.headers
    h.setdefault("Content-Security-Policy", (   # a stored file keeps its own, stricter one (media_file)
        "default-src 'self'; script-src 'self'; " + style + "; img-src 'self' data:; media-src 'self'; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"))
    h["X-Frame-Options"] = "DENY"
    h["X-Content-Type-Options"] = "nosniff"
    h["Referrer-Policy"] = "same-origin"      # CSRF's check of the Referer over HTTPS still has it
    h["Cross-Origin-Opener-Policy"] = "same-origin"
    if request.is_secure:
        h["Strict-Transport-Security"] = "max-age=31536000"
    if request.endpoint != "console.static":
        h["Cache-Control"] = "no-store"
        h.pop("Expires", None)
    return response


@bp.app_template_filter("when")
def _when(dt) -> str:
    return dt.astimezone(SHANGHAI).strftime("%m-%d %H:%M") if dt else "—"


SEARCH_WORDS, SEARCH_CHARS = 10, 100       # a search's words (each one more condition) and its length


@bp.app_context_processor
def _helpers():
    return {"SEARCH_CHARS": SEARCH_CHARS, "ROLE_WORDS": ROLE_WORDS, "STATUS": citizen_texts.STATUS_LABELS, "CHANNELS": CHANNEL_LABELS,
            "EVENTS": EVENT_WORDS, "THREATS": THREAT_WORDS, "TEXT_STATES": TEXT_STATES, "mask_phone": mask_phone,
            "numbers_masked": redact, "AUDIT": AUDIT, "calls_for": actions.call_outcomes,
            "event_text": _event_text, "deadline": _deadline,
            "looked_into": g.get("looked_into"), "looked_into_name": g.get("looked_into_name")}   # the city's people: the county they look into (its prefix)   # a number in free text is shown only by 显示号码, and recorded


def _deadline(p) -> str:
    """A case's real next deadline, as its lists show it ("受理期限 12-07 23:59（剩8小时）"), or ""."""
    nxt = workbench.next_deadline(p)
    return W.deadline_note(*nxt, clock_now()) if nxt else ""


# --- who is asking, and the names a page shows ------------------------------------------------------

def names_of(s, model) -> dict[int, str]:
    """Every unit's (or person's) name by id, for a page to show names, not ids."""
    return dict(s.execute(select(model.id, model.name)).all())


def signed_in(s) -> Person:
    """The person signed in (read across counties: the city's people look into a county's)."""
    person = s.get(Person, current_user.id, execution_options={scope.ALL_COUNTIES: True})
    if person is None or not person.active:
        abort(403)
    return person


def met_words(d) -> str:
    """The day's 集体访, 越级访 and 当日见面率 in the daily 访情's words (core.reports.measures' figures)."""
    return "；".join(day_figures(d.tally, d.beyond))


# --- what a request may ask: a bad value is said in words, never a 500 (issue 29) --------------------

EARLIEST = date(2000, 1, 1)                # no case of the county is older
AHEAD = timedelta(days=366)                # nor more than a year ahead
LARGEST_ID = 2**31 - 1                     # a row's id (an INTEGER column's range on PostgreSQL)


def county_today() -> date:
    return clock_now().astimezone(SHANGHAI).date()


def row_of(s, model, row_id: int):
    """The row of an id an address gave (``<int:…>``), or None — also for a number no row can
    have, which the database would refuse with an error, not an empty result."""
    return s.get(model, row_id) if 0 < row_id <= LARGEST_ID else None


def id_of(text) -> int | None:
    """A row's id as a form or address gives it, or None when it is not one (letters, a number
    larger than any id: SQLite and PostgreSQL refuse those with an error, not an empty result)."""
    text = (text or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 10 or not 0 < int(text) <= LARGEST_ID:
        return None
    return int(text)


def _range_words(today: date) -> str:
    return W.date_range(EARLIEST, today + AHEAD)


def day_of(text: str | None, today: date | None = None, problems: list | None = None) -> date | None:
    """A day from a form (YYYY-MM-DD) within 2000-01-01 … a year from today; else None, and what
    is wrong with it added to ``problems``."""
    text = (text or "").strip()
    if not text:
        return None
    today = today or county_today()
    try:
        d = date.fromisoformat(text)
    except ValueError:
        if problems is not None:
            problems.append(W.DATE_FORMAT)
        return None
    if not EARLIEST <= d <= today + AHEAD:
        if problems is not None:
            problems.append(_range_words(today))
        return None
    return d


def _event_text(e) -> str:
    """An event's words as the history shows them: a 受理's stored complexity as its word
    ("normal" → 一般), numbers masked (shown whole only by 显示号码, which is recorded)."""
    if e.kind == "accepted" and e.text in T.COMPLEXITY_WORDS:
        return T.COMPLEXITY_WORDS[e.text]
    return redact(e.text or "")


def leads_of(s, p: Petition | None = None) -> list[Person]:
    """Who may lead a case (包案) or hold a reception: the county's leaders, then the units' heads —
    for a case ``p``, none it accuses nor the head of a unit it accuses (never offered)."""
    people = s.scalars(select(Person).where(Person.active.is_(True), Person.role.in_(LEAD_ROLES))
                       .order_by(Person.role.desc(), Person.id))
    accused = barred(s, p) if p is not None else NOBODY
    return [x for x in people if not accused.bars(x)]


def actor_name(actor: str | None, names: dict[int, str]) -> str:
    """"staff:3" → 周敏; the system and the petitioner by what they are."""
    role, _, rest = (actor or "").partition(":")
    if rest.isdigit() and int(rest) in names:
        return names[int(rest)]
    if rest == "citizen" or role in ("wechat", "sms"):
        return "信访人"
    return {"system": "系统", "sweep": "系统", "campaign": "七晚批量", "member": "专班成员"}.get(role, role or "系统")


def send_after_commit(svc, outbox, now: datetime) -> None:
    """An action's notices once its transaction has committed: the texts handed to the queue, and
    the questions they put recorded (the petitioner's next 1/2/3 answers them)."""
    svc.send_later(outbox.outbox_ids, now)
    if outbox.asks:
        with write(svc.engine) as conn:
            asks.record(conn, outbox.asks, now, outbox.county.id)
