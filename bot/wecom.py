"""WeCom (企业微信 / 政务微信) app callback (``/wecom``, issue 21): officials' replies from the county's
app, into the same command registry as their texts — in a city, each county's own app at
``/county/<prefix>/wecom``, and the city's own (its bureau's and its departments' people: the
city's own cases, /county/pds/wecom) (docs/city.md). It only translates, as ``bot.wechat`` does.

WeCom's callbacks are always sealed: GET verifies the URL (``echostr``, encrypted, signed with
``msg_signature``: its plaintext is the answer), POST carries an encrypted message (AES with the
app's EncodingAESKey, sealed for the corp id) signed the same way. Every request is checked —
signature (403), the age of its timestamp (403), the XML (400 for DTDs and entities) — through
wechatpy's WeCom crypto. A message is stored raw before anything else (dedupe by its MsgId:
WeCom calls again when an answer is late), handled as the person's text would be, and answered
by a passive reply, encrypted. Someone writing from WeCom who is not in the directory is told so;
nobody petitions from the staff's app.
"""
from __future__ import annotations

import logging
from functools import lru_cache

from flask import Blueprint, Response, current_app, request
from wechatpy.enterprise import WeChatCrypto, parse_message
from wechatpy.enterprise.replies import TextReply
from wechatpy.exceptions import InvalidSignatureException
from wechatpy.enterprise.exceptions import InvalidCorpIdException

from bot.inbound import SEVERAL_COUNTIES, Entrance, entrance, receive
from bot.wechat import safe_xml, too_old, unseal
from core.text import storable
from handlers.message import Inbound

log = logging.getLogger(__name__)
bp = Blueprint("wecom", __name__)


def _plain(text: str, status: int) -> Response:
    return Response(text, status=status, mimetype="text/plain")


@lru_cache(maxsize=4)
def _crypto(token: str, aes_key: str, corp_id: str) -> WeChatCrypto:
    return WeChatCrypto(token, aes_key, corp_id)


@bp.route("/wecom", methods=["GET", "POST"])
def wecom():
    """The deployment's one app (a deployment of one county)."""
    svc = current_app.extensions["xinfang"]
    if svc.several_counties():   # whose officials would write here? each county has its own app
        return _plain(SEVERAL_COUNTIES, 503)
    return _app(svc, svc.settings, None)


@bp.route("/county/<prefix>/wecom", methods=["GET", "POST"])
def county_wecom(prefix: str):
    """A county's own WeCom app (docs/city.md): its token and key are the settings ending in
    _<PREFIX> (WECOM_TOKEN_LS …), its corp the deployment's unless WECOM_CORP_ID_LS; what its
    officials write here is handled as that county's. The city's own app (/county/pds/wecom) is
    its own people's: its bureau and the city departments that answer the city's own cases."""
    svc = current_app.extensions["xinfang"]
    county = entrance(svc, prefix, city=True)
    return _app(svc, svc.settings.for_county(county.prefix), county)


def _app(svc, settings, county: Entrance | None) -> Response:
    problem = settings.wecom_problem()
    if problem:
        return _plain(f"WeCom callback is off: {problem}", 503)
    signature = request.args.get("msg_signature", "")
    timestamp, nonce = request.args.get("timestamp", ""), request.args.get("nonce", "")
    stale = too_old(svc, timestamp)
    if stale:
        return stale
    crypto = _crypto(settings.wecom_token, settings.wecom_aes_key, settings.wecom_corp_id)

    if request.method == "GET":   # the URL's verification: the plaintext of echostr
        try:
            echo = crypto.check_signature(signature, timestamp, nonce, request.args.get("echostr", ""))
        except (InvalidSignatureException, InvalidCorpIdException):
            return _plain("bad signature", 403)
        except Exception:
            return _plain("cannot decrypt", 400)
        return _plain(echo.decode("utf-8") if isinstance(echo, bytes) else echo, 200)

    root = safe_xml(request.get_data(cache=False))
    if root is None:
        return _plain("malformed XML", 400)
    xml = unseal(crypto, root.findtext("Encrypt"), signature, timestamp, nonce, InvalidCorpIdException)
    if isinstance(xml, Response):
        return xml
    try:
        message = parse_message(xml)
    except Exception:
        return _plain("not a WeCom message", 400)
    if message is None or not message.source:
        return _plain("not a WeCom message", 400)

    dedupe = f"msg:{message.id}" if message.id else f"ev:{message.source}:{message.time}"

    def build(inbound_id, now):
        return inbound_from_raw(xml, inbound_id, now)

    got = receive(svc, "wecom", dedupe, message.source, message.type, xml, build, county=county)
    if not got.reply:
        return _plain("", 200)   # WeCom takes an empty answer as "nothing to say"
    reply = TextReply(message=message, content=got.reply, time=int(svc.clock.now().timestamp()))
    return Response(crypto.encrypt_message(reply.render(), nonce, timestamp), status=200,
                    mimetype="application/xml")


def inbound_from_raw(xml: str, inbound_id: int, now) -> Inbound:
    """The Inbound of a stored (decrypted) WeCom message (on arrival, and bot.redeliver)."""
    message = parse_message(xml)
    kind, fields = _translate(message)
    return Inbound(channel="wecom", sender=message.source, kind=kind, received_at=now, inbound_id=inbound_id,
                   **fields)


def _translate(message) -> tuple[str, dict]:
    """A WeCom message → (kind, Inbound fields): a text or a location (the start of a 七晚
    evening) is handled; an event is nothing to answer; anything else is asked for as text —
    its media are WeCom's, not the Official Account's (notifications.media cannot fetch them)."""
    t = message.type
    if t == "text":
        return "text", {"text": storable(message.content or "")}
    if t == "location":
        return "location", {"location": {"x": message.location_x, "y": message.location_y,
                                          "label": message.label or ""}}
    if t == "event":
        return "event", {"event": (getattr(message, "event", "") or "other").lower()}
    return "other", {"extra": {"type": t}}
