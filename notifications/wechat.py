"""WeChat to citizens: a customer-service message (客服消息) within 48 hours of the citizen's last
message to the account, else a template message (模板消息) — WeChat allows nothing else.

Through wechatpy's client; its access token is kept in Redis, so every worker shares one token
(WeChat allows 2,000 fetches a day and each fetch invalidates the last one after five minutes).
``api_base`` points the client at a local stub in tests and benchmarks.
"""
from __future__ import annotations

import requests
from wechatpy import WeChatClient
from wechatpy.session.redisstorage import RedisStorage

from core.outbound import WECHAT_TEMPLATE_KEY, WECHAT_WINDOW
from core.words.jobs import WECHAT_NOTICE
from notifications.sms import SendError

WINDOW = WECHAT_WINDOW
OUT_OF_WINDOW = {45015, 45047}          # response out of time limit / too many messages: use a template
TEMPORARY = {-1, 45009, 45011}           # system busy, API limits
TEMPLATE_KEY = WECHAT_TEMPLATE_KEY      # [county.wechat_templates] notice = "template id"


class WindowClosed(SendError):
    """WeChat will take nothing but a template message now (the 48 hours are over) and the county
    has none: the outbox tries the citizen's verified number instead (notifications.outbox)."""


class WeChatSender:
    name = "wechat"

    def __init__(self, app_id: str, secret: str, redis, api_base: str | None = None, timeout: float = 10.0):
        base = (api_base or "https://api.weixin.qq.com").rstrip("/")

        class Client(WeChatClient):
            API_BASE_URL = base + "/cgi-bin/"

            def fetch_access_token(self):   # wechatpy writes this URL out in full
                return self._fetch_access_token(url=base + "/cgi-bin/token", params={
                    "grant_type": "client_credential", "appid": self.appid, "secret": self.secret})

        self.client = Client(app_id, secret, session=RedisStorage(redis, prefix="xinfang:wechat"), timeout=timeout)

    def send(self, openid: str, body: str, within_window: bool, template_id: str | None,
             tracking_no: str | None = None) -> str:
        """Send one message; the provider id (``cs:…`` or ``tpl:msgid``), or raise SendError."""
        if within_window:
            try:
                self.client.message.send_text(openid, body)
                return f"cs:{openid[-6:]}"
            except Exception as exc:
                code = errcode(exc)
                if code not in OUT_OF_WINDOW:
                    raise _error(exc, code) from None
        if not template_id:
            raise WindowClosed("wechat: more than 48 hours since the citizen's last message and no template "
                               "configured ([county.wechat_templates] notice)", permanent=True)
        data = {"first": {"value": WECHAT_NOTICE["first"]},
                "keyword1": {"value": tracking_no or "—"},
                "keyword2": {"value": body[:200]},
                "remark": {"value": WECHAT_NOTICE["remark"]}}
        try:
            result = self.client.message.send_template(openid, template_id, data)
        except Exception as exc:
            raise _error(exc, errcode(exc)) from None
        return f"tpl:{result.get('msgid', '')}"


    def download(self, media_id: str, timeout: float = 60.0) -> tuple[bytes, str]:
        """A follower's image, voice or video (临时素材, kept by WeChat for three days): its bytes
        and type, or raise SendError (permanent when WeChat no longer has it: 40007)."""
        try:
            got = self.client.media.download(media_id)
        except Exception as exc:
            raise _error(exc, errcode(exc)) from None
        if isinstance(got, dict):   # a video: WeChat answers with the address to fetch it from
            url = got.get("video_url")
            if not url:
                raise SendError(f"wechat media/get: no file and no video_url ({sorted(got)})", permanent=False)
            try:
                resp = requests.get(url, timeout=timeout)
                resp.raise_for_status()
            except requests.RequestException as exc:
                raise SendError(f"wechat video: {type(exc).__name__}: {exc}", permanent=False) from None
            return resp.content, resp.headers.get("Content-Type", "video/mp4")
        return got.content, got.headers.get("Content-Type", "application/octet-stream")


def errcode(exc: Exception) -> int | None:
    """The errcode of a wechatpy exception (WeChat's and WeCom's), None for the network's."""
    code = getattr(exc, "errcode", None)
    try:
        return int(code) if code is not None else None
    except (TypeError, ValueError):
        return None


def _error(exc: Exception, code: int | None) -> SendError:
    if code is None:   # the network, a time-out
        return SendError(f"wechat: {type(exc).__name__}: {exc}", permanent=False)
    return SendError(f"wechat {code}: {getattr(exc, 'errmsg', exc)}", permanent=code not in TEMPORARY)
