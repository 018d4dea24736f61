"""The console under attack (issue 29, items 5, 6, 7, 12), through its real interfaces: the Flask
test client as a browser without JavaScript (cookies, CSRF tokens, addresses as the server sees
them), Debian's chromium where the browser itself must obey (the CSP), Tencent's and Twilio's
local stubs where the code must arrive.

5. A session is the server's: signing out, being stopped, a changed role or 管理 end it — an old
   cookie replayed opens nothing; the cookie lives for the browser's session, HttpOnly, Lax,
   Secure over HTTPS; the pages carry a CSP, X-Frame-Options, nosniff, a referrer policy and
   no-store.
6. The audit trail's address is the connection's, or the trusted proxy's — never a header a
   client sends itself (nginx end to end: tests/test_serve.py).
7. A number on file and one that is not are answered alike, "too frequent" included; one
   address's flood stops that address, not the official asking from theirs, nor their code.
12. The outbox row holds no code in clear; the text delivered carries it.
"""
from __future__ import annotations

import dataclasses
import hashlib
import re

import pytest
from sqlalchemy import select, update

from bot.app import create_app
from core.workplace import signin
from core.store.models import AuditEvent, ConsoleCode, ConsoleSession, OutboundMessage, Person
from tests.test_cases import LIAISON, STAFF
from tests.test_console import CHROMIUM, browser, live  # noqa: F401  (fixtures: chromium, the app on loopback)
from tests.test_console import sign_in as browser_sign_in

WATER = "+8613700000031"      # 孙丽, 县水利局
NOBODY = "+8613912345678"     # a number nobody has on file
HOME = "10.0.0.5"             # the official's own network
ATTACKER = "203.0.113.9"


def token_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def flash_of(html: str) -> str:
    return re.search(r'<div class="flash" role="status">([^<]*)</div>', html).group(1)


def ask(client, phone: str, address: str = HOME, headers: dict | None = None, **kw):
    """What a browser does: open the sign-in page, give the number."""
    at = {"environ_base": {"REMOTE_ADDR": address}, "headers": headers or {}, **kw}
    page = client.get("/console/login", **at)
    return client.post("/console/login", data={"phone": phone[3:], "csrf_token": token_of(page.text)}, **at)


def code_to(sms_out, phone: str) -> str:
    return re.search(r"验证码(\d{6})", [b for to, b in sms_out.sent if to == phone][-1]).group(1)


def answer(client, phone: str, code: str, page, address: str = HOME, headers: dict | None = None, **kw):
    return client.post("/console/login/code", data={"phone": phone, "code": code, "csrf_token": token_of(page.text)},
                       environ_base={"REMOTE_ADDR": address}, headers=headers or {}, **kw)


def sign_in(client, sms_out, phone: str, address: str = HOME, headers: dict | None = None, **kw):
    page = ask(client, phone, address, headers, **kw)
    got = answer(client, phone, code_to(sms_out, phone), page, address, headers, **kw)
    assert got.status_code == 302 and "/console/login" not in got.location, got.text[:500]
    return got


def signed_out(response) -> bool:
    return response.status_code == 302 and "/console/login" in response.location


def a_case(peer) -> str:
    reply = peer.text_sms(STAFF, "登记 走访 下汤镇林楼村 王五 13912340000 1 家门口的路灯坏了半年没人修")
    return re.search(r"LS-\d{8}-\d{4}", reply).group(0)


# --- 5. sessions --------------------------------------------------------------------------------

def test_a_cookie_saved_before_signing_out_opens_nothing_after(app, peer, sms_out, db):
    no = a_case(peer)
    browser = app.test_client()
    sign_in(browser, sms_out, STAFF)
    saved = browser.get_cookie("session").value
    case = browser.get(f"/console/cases/{no}")
    assert case.status_code == 200 and no in case.text
    browser.post("/console/logout", data={"csrf_token": token_of(case.text)})

    thief = app.test_client()                      # the cookie copied before 退出, replayed after
    thief.set_cookie("session", saved)
    assert signed_out(thief.get(f"/console/cases/{no}"))
    assert signed_out(thief.get("/console/"))
    revealed = thief.post(f"/console/cases/{no}/reveal", data={"csrf_token": token_of(case.text)})
    assert "13912340000" not in revealed.text and revealed.status_code in (302, 400)
    db.rollback()
    row = db.scalars(select(ConsoleSession)).one()
    assert row.ended_why == "signed_out" and row.ended_at is not None
    assert saved not in {row.token_hash} and len(row.token_hash) == 64          # the id itself is not stored
    assert [a for a, in db.execute(select(AuditEvent.action).where(AuditEvent.petition_id.is_not(None)))] == ["view"]


def test_an_idle_or_old_session_ends_on_the_server_row(app, sms_out, clock, db):
    browser = app.test_client()
    sign_in(browser, sms_out, STAFF)
    for _ in range(24):                            # busy all day: half an hour at a time, never idle …
        clock.advance(minutes=29)
        assert browser.get("/console/").status_code == 200
    clock.advance(minutes=29)                      # … and 12 hours after signing in it ends anyway
    gone = browser.get("/console/")
    assert signed_out(gone) and "登录已过期" in browser.get(gone.location).text
    sign_in(browser, sms_out, STAFF, address="10.0.0.6")
    clock.advance(minutes=31)                      # idle for 31 minutes
    assert signed_out(browser.get("/console/"))
    db.rollback()
    assert [r.ended_why for r in db.scalars(select(ConsoleSession).order_by(ConsoleSession.id))] == ["expired", "idle"]


def test_stopping_a_person_or_changing_their_role_or_admin_ends_their_sessions(app, sms_out, db):
    db.execute(update(Person).where(Person.phone == STAFF).values(admin=True))      # 周敏 administers
    db.commit()
    admin = app.test_client()
    sign_in(admin, sms_out, STAFF, address="10.0.0.2")
    cadre, water, other = app.test_client(), app.test_client(), app.test_client()
    sign_in(cadre, sms_out, LIAISON, address="10.0.0.3")
    sign_in(water, sms_out, WATER, address="10.0.0.4")
    sign_in(other, sms_out, "+8613700000021", address="10.0.0.7")
    for c in (cadre, water, other):
        assert c.get("/console/").status_code == 200

    def change(phone: str, action: str, **fields):
        db.rollback()
        person = db.scalars(select(Person).where(Person.phone == phone)).one()
        page = admin.get(f"/console/admin/people/{person.id}")
        data = {"action": action, "csrf_token": token_of(page.text), "name": person.name, "phone": person.phone,
                "role": person.role, "unit": str(person.unit_id or ""), "title": person.title or "",
                "wecom": person.wecom_userid or "", **fields}
        assert admin.post(f"/console/admin/people/{person.id}", data=data).status_code == 302

    change(LIAISON, "deactivate")                  # transferred: stopped
    change(WATER, "grant")                         # made an administrator: signs in again to have it
    change("+8613700000021", "save", role="cadre")  # liaison → cadre
    for c in (cadre, water, other):
        assert signed_out(c.get("/console/"))
    assert "账号信息已变更" in water.get("/console/login").text
    assert admin.get("/console/admin").status_code == 200            # the administrator's own session stays
    db.rollback()
    ended = {p: why for p, why in db.execute(select(Person.phone, ConsoleSession.ended_why)
                                             .join(Person, Person.id == ConsoleSession.person_id))}
    assert ended == {STAFF: None, LIAISON: "stopped", WATER: "changed", "+8613700000021": "changed"}


def test_the_cookie_lives_for_the_browser_session_and_is_secure_over_https(app, services, sms_out):
    browser = app.test_client()
    got = sign_in(browser, sms_out, STAFF)
    cookie = got.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Expires" not in cookie and "Max-Age" not in cookie                      # not 31 days
    assert "Secure" not in cookie                                                   # plain HTTP on loopback
    tls = app.test_client()
    got = sign_in(tls, sms_out, LIAISON, base_url="https://xinfang.example.gov.cn",     # as a browser over HTTPS:
                  headers={"Referer": "https://xinfang.example.gov.cn/console/login"})  # same-origin Referer (CSRF)
    assert "Secure" in got.headers["Set-Cookie"]
    services.settings = dataclasses.replace(services.settings, https=True)          # XINFANG_HTTPS=1: TLS ends
    behind = create_app({"SERVICES": services, "TESTING": True}).test_client()      # before the app
    got = sign_in(behind, sms_out, WATER, address="10.0.0.8")
    assert "Secure" in got.headers["Set-Cookie"]


def test_every_console_page_carries_the_security_headers(app, peer, sms_out):
    no = a_case(peer)
    browser = app.test_client()
    login = browser.get("/console/login")
    sign_in(browser, sms_out, STAFF)
    for page in (login, browser.get("/console/"), browser.get(f"/console/cases/{no}"), browser.get("/console/stats"),
                 browser.get(f"/console/cases/{no}/events"), browser.get(f"/console/cases?q={no}")):
        h = page.headers
        assert page.status_code == 200
        csp = h["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
        assert (h["X-Frame-Options"], h["X-Content-Type-Options"], h["Referrer-Policy"]) == \
            ("DENY", "nosniff", "same-origin")
        assert h["Cache-Control"] == "no-store"
    assert "no-store" not in browser.get("/console/static/console.css").headers.get("Cache-Control", "")


# --- 6. the address --------------------------------------------------------------------------------

def test_a_forged_address_from_a_direct_client_is_never_stored(app, services, peer, sms_out, db):
    no = a_case(peer)
    forged = {"X-Real-IP": "8.8.8.8", "X-Forwarded-For": "8.8.8.8"}
    browser = app.test_client()
    sign_in(browser, sms_out, STAFF, address="10.1.2.3", headers=forged)
    browser.get(f"/console/cases/{no}", environ_base={"REMOTE_ADDR": "10.1.2.3"}, headers=forged)
    db.rollback()
    assert set(db.scalars(select(AuditEvent.address))) == {"10.1.2.3"}

    # told it is behind its proxy (XINFANG_TRUSTED_PROXY=1, as `xinfang serve` sets with nginx):
    # the address the proxy forwards, which it overwrites (bot/templates/nginx.conf)
    services.settings = dataclasses.replace(services.settings, trusted_proxy=1)
    proxied = create_app({"SERVICES": services, "TESTING": True}).test_client()
    sign_in(proxied, sms_out, LIAISON, address="127.0.0.1", headers={"X-Real-IP": "36.112.4.7",
                                                                     "X-Forwarded-For": "36.112.4.7"})
    db.rollback()
    assert db.scalars(select(AuditEvent.address).where(AuditEvent.action == "sign_in")
                      .order_by(AuditEvent.id.desc())).first() == "36.112.4.7"


# --- 7. signing in --------------------------------------------------------------------------------

def _said(response) -> tuple[int, str]:
    return response.status_code, flash_of(response.text)


def test_a_number_on_file_and_one_not_are_answered_alike(app, sms_out, clock, db):
    known, unknown = app.test_client(), app.test_client()
    first = (_said(ask(known, STAFF)), _said(ask(unknown, NOBODY)))
    assert first[0] == first[1] == (200, "如该号码已登记在名录中，验证码已发送，10分钟内有效。")
    clock.advance(seconds=20)                       # again at once: too frequent — for both
    again = (_said(ask(known, STAFF)), _said(ask(unknown, NOBODY)))
    assert again[0] == again[1] and again[0][0] == 429 and "过于频繁，请于" in again[0][1], again
    page = ask(known, STAFF).text                    # and it does not also say a code was just sent
    assert "过于频繁" in page and "验证码已发往" not in page and "请输入此前收到的验证码" in page
    clock.advance(minutes=1)
    for _ in range(4):                              # five a day from one address: the sixth waits — for both
        assert _said(ask(known, STAFF)) == _said(ask(unknown, NOBODY))
        clock.advance(minutes=2)
    sixth = (_said(ask(known, STAFF)), _said(ask(unknown, NOBODY)))
    assert sixth[0] == sixth[1] and sixth[0][0] == 429, sixth
    # the pages differ only in the number shown masked
    a, b = ask(known, STAFF).text, ask(unknown, NOBODY).text
    def strip(html: str) -> str:   # the CSRF tokens (the browser's own), the number as given
        html = re.sub(r'(value="|"X-CSRFToken": ")[^"]*"', "", html)
        return html.replace("137****0001", "N").replace("139****5678", "N")
    assert strip(a) == strip(b)
    assert not any(to == NOBODY for to, _ in sms_out.sent) and sum(to == STAFF for to, _ in sms_out.sent) == 5
    db.rollback()                                    # both counted alike; the number never kept in clear
    rows = db.scalars(select(ConsoleCode)).all()
    assert len(rows) == 10 and sum(r.person_id is None for r in rows) == 5
    assert not any("13700000001" in str(v) or "13912345678" in str(v) for r in rows for v in vars(r).values())


def test_a_flood_from_one_address_locks_out_that_address_not_the_official(app, sms_out, clock, db):
    attacker = app.test_client()
    for i in range(6):                               # an outsider asks for 周敏's code all morning
        ask(attacker, STAFF, ATTACKER)
        clock.advance(minutes=2)
    assert _said(ask(attacker, STAFF, ATTACKER))[0] == 429
    his = ask(attacker, STAFF, ATTACKER)
    for _ in range(6):                               # and answers wrong, again and again
        answer(attacker, STAFF, "000000", his, ATTACKER)
    zhou = app.test_client()                         # 周敏, at her desk: a code, and it works
    hers = ask(zhou, STAFF, HOME)
    assert _said(hers) == (200, "如该号码已登记在名录中，验证码已发送，10分钟内有效。")
    mine = code_to(sms_out, STAFF)
    for _ in range(6):                               # the outsider's wrong answers meanwhile count against his own
        answer(attacker, STAFF, "000000" if mine != "000000" else "111111", his, ATTACKER)
    assert answer(attacker, STAFF, mine, his, ATTACKER).status_code == 401        # her code, in his browser: no
    assert answer(zhou, STAFF, mine, hers, HOME).status_code == 302               # in hers: signed in


def test_one_address_asking_for_many_numbers_is_stopped_and_the_overall_ceiling_holds(app, sms_out, clock,
                                                                                      monkeypatch):
    scanner = app.test_client()
    numbers = [f"+86139{i:08d}" for i in range(1, 12)]
    said = [_said(ask(scanner, n, "2001:db8:7:7::1")) for n in numbers[:10]]
    assert {s for s, _ in said} == {200}
    blocked = _said(ask(scanner, numbers[10], "2001:db8:7:7::99"))        # the same /64: the same address
    assert blocked[0] == 429 and "本网络请求验证码过于频繁" in blocked[1]
    assert _said(ask(app.test_client(), STAFF, "2001:db8:7:8::1"))[0] == 200    # the next network is served
    clock.advance(minutes=11)
    assert _said(ask(scanner, numbers[10], "2001:db8:7:7::99"))[0] == 200      # ten minutes on: again
    monkeypatch.setattr(signin, "OVERALL_MAX", 2)                          # a flood from many addresses
    assert _said(ask(app.test_client(), numbers[0], "198.51.100.1"))[0] == 200
    busy = _said(ask(app.test_client(), LIAISON, "198.51.100.2"))
    assert busy[0] == 429 and "系统繁忙" in busy[1]


# --- 12. the code in the outbox --------------------------------------------------------------------

def _no_code_in(row: OutboundMessage, code: str) -> bool:
    return code not in row.body and code not in str(row.params) and "验证码******" in row.body


def test_the_outbox_keeps_no_code_in_clear_and_the_text_carries_it(app, sms_out, db):
    browser = app.test_client()
    sign_in(browser, sms_out, STAFF)
    code = code_to(sms_out, STAFF)                   # the console backend delivered the real code
    db.rollback()
    row = db.scalars(select(OutboundMessage).where(OutboundMessage.purpose == "console_code")).one()
    assert row.status == "sent" and _no_code_in(row, code)
    assert row.params == {"t": "console_code", "v": ["******"]}                    # the sealed part erased once sent
    hashes = [c.code_hash for c in db.scalars(select(ConsoleCode))]
    assert hashlib.sha256(code.encode()).hexdigest() not in hashes                  # keyed: no table of a million


def test_a_queued_code_is_sealed_and_tencent_gets_it_as_its_template(app, services, db, clock):
    from peers.apis import TencentSmsApiStub
    from notifications.sms import TencentSms
    stub = TencentSmsApiStub()
    try:
        services.sms = TencentSms(stub.secret_id, stub.secret_key, stub.app_id, api_base=stub.base_url, timeout=3)
        services.settings = dataclasses.replace(services.settings, outbox_delivery="queue", redis_url=None)
        services.send_later = lambda ids, now: None             # a worker's, later (Redis away: the minute's flush)
        got = ask(app.test_client(), STAFF)
        db.rollback()
        assert db.scalars(select(OutboundMessage)).all() == []     # the answer leaves first …
        got.close()                                                 # … the SMS is written when it has
        db.rollback()
        row = db.scalars(select(OutboundMessage).where(OutboundMessage.purpose == "console_code")).one()
        assert row.status == "queued" and "sealed" in row.params and row.params["v"] == ["******"]
        services.deliver(None, clock.now())
        [got] = [r for r in stub.received if r["PhoneNumber"] == STAFF]
        code = got["TemplateParamSet"][0]
        assert code.isdigit() and len(code) == 6
        db.rollback()
        row = db.get(OutboundMessage, row.id)
        assert row.status == "sent" and _no_code_in(row, code) and "sealed" not in row.params
    finally:
        stub.close()


def test_twilio_gets_the_whole_text_with_its_code(app, services, stub, db):
    from notifications.sms import TwilioSms
    services.sms = TwilioSms(stub.account_sid, stub.auth_token, "+15005550006", base_url=stub.base_url, timeout=3)
    ask(app.test_client(), STAFF)
    [got] = [r for r in stub.received if r["To"] == STAFF]
    code = re.search(r"验证码(\d{6})，10分钟内有效", got["Body"]).group(1)
    db.rollback()
    assert _no_code_in(db.scalars(select(OutboundMessage).where(OutboundMessage.purpose == "console_code")).one(), code)


# --- the browser obeys the CSP, and the pages still work under it ----------------------------------

@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (apt install chromium)")
def test_the_pages_work_under_the_csp_in_a_real_browser(live, browser, peer, sms_out):
    no = a_case(peer)
    page = browser_sign_in(browser, live, sms_out, STAFF)
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(246, 247, 249)"   # console.css
    page.goto(f"{live}/console/cases/{no}")
    page.get_by_role("button", name="显示号码").click()                   # htmx, under script-src 'self'
    page.wait_for_selector("text=+8613912340000")
    page.goto(f"{live}/console/stats")
    page.get_by_role("link", name="分析", exact=True).click()
    frame = page.frame_locator("iframe.report")                           # the analysis's own <style>, by its nonce
    assert frame.locator("body").evaluate("b => getComputedStyle(b).maxWidth") == "760px"
    assert refused == []
    injected = page.evaluate("""() => { const s = document.createElement('style'); s.textContent =
        'body{background:rgb(1, 2, 3)}'; document.head.appendChild(s);
        return getComputedStyle(document.body).backgroundColor }""")
    assert injected == "rgb(246, 247, 249)"                               # an injected style is refused
