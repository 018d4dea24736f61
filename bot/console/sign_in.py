"""Signing in to the console (core.workplace.signin): /login asks a one-time code by SMS, /login/code opens
a server-side session, /logout ends it; the session cookie (only in /console), CSRF for the whole
app (the signed webhooks exempt), the login manager re-reading the person each request, and the
client's address from a trusted proxy."""
from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass

from flask import (Flask, Response, current_app, flash, g, make_response, redirect, render_template, request, session,
                   url_for)
from flask.sessions import SecureCookieSessionInterface
from flask_login import LoginManager, UserMixin, current_user, login_required, login_user, logout_user
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import select
from werkzeug.middleware.proxy_fix import ProxyFix

from bot.console.common import bp, client_address, clock_now, everyone, services
from bot import sms, sms_tencent, wechat, wecom
from core.workplace import signin, workbench
from core.phones import InvalidPhone, normalize_phone
from core.store.db import reading, transaction
from core.store import scope
from core.store.models import County, OutboundMessage, Person
from core.words import console as W
from notifications import sealed
from notifications.report_html import secret_key

log = logging.getLogger(__name__)

login_manager = LoginManager()
login_manager.login_view = "console.login"
login_manager.login_message = W.LOGIN_FIRST
IDLE, LONGEST = signin.IDLE, signin.LONGEST


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
    city: int | None = None     # the city's people: the city (its counties' roll-up, drill-down, 督办)

    def get_id(self) -> str:
        return self.token


@login_manager.user_loader
def _load(token: str) -> Official | None:
    """The session the cookie's id opens, if the server's row still lets it in: not signed out,
    not idle for 30 minutes nor 12 hours old (the county's clock), the person in use with the
    role, unit and 管理 they signed in with. A session found over is ended, and says why."""
    svc, now = services(), clock_now()
    with reading(svc.sessions) as s:
        found = signin.find_session(everyone(s), token)
        if found is None:
            return None
        row, person = found
        why = signin.why_over(row, person, now)
        live, stale = row.ended_at is None, now - row.seen_at >= signin.SEEN_EVERY
        who = None if why else Official(person.id, person.name, person.role, person.unit_id, person.admin, token)
        if who is not None:
            g.county_id = person.county_id     # the request is the person's county's (docs/city.md)
            if s.get(County, person.county_id).kind == "city":
                g.city_id = who.city = person.county_id
    if why is not None:
        if live:
            with transaction(svc.sessions) as s:
                signin.end(everyone(s), row.id, now, why)
        g.session_ended = why
        return None
    if stale:   # the last use, to the minute (a write a minute, not one a request)
        with transaction(svc.sessions) as s:
            signin.seen(everyone(s), row.id, now)
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


def set_up(app: Flask) -> None:
    """Sign-in on ``app``: the session cookie, CSRF (exempting the signed webhooks), the login
    manager, and the client's address from a trusted proxy when there is one."""
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
    same words, the same status, after the same work (core.workplace.signin); only a person of the
    directory is sent anything."""
    if request.method == "GET":
        return render_template("console/login.html", phone=None)
    try:
        phone = normalize_phone(request.form.get("phone", ""))
    except InvalidPhone:
        flash(W.BAD_PHONE)
        return render_template("console/login.html", phone=None), 400
    svc, now, address = services(), clock_now(), client_address()
    with transaction(svc.sessions) as s:
        asked = signin.ask_code(everyone(s), phone, address, _asker(), now, _signin_key())
        county_id = _county_of(s, asked.person_id)
        if asked.retry_at is None:   # the text made (and sealed) alike; one audit row either way
            county, _ = svc.county(s.connection(), county_id)
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
                ids = [OutboundMessage.enqueue(s, "sms", phone, body, "console_code", now, params=params,
                                               county_id=county_id)]
            svc.send_later(ids, now)
    if svc.settings.outbox_delivery == "inline":   # the tests', the demo's: sent before the page
        send()
    else:   # written, and the worker woken, once the answer has left: it waits for neither, so a
        # number on file is answered in the time one nobody has is (bench/signin.py)
        response.call_on_close(_logged(send))
    return response


def _county_of(s, person_id: int | None) -> int | None:
    """The county of the person asking (their audit row and code are that county's); a number
    nobody has is the city's to audit (the deployment's front door). None in a deployment of one
    county: its only county, as ever."""
    if not services().several_counties():
        return None
    if person_id is not None:
        county_id = s.get(Person, person_id).county_id
    else:
        county_id = s.scalar(select(County.id).order_by(County.kind != "city", County.id).limit(1))
    scope.bind(s, county_id)
    return county_id


def _logged(fn):
    def run() -> None:
        try:
            fn()
        except Exception:   # after the answer: nobody to tell but the log (the person asks again)
            log.exception("console code not written")
    return run


@bp.post("/login/code")
def login_code():
    svc, now, address = services(), clock_now(), client_address()
    phone, code = request.form.get("phone", ""), request.form.get("code", "")
    try:
        phone = normalize_phone(phone)
    except InvalidPhone:
        pass   # answered like any wrong code
    with transaction(svc.sessions) as s:
        person = signin.check_code(everyone(s), phone, code, _asker(), now, _signin_key())
        if person is not None:
            scope.bind(s, person.county_id)   # the audit row is the person's county's
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
    svc, now = services(), clock_now()
    with transaction(svc.sessions) as s:
        found = signin.find_session(everyone(s), current_user.token)
        if found is not None:
            signin.end(s, found[0].id, now, "signed_out")
    logout_user()
    session.clear()
    flash(W.SIGNED_OUT)
    return redirect(url_for("console.login"))
