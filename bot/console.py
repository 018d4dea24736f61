"""``/console``: the bureau's workplace in a browser (docs/console.md) — the same use cases as the
SMS commands (core.usecases), the console's own read models (core.workbench).

- Sign-in (core.signin): a person of the county file gives their number and gets a one-time code
  by SMS; everyone is told the same whether the number is known or not, "too frequent" included;
  the limits are per number and address, per address and overall, so nobody can use up an
  official's codes; a code answers only in the browser that asked for it. The SMS is sealed in
  the outbox (notifications.sealed): no code in clear in the database.
- Sessions are the server's (``console_session``): the cookie carries a random id only. Signing
  out, 30 minutes idle, 12 hours, the person stopped or their role, unit or 管理 changed: the
  row is ended and the cookie opens nothing.
- Every response of the console carries a Content-Security-Policy (scripts and styles from
  /console/static only), X-Frame-Options DENY, nosniff, a same-origin referrer and ``no-store``.
- The client's address is the connection's, or — with ``XINFANG_TRUSTED_PROXY`` (set by ``xinfang
  serve`` in front of its nginx) — the one our proxy forwards; a header a client sends itself is
  never believed.
- Every form is CSRF-checked (Flask-WTF, app-wide; the channels' webhooks are exempt: they are
  signed).
- Every view of a case file, every reveal of a petitioner's number and every action is recorded
  (audit_event) and shown to the bureau on the case file.
- Scope and recusal are core.workbench's: an accused person or unit never sees the case — a
  case file they ask for is "没有找到", like an unknown number.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date, datetime, timedelta
from pathlib import Path

from flask import (Blueprint, Flask, Response, abort, current_app, flash, g, make_response, redirect,
                   render_template, request, send_file, session, url_for)
from flask.sessions import SecureCookieSessionInterface
from flask_login import LoginManager, UserMixin, current_user, login_required, login_user, logout_user
from flask_wtf.csrf import CSRFProtect
from markupsafe import Markup
from werkzeug.middleware.proxy_fix import ProxyFix

from bot import sms, sms_tencent, wechat, wecom
from bot.sms import inbound_from_raw as from_sms
from bot.wechat import inbound_from_raw as from_wechat

from sqlalchemy import select

from core import actions, admin, reception, signin, workbench
from core.cases import NOBODY, CaseError, Rules, barred, may_act
from core.analysis import NOTE_SECTIONS, analyse, last_complete, notes_of, period_of, trend, write_note
from core.clock import SHANGHAI, day_start
from core.county import current_county
from core.digest import gather
from core.measures import measure
from core.scores import COLOUR_WORDS, GROUPS, ScoreRules, month_scores
from core.status import WITH_BUREAU
from core.directory import BIND_TTL, LEAD_ROLES, ROLES, find_person, find_unit, new_bind_code
from core.evenings import EveningError, EveningRules
from core.phones import InvalidPhone, find_mobile, mask_phone, normalize_phone, redact
from core.store.db import reading, transaction, write
from core.store.models import Attachment, LedgerExport, OutboundMessage, Person, Petition, Unit
from core.text import CHANNEL_LABELS
from core.timelines import STATUTORY_MAX_EXTENSION
from core.usecases import citizens as citizen_usecases
from core.usecases.base import Act
from handlers import asks, notify
from core.words import refusals as errors
from core.words import citizens as citizen_texts
from core.words import officials as T
from core.words import console as W
from core.words import reports as R
from core.words.jobs import THREAT_WORDS
from core.words import documents as document_words
from core.documents import EVENT as DOCUMENT_EVENT
from handlers.officials import register_received
from notifications import charts, exports, sealed
from notifications.media import INLINE, MediaFiles, sniff
from notifications.digest_text import day_figures
from notifications.report_html import figure
from notifications.report_html import render as render_report
from notifications.report_html import secret_key

log = logging.getLogger(__name__)
bp = Blueprint("console", __name__, url_prefix="/console",
               template_folder=str(Path(__file__).parent / "templates"),
               static_folder=str(Path(__file__).parent / "static"), static_url_path="/static")
login_manager = LoginManager()
login_manager.login_view = "console.login"
login_manager.login_message = W.LOGIN_FIRST
IDLE, LONGEST = signin.IDLE, signin.LONGEST
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
EVENT_WORDS[DOCUMENT_EVENT] = AUDIT_WORDS[DOCUMENT_EVENT] = document_words.HISTORY   # bot/documents.py
TEXT_STATES = {"queued": "待发送", "sending": "发送中", "sent": "已发出", "delivered": "已送达", "failed": "发送失败",
               "withdrawn": "已撤回", "unknown": "可能已发出"}


@dataclass
class Official(UserMixin):
    """The signed-in person, as the directory has them now (re-read each request), and the
    session's id (what the cookie carries; only its hash is stored)."""

    id: int
    name: str
    role: str
    unit_id: int | None
    admin: bool = False
    token: str = ""

    def get_id(self) -> str:
        return self.token


@login_manager.user_loader
def _load(token: str) -> Official | None:
    """The session the cookie's id opens, if the server's row still lets it in: not signed out,
    not idle for 30 minutes nor 12 hours old (the county's clock), the person in use with the
    role, unit and 管理 they signed in with. A session found over is ended, and says why."""
    svc, now = _svc(), _now()
    with reading(svc.sessions) as s:
        found = signin.find_session(s, token)
        if found is None:
            return None
        row, person = found
        why = signin.why_over(row, person, now)
        live, stale = row.ended_at is None, now - row.seen_at >= signin.SEEN_EVERY
        who = None if why else Official(person.id, person.name, person.role, person.unit_id, person.admin, token)
    if why is not None:
        if live:
            with transaction(svc.sessions) as s:
                signin.end(s, row.id, now, why)
        g.session_ended = why
        return None
    if stale:   # the last use, to the minute (a write a minute, not one a request)
        with transaction(svc.sessions) as s:
            signin.seen(s, row.id, now)
    return who


@login_manager.unauthorized_handler
def _unauthorized():
    """Not signed in (or the session just ended): to the sign-in page, saying why; an htmx poll
    is told to go there rather than swapping the page into its box."""
    session.pop("_user_id", None)
    flash(W.SESSION_ENDED.get(g.get("session_ended"), login_manager.login_message))
    target = url_for("console.login")
    if request.headers.get("HX-Request"):
        return Response(status=401, headers={"HX-Redirect": target})
    return redirect(target)


class _Cookies(SecureCookieSessionInterface):
    """Flask's signed cookie (now holding a session's id, a CSRF token and the sign-in's browser
    value), ``Secure`` when the app is set to HTTPS or the request came over HTTPS (behind a
    trusted proxy: as it says in X-Forwarded-Proto)."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure

    def open_session(self, app: Flask, request):
        """None outside the console: a webhook, a report's link or /healthz is no browser signed
        in, and opening and saving a session (the cookie's signer built anew for each request)
        cost every inbound message ~25 µs (bench/inbound.py)."""
        if not request.path.startswith(bp.url_prefix):
            return self.make_null_session(app)
        return super().open_session(app, request)


def install(app: Flask) -> None:
    """The console on ``app``: the blueprint, sign-in, the session cookie, CSRF (exempting the
    signed webhooks), and the client's address from a trusted proxy when there is one."""
    settings = app.extensions["xinfang"].settings
    app.secret_key = app.secret_key or secret_key()
    # a browser-session cookie (no 31-day Expires): the server's row decides how long it opens anything
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax", PERMANENT_SESSION_LIFETIME=LONGEST,
                      SESSION_COOKIE_SECURE=bool(settings.https or app.config.get("SESSION_COOKIE_SECURE")),
                      REMEMBER_COOKIE_SECURE=True, REMEMBER_COOKIE_HTTPONLY=True)
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", int(LONGEST.total_seconds()))
    app.session_interface = _Cookies()
    if settings.trusted_proxy:   # X-Forwarded-For's last hops and -Proto, as our nginx sets them
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxy, x_proto=settings.trusted_proxy,
                                x_host=0, x_port=0, x_prefix=0)
    csrf = CSRFProtect(app)
    csrf.exempt(wechat.bp)
    csrf.exempt(sms.bp)
    csrf.exempt(sms_tencent.bp)
    csrf.exempt(wecom.bp)
    login_manager.init_app(app)
    app.register_blueprint(bp)


def _svc():
    return current_app.extensions["xinfang"]


def _now() -> datetime:
    return _svc().clock.now()


def _address() -> str:
    """The client's address for the audit trail and the sign-in limits: the connection's — or,
    behind the proxy the app is told to trust (XINFANG_TRUSTED_PROXY), the address it forwards
    (ProxyFix, in install). A header a client sets itself is never read here."""
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
def _headers(response: Response) -> Response:
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


@bp.app_context_processor
def _helpers():
    return {"ROLE_WORDS": ROLE_WORDS, "STATUS": citizen_texts.STATUS_LABELS, "CHANNELS": CHANNEL_LABELS,
            "EVENTS": EVENT_WORDS, "THREATS": THREAT_WORDS, "TEXT_STATES": TEXT_STATES, "mask_phone": mask_phone,
            "numbers_masked": redact, "AUDIT": AUDIT, "calls_for": citizen_usecases.call_outcomes,
            "event_text": _event_text, "deadline": _deadline}   # a number in free text is shown only by 显示号码, and recorded


def _deadline(p) -> str:
    """A case's real next deadline, as its lists show it ("受理期限 12-07 23:59（剩8小时）"), or ""."""
    nxt = workbench.next_deadline(p)
    return W.deadline_note(*nxt, _now()) if nxt else ""


# --- sign-in ----------------------------------------------------------------------------------------

def _signin_key() -> bytes:
    """The key of the sign-in's keyed hashes (numbers, browsers, codes), from the app's secret."""
    secret = current_app.secret_key
    return hmac.new(secret.encode() if isinstance(secret, str) else secret, b"xinfang:console-signin",
                    hashlib.sha256).digest()


def _asker() -> str:
    """This browser's sign-in value (in its signed cookie): the codes it asks for answer only here."""
    if not session.get("signin"):
        session["signin"] = secrets.token_urlsafe(24)
    return session["signin"]


@bp.route("/login", methods=["GET", "POST"])
def login():
    """A code by SMS to a number of the directory. Known or not, the answer is the same — the
    same words, the same status, after the same work (core.signin); only a person of the
    directory is sent anything."""
    if request.method == "GET":
        return render_template("console/login.html", phone=None)
    try:
        phone = normalize_phone(request.form.get("phone", ""))
    except InvalidPhone:
        flash(W.BAD_PHONE)
        return render_template("console/login.html", phone=None), 400
    svc, now, address = _svc(), _now(), _address()
    with transaction(svc.sessions) as s:
        asked = signin.ask_code(s, phone, address, _asker(), now, _signin_key())
        if asked.retry_at is None:   # the text made (and sealed) alike; one audit row either way
            county, _ = svc.county(s.connection())
            code = asked.code or "000000"   # a number nobody has: nothing is written or sent of it
            said = W.sign_in_code(county.name, code)
            body, params = sealed.seal(said.key, said, list(said.values), code, now)
            workbench.audit(s, asked.person_id, now, "code_sent" if asked.code else "code_asked", address=address)
    if asked.retry_at is not None:
        flash(W.too_often(asked.limit, asked.retry_at))   # the code sent before still stands: no "已发往"
        return render_template("console/login.html", phone=phone, sent=False), 429
    flash(W.CODE_SENT)
    response = make_response(render_template("console/login.html", phone=phone, sent=True))

    def send() -> None:
        if asked.code:
            with transaction(svc.sessions) as s:
                ids = [OutboundMessage.enqueue(s, "sms", phone, body, "console_code", now, params=params)]
            svc.send_later(ids, now)
    if svc.settings.outbox_delivery == "inline":   # the tests', the demo's: sent before the page
        send()
    else:   # written, and the worker woken, once the answer has left: it waits for neither, so a
        # number on file is answered in the time one nobody has is (bench/signin.py)
        response.call_on_close(_logged(send))
    return response


def _logged(fn):
    def run() -> None:
        try:
            fn()
        except Exception:   # after the answer: nobody to tell but the log (the person asks again)
            log.exception("console code not written")
    return run


@bp.post("/login/code")
def login_code():
    svc, now, address = _svc(), _now(), _address()
    phone, code = request.form.get("phone", ""), request.form.get("code", "")
    try:
        phone = normalize_phone(phone)
    except InvalidPhone:
        pass   # answered like any wrong code
    with transaction(svc.sessions) as s:
        person = signin.check_code(s, phone, code, _asker(), now, _signin_key())
        if person is not None:
            workbench.audit(s, person, now, "sign_in", address=address)
            token = signin.open_session(s, person, now, address)
            who = Official(person.id, person.name, person.role, person.unit_id, person.admin, token)
    if person is None:
        flash(W.WRONG_CODE)
        return render_template("console/login.html", phone=phone), 401
    session.clear()   # a new cookie: nothing of before signing in is carried over
    session.permanent = False
    login_user(who)
    return redirect(url_for("console.admin_page" if who.role == "admin" else "console.home"))


@bp.post("/logout")
@login_required
def logout():
    """Signing out ends the session on the server: the old cookie opens nothing after."""
    svc, now = _svc(), _now()
    with transaction(svc.sessions) as s:
        found = signin.find_session(s, current_user.token)
        if found is not None:
            signin.end(s, found[0].id, now, "signed_out")
    logout_user()
    session.clear()
    flash(W.SIGNED_OUT)
    return redirect(url_for("console.login"))


# --- pages ------------------------------------------------------------------------------------------

def _names(s, model) -> dict[int, str]:
    """Every unit's (or person's) name by id, for a page to show names, not ids."""
    return dict(s.execute(select(model.id, model.name)).all())


def _person(s) -> Person:
    person = s.get(Person, current_user.id)
    if person is None or not person.active:
        abort(403)
    return person


@bp.get("/")
@login_required
def home():
    svc, now = _svc(), _now()
    if current_user.role == "admin":   # an administrator who is nobody of the file has no cases
        return redirect(url_for("console.admin_page"))
    with reading(svc.sessions) as s:
        person = _person(s)
        shelves = workbench.shelves(s, person, now)
        units = _names(s, Unit)
        board = _board(s, person, now) if person.role == "leader" else None
        return render_template("console/home.html", shelves=shelves, units=units, me=person, board=board,
                               CASE_SHELVES=workbench.CASE_SHELVES, pct=R.percent, met=_met)


def _board(s, person: Person, now: datetime) -> dict:
    """A county leader's 看板: the day (the daily 访情's figures), the month so far, what is 挂牌 by
    unit (counts: the cases stay with those handling them), the month's 月考评 so far — red flag
    and the units in orange and red."""
    today = now.astimezone(SHANGHAI).date()
    first = today.replace(day=1)
    day = gather(s, today, None, person, now)
    hidden_from = workbench.counts_hidden_from(s, person)
    month = measure(s, day_start(first), day_start(today + timedelta(days=1)), now, hidden_from).county
    late: dict[str, int] = {}
    for _, unit in day.overdue:
        late[unit] = late.get(unit, 0) + 1
    scores = month_scores(s, first.year, first.month, ScoreRules.from_options(current_county(s).options), hidden_from)
    return {"day": day, "month": month, "first": first, "late": sorted(late.items(), key=lambda kv: -kv[1]),
            "flags": [u for u in scores if u.flag], "warned": [u for u in scores if u.colour in ("orange", "red")]}


def _met(d) -> str:
    """The day's 集体访, 越级访 and 当日见面率 in the daily 访情's words (core.measures' figures)."""
    return "；".join(day_figures(d.tally, d.beyond))


@bp.get("/evenings")
@login_required
def evenings():
    """七晚: each plan under way with its evenings — started, ended, confirmed, counted."""
    svc, now = _svc(), _now()
    with reading(svc.sessions) as s:
        person = _person(s)
        plans = workbench.evening_plans(s, person)
        return render_template("console/evenings.html", me=person, plans=plans, units=_names(s, Unit),
                               rules=EveningRules.from_options(current_county(s).options), now=now)


@bp.get("/follow-ups")
@login_required
def follow_ups_page():
    """回访: the answered cases to telephone — not satisfied first, then unrated — with what the
    petitioner said, whether they were asked again, the calls so far, and a form for the call."""
    svc, now = _svc(), _now()
    with reading(svc.sessions) as s:
        person = _person(s)
        rows = workbench.follow_ups(s, person, now)
        names = _names(s, Person)
        return render_template("console/follow_ups.html", me=person, rows=rows, units=_names(s, Unit),
                               who=lambda actor: _actor(actor, names),
                               may_call=person.role == "staff")


@bp.get("/cases")
@login_required
def cases():
    svc = _svc()
    args = request.args
    q = args.get("q", "")
    page = args.get("page", 1, type=int)
    problems = []
    if len(q.split()) > SEARCH_WORDS or len(q) > SEARCH_CHARS:
        problems.append(W.search_too_long(SEARCH_WORDS, SEARCH_CHARS))
    today = _today()
    since, until = _day(args.get("since"), today, problems), _day(args.get("until"), today, problems)
    unit_id = _id(args.get("unit"))
    if args.get("unit") and unit_id is None:
        problems.append(W.CHOOSE_UNIT)
    filters = workbench.Filters(unit_id=unit_id, status=args.get("status") or None,
                                channel=args.get("channel") or None, category=args.get("category") or None,
                                since=since, until=until, shelf=args.get("shelf") or None)
    with reading(svc.sessions) as s:
        person = _person(s)
        shelf = workbench.shelf_of(person, filters.shelf)
        # a request the search must not run: said, and nothing read (a 500-word search was a 500)
        found = workbench.Found([], 0, 1, 1) if problems else workbench.search(s, person, q, page=page, filters=filters,
                                                                              now=_now())
        units = _names(s, Unit)
        routes = (current_county(s).options or {}).get("routes", [])
        categories = list(dict.fromkeys([r["category"] for r in routes if r.get("category")] + ["其他"]))
        shown = {k: v for k, v in args.items() if k != "page" and v}
        routable = set(s.scalars(select(Unit.id).where(Unit.active.is_(True), Unit.kind != "bureau"))) \
            if person.role == "staff" else set()
        for problem in dict.fromkeys(problems):
            flash(problem)
        return render_template("console/cases.html", found=found, q=q, f=filters, units=units, me=person,
                               categories=categories, shown=shown, shelf=shelf, routable=routable), 400 if problems else 200


BULK_MOST = 50      # cases one bulk action takes (a list's page)


@bp.post("/cases/bulk")
@login_required
def bulk():
    """Several cases of a list at once, by the bureau's staff: 交办 / 改派 to one unit — each case
    as it stands (with the bureau: 交办; with a unit that has not accepted it: 改派) — or 催办.
    Each case is its own action through the catalogue (core.actions.perform: lock, scope, recusal,
    its rule) in its own transaction: one refused leaves the others done, and is said with why."""
    svc, now = _svc(), _now()
    what, back = request.form.get("bulk", ""), request.form.get("back", "")
    back = back if back.startswith("/console/cases") and "//" not in back else url_for("console.cases")
    numbers = list(dict.fromkeys(n.strip().upper() for n in request.form.getlist("no") if n.strip()))
    unit_id, note = _id(request.form.get("unit")), request.form.get("note", "").strip()
    if what not in ("route", "urge") or not numbers:
        flash(W.BULK_CHOOSE_CASES)
        return redirect(back)
    if what == "route" and unit_id is None:
        flash(W.CHOOSE_UNIT)
        return redirect(back)
    if len(numbers) > BULK_MOST:
        flash(W.bulk_too_many(BULK_MOST))
        return redirect(back)
    done_nos, refused = [], []
    for no in numbers:
        outbox = None
        with transaction(svc.sessions) as s:
            person = _person(s)
            if person.role != "staff":
                abort(403)
            county, gazetteer = svc.county(s.connection())
            doing = Act(s, Rules.for_county(county), now, f"{person.role}:{person.id}", person)
            p = workbench.find_case(s, person, no, lock=True)
            try:
                if p is None:
                    raise CaseError("not_found", number=no, role=person.role, scope="unit")
                if what == "route":
                    unit = _get(s, Unit, unit_id)
                    name = "assign" if p.status in WITH_BUREAU else "reassign"
                    done = actions.perform(doing, p, name, actions.ToUnit(unit)) if unit else None
                    if done is None:
                        raise CaseError("assign_to_bureau")
                else:
                    name = "urge"
                    done = actions.perform(doing, p, name, actions.Text(note))
            except (CaseError, EveningError) as exc:   # refused: nothing of it is kept
                s.rollback()
                refused.append((no, errors.say(exc)))
                continue
            outbox = notify.Outbox(s, county, gazetteer, now)
            notify.deliver(outbox, done)
            workbench.audit(s, person, now, name, p.id, detail=(unit.name if what == "route" else note) or None,
                            address=_address())
            done_nos.append(no)
        svc.send_later(outbox.outbox_ids, now)
        if outbox.asks:
            with write(svc.engine) as conn:
                asks.record(conn, outbox.asks, now)
    flash(W.bulk_done(what, done_nos, refused))
    return redirect(back)


# --- what a request may ask: a bad value is said in words, never a 500 (issue 29) --------------------

SEARCH_WORDS, SEARCH_CHARS = 10, 100       # a search's words (each one more condition) and its length
EARLIEST = date(2000, 1, 1)                # no case of the county is older
AHEAD = timedelta(days=366)                # nor more than a year ahead
STATS_DAYS = 366                           # 统计's period: the measures are read in the request
LARGEST_ID = 2**31 - 1                     # a row's id (an INTEGER column's range on PostgreSQL)


def _today() -> date:
    return _now().astimezone(SHANGHAI).date()


def _get(s, model, row_id: int):
    """The row of an id an address gave (``<int:…>``), or None — also for a number no row can
    have, which the database would refuse with an error, not an empty result."""
    return s.get(model, row_id) if 0 < row_id <= LARGEST_ID else None


def _id(text) -> int | None:
    """A row's id as a form or address gives it, or None when it is not one (letters, a number
    larger than any id: SQLite and PostgreSQL refuse those with an error, not an empty result)."""
    text = (text or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 10 or not 0 < int(text) <= LARGEST_ID:
        return None
    return int(text)


def _range_words(today: date) -> str:
    return W.date_range(EARLIEST, today + AHEAD)


def _day(text: str | None, today: date | None = None, problems: list | None = None) -> date | None:
    """A day from a form (YYYY-MM-DD) within 2000-01-01 … a year from today; else None, and what
    is wrong with it added to ``problems``."""
    text = (text or "").strip()
    if not text:
        return None
    today = today or _today()
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


@bp.get("/cases/<no>")
@login_required
def case(no: str):
    return _case_page(no)


@dataclass(frozen=True)
class Failed:
    """A refused form of the case file, shown again where it was: what was typed, and the words of
    the refusal beside the field that caused it (``field``: its kind; None: the form as a whole)."""
    action: str
    error: str
    field: str | None = None
    values: dict = dataclass_field(default_factory=dict)


def _groups(steps: list[actions.Action]) -> list[tuple[str, str, list[actions.Action]]]:
    """The actions offered, in the case file's sections (办理, 转交, 监督, 记录): each in the
    catalogue's order, a destructive one last."""
    return [(key, word, sorted((a for a in steps if a.group == key), key=lambda a: a.destructive))
            for key, word in W.GROUPS.items() if any(a.group == key for a in steps)]


def _case_page(no: str, failed: Failed | None = None):
    svc, now = _svc(), _now()
    with transaction(svc.sessions) as s:
        person = _person(s)
        file = workbench.case_file(s, person, no)
        if file is None:
            return render_template("console/not_found.html", no=no, me=person), 404
        workbench.audit(s, person, now, "view", file.petition.id, address=_address())
        allowed = may_act(s, person, file.petition)
        units = _names(s, Unit)
        texts = [(m, _text_to(m, file.petition)) for m in file.texts]
        county, _ = svc.county(s.connection())
        policy = Rules.for_county(county).policy.name
        basis = dict(W.BASIS.get(policy, W.BASIS["statutory"]))
        if file.petition.under_evenings:
            basis["reply"] = basis["finish"] = W.UNDER_EVENINGS
        p = file.petition
        may_reveal = allowed   # the number only to those handling it (a 包案 leader among them)
        steps = actions.offered(s, person, p)
        leads = _leads(s, p) if person.role == "staff" else []
        names = _names(s, Person)
        unit = units.get(p.unit_id, "")
        return render_template("console/case.html", f=file, p=file.petition, me=person, may_act=bool(steps),
                               units=units, texts=texts, messages=[(m, _said(m)) for m in file.messages],
                               basis=basis, names=names, who=lambda actor: _actor(actor, names),
                               groups=_groups(steps), leads=leads, failed=failed,
                               ask=lambda a: W.confirm(a.name, p.tracking_no, unit),
                               complexities=T.COMPLEXITY_WORDS, W=W, may_reveal=may_reveal), 422 if failed else 200


@bp.get("/media/<int:attachment_id>")
@login_required
def media_file(attachment_id: int):
    """A photo, recording or video the petitioner sent, from our stored copy — to one who may see
    its case, and recorded; anything else is 404, like a case not theirs."""
    svc, now = _svc(), _now()
    with transaction(svc.sessions) as s:
        person = _person(s)
        a = _get(s, Attachment, attachment_id)
        p = s.get(Petition, a.petition_id) if a is not None and a.petition_id else None
        if p is None or a.fetch_status != "stored" or not workbench.may_see(s, person, p):
            abort(404)
        workbench.audit(s, person, now, "media", p.id, detail=f"{a.kind} #{a.id}", address=_address())
        path = MediaFiles(svc.settings.media_dir).path(a.sha256)
    if not path.exists():
        abort(404)
    with path.open("rb") as f:
        kind = sniff(f.read(16))   # what the bytes are, not what was stored from WeChat's response
    response = send_file(path.resolve(), mimetype=kind, max_age=0, as_attachment=kind not in INLINE,   # absolute: Flask reads a relative path from bot/
                         download_name=f"{p.tracking_no}-{attachment_id}" + MEDIA_SUFFIX.get(kind, ".bin"))
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"   # nothing in it runs
    response.headers["Cache-Control"] = "private, no-store"
    return response


MEDIA_SUFFIX = {"image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif", "image/webp": ".webp",
                "audio/amr": ".amr", "audio/amr-wb": ".amr", "audio/mpeg": ".mp3", "video/mp4": ".mp4"}


@bp.post("/cases/<no>/reveal")
@login_required
def reveal(no: str):
    """The petitioner's number, shown to one who handles the case, and recorded."""
    svc, now = _svc(), _now()
    with transaction(svc.sessions) as s:
        person = _person(s)
        p = workbench.find_case(s, person, no)
        if p is None or not may_act(s, person, p):
            abort(404)
        workbench.audit(s, person, now, "reveal", p.id, address=_address())
        phone = p.phone or "（未留电话）"
    return Markup('<span id="phone">{}</span>').format(phone)


KINDS = {"visit": "走访", "letter": "来信", "phone": "电话访"}


@bp.route("/register", methods=["GET", "POST"])
@login_required
def register():
    """登记: a visit (走访), a letter (来信) or a call (电话访), with the same checks as the SMS
    command; marked 检举控告, with whom it accuses, it is held for the bureau whatever its words."""
    svc, now = _svc(), _now()
    form = {k: request.form.get(k, "").strip() for k in ("kind", "place", "name", "phone", "people", "content",
                                                          "accused")}
    accusation = request.form.get("accusation") == "yes"
    with transaction(svc.sessions) as s:
        person = _person(s)
        if person.role != "staff":
            abort(403)
        county, gazetteer = svc.county(s.connection())
        townships = sorted(gazetteer.names.values())
        if request.method == "GET":
            return render_template("console/register.html", me=person, form=form, townships=townships, kinds=KINDS,
                                   accusation=False)
        problem, found, phone = None, None, None
        if form["kind"] not in KINDS:
            problem = T.REGISTER_KIND
        elif (found := gazetteer.match(form["place"]).unique) is None:
            problem = T.township_not_found(form["place"] or "（空）")
        elif not form["name"]:
            problem = W.NAME_NEEDED
        elif form["phone"] and (phone := find_mobile(form["phone"])) is None:
            problem = T.register_bad_phone(form["phone"])
        elif not form["people"].isdigit() or not 1 <= int(form["people"]) <= 10_000:
            problem = T.REGISTER_PEOPLE
        elif len(form["content"]) < 4:
            problem = W.CONTENT_NEEDED
        elif accusation and (unknown := [w for w in re.split(r"[、，,；;\s]+", form["accused"]) if w
                                         and find_unit(s, w) is None and find_person(s, w) is None]):
            problem = T.unit_or_person_not_found(unknown[0]) + W.ACCUSED_LATER
        if problem:
            flash(problem)
            return render_template("console/register.html", me=person, form=form, townships=townships,
                                   kinds=KINDS, accusation=accusation), 400
        outbox = notify.Outbox(s, county, gazetteer, now)
        doing = Act(s, Rules.for_county(county), now, f"staff:{person.id}", person, conn=s.connection())
        done = register_received(outbox, doing, form["kind"], found, form["name"], phone, int(form["people"]),
                                 form["content"], accused=form["accused"] if accusation else None)
        p = done.petition
        workbench.audit(s, person, now, "register", p.id, address=_address())
        message = T.registered(p, form["kind"], done.data["unit"].name if done.data["unit"] is not None else None)
        no = p.tracking_no
    svc.send_later(outbox.outbox_ids, now)
    flash(message)
    return redirect(url_for("console.case", no=no))


@bp.get("/cases/<no>/events")
@login_required
def events(no: str):
    """The case's history, for the case file to refresh in place (htmx, every 10 s): a cadre's SMS
    answer appears while staff look at it."""
    svc = _svc()
    with reading(svc.sessions) as s:
        p = workbench.find_case(s, _person(s), no)
        if p is None:
            abort(404)
        names = _names(s, Person)   # only the history: the poll reads no texts, messages or media
        return render_template("console/_events.html", events=workbench.events_of(s, p),
                               who=lambda actor: _actor(actor, names))


def _period_from(values, problems: list | None = None) -> tuple[date, date]:
    """?from=…&to=… (days, county time; either way round; default: this month so far); a day
    malformed or out of range is the default's, and what was wrong is added to ``problems``."""
    today = _today()
    problems = [] if problems is None else problems
    first = _day(values.get("from"), today, problems) or today.replace(day=1)
    last = _day(values.get("to"), today, problems) or today
    return (first, last) if first <= last else (last, first)


@bp.get("/stats")
@login_required
def stats():
    """统计: the measures for any period, county-wide and per unit (a unit's people: their unit),
    the day's figures, and 月考评 with its colours."""
    svc, now = _svc(), _now()
    problems: list[str] = []
    first, last = _period_from(request.args, problems)
    asked = first    # the 台账 is built by a worker: it may take the whole period asked for
    if (last - first).days >= STATS_DAYS:   # the measures are read here, in the request: a year at most
        first = last - timedelta(days=STATS_DAYS - 1)
        problems.append(W.stats_too_long(STATS_DAYS, last))
    for problem in dict.fromkeys(problems):
        flash(problem)
    with reading(svc.sessions) as s:
        person = _person(s)
        hidden_from = workbench.counts_hidden_from(s, person)
        m = measure(s, day_start(first), day_start(last + timedelta(days=1)), now, hidden_from)
        mine = person.role in workbench.UNIT_ROLES
        unit_name = s.get(Unit, person.unit_id).name if mine and person.unit_id else None
        units = {k: v for k, v in m.units.items() if not mine or k == unit_name}
        options = current_county(s).options
        rules = ScoreRules.from_options(options)
        scores = month_scores(s, first.year, first.month, rules, hidden_from)
        if mine:
            scores = [u for u in scores if u.unit_id == person.unit_id]
        today = gather(s, now.astimezone(SHANGHAI).date(), person.unit_id if mine else None, person, now)
        # the charts: the period by day (by week past a month), 集体访 and 越级访, townships and
        # categories — the unit's own for its people, else the county's, as the measures above
        t = trend(s, first, last, hidden_from, person.unit_id if mine else None)
        month = period_of("monthly", first)   # 月考评's: the month the period begins in
        figures = [*charts.over_time(t, first, last),
                   *([] if mine else [charts.by_tally("units", first, last, units)]),
                   charts.bars("categories", first, last, {k: n for k, (n, _) in t.categories.items()}),
                   charts.bars("townships", first, last, {k: n for k, (n, _) in t.townships.items()})]
        return render_template("console/stats.html", me=person, m=m, units=units, first=first, last=last,
                               charts=figures, figure=figure, export_first=asked,
                               scores_chart=charts.scores(month.first, month.last, scores) if scores else None,
                               scores=scores, rules=rules, today=today, groups=GROUPS, colours=COLOUR_WORDS,
                               value=R.figure, met=_met)


FORMAT_WORDS = {"xlsx": "Excel", "csv": "CSV"}


@bp.get("/export")
@login_required
def export():
    """The old address of the Excel download: a 台账 is no longer built in the web request (two
    ten-year exports held both web workers — issue 29); the 统计 page's form has a worker build it."""
    return _to_export_form("xlsx")


@bp.get("/export.csv")
@login_required
def export_csv():
    """The old address of the CSV download: as :func:`export`."""
    return _to_export_form("csv")


def _to_export_form(fmt: str):
    problems: list[str] = []
    first, last = _period_from(request.args, problems)
    for problem in dict.fromkeys(problems):
        flash(problem)
    flash(W.export_moved(FORMAT_WORDS[fmt]))
    return redirect(url_for("console.stats", **{"from": first.isoformat(), "to": last.isoformat(), "format": fmt}))


@bp.post("/exports")
@login_required
def export_start():
    """生成台账: the reports' worker builds the period's 台账 (notifications.exports) as Excel or
    CSV; the page follows it. One at a time per person, a few a day: a refusal writes nothing, not
    even the audit row — that is written with the export accepted."""
    svc, now = _svc(), _now()
    fmt = request.form.get("format") if request.form.get("format") in exports.FORMATS else "xlsx"
    problems: list[str] = []
    first, last = _period_from(request.form, problems)
    back = url_for("console.stats", **{"from": first.isoformat(), "to": last.isoformat()})
    if problems:
        for problem in dict.fromkeys(problems):
            flash(problem)
        return redirect(back)
    try:
        with transaction(svc.sessions) as s:
            person = _person(s)
            row = exports.ask(s, person, first, last, fmt, now)
            workbench.audit(s, person, now, "export", detail=W.export_asked(first, last, FORMAT_WORDS[fmt]),
                            address=_address())
            export_id = row.id
    except exports.Refused as exc:
        flash(W.export_refused(exc.code, exc.values))
        if exc.code == "running":
            return redirect(url_for("console.export_page", export_id=exc.values["export_id"]))
        return redirect(back)
    _hand_over(svc, export_id)
    return redirect(url_for("console.export_page", export_id=export_id))


def _hand_over(svc, export_id: int) -> None:
    """To the reports' worker; the queue away (Redis down), the export is failed at once — it
    would otherwise hold the person's one turn — and they are told to try again."""
    try:
        svc.export_later(export_id)
    except Exception as exc:
        current_app.logger.warning("export %s not built: %s", export_id, exc)
        with transaction(svc.sessions) as s:
            row = s.get(LedgerExport, export_id)
            if row is not None and row.status == "queued":
                row.status, row.error, row.finished_at = "failed", "queue unavailable", _now()
        flash(W.QUEUE_AWAY)


def _mine(s, export_id: int) -> LedgerExport:
    row = _get(s, LedgerExport, export_id)
    if row is None or row.person_id != current_user.id:
        abort(404)
    return row


@bp.get("/exports/<int:export_id>")
@login_required
def export_page(export_id: int):
    with reading(_svc().sessions) as s:
        person = _person(s)
        row = _mine(s, export_id)
        return render_template("console/export.html", me=person, x=row, lost=exports.lost(row, _now()),
                               fmt=FORMAT_WORDS[exports.fmt_of(row)], retention=exports.RETENTION.days)


@bp.post("/exports/<int:export_id>/again")
@login_required
def export_again(export_id: int):
    """An export that failed, whose worker died or whose file expired is built again, under the
    same number — within the same bounds as a new one."""
    svc, now = _svc(), _now()
    again = False
    try:
        with transaction(svc.sessions) as s:
            person = _person(s)
            row = _mine(s, export_id)
            again = exports.again(s, person, row, now)
            if again:
                workbench.audit(s, person, now, "export", detail=f"{row.first}–{row.last}（重新生成）",
                                address=_address())
    except exports.Refused as exc:
        flash(W.export_refused(exc.code, exc.values))
    if again:
        _hand_over(svc, export_id)
    return redirect(url_for("console.export_page", export_id=export_id))


@bp.get("/exports/<int:export_id>/state")
@login_required
def export_state(export_id: int):
    """The progress, for the page to refresh in place (htmx) until the file is ready."""
    with reading(_svc().sessions) as s:
        row = _mine(s, export_id)
        return render_template("console/_export_state.html", x=row, lost=exports.lost(row, _now()),
                               fmt=FORMAT_WORDS[exports.fmt_of(row)], retention=exports.RETENTION.days)


@bp.get("/exports/<int:export_id>/file")
@login_required
def export_file(export_id: int):
    svc, now = _svc(), _now()
    with transaction(svc.sessions) as s:
        person = _person(s)
        row = _mine(s, export_id)
        if row.status != "done" or not row.file:
            abort(404)
        fmt = exports.fmt_of(row)
        path = svc.settings.export_dir / row.file
        if not path.is_file():   # removed under it (the retention's sweep): said, and it may be built again
            row.status = "expired"
            flash(W.export_expired(exports.RETENTION.days))
            return redirect(url_for("console.export_page", export_id=export_id))
        workbench.audit(s, person, now, "export_download",
                        detail=W.export_downloaded(row.first, row.last, row.rows_done, FORMAT_WORDS[fmt]),
                        address=_address())
        name = f"台账_{row.first:%Y%m%d}-{row.last:%Y%m%d}.{fmt}"
    return send_file(path.resolve(), as_attachment=True, download_name=name, mimetype=exports.MIMETYPES[fmt], max_age=0)


@bp.route("/analysis", methods=["GET", "POST"])
@login_required
def analysis_page():
    """分析: the weekly or monthly analysis (the page leaders' links open), with what staff write
    into it before it goes to the 常委 — 舆情预判 and 下一步工作 (seed 001); every version kept."""
    svc, now = _svc(), _now()
    kind = request.values.get("kind", "weekly") if request.values.get("kind") in ("weekly", "monthly") else "weekly"
    problems: list[str] = []
    day = _day(request.values.get("day"), now.astimezone(SHANGHAI).date(), problems) \
        or last_complete(kind, now.astimezone(SHANGHAI).date()).first
    for problem in dict.fromkeys(problems):
        flash(problem)
    period = period_of(kind, day)
    with transaction(svc.sessions) as s:
        person = _person(s)
        if person.role not in ("staff", "leader"):
            abort(403)
        if request.method == "POST":
            if person.role != "staff":
                abort(403)
            for section in NOTE_SECTIONS:
                if section in request.form and request.form[section].replace("\r\n", "\n").strip() != \
                        notes_of(s, period).get(section, ""):
                    write_note(s, period, section, request.form[section], person.id, now)
                    workbench.audit(s, person, now, "analysis_note", detail=f"{kind} {period.key} {section}")
            flash(W.NOTES_SAVED)
            return redirect(url_for("console.analysis_page", kind=kind, day=period.key))
        county = current_county(s).name
        a = analyse(s, period, now, workbench.counts_hidden_from(s, person))
        page = render_report(a, county)
        return render_template("console/analysis.html", me=person, a=a, period=period, kind=kind,
                               sections=NOTE_SECTIONS, summary=a.summary(), report=page,
                               previous=period.previous().key, following=period_of(kind, period.last + timedelta(days=1)).key)


@bp.route("/reception", methods=["GET", "POST"])
@login_required
def reception_page():
    """接访日程: staff put the leaders' receptions on the schedule citizens read ("接访")."""
    svc, now = _svc(), _now()
    today = now.astimezone(SHANGHAI).date()
    with transaction(svc.sessions) as s:
        person = _person(s)
        leaders = _leads(s)
        if request.method == "POST":
            if person.role != "staff":
                abort(403)
            try:
                if request.form.get("cancel"):
                    slot = reception.cancel(s, _id(request.form.get("cancel")) or 0)
                    flash(W.RECEPTION_CANCELLED if slot else W.RECEPTION_NOT_FOUND)
                    if slot:
                        workbench.audit(s, person, now, "reception_cancel", detail=f"{slot.day} {slot.leader}")
                else:
                    leader = s.get(Person, _id(request.form.get("leader")) or 0)
                    day = date.fromisoformat(request.form.get("day", ""))
                    if leader is None:
                        raise reception.ReceptionError("reception_leader", name="")
                    slot = reception.add(s, day, request.form.get("hours", ""), leader, request.form.get("place", ""),
                                         request.form.get("note"), today, now, f"staff:{person.id}")
                    workbench.audit(s, person, now, "reception_add", detail=f"{slot.day} {slot.starts}-{slot.ends} {slot.leader}")
                    flash(W.reception_published(slot.day, slot.starts, slot.ends, slot.leader, slot.place))
            except ValueError as exc:
                flash(W.RECEPTION_ERRORS.get(getattr(exc, "code", ""), W.RECEPTION_FORMAT))
            return redirect(url_for("console.reception_page"))
        slots = reception.upcoming(s, today)
        return render_template("console/reception.html", me=person, slots=slots, leaders=leaders, today=today)


# what the record (审计) calls each action: its own word, else the case action's label ("lead" 包案,
# "send_back" 退回 …) — never the action's code on a page
AUDIT = {**{a.name: a.label.split(" / ")[0] for a in actions.ACTIONS.values()}, **AUDIT_WORDS}


def _event_text(e) -> str:
    """An event's words as the history shows them: a 受理's stored complexity as its word
    ("normal" → 一般), numbers masked (shown whole only by 显示号码, which is recorded)."""
    if e.kind == "accepted" and e.text in T.COMPLEXITY_WORDS:
        return T.COMPLEXITY_WORDS[e.text]
    return redact(e.text or "")


@bp.post("/cases/<no>/act")
@login_required
def act(no: str):
    """One action on the case: the same use case as the SMS command, its sentence as the result."""
    action = request.form.get("action", "")
    if action not in actions.ACTIONS:
        abort(400)
    svc, now = _svc(), _now()
    form = {k: request.form.get(k, "").strip() for k in ("text", "unit", "lead", "days", "outcome", "complexity")}
    message, outbox = None, None
    with transaction(svc.sessions) as s:
        person = _person(s)
        p = workbench.find_case(s, person, no, lock=True)
        if p is None:
            abort(404)
        county, gazetteer = svc.county(s.connection())
        outbox = notify.Outbox(s, county, gazetteer, now)
        doing = Act(s, Rules.for_county(county), now, f"{person.role}:{person.id}", person)
        failed, done = None, None
        try:
            done = actions.perform(doing, p, action, _arguments(s, actions.ACTIONS[action], form))
        except Unfilled as exc:
            failed = Failed(action, exc.words, exc.field, form)
        except (CaseError, EveningError) as exc:   # refused: nothing of it is kept
            s.rollback()
            failed = Failed(action, W.NOT_YOURS if exc.code == "not_found" else errors.say(exc),
                            FIELD_OF.get(exc.code), form)
        if done is not None:
            notify.deliver(outbox, done)
            message = done.said
            workbench.audit(s, person, now, action, p.id, detail=_detail(s, form) or None, address=_address())
        else:
            message, outbox = failed.error, None
    if outbox is not None:
        svc.send_later(outbox.outbox_ids, now)
        if outbox.asks:
            with write(svc.engine) as conn:
                asks.record(conn, outbox.asks, now)
    flash(message)
    if request.form.get("back") == "follow_ups":   # the 回访 page's own form
        return redirect(url_for("console.follow_ups_page") + f"#fu-{no}")
    if failed is not None:   # the form again, as typed, its error beside the field (and at the top)
        return _case_page(no, failed)
    return redirect(url_for("console.case", no=no))


# a refusal that is about one field of the form: shown beside it
FIELD_OF = {"extend_too_long": "days", "extend_format": "days", "not_accept_reason": "text",
            "send_back_reason": "text", "reply_empty": "text", "lead_not_leader": "lead", "lead_accused": "lead",
            "assign_to_bureau": "unit", "assign_accused": "unit", "reassign_same": "unit",
            "follow_up_outcome": "outcome", "recused_already": "accused"}


class Unfilled(Exception):
    """A field of the form left empty or not found: its words, said beside it."""

    def __init__(self, field: str, words: str):
        super().__init__(words)
        self.field, self.words = field, words


def _detail(s, form: dict) -> str:
    """What the form said, for the audit trail (a leader by name, not by id)."""
    lead = _lead_of(s, form)
    outcome = citizen_usecases.CALL_OUTCOMES.get(form["outcome"], "")
    return " ".join(x for x in (form["unit"], lead.name if lead else "", form["days"] and f"{form['days']}日",
                                outcome, form["text"]) if x)


def _leads(s, p: Petition | None = None) -> list[Person]:
    """Who may lead a case (包案) or hold a reception: the county's leaders, then the units' heads —
    for a case ``p``, none it accuses nor the head of a unit it accuses (never offered)."""
    people = s.scalars(select(Person).where(Person.active.is_(True), Person.role.in_(LEAD_ROLES))
                       .order_by(Person.role.desc(), Person.id))
    accused = barred(s, p) if p is not None else NOBODY
    return [x for x in people if not accused.bars(x)]


def _lead_of(s, form: dict) -> Person | None:
    lead = s.get(Person, _id(form["lead"])) if _id(form["lead"]) else None
    return lead if lead is not None and lead.active and lead.role in LEAD_ROLES else None


CHOSEN = ("unit", "lead", "outcome", "complexity")   # the fields chosen from a list (请选择 first)


def _arguments(s, action: actions.Action, form: dict):
    """The form's fields read into the action's arguments (core.actions, which checks their rules);
    a field left empty or at 请选择, a unit or person not found, is :class:`Unfilled`."""
    values = {}
    for field in action.asks:
        raw = form["text"] if field.kind in ("text", "note", "accused") else form[field.kind]
        if field.required and not raw:
            raise Unfilled(field.kind, W.choose(field.label) if field.kind in CHOSEN else W.fill_in(field.label))
        if field.kind in ("text", "note"):
            values["text"] = raw
        elif field.kind == "outcome":
            if raw not in citizen_usecases.CALL_OUTCOMES:
                raise Unfilled(field.kind, W.choose(field.label))
            values["outcome"] = raw
        elif field.kind == "complexity":
            if raw and raw not in T.COMPLEXITY_WORDS:
                raise Unfilled(field.kind, W.choose(field.label))
            values["complexity"] = raw or None
        elif field.kind == "unit":
            values["unit"] = find_unit(s, raw)
            if values["unit"] is None:
                raise Unfilled(field.kind, T.unit_not_found(raw))
        elif field.kind == "lead":
            values["lead"] = _lead_of(s, form)
            if values["lead"] is None and raw:   # not a leader (any more), or no such person
                raise Unfilled(field.kind, W.choose(field.label))
        elif field.kind == "days":
            if not raw.isdigit():
                raise Unfilled(field.kind, errors.say(CaseError("extend_too_long", most=STATUTORY_MAX_EXTENSION)))
            values["days"] = int(raw)
        elif field.kind == "accused":
            values["unit"] = find_unit(s, raw)
            values["person"] = None if values["unit"] is not None else find_person(s, raw)
            if values["unit"] is None and values["person"] is None:
                raise Unfilled(field.kind, T.unit_or_person_not_found(raw))
    try:
        return action.args(**values)
    except CaseError as exc:   # a typed value's own rule (延期's days and reason): beside its field
        raise Unfilled(FIELD_OF.get(exc.code) or action.asks[0].kind, errors.say(exc)) from None


def _actor(actor: str | None, names: dict[int, str]) -> str:
    """"staff:3" → 周敏; the system and the petitioner by what they are."""
    role, _, rest = (actor or "").partition(":")
    if rest.isdigit() and int(rest) in names:
        return names[int(rest)]
    if rest == "citizen" or role in ("wechat", "sms"):
        return "信访人"
    return {"system": "系统", "sweep": "系统", "campaign": "七晚批量", "member": "专班成员"}.get(role, role or "系统")


def _said(m) -> str:
    """What the petitioner wrote, as they wrote it (the stored raw message)."""
    try:
        msg = (from_wechat if m.channel == "wechat" else from_sms)(m.raw, m.id, m.received_at)
    except Exception:   # a message we could not read is still shown as stored
        return "（无法解析的消息）"
    if msg.kind == "text" or msg.text:
        return msg.text
    return {"image": "［图片］", "voice": "［语音］", "video": "［视频］", "location": "［位置］"}.get(msg.kind, f"［{msg.kind}］")


def _text_to(m: OutboundMessage, p) -> str:
    """Who a text went to, as the console shows it: the petitioner, or the official's number masked."""
    if m.to in (p.phone, p.openid):
        return "信访人"
    return mask_phone(m.to) if m.to.startswith("+") else m.to[:6] + "…"


# --- 管理: the directory ----------------------------------------------------------------------------

ADMIN_ACTIONS = {"save", "deactivate", "activate", "grant", "revoke", "unbind", "bind_code", "hand_back"}


def _admin(s) -> Person:
    person = _person(s)
    if not person.admin:
        abort(403)
    return person


def _entry(form) -> admin.Entry:
    unit = form.get("unit", "")
    return admin.Entry(name=form.get("name", ""), phone=form.get("phone", ""), role=form.get("role", ""),
                       unit_id=_id(unit), title=form.get("title"), wecom=form.get("wecom"))


@bp.get("/admin")
@login_required
def admin_page():
    """管理: the people of the directory, the units and who can be reached there, the county file."""
    svc = _svc()
    unit_id = _id(request.args.get("unit"))
    with reading(svc.sessions) as s:
        me = _admin(s)
        d = admin.directory(s, unit_id)
        return render_template("console/admin.html", me=me, d=d, unit_id=unit_id, units=_names(s, Unit),
                               roles=ROLES, trail=workbench.admin_trail(s))


@bp.post("/admin/people")
@login_required
def admin_add():
    svc, now = _svc(), _now()
    with transaction(svc.sessions) as s:
        me = _admin(s)
        try:
            person = admin.add_person(s, _entry(request.form))
        except admin.DirectoryError as exc:
            s.rollback()
            flash(errors.say(exc))
            return redirect(url_for("console.admin_page"))
        workbench.audit(s, me, now, "admin_add", detail=f"{person.name}（{ROLE_WORDS[person.role]}）",
                        address=_address(), subject=person)
        person_id, name = person.id, person.name
    flash(W.person_added(name))
    return redirect(url_for("console.admin_person", person_id=person_id))


@bp.get("/admin/people/<int:person_id>")
@login_required
def admin_person(person_id: int):
    svc = _svc()
    with reading(svc.sessions) as s:
        me = _admin(s)
        person = _get(s, Person, person_id) or abort(404)
        return render_template("console/admin_person.html", me=me, x=person, units=_names(s, Unit),
                               roles=ROLES, trail=workbench.admin_trail(s, person))


@bp.post("/admin/people/<int:person_id>")
@login_required
def admin_change(person_id: int):
    """One change to a person: the form's fields, 停用/启用, 管理员, the WeChat binding, the file."""
    action = request.form.get("action", "")
    if action not in ADMIN_ACTIONS:
        abort(400)
    svc, now = _svc(), _now()
    ids: list[int] = []
    with transaction(svc.sessions) as s:
        me = _admin(s)
        person = _get(s, Person, person_id) or abort(404)
        detail = person.name
        try:
            if action == "save":
                changed = admin.change_person(s, person, _entry(request.form), by=me)
                message = W.SAVED if changed else W.UNCHANGED
                detail = f"{person.name}：{'、'.join(changed)}" if changed else None
            elif action in ("deactivate", "activate"):
                admin.set_active(s, person, action == "activate", me)
                message = W.person_active(person.name, action == "activate")
            elif action in ("grant", "revoke"):
                admin.set_admin(s, person, action == "grant", me)
                message = W.person_admin(person.name, action == "grant")
            elif action == "unbind":
                message = W.person_unbound(person.name, admin.unbind(person))
            elif action == "hand_back":
                admin.hand_back(person)
                message = W.person_handed_back(person.name)
            else:
                if not person.active:
                    raise admin.DirectoryError("inactive", name=person.name)
                code = new_bind_code(s, person, now)
                county, _ = svc.county(s.connection())
                days = BIND_TTL // timedelta(days=1)
                said = W.bind_code(county.name, code, days)
                ids = [OutboundMessage.enqueue(s, "sms", person.phone, said, said.key, now, params=list(said.values))]
                message = W.bind_code_sent(person.name, mask_phone(person.phone), days)
        except admin.DirectoryError as exc:
            s.rollback()
            flash(errors.say(exc))
            return redirect(url_for("console.admin_person", person_id=person_id))
        if detail:
            workbench.audit(s, me, now, f"admin_{action}", detail=detail, address=_address(), subject=person)
    svc.send_later(ids, now)
    flash(message)
    return redirect(url_for("console.admin_person", person_id=person_id))
