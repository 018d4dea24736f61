"""``xinfang demo --city``: 平顶山市 over 鲁山县 and 宝丰县 in one deployment (docs/city.md),
played through the real webhooks: each county's citizen on that county's own Official Account
(sealed with its key, signed with its token, on its own path), 宝丰's cadre by text to 宝丰's
own number (a valid X-Twilio-Signature), the city's clerk in the console (signed in by code) —
登记 of a 到市访 for 宝丰, 各县概况, into 宝丰, 挂牌督办 — and at 17:30 the scheduler's texts: each county's 每日访情 to
its leaders, the city's to the city's.

A 到市访 registered by the city's clerk for 宝丰 is 宝丰's case from the first moment (交办 down):
宝丰's unit accepts and answers it by text, and the answer goes back to the city's bureau.
"""
from __future__ import annotations

import base64
import os
import re
from datetime import datetime, timedelta

from bot.app import create_app
from core.clock import Clock, FixedClock
from core.settings import load_settings
from notifications.schedule import tick
from notifications.services import build_services
from notifications.sms import ConsoleSms
from peers.webhooks import PeerClient, TwilioServer, WeChatServer

TWILIO_TOKEN = "demo-twilio-token"
NUMBER = re.compile(r"\b[A-Z]+-\d{8}-\d{4}\b")
CITY_CLERK = "+8613730000001"          # 孟晓燕, 平顶山市信访局 (examples/pingdingshan.toml)


class _Account(PeerClient):
    """WeChat's servers pushing to one county's own Official Account, on its own path."""

    def __init__(self, client, clock, wechat: WeChatServer, twilio: TwilioServer, path: str):
        super().__init__(client, clock, wechat, twilio)
        self.path = path

    def post_wechat(self, xml: str, timestamp: int | None = None):
        return self._post_sealed(self.path, self.wechat, xml, timestamp)


def run_city_demo(database_url: str, echo=print, at: datetime | None = None) -> list[str]:
    """Play the city's day on a database the city's file was loaded into; the cases' numbers."""
    accounts = {prefix: (f"demo-token-{prefix.lower()}", f"wx{prefix.lower()}000000demo",
                         base64.b64encode(os.urandom(32)).decode()[:43]) for prefix in ("LS", "BF")}
    env = {"DATABASE_URL": database_url, "TWILIO_AUTH_TOKEN": TWILIO_TOKEN, "OUTBOX_DELIVERY": "inline"}
    for prefix, (token, app_id, key) in accounts.items():
        env.update({f"WECHAT_TOKEN_{prefix}": token, f"WECHAT_APP_ID_{prefix}": app_id, f"WECHAT_AES_KEY_{prefix}": key})
    clock = FixedClock(at or Clock().now().replace(microsecond=0))
    sms = ConsoleSms(quiet=True)
    svc = build_services(load_settings(env), clock=clock, sms=sms)
    app = create_app({"SERVICES": svc})
    client = app.test_client()
    twilio = TwilioServer(auth_token=TWILIO_TOKEN)
    seen = [0]

    def texts() -> None:
        for to, body in sms.sent[seen[0]:]:
            echo(f"  ✉ 短信发往 {to[3:6]}****{to[-4:]} ：{body}")
        seen[0] = len(sms.sent)

    peers = {prefix: _Account(client, clock, WeChatServer(token=token, app_id=app_id, aes_key=key), twilio,
                              f"/county/{prefix.lower()}/wechat") for prefix, (token, app_id, key) in accounts.items()}

    def wechat(prefix: str, openid: str, words: str) -> str:
        peer = peers[prefix]
        clock.advance(seconds=20)
        reply = peer.say(openid, words)
        echo(f"\n[微信 {prefix} {openid}] {words}")
        echo("  ↳ " + reply.replace("\n", "\n    "))
        texts()
        return reply

    def text(prefix: str, sender: str, words: str) -> str:
        clock.advance(seconds=30)
        path = f"/county/{prefix.lower()}/sms"
        form = twilio.form(sender, words)
        reply = PeerClient.twiml_text(client.post(path, data=form, headers={
            "X-Twilio-Signature": twilio.sign("http://localhost" + path, form)}))
        echo(f"\n[短信 {prefix} {sender[3:6]}****{sender[-2:]}] {words}")
        echo("  ↳ " + reply)
        texts()
        return reply

    def petition(prefix: str, openid: str, story: str, phone: str) -> str:
        wechat(prefix, openid, story)
        wechat(prefix, openid, phone)
        return NUMBER.search(wechat(prefix, openid, "确认")).group(0)

    echo("=== 鲁山县：张三在鲁山县信访局的公众号反映（该县自己的公众号、令牌和密钥）===")
    ls_no = petition("LS", "o_demo_ls", "我是下汤镇林楼村的张三，小区水泵坏了三天没水", "13812345678")
    echo("\n=== 宝丰县：王五在宝丰县信访局的公众号反映 ===")
    bf_no = petition("BF", "o_demo_bf", "俺是杨庄镇马街村的王五，村里的路坏了三个月没人修，下雨天娃们上学都难", "13912345678")
    # the unit the case was routed to: whoever got its 【交办】 answers by text
    cadre = next(to for to, body in sms.sent if body.startswith(f"【交办】{bf_no}"))
    echo("\n=== 宝丰县的承办单位联络员用短信受理（宝丰县自己的号码）===")
    text("BF", cadre, f"受理 {bf_no}")

    echo("\n=== 到市访：宝丰县马街村的赵六来到市人民群众来访接待中心；市信访局孟晓燕在工作台登记，交宝丰县办理 ===")
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/console/login").get_data(as_text=True)).group(1)
    client.post("/console/login", data={"phone": CITY_CLERK[3:], "csrf_token": token})
    code = re.search(r"验证码(\d{6})", [b for to, b in sms.sent if to == CITY_CLERK][-1]).group(1)
    client.post("/console/login/code", data={"phone": CITY_CLERK, "code": code, "csrf_token": token})
    seen[0] = len(sms.sent)
    page = client.get("/console/city").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)     # the signed-in session's
    clock.advance(minutes=10)
    registered = client.post("/console/register", data={
        "county": "BF", "kind": "visit", "place": "杨庄镇马街村", "name": "赵六", "phone": "13912340066", "people": "1",
        "content": "俺家宅基地被邻居占了，村里镇里协调多次都没结果", "csrf_token": token})
    city_no = registered.headers["Location"].rsplit("/", 1)[1]
    echo(f"  ↳ 登记为宝丰县的事项 {city_no}（市交办件）")
    texts()
    city_cadre = next(to for to, body in sms.sent if body.startswith(f"【交办】{city_no}"))
    text("BF", city_cadre, f"受理 {city_no}")

    echo("\n=== 市信访局：各县概况，进入宝丰县，对市交办件挂牌督办 ===")
    page = client.get("/console/city").get_data(as_text=True)
    for prefix in ("LS", "BF", "total"):
        row = re.search(rf'<tr id="county-{prefix}">(.*?)</tr>', page, re.S).group(1)
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        echo("  " + " | ".join(cells))
    acted = client.post(f"/console/cases/{city_no}/act", data={
        "action": "supervise", "days": "3", "text": "到市访群众反映宅基地纠纷多次协调无果，请督促当面答复", "csrf_token": token})
    flash = re.search(r'<div class="flash" role="status">([^<]*)</div>',
                      client.get(acted.headers["Location"]).get_data(as_text=True))
    echo("  ↳ " + (flash.group(1) if flash else str(acted.status_code)))
    texts()

    echo("\n=== 宝丰县答复（督办期限内）：答复送回市信访局 ===")
    text("BF", cadre, f"答复 {bf_no} 已安排施工队修路，本周内完工，单位派人现场查看")
    text("BF", city_cadre, f"答复 {city_no} 已组织双方现场勘界，邻居退还占用部分，双方签订协议")

    echo("\n=== 17:30：各县的每日访情发给本县领导，全市的发给市领导 ===")
    clock.set(clock.now().replace(hour=17, minute=30, second=0) if clock.now().hour < 17
              else clock.now() + timedelta(minutes=1))
    for name, period, result in tick(svc, clock.now()):
        if name.endswith(("digest", "ranking")):
            echo(f"  {name} {period}：{result}")
    texts()
    echo(f"\n受理编号：{ls_no}, {bf_no}, {city_no}（市交办）；市督办：{city_no}")
    svc.engine.dispose()
    return [ls_no, bf_no, city_no]
