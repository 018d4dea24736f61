"""WeCom (企业微信 / 政务微信) to officials: the county's app sends each of their texts as an app
message (应用消息, ``message/send``) — free, two-way, no templates, no carrier filtering.

Through wechatpy's WeCom client; its access token is kept in Redis, so every worker shares one
(WeCom limits how often a token may be fetched). ``api_base`` points the client at a local stub
in tests and the demo. A refusal is a SendError: permanent when the person cannot be reached
there (not in the app's visible range, no such user — the outbox then sends the text by SMS),
temporary when WeCom is busy or limits the rate.
"""
from __future__ import annotations

from wechatpy.enterprise import WeChatClient
from wechatpy.session.redisstorage import RedisStorage

from notifications.sms import SendError
from notifications.wechat import errcode as _code

# system busy; the API's frequency limits (per app, per member); the access token withdrawn
TEMPORARY = {-1, 45009, 45033, 40014, 42001}


class WeComSender:
    name = "wecom"

    def __init__(self, corp_id: str, agent_id: int, secret: str, redis, api_base: str | None = None,
                 timeout: float = 10.0):
        base = (api_base or "https://qyapi.weixin.qq.com").rstrip("/")

        class Client(WeChatClient):
            API_BASE_URL = base + "/cgi-bin/"

            def fetch_access_token(self):   # wechatpy writes this URL out in full
                return self._fetch_access_token(url=base + "/cgi-bin/gettoken",
                                                params={"corpid": self.corp_id, "corpsecret": self.secret})

        self.agent_id = agent_id
        self.client = Client(corp_id, secret, session=RedisStorage(redis, prefix="xinfang:wecom"), timeout=timeout)

    def send(self, userid: str, body: str) -> str:
        """Send one text to a member; the provider id (``wecom:msgid``), or raise SendError."""
        try:
            result = self.client.message.send_text(self.agent_id, [userid], body)
        except Exception as exc:
            code = _code(exc)
            if code is None:   # the network, a time-out
                raise SendError(f"wecom: {type(exc).__name__}: {exc}", permanent=False) from None
            raise SendError(f"wecom {code}: {getattr(exc, 'errmsg', exc)}", permanent=code not in TEMPORARY) from None
        invalid = {u.lower() for key in ("invaliduser", "unlicenseduser")
                   for u in str(result.get(key) or "").split("|") if u}
        if userid.lower() in invalid:
            raise SendError(f"wecom: {userid[:3]}… is not a member this app may reach (invaliduser)", permanent=True)
        return f"wecom:{result.get('msgid', '')}"[:64]

