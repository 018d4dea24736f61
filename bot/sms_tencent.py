"""Tencent Cloud SMS's callbacks (issue 21, docs/channels.md): the texts people send back to the
county's number (回复短信, ``/sms/tencent/<secret>``) and what became of the texts we sent
(短信下发状态通知, ``/sms/tencent/<secret>/status``).

Tencent signs neither: the secret in the URL (TENCENT_SMS_CALLBACK_SECRET, given only to Tencent's
console) is the authentication, compared in constant time; a wrong one is 403 and nothing is
stored. A reply is stored raw before anything else, under a key of its own content (Tencent's
reply carries no id, and may be called twice: the second finds the first), handled by the same
handlers as any text, and answered by text through the outbox in the same transaction — the
callback's response carries no message. Status reports settle outbox rows by Tencent's SerialNo
(the ``sid``), never moving one backwards.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging

from flask import Blueprint, Response, abort, current_app, request

from bot.inbound import SEVERAL_COUNTIES, Entrance, entrance, receive
from bot.sms import inbound_from_raw
from core.text import escaped, storable
from core.phones import InvalidPhone, normalize_phone
from notifications.outbox import record_status

log = logging.getLogger(__name__)
bp = Blueprint("sms_tencent", __name__)
OK = {"result": 0, "errmsg": "OK"}


def _answer(body: dict, status: int = 200) -> Response:
    return Response(json.dumps(body, ensure_ascii=False), status=status, mimetype="application/json")


def _checked(secret: str, settings=None):
    """The services, when the URL's secret is the configured one (``settings``: a county
    entrance's; else the deployment's) — else 503 or 403."""
    svc = current_app.extensions["xinfang"]
    settings = settings or svc.settings
    problem = settings.tencent_problem()
    if problem:
        abort(_answer({"result": 1, "errmsg": f"Tencent SMS callbacks are off: {problem}"}, 503))
    if not hmac.compare_digest(secret.encode(), settings.tencent_sms_callback_secret.encode()):
        abort(_answer({"result": 1, "errmsg": "forbidden"}, 403))
    return svc


def reply_key(form: dict) -> str:
    """The dedupe key of a reply: its sender, time and words (Tencent gives it no id)."""
    said = f"{form.get('nationcode', '')}|{form.get('mobile', '')}|{form.get('time', '')}|{form.get('text', '')}"
    return "tencent:" + hashlib.sha256(said.encode()).hexdigest()[:48]


@bp.route("/sms/tencent/<secret>", methods=["POST"])
def reply(secret: str):
    """A reply to the deployment's one number (a deployment of one county)."""
    svc = _checked(secret)
    if svc.several_counties():
        return _answer({"result": 1, "errmsg": SEVERAL_COUNTIES}, 503)
    return _reply(svc, None)


@bp.route("/county/<prefix>/sms/tencent/<secret>", methods=["POST"])
def county_reply(prefix: str, secret: str):
    """A reply to a county's own number (docs/city.md: the callback URL given to Tencent's console
    for the county's SDK AppID or signature), with TENCENT_SMS_CALLBACK_SECRET or the county's
    TENCENT_SMS_CALLBACK_SECRET_<PREFIX>."""
    svc = current_app.extensions["xinfang"]
    county = entrance(svc, prefix, city=True)
    _checked(secret, svc.settings.for_county(county.prefix))
    return _reply(svc, county)


def _reply(svc, county: Entrance | None) -> Response:
    form = request.get_json(silent=True)
    if not isinstance(form, dict) or not form.get("mobile") or "text" not in form:
        return _answer({"result": 1, "errmsg": "mobile and text are required"}, 400)
    raw_sender = f"+{form.get('nationcode') or '86'}{form['mobile']}"
    try:
        sender = normalize_phone(raw_sender)
    except InvalidPhone:
        return _answer({"result": 1, "errmsg": "mobile is not a phone number"}, 400)
    form["text"] = storable(str(form["text"]))
    raw = escaped(json.dumps({"provider": "tencent", **form}, ensure_ascii=False))

    def build(inbound_id, now):
        return inbound_from_raw(raw, inbound_id, now)

    receive(svc, "sms", reply_key(form), sender, "sms", raw, build, reply_by_text=True, county=county)
    return _answer(OK)


# Tencent's report_status → the outbox's settled states (Twilio's words, record_status)
REPORTS = {"SUCCESS": "delivered", "FAIL": "undelivered"}


@bp.route("/sms/tencent/<secret>/status", methods=["POST"])
def status(secret: str):
    svc = _checked(secret)
    reports = request.get_json(silent=True)
    if isinstance(reports, dict):
        reports = [reports]
    if not isinstance(reports, list) or not all(isinstance(r, dict) and r.get("sid") for r in reports):
        return _answer({"result": 1, "errmsg": "a list of reports, each with its sid, is required"}, 400)
    now = svc.clock.now()
    for r in reports:
        settled = REPORTS.get(str(r.get("report_status", "")).upper())
        if settled is None:
            continue
        told = record_status(svc.sessions, str(r["sid"]), settled, r.get("errmsg") or None, now, provider="tencent")
        if told is None:
            log.warning("Tencent status %s for unknown message %s", settled, r["sid"])
        svc.send_later(told or [], now)   # staff hear of a failure now, not with the next traffic
    return _answer(OK)
