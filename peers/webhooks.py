"""Stand-ins for the peers that call us: WeChat's servers (and WeCom's) and Twilio, as they sign
and seal the requests they push to the app's webhooks; PeerClient drives an app through them.

Written from the public protocol descriptions with ``cryptography`` and ``hashlib`` only — not
with wechatpy or twilio, which the app itself uses to check — so the tests and the demo exercise
the app the way the real servers do:

* WeChat: ``signature = sha1(sorted([token, timestamp, nonce]))``; in safe mode the message is
  ``base64(AES-256-CBC(key, iv=key[:16], pkcs7_32(random16 + len32be + xml + appid)))`` inside
  ``<xml><ToUserName/><Encrypt/></xml>``, with ``msg_signature = sha1(sorted([token, timestamp,
  nonce, encrypt]))``.
* Twilio: ``X-Twilio-Signature = base64(hmac_sha1(auth_token, url + concat(sorted(k + v))))``.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import struct
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from defusedxml.ElementTree import fromstring


def sha1_signature(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode("utf-8")).hexdigest()


def _cdata(value: str) -> str:
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


@dataclass
class WeChatServer:
    """Builds the requests WeChat's servers send to an Official Account's URL."""

    token: str
    app_id: str = "wx0000000000demo"
    aes_key: str | None = None          # 43-character EncodingAESKey: safe mode when set
    account: str = "gh_xinfang_demo"
    _msg_id: int = field(default=10_000_000_000)

    def next_msg_id(self) -> int:
        self._msg_id += 1
        return self._msg_id

    # --- the message bodies -------------------------------------------------------------------

    def xml(self, sender: str, msg_type: str, created: int, msg_id: int | None = None, **fields) -> str:
        parts = [f"<ToUserName>{_cdata(self.account)}</ToUserName>",
                 f"<FromUserName>{_cdata(sender)}</FromUserName>",
                 f"<CreateTime>{created}</CreateTime>",
                 f"<MsgType>{_cdata(msg_type)}</MsgType>"]
        for key, value in fields.items():
            parts.append(f"<{key}>{value if isinstance(value, (int, float)) else _cdata(str(value))}</{key}>")
        if msg_id is not None:
            parts.append(f"<MsgId>{msg_id}</MsgId>")
        return "<xml>" + "".join(parts) + "</xml>"

    def text(self, sender: str, content: str, created: int, msg_id: int | None = None) -> str:
        return self.xml(sender, "text", created, msg_id or self.next_msg_id(), Content=content)

    def image(self, sender: str, created: int, media_id: str = "media_demo_1",
              url: str = "http://mmbiz.qpic.cn/demo.jpg") -> str:
        return self.xml(sender, "image", created, self.next_msg_id(), PicUrl=url, MediaId=media_id)

    def voice(self, sender: str, created: int, recognition: str | None = None,
              media_id: str = "voice_demo_1") -> str:
        fields = {"MediaId": media_id, "Format": "amr"}
        if recognition is not None:
            fields["Recognition"] = recognition
        return self.xml(sender, "voice", created, self.next_msg_id(), **fields)

    def video(self, sender: str, created: int, media_id: str = "video_demo_1", short: bool = False) -> str:
        return self.xml(sender, "shortvideo" if short else "video", created, self.next_msg_id(), MediaId=media_id,
                        ThumbMediaId=media_id + "_thumb")

    def location(self, sender: str, created: int, x: float, y: float, label: str) -> str:
        return self.xml(sender, "location", created, self.next_msg_id(), Location_X=x, Location_Y=y,
                        Scale=15, Label=label)

    def event(self, sender: str, event: str, created: int, key: str | None = None) -> str:
        fields = {"Event": event}
        if key is not None:
            fields["EventKey"] = key
        return self.xml(sender, "event", created, None, **fields)

    # --- sealing and signing ------------------------------------------------------------------

    def seal(self, xml: str, timestamp: int, nonce: str | None = None) -> tuple[dict, bytes]:
        """Query parameters and body of the POST WeChat makes for ``xml``."""
        nonce = nonce or secrets.token_hex(5)
        query = {"timestamp": str(timestamp), "nonce": nonce,
                 "signature": sha1_signature(self.token, str(timestamp), nonce),
                 "openid": _sender_of(xml)}
        if not self.aes_key:
            return query, xml.encode("utf-8")
        encrypt = self.encrypt(xml)
        query["encrypt_type"] = "aes"
        query["msg_signature"] = sha1_signature(self.token, str(timestamp), nonce, encrypt)
        body = (f"<xml><ToUserName>{_cdata(self.account)}</ToUserName>"
                f"<Encrypt>{_cdata(encrypt)}</Encrypt></xml>")
        return query, body.encode("utf-8")

    def handshake(self, timestamp: int, echostr: str = "echo-1234") -> dict:
        nonce = secrets.token_hex(5)
        return {"timestamp": str(timestamp), "nonce": nonce, "echostr": echostr,
                "signature": sha1_signature(self.token, str(timestamp), nonce)}

    def _key(self) -> bytes:
        return base64.b64decode(self.aes_key + "=")

    def encrypt(self, xml: str) -> str:
        key = self._key()
        payload = os.urandom(16) + struct.pack(">I", len(xml.encode("utf-8"))) + xml.encode("utf-8") \
            + self.app_id.encode("utf-8")
        pad = 32 - len(payload) % 32
        payload += bytes([pad]) * pad
        enc = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
        return base64.b64encode(enc.update(payload) + enc.finalize()).decode("ascii")

    def decrypt(self, encrypt: str) -> str:
        key = self._key()
        dec = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor()
        plain = dec.update(base64.b64decode(encrypt)) + dec.finalize()
        plain = plain[: -plain[-1]]
        length = struct.unpack(">I", plain[16:20])[0]
        xml, app_id = plain[20:20 + length], plain[20 + length:]
        if app_id.decode() != self.app_id:
            raise ValueError("reply sealed for another app id")
        return xml.decode("utf-8")

    def open_reply(self, body: bytes, timestamp: str, nonce: str) -> str:
        """What WeChat does with a safe-mode reply: check msg_signature, decrypt."""

        root = fromstring(body)
        encrypt = root.findtext("Encrypt")
        if root.findtext("MsgSignature") != sha1_signature(self.token, timestamp, nonce, encrypt):
            raise ValueError("reply signature does not match")
        return self.decrypt(encrypt)


@dataclass
class WeComServer(WeChatServer):
    """Builds the callbacks WeCom's servers send to an app's URL (企业微信 接收消息): always sealed —
    the XML encrypted as WeChat's safe mode does, for the corp id (``app_id``), inside
    ``<xml><ToUserName/><AgentID/><Encrypt/></xml>``; the query carries only ``msg_signature``,
    ``timestamp`` and ``nonce``; the URL's verification sends ``echostr`` encrypted."""

    app_id: str = "ww0000000000demo"      # the corp id
    agent_id: int = 1000002

    def xml(self, sender: str, msg_type: str, created: int, msg_id: int | None = None, **fields) -> str:
        parts = [f"<ToUserName>{_cdata(self.app_id)}</ToUserName>", f"<FromUserName>{_cdata(sender)}</FromUserName>",
                 f"<CreateTime>{created}</CreateTime>", f"<MsgType>{_cdata(msg_type)}</MsgType>"]
        for key, value in fields.items():
            parts.append(f"<{key}>{value if isinstance(value, (int, float)) else _cdata(str(value))}</{key}>")
        if msg_id is not None:
            parts.append(f"<MsgId>{msg_id}</MsgId>")
        parts.append(f"<AgentID>{self.agent_id}</AgentID>")
        return "<xml>" + "".join(parts) + "</xml>"

    def seal(self, xml: str, timestamp: int, nonce: str | None = None) -> tuple[dict, bytes]:
        nonce = nonce or secrets.token_hex(5)
        encrypt = self.encrypt(xml)
        query = {"msg_signature": sha1_signature(self.token, str(timestamp), nonce, encrypt),
                 "timestamp": str(timestamp), "nonce": nonce}
        body = (f"<xml><ToUserName>{_cdata(self.app_id)}</ToUserName><AgentID>{_cdata(str(self.agent_id))}</AgentID>"
                f"<Encrypt>{_cdata(encrypt)}</Encrypt></xml>")
        return query, body.encode("utf-8")

    def handshake(self, timestamp: int, echostr: str = "echo-1234") -> dict:
        nonce = secrets.token_hex(5)
        encrypted = self.encrypt(echostr)
        return {"msg_signature": sha1_signature(self.token, str(timestamp), nonce, encrypted),
                "timestamp": str(timestamp), "nonce": nonce, "echostr": encrypted}


def _sender_of(xml: str) -> str:
    start = xml.find("<FromUserName><![CDATA[")
    if start < 0:
        return ""
    start += len("<FromUserName><![CDATA[")
    return xml[start: xml.find("]]>", start)]


def reply_text(xml: str) -> str:
    """The Content of a passive text reply."""

    return fromstring(xml).findtext("Content") or ""


@dataclass
class TwilioServer:
    """Builds the inbound-SMS webhook posts Twilio makes."""

    auth_token: str
    number: str = "+8610690000"
    account_sid: str = "AC" + "0" * 32
    _n: int = 0

    def next_sid(self) -> str:
        self._n += 1
        return "SM" + hashlib.md5(f"{self.account_sid}{self._n}{os.urandom(4).hex()}".encode()).hexdigest()

    def form(self, sender: str, body: str, sid: str | None = None, media_url: str | None = None) -> dict:
        form = {"ToCountry": "CN", "SmsMessageSid": "", "NumMedia": "1" if media_url else "0",
                "From": sender, "To": self.number, "Body": body, "AccountSid": self.account_sid,
                "ApiVersion": "2010-04-01", "FromCountry": "CN", "NumSegments": "1", "SmsStatus": "received"}
        sid = sid or self.next_sid()
        form["MessageSid"] = form["SmsSid"] = form["SmsMessageSid"] = sid
        if media_url:
            form["MediaUrl0"] = media_url
            form["MediaContentType0"] = "image/jpeg"
        return form

    def sign(self, url: str, form: dict) -> str:
        data = url + "".join(k + form[k] for k in sorted(form))
        digest = hmac.new(self.auth_token.encode("utf-8"), data.encode("utf-8"), hashlib.sha1).digest()
        return base64.b64encode(digest).decode("ascii")



class PeerClient:
    """Drives an app through its webhooks as WeChat and Twilio would (a Flask test client or
    anything with the same ``get``/``post``), on the app's clock."""

    def __init__(self, client, clock, wechat: WeChatServer | None, twilio: TwilioServer | None,
                 public_base_url: str = "http://localhost", wecom: WeComServer | None = None):
        self.client, self.clock, self.wechat, self.twilio, self.wecom = client, clock, wechat, twilio, wecom
        self.base = public_base_url.rstrip("/")

    def _post_sealed(self, path: str, server: WeChatServer, xml: str, timestamp: int | None):
        """POST ``xml`` sealed and signed by ``server`` (WeChat's, WeCom's) at ``timestamp``."""
        query, body = server.seal(xml, timestamp if timestamp is not None else self.now_ts())
        resp = self.client.post(path, query_string=query, data=body, content_type="text/xml")
        resp.query = query
        return resp

    def post_wecom(self, xml: str, timestamp: int | None = None):
        return self._post_sealed("/wecom", self.wecom, xml, timestamp)

    def wecom_reply(self, resp) -> str:
        """The text a WeCom member sees for a response (its passive reply, opened as WeCom does)."""
        if resp.status_code != 200:
            raise AssertionError(f"WeCom request answered {resp.status_code}: {resp.get_data(as_text=True)}")
        body = resp.get_data()
        if not body.strip():
            return ""
        return reply_text(self.wecom.open_reply(body, resp.query["timestamp"], resp.query["nonce"]))

    def say_wecom(self, userid: str, text: str) -> str:
        return self.wecom_reply(self.post_wecom(self.wecom.text(userid, text, self.now_ts())))

    def now_ts(self) -> int:
        return int(self.clock.now().timestamp())

    def post_wechat(self, xml: str, timestamp: int | None = None):
        return self._post_sealed("/wechat", self.wechat, xml, timestamp)

    def reply_of(self, resp) -> str:
        """The text a WeChat user would see for a response ("" for "success")."""
        if resp.status_code != 200:
            raise AssertionError(f"WeChat request answered {resp.status_code}: {resp.get_data(as_text=True)}")
        body = resp.get_data()
        if body in (b"success", b""):
            return ""
        if self.wechat.aes_key:
            return reply_text(self.wechat.open_reply(body, resp.query["timestamp"], resp.query["nonce"]))
        return reply_text(body.decode("utf-8"))

    def say(self, openid: str, text: str) -> str:
        return self.reply_of(self.post_wechat(self.wechat.text(openid, text, self.now_ts())))

    def post_sms(self, sender: str, body: str, sid: str | None = None, signature: str | None = None,
                 media_url: str | None = None):
        form = self.twilio.form(sender, body, sid=sid, media_url=media_url)
        sig = signature if signature is not None else self.twilio.sign(self.base + "/sms", form)
        return self.client.post("/sms", data=form, headers={"X-Twilio-Signature": sig})

    @staticmethod
    def twiml_text(resp) -> str:
        if resp.status_code != 200:
            raise AssertionError(f"SMS request answered {resp.status_code}: {resp.get_data(as_text=True)}")

        root = fromstring(resp.get_data())
        return "".join(m.text or "" for m in root.iter("Message"))

    def text_sms(self, sender: str, body: str) -> str:
        return self.twiml_text(self.post_sms(sender, body))
