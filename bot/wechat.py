"""WeChat Official Account adapter (``/wechat``): it only translates (cf. Zulip's webhooks).

GET is the echostr handshake. POST carries a message as XML, plain or — in safe mode
(``encrypt_type=aes``) — AES-encrypted and signed with ``msg_signature``. Every request is
checked: signature (403), age of its timestamp (403 when older than WECHAT_MAX_AGE), in
plaintext mode that its timestamp and nonce signed no other message (403), and the XML
itself (400 for DTDs and entity declarations, which WeChat never sends). Replies are passive
text replies, encrypted in safe mode. An empty reply is answered "success", as WeChat asks.
"""
from __future__ import annotations

import logging
from functools import lru_cache
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from flask import Blueprint, Response, current_app, request
from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.replies import TextReply
from wechatpy.utils import check_signature

from bot.inbound import SEVERAL_COUNTIES, Entrance, entrance, receive
from core.store.inbox import ReusedRequest
from core.text import storable
from handlers.message import Inbound

log = logging.getLogger(__name__)
bp = Blueprint("wechat", __name__)


def _plain(text: str, status: int) -> Response:
    return Response(text, status=status, mimetype="text/plain")


def safe_xml(body: bytes | str):
    """The parsed root when the body is well-formed XML without DTDs or entities (billion laughs,
    XXE); None otherwise."""
    try:
        return fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (DefusedXmlException, ParseError, ValueError, TypeError):
        return None


def too_old(svc, timestamp: str) -> Response | None:
    """The 403 for a signed request whose timestamp is missing or older than WECHAT_MAX_AGE (a
    request seen once — a log, a proxy — cannot be played again later); None when it is fresh."""
    try:
        sent_at = int(timestamp)
    except ValueError:
        return _plain("missing or bad timestamp", 403)
    if abs(svc.clock.now().timestamp() - sent_at) > svc.settings.wechat_max_age:
        return _plain("request too old", 403)
    return None


def unseal(crypto, encrypted: str | None, signature: str, timestamp: str, nonce: str, foreign: type) -> str | Response:
    """The XML sealed in an ``<Encrypt>`` (WeChat's safe mode, WeCom's callbacks) by wechatpy's
    crypto; else the answer: 403 for a wrong signature or one sealed for another account
    (``foreign``: its exception), 400 for what does not decrypt or is not safe XML."""
    if not encrypted:
        return _plain("cannot decrypt", 400)
    try:
        # the envelope is already parsed: hand wechatpy the field, not the body to parse again
        xml = crypto.decrypt_message({"Encrypt": encrypted}, signature, timestamp, nonce)
    except (InvalidSignatureException, foreign):
        return _plain("bad signature", 403)
    except Exception:  # wrong key, broken padding: not from WeChat
        return _plain("cannot decrypt", 400)
    return xml if safe_xml(xml) is not None else _plain("malformed XML", 400)


@lru_cache(maxsize=4)
def _crypto(token: str, aes_key: str, app_id: str) -> WeChatCrypto:
    return WeChatCrypto(token, aes_key, app_id)


@bp.route("/wechat", methods=["GET", "POST"])
def wechat():
    """The deployment's one Official Account (a deployment of one county)."""
    svc = current_app.extensions["xinfang"]
    if svc.several_counties():
        return _plain(SEVERAL_COUNTIES, 503)
    return _account(svc, svc.settings, None)


@bp.route("/county/<prefix>/wechat", methods=["GET", "POST"])
def county_wechat(prefix: str):
    """A county's own Official Account (docs/city.md): its token, AppID and AES key are the
    settings ending in _<PREFIX> (WECHAT_TOKEN_LS …); what comes here is that county's."""
    svc = current_app.extensions["xinfang"]
    county = entrance(svc, prefix, city=True)
    return _account(svc, svc.settings.for_county(county.prefix), county)


def _account(svc, settings, county: Entrance | None) -> Response:
    problem = settings.wechat_problem()
    if problem:
        return _plain(f"WeChat channel is off: {problem}", 503)

    signature = request.args.get("signature", "")
    timestamp, nonce = request.args.get("timestamp", ""), request.args.get("nonce", "")
    stale = too_old(svc, timestamp)
    if stale:
        return stale
    try:
        check_signature(settings.wechat_token, signature, timestamp, nonce)
    except InvalidSignatureException:
        return _plain("bad signature", 403)

    if request.method == "GET":
        return _plain(request.args.get("echostr", ""), 200)

    body = request.get_data(cache=False)   # at most MAX_BODY_BYTES: Flask refused a larger one unread
    root = safe_xml(body)
    if root is None:
        return _plain("malformed XML", 400)

    crypto = None
    if settings.wechat_safe_mode:
        if request.args.get("encrypt_type") != "aes":
            return _plain("this account runs in safe mode: encrypt_type=aes expected", 403)
        crypto = _crypto(settings.wechat_token, settings.wechat_aes_key, settings.wechat_app_id)
        xml = unseal(crypto, root.findtext("Encrypt"), request.args.get("msg_signature", ""), timestamp, nonce,
                     InvalidAppIdException)
        if isinstance(xml, Response):
            return xml
    else:
        xml = body.decode("utf-8", errors="replace")

    try:
        message = parse_message(xml)
    except Exception:
        return _plain("not a WeChat message", 400)
    if message is None or not message.source:
        return _plain("not a WeChat message", 400)

    kind, fields = _translate(message)
    dedupe = f"msg:{message.id}" if message.id else f"ev:{message.source}:{message.time}"

    def build(inbound_id, now):
        return Inbound(channel="wechat", sender=message.source, kind=kind, received_at=now,
                       inbound_id=inbound_id, **fields)

    # In plaintext mode the signature covers only token, timestamp and nonce, not the body: a
    # signed query seen once (a log, a proxy) could carry another body and sender. Each message is
    # stored with its (timestamp, nonce), unique: a second body under them is refused, while WeChat's
    # exact retry is the same message (its dedupe key) and gets the same reply. In safe mode
    # msg_signature covers the body.
    request_key = None if crypto is not None else f"{timestamp}:{nonce}"[:64]
    try:
        got = receive(svc, "wechat", dedupe, message.source, message.type, xml, build, request_key=request_key,
                      county=county)
    except ReusedRequest:
        log.warning("wechat: a signed query reused with another message was refused")
        return _plain("signature already used", 403)
    if not got.reply:
        return _plain("success", 200)
    reply = TextReply(message=message, content=got.reply, time=int(svc.clock.now().timestamp()))
    rendered = reply.render()
    if crypto is not None:
        rendered = crypto.encrypt_message(rendered, nonce, timestamp)
    return Response(rendered, status=200, mimetype="application/xml")


def inbound_from_raw(xml: str, inbound_id: int, now) -> Inbound:
    """The Inbound of a stored (decrypted) WeChat message, to handle it again (bot.redeliver)."""
    message = parse_message(xml)
    kind, fields = _translate(message)
    return Inbound(channel="wechat", sender=message.source, kind=kind, received_at=now, inbound_id=inbound_id,
                   **fields)


def _translate(message) -> tuple[str, dict]:
    """A wechatpy message → (kind, Inbound fields)."""
    t = message.type
    if t == "text":
        return "text", {"text": storable(message.content or "")}
    if t == "image":
        return "image", {"media_id": message.media_id, "url": message.image}
    if t == "voice":   # the recording is kept even when WeChat recognised it (notifications.media)
        return "voice", {"media_id": message.media_id, "text": storable(message.recognition or "")}
    if t in ("video", "shortvideo"):
        return "video", {"media_id": message.media_id}
    if t == "location":
        return "location", {"location": {"x": message.location_x, "y": message.location_y,
                                          "label": message.label or ""}}
    if t == "event":
        event = (message.event or "").lower()
        if event in ("subscribe", "subscribe_scan"):
            return "event", {"event": "subscribe"}
        if event == "unsubscribe":
            return "event", {"event": "unsubscribe"}
        if event == "click":
            return "event", {"event": "click", "event_key": message.key}
        return "event", {"event": event or "other"}
    return "other", {"extra": {"type": t}}

