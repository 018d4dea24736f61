"""Stand-ins for the real peers: WeChat's servers and Twilio, as they sign and seal requests.

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
import json as _json
import os
import re
import time
import secrets
import struct
import threading
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

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


class LoopbackApi:
    """A small JSON API on loopback for the real clients to call: ``answer(method, path, query,
    headers, body)`` returns (status, payload) — payload JSON, or (bytes, content type) for a
    file — or None to hold the request until ``close()`` (a provider that never answers)."""

    def __init__(self):

        self.release = threading.Event()
        self.hung = threading.Event()      # set when a request is being held
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _any(self, method):
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                got = api.answer(method, parts.path, query, self.headers, body)
                if got is None:
                    api.hung.set()
                    api.release.wait(30)
                    return
                status, payload = got
                if isinstance(payload, tuple):      # (bytes, content type): a file
                    data, content_type = payload
                else:
                    data, content_type = _json.dumps(payload, ensure_ascii=False).encode(), "application/json"
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def do_GET(self):
                self._any("GET")

            def do_POST(self):
                self._any("POST")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def answer(self, method, path, query, headers, body):  # pragma: no cover - overridden
        return 404, {}

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


class TwilioApiStub(LoopbackApi):
    """A stand-in for Twilio's Messages API: it checks the Basic auth, records each message, and
    answers what the test scripts — ``"ok"`` (201 with an ``SM…`` sid), an HTTP status with
    Twilio's error body (``(429, 20429)``, ``(500, None)``, ``(400, 21211)``), or ``"hang"`` (no
    answer until the client gives up). Unscripted requests get ``"ok"``."""

    def __init__(self, account_sid: str = "AC" + "1" * 32, auth_token: str = "stub-token"):

        self.account_sid, self.auth_token = account_sid, auth_token
        self.script: deque = deque()
        self.received: list[dict] = []
        super().__init__()

    def answer(self, method, path, query, headers, body):

        form = {k: v[0] for k, v in parse_qs(body.decode("utf-8")).items()}
        expected = "Basic " + base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        if headers.get("Authorization") != expected:
            return 401, {"code": 20003, "message": "Authenticate", "status": 401}
        if method != "POST" or not path.endswith(f"/Accounts/{self.account_sid}/Messages.json"):
            return 404, {"code": 20404, "message": "Not found", "status": 404}
        what = self.script.popleft() if self.script else "ok"
        if what == "hang":
            return None
        if what == "ok":
            sid = "SM" + secrets.token_hex(16)
            self.received.append({**form, "sid": sid})
            return 201, {"sid": sid, "account_sid": self.account_sid, "to": form.get("To"), "from": form.get("From"),
                         "body": form.get("Body"), "status": "queued", "num_segments": "1",
                         "direction": "outbound-api"}
        status, code = what
        return status, {"code": code, "message": f"stub error {status}", "status": status,
                        "more_info": f"https://www.twilio.com/docs/errors/{code}"}


class TencentSmsApiStub(LoopbackApi):
    """A stand-in for Tencent Cloud SMS's API (sms.tencentcloudapi.com, version 2021-01-11), built
    from its documentation: it checks the TC3-HMAC-SHA256 signature of each request (the
    canonical request of method, path, the signed headers content-type and host, and the body's
    SHA-256; the key derived from the SecretKey by date, service and "tc3_request"), records each
    SendSms, and answers what the test scripts — ``"ok"`` (a SerialNo per number), a per-number
    code (``"LimitExceeded.PhoneNumberThirtySecondLimit"``, ``"InvalidParameterValue.IncorrectPhoneNumber"``
    …) or ``("Error", code)`` (the whole request refused). Unscripted requests get ``"ok"``.
    ``param_limit``: the account's longest value of one variable (a personally verified account:
    12), beyond which the whole request is refused (InvalidParameterValue.TemplateParameterLengthLimit);
    None, an account verified as an organisation: no limit."""

    def __init__(self, secret_id: str = "AKIDstub0000000000000000000000000000", secret_key: str = "stub-secret-key",
                 app_id: str = "1400000001", param_limit: int | None = None):
        self.secret_id, self.secret_key, self.app_id = secret_id, secret_key, app_id
        self.param_limit = param_limit
        self.script: deque = deque()
        self.received: list[dict] = []
        super().__init__()

    def _signed(self, headers, body: bytes) -> bool:
        auth = headers.get("Authorization", "")
        m = re.fullmatch(r"TC3-HMAC-SHA256 Credential=([^/]+)/(\d{4}-\d{2}-\d{2})/(\w+)/tc3_request, "
                         r"SignedHeaders=content-type;host, Signature=([0-9a-f]{64})", auth)
        if m is None or m.group(1) != self.secret_id:
            return False
        day, service, signature = m.group(2), m.group(3), m.group(4)
        stamp = headers.get("X-TC-Timestamp", "")
        if not stamp.isdigit() or abs(time.time() - int(stamp)) > 300 or \
                datetime.fromtimestamp(int(stamp), timezone.utc).strftime("%Y-%m-%d") != day:
            return False
        canonical = "\n".join(["POST", "/", "", f"content-type:{headers.get('Content-Type', '')}",
                                f"host:{headers.get('Host', '')}", "", "content-type;host",
                                hashlib.sha256(body).hexdigest()])
        to_sign = "\n".join(["TC3-HMAC-SHA256", stamp, f"{day}/{service}/tc3_request",
                              hashlib.sha256(canonical.encode()).hexdigest()])
        key = ("TC3" + self.secret_key).encode()
        for part in (day, service, "tc3_request"):
            key = hmac.new(key, part.encode(), hashlib.sha256).digest()
        return hmac.compare_digest(hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest(), signature)

    def answer(self, method, path, query, headers, body):
        request_id = secrets.token_hex(8)
        if method != "POST" or not self._signed(headers, body):
            return 200, {"Response": {"Error": {"Code": "AuthFailure.SignatureFailure",
                                                "Message": "The provided credentials could not be validated."},
                                      "RequestId": request_id}}
        if headers.get("X-TC-Action") != "SendSms" or headers.get("X-TC-Version") != "2021-01-11":
            return 200, {"Response": {"Error": {"Code": "InvalidAction", "Message": "no such action"},
                                      "RequestId": request_id}}
        req = _json.loads(body)
        if req.get("SmsSdkAppId") != self.app_id:
            return 200, {"Response": {"Error": {"Code": "FailedOperation.SmsSdkAppIdVerifyFail",
                                                "Message": "SmsSdkAppId verify fail"}, "RequestId": request_id}}
        if self.param_limit is not None and any(len(v) > self.param_limit for v in req.get("TemplateParamSet") or []):
            return 200, {"Response": {"Error": {"Code": "InvalidParameterValue.TemplateParameterLengthLimit",
                                                "Message": "single template parameter length exceeds the limit"},
                                      "RequestId": request_id}}
        what = self.script.popleft() if self.script else "ok"
        if what == "hang":
            return None
        if isinstance(what, tuple):
            return 200, {"Response": {"Error": {"Code": what[1], "Message": f"stub error {what[1]}"},
                                      "RequestId": request_id}}
        statuses = []
        for number in req.get("PhoneNumberSet", []):
            serial = f"{secrets.randbelow(10**6)}:{secrets.token_hex(10)}" if what == "ok" else ""
            statuses.append({"SerialNo": serial, "PhoneNumber": number, "Fee": 1 if what == "ok" else 0,
                             "SessionContext": "", "Code": "Ok" if what == "ok" else what,
                             "Message": "send success" if what == "ok" else f"stub {what}", "IsoCode": "CN"})
            if what == "ok":
                self.received.append({**req, "PhoneNumber": number, "SerialNo": serial})
        return 200, {"Response": {"SendStatusSet": statuses, "RequestId": request_id}}


class WeChatApiStub(LoopbackApi):
    """A stand-in for WeChat's API: access tokens (``/cgi-bin/token``, counted), customer-service
    and template messages, and temporary media (``/cgi-bin/media/get``). ``script`` answers the
    next message calls: ``"ok"``, an ``errcode`` (45015 out of the 48-hour window, 43004
    unsubscribed, -1 busy, 42001 token expired — the token is then withdrawn), or ``"hang"``.
    ``media`` holds what followers sent (MediaId → (bytes, type)); as WeChat, media/get answers
    the file itself, for a video a ``video_url`` to fetch it from (plain GET), and for a MediaId
    it does not have (past three days) errcode 40007. ``media_script`` answers the next media/get
    calls first: an errcode (-1 busy), or ``"hang"``."""

    def __init__(self, app_id: str = "wx0000000000stub", secret: str = "stub-secret"):

        self.app_id, self.secret = app_id, secret
        self.script: deque = deque()
        self.tokens: list[str] = []
        self.sent: list[tuple[str, dict]] = []     # ("custom" | "template", the JSON posted)
        self.media: dict[str, tuple[bytes, str]] = {}
        self.media_script: deque = deque()
        self.fetched: list[str] = []               # the MediaIds asked for, in order
        super().__init__()

    def answer(self, method, path, query, headers, body):

        if path == "/cgi-bin/token":
            if query.get("appid") != self.app_id or query.get("secret") != self.secret:
                return 200, {"errcode": 40125, "errmsg": "invalid appsecret"}
            self.tokens.append(f"TOKEN-{len(self.tokens) + 1}")
            return 200, {"access_token": self.tokens[-1], "expires_in": 7200}
        if path.startswith("/video/") and method == "GET":
            found = self.media.get(path[len("/video/"):])
            return (200, found) if found else (404, {"errcode": 404, "errmsg": "not found"})
        if path == "/cgi-bin/media/get":
            if not self.tokens or query.get("access_token") != self.tokens[-1]:
                return 200, {"errcode": 40001, "errmsg": "invalid credential"}
            media_id = query.get("media_id", "")
            self.fetched.append(media_id)
            what = self.media_script.popleft() if self.media_script else "ok"
            if what == "hang":
                return None
            if what != "ok":
                return 200, {"errcode": what, "errmsg": f"stub error {what}"}
            if media_id not in self.media:
                return 200, {"errcode": 40007, "errmsg": "invalid media_id"}
            data, content_type = self.media[media_id]
            if content_type.startswith("video/"):
                return 200, {"video_url": f"{self.base_url}/video/{media_id}"}
            return 200, (data, content_type)
        kind = {"/cgi-bin/message/custom/send": "custom", "/cgi-bin/message/template/send": "template"}.get(path)
        if kind is None:
            return 404, {"errcode": 404, "errmsg": "not found"}
        if not self.tokens or query.get("access_token") != self.tokens[-1]:
            return 200, {"errcode": 40001, "errmsg": "invalid credential"}
        what = self.script.popleft() if self.script else "ok"
        if what == "hang":
            return None
        if what == "ok":
            self.sent.append((kind, _json.loads(body.decode("utf-8"))))
            return 200, {"errcode": 0, "errmsg": "ok", **({"msgid": 1000 + len(self.sent)} if kind == "template" else {})}
        if what == 42001:
            self.tokens.append("withdrawn")   # the token the client holds is no longer valid
        return 200, {"errcode": what, "errmsg": f"stub error {what}"}


class WeComApiStub(LoopbackApi):
    """A stand-in for WeCom's server API (qyapi.weixin.qq.com), from its documentation: access
    tokens (``/cgi-bin/gettoken?corpid&corpsecret``, counted) and app messages
    (``/cgi-bin/message/send``). ``script`` answers the next sends: ``"ok"``, ``"invalid"`` (taken,
    but the member is not in the app's visible range: ``invaliduser``), an ``errcode`` (-1 busy,
    45009 over the rate, 42001 token expired — the token is then withdrawn, 81013 no such member)
    or ``"hang"``. ``sent`` holds the JSON of each message taken."""

    def __init__(self, corp_id: str = "ww0000000000stub", secret: str = "stub-wecom-secret"):
        self.corp_id, self.secret = corp_id, secret
        self.script: deque = deque()
        self.tokens: list[str] = []
        self.sent: list[dict] = []
        super().__init__()

    def texts_to(self, userid: str) -> list[str]:
        return [m["text"]["content"] for m in self.sent if m.get("touser") == userid]

    def answer(self, method, path, query, headers, body):
        if path == "/cgi-bin/gettoken":
            if query.get("corpid") != self.corp_id or query.get("corpsecret") != self.secret:
                return 200, {"errcode": 40013, "errmsg": "invalid corpid"}
            self.tokens.append(f"WECOM-TOKEN-{len(self.tokens) + 1}")
            return 200, {"errcode": 0, "errmsg": "ok", "access_token": self.tokens[-1], "expires_in": 7200}
        if path != "/cgi-bin/message/send" or method != "POST":
            return 404, {"errcode": 404, "errmsg": "not found"}
        if not self.tokens or query.get("access_token") != self.tokens[-1]:
            return 200, {"errcode": 40014, "errmsg": "invalid access_token"}
        what = self.script.popleft() if self.script else "ok"
        if what == "hang":
            return None
        msg = _json.loads(body.decode("utf-8"))
        if what == "ok":
            self.sent.append(msg)
            return 200, {"errcode": 0, "errmsg": "ok", "invaliduser": "", "msgid": f"wecom-msg-{len(self.sent)}"}
        if what == "invalid":
            return 200, {"errcode": 0, "errmsg": "ok", "invaliduser": msg.get("touser", ""), "msgid": ""}
        if what == 42001:
            self.tokens.append("withdrawn")
        return 200, {"errcode": what, "errmsg": f"stub error {what}"}
