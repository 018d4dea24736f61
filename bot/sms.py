"""SMS adapter (``/sms``): Twilio's inbound form post in, TwiML out.

The post is checked against X-Twilio-Signature with the auth token, over the URL Twilio called
(PUBLIC_BASE_URL + path when behind a proxy); invalid → 403 and nothing stored. A repeated
MessageSid is answered once: the repeat gets an empty TwiML response, so no second SMS is sent.

``/sms/status`` takes Twilio's status callbacks for the texts we sent (signature-checked the same
way) and settles them in the outbox: delivered, undelivered, failed.
"""
from __future__ import annotations

import json
import logging

from flask import Blueprint, Response, current_app, request
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from bot.inbound import SEVERAL_COUNTIES, Entrance, entrance, receive
from core.text import escaped, storable
from core.phones import InvalidPhone, normalize_phone
from handlers.message import Inbound
from notifications.outbox import record_status

log = logging.getLogger(__name__)
bp = Blueprint("sms", __name__)


def _twiml(text: str | None) -> Response:
    resp = MessagingResponse()
    if text:
        resp.message(text)
    return Response(str(resp), status=200, mimetype="application/xml")


def inbound_from_raw(raw: str, inbound_id: int, now) -> Inbound:
    """The Inbound of a stored text: Twilio's form, or Tencent Cloud SMS's reply (bot.sms_tencent;
    the webhooks' and bot.redeliver's)."""
    form = json.loads(raw)
    if form.get("provider") == "tencent":
        sender = normalize_phone(f"+{form.get('nationcode') or '86'}{form['mobile']}")
        return Inbound(channel="sms", sender=sender, kind="text", text=storable(str(form.get("text", ""))),
                       received_at=now, inbound_id=inbound_id)
    sender_raw = form.get("From", "")
    try:
        sender = normalize_phone(sender_raw)
    except InvalidPhone:
        sender = sender_raw[:64]
    body = storable(form.get("Body", ""))
    media = int(form.get("NumMedia", "0") or 0) if (form.get("NumMedia") or "0").isdigit() else 0
    if media and not body.strip():
        return Inbound(channel="sms", sender=sender, kind="image", received_at=now, inbound_id=inbound_id,
                       url=form.get("MediaUrl0"))
    return Inbound(channel="sms", sender=sender, kind="text", text=body, received_at=now, inbound_id=inbound_id)


def public_url(base: str | None) -> str:
    """The URL Twilio signed: the configured public base plus path and query, else what we saw."""
    if base:
        return base + request.full_path.rstrip("?") if request.query_string else base + request.path
    return request.url


def _checked_form(settings) -> tuple[dict | None, Response | None]:
    problem = settings.sms_problem()
    if problem:
        return None, Response(f"SMS channel is off: {problem}", status=503, mimetype="text/plain")
    form = request.form.to_dict(flat=True)
    validator = RequestValidator(settings.twilio_auth_token)
    if not validator.validate(public_url(settings.public_base_url), form,
                              request.headers.get("X-Twilio-Signature", "")):
        return None, Response("bad signature", status=403, mimetype="text/plain")
    return form, None


@bp.route("/sms/status", methods=["POST"])
def sms_status():
    svc = current_app.extensions["xinfang"]
    form, refused = _checked_form(svc.settings)
    if refused is not None:
        return refused
    sid, status = form.get("MessageSid") or form.get("SmsSid"), form.get("MessageStatus") or form.get("SmsStatus")
    if not sid or not status:
        return Response("MessageSid and MessageStatus are required", status=400, mimetype="text/plain")
    now = svc.clock.now()
    told = record_status(svc.sessions, sid, status, form.get("ErrorCode"), now)
    if told is None:
        log.warning("status %s for unknown message %s", status, sid)
    svc.send_later(told or [], now)   # staff hear of a failure now, not with the next traffic
    return Response("", status=204)


@bp.route("/sms", methods=["POST"])
def sms():
    """The deployment's one number (a deployment of one county)."""
    svc = current_app.extensions["xinfang"]
    if svc.several_counties():
        return Response(SEVERAL_COUNTIES, status=503, mimetype="text/plain")
    return _text(svc, svc.settings, None)


@bp.route("/county/<prefix>/sms", methods=["POST"])
def county_sms(prefix: str):
    """A county's own number (docs/city.md: Twilio's number of the county calls this path, signed
    with the account's TWILIO_AUTH_TOKEN, or the county's TWILIO_AUTH_TOKEN_<PREFIX>)."""
    svc = current_app.extensions["xinfang"]
    county = entrance(svc, prefix, city=True)
    return _text(svc, svc.settings.for_county(county.prefix), county)


def _text(svc, settings, county: Entrance | None) -> Response:
    form, refused = _checked_form(settings)
    if refused is not None:
        return refused

    sid = form.get("MessageSid") or form.get("SmsSid")
    sender_raw = form.get("From", "")
    if not sid or not sender_raw:
        return Response("MessageSid and From are required", status=400, mimetype="text/plain")
    try:
        sender = normalize_phone(sender_raw)
    except InvalidPhone:
        sender = sender_raw[:64]
    raw = escaped(json.dumps(form, ensure_ascii=False))

    def build(inbound_id, now):
        return inbound_from_raw(raw, inbound_id, now)

    got = receive(svc, "sms", sid, sender, "sms", raw, build, county=county)
    if got.duplicate:
        return _twiml(None)
    return _twiml(got.reply)
