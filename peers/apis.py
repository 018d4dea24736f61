"""Stand-ins for the providers' APIs the app calls out to (Twilio's, Tencent Cloud SMS's, WeChat's
and WeCom's): small JSON servers on loopback, for the tests, the benches and the demo — never the
runtime (tests/test_architecture.py: nothing of bot, handlers, core or notifications imports this
package but the demo).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json as _json
import re
import time
import secrets
import threading
from collections import deque
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit



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
