"""``xinfang demo``: the whole loop built so far, played through the real webhooks.

WeChat requests are sealed (safe mode, AES) and signed as WeChat's servers do; SMS posts carry
a valid X-Twilio-Signature. Outbound SMS (the phone verification code) goes to the console
backend, from which the demo reads the code back, as the citizen would from their phone.
"""
from __future__ import annotations

import base64
import os
import re
from datetime import datetime, timedelta

from sqlalchemy import select

from bot.app import create_app
from peers.webhooks import PeerClient, TwilioServer, WeChatServer, WeComServer
from peers.apis import TencentSmsApiStub, WeComApiStub
from core.clock import SHANGHAI, Clock, FixedClock
from core.directory.lookup import current_county
from core.evenings.sweep import sweep_evenings
from core.evenings.visits import EveningRules, figures
from core.reports.measures import measure
from core.settings import load_settings
from core.store.db import transaction
from core.store.models import OutboundMessage, Petition
from notifications.digest_text import digests
from notifications.report_text import evenings_text
from notifications.report_text import measures_text as render
from notifications.services import build_services
from notifications.sms import ConsoleSms, TencentSms
from core.words.templates import template_of


DEMO_SECRET = "demo-tencent-callback-secret-0001"
WECOM_USERS = {"+8613700000021": "ZhaoZhiQiang"}   # 赵志强 (examples/lushan.toml: wecom = …)


def run_demo(database_url: str, echo=print, sms_provider: str = "twilio", wecom: bool = False,
             at: datetime | None = None) -> None:
    """``sms_provider``: ``twilio`` (citizens' texts as Twilio's signed posts, answered in TwiML)
    or ``tencent`` (as Tencent Cloud SMS's reply callback, every text we send through a local stub
    of Tencent's API as its registered template); ``wecom``: 赵志强 works in the county's WeCom
    app (a local stub of WeCom's API; his answers as WeCom's sealed callbacks); ``at``: when the
    day begins (default: now)."""
    aes_key = base64.b64encode(os.urandom(32)).decode()[:43]
    env = {"DATABASE_URL": database_url, "WECHAT_TOKEN": "demo-token", "WECHAT_APP_ID": "wx0000000000demo",
           "WECHAT_AES_KEY": aes_key, "TWILIO_AUTH_TOKEN": "demo-twilio-token",
           "OUTBOX_DELIVERY": "inline"}   # the demo shows each text as it is sent
    stubs = []
    tencent_api = wecom_api = None
    sms = ConsoleSms(quiet=True)
    if sms_provider == "tencent":
        tencent_api = TencentSmsApiStub()
        stubs.append(tencent_api)
        sms = TencentSms(tencent_api.secret_id, tencent_api.secret_key, tencent_api.app_id,
                         api_base=tencent_api.base_url, timeout=5)
        env["TENCENT_SMS_CALLBACK_SECRET"] = DEMO_SECRET
    wecom_server = None
    if wecom:
        wecom_api = WeComApiStub()
        stubs.append(wecom_api)
        wecom_aes = base64.b64encode(os.urandom(32)).decode()[:43]
        env.update(WECOM_CORP_ID=wecom_api.corp_id, WECOM_AGENT_ID="1000002", WECOM_SECRET=wecom_api.secret,
                   WECOM_TOKEN="demo-wecom-token", WECOM_AES_KEY=wecom_aes, WECOM_API_BASE=wecom_api.base_url)
        wecom_server = WeComServer(token="demo-wecom-token", aes_key=wecom_aes, app_id=wecom_api.corp_id)
    try:
        _play(env, sms, tencent_api, wecom_api, wecom_server, aes_key, echo, at)
    finally:
        for stub in stubs:
            stub.close()


def _play(env, sms, tencent_api, wecom_api, wecom_server, aes_key, echo, at: datetime | None = None) -> None:
    settings = load_settings(env)
    clock = FixedClock(at or Clock().now().replace(microsecond=0))
    first_day = clock.now().date()   # the clock is in county time
    app = create_app({"SERVICES": build_services(settings, clock=clock, sms=sms)})
    wechat = WeChatServer(token="demo-token", app_id="wx0000000000demo", aes_key=aes_key)
    twilio = TwilioServer(auth_token="demo-twilio-token")
    peer = PeerClient(app.test_client(), clock, wechat, twilio, wecom=wecom_server)
    services = app.extensions["xinfang"]
    with services.sessions() as s:
        options = current_county(s).options.get("sms") or {}
    purpose_of = {str(v): k for k, v in (options.get("templates") or {}).items()}

    def texts() -> list[tuple[str, str]]:
        """The texts sent since the last look, as the phone shows them."""
        if tencent_api is None:
            got, texts.seen = sms.sent[texts.seen:], len(sms.sent)
            return got
        got, texts.seen = tencent_api.received[texts.seen:], len(tencent_api.received)
        out = []
        for r in got:
            t = template_of(purpose_of.get(r["TemplateId"], ""))
            words = t.render(r["TemplateParamSet"]) if t else "?"
            out.append((r["PhoneNumber"], f"【{r['SignName']}】{words}（模板{r['TemplateId']}）"))
        return out
    texts.seen = 0

    def wx(openid: str, xml: str, label: str) -> str:
        clock.advance(seconds=20)
        reply = peer.reply_of(peer.post_wechat(xml))
        echo(f"\n[微信 {openid}] {label}")
        echo("  ↳ " + reply.replace("\n", "\n    "))
        return reply

    def say(openid: str, text: str) -> str:
        return wx(openid, wechat.text(openid, text, peer.now_ts()), text)

    def sms_say(phone: str, text: str) -> str:
        clock.advance(seconds=30)
        if phone in WECOM_USERS and wecom_server is not None:
            reply = peer.say_wecom(WECOM_USERS[phone], text)
            echo(f"\n[企业微信 {WECOM_USERS[phone]}] {text}")
            echo("  ↳ " + reply.replace("\n", "\n    "))
            return reply
        if tencent_api is None:
            reply = peer.text_sms(phone, text)
            echo(f"\n[短信 {phone[:6]}****{phone[-2:]}] {text}")
            echo("  ↳ " + reply)
            return reply
        outbound()
        peer.client.post(f"/sms/tencent/{DEMO_SECRET}", json={
            "extend": "", "mobile": phone[3:], "nationcode": "86", "sign": options.get("sign", ""), "text": text,
            "time": peer.now_ts()})
        echo(f"\n[短信 {phone[:6]}****{phone[-2:]} （腾讯云回复短信回调）] {text}")
        sent = texts()
        mine = [i for i, (to, _) in enumerate(sent) if to == phone]
        reply = sent[mine[-1]][1] if mine else ""      # the answer is written last, after the notices
        others = [t for i, t in enumerate(sent) if not mine or i != mine[-1]]
        echo("  ↳ " + reply)
        show(others)
        # the full answer, as kept (a template says where to read what it may not carry)
        with services.sessions() as s:
            full = s.scalars(select(OutboundMessage.body).where(OutboundMessage.to == phone,
                                                                OutboundMessage.purpose == "reply")
                             .order_by(OutboundMessage.id.desc()).limit(1)).first()
        return full or reply

    def show(sent) -> None:
        for to, body in sent:
            echo(f"  ✉ 短信发往 {to[3:6]}****{to[-4:]} ：{body}")

    def outbound() -> None:
        show(texts())
        if wecom_api is not None:
            for m in wecom_api.sent[outbound.wecom_seen:]:
                echo(f"  ✉ 企业微信应用消息发往 {m['touser']} ：{m['text']['content']}")
            outbound.wecom_seen = len(wecom_api.sent)
        with services.sessions() as s:
            rows = s.execute(select(OutboundMessage.id, OutboundMessage.to, OutboundMessage.body).where(
                OutboundMessage.channel == "wechat", OutboundMessage.id > outbound.wechat_seen)
                .order_by(OutboundMessage.id)).all()
        for row in rows:
            echo(f"  ✉ 微信消息发往 {row.to} （排队，由通知进程发送）：{row.body}")
            outbound.wechat_seen = row.id
    outbound.wechat_seen = 0
    outbound.wecom_seen = 0

    def verification_code() -> str:
        if tencent_api is None:
            return next(m.group(1) for _, body in reversed(sms.sent) if (m := re.search(r"验证码是(\d{6})", body)))
        wanted = str(options["templates"]["verify_phone"])
        return next(r["TemplateParamSet"][0] for r in reversed(tencent_api.received) if r["TemplateId"] == wanted)

    echo("=== 微信访：张三关注公众号并反映问题（安全模式：AES 加密 + 签名）===")
    me = "o_demo_zhangsan"
    wx(me, wechat.event(me, "subscribe", peer.now_ts()), "（关注公众号）")
    wx(me, wechat.event(me, "CLICK", peer.now_ts(), key="XF_REPORT"), "（点击菜单：我要反映）")
    say(me, "我是下汤镇林楼村的张三，小区水泵坏了三天没水，一百多户吃水困难")
    say(me, "13812345678")
    outbound()
    wx(me, wechat.image(me, peer.now_ts()), "（发送一张图片）")
    reply = say(me, "确认")
    number = re.search(r"[A-Z]+-\d{8}-\d{4}", reply).group(0)
    outbound()
    say(me, verification_code())
    say(me, f"查询 {number}")

    echo("\n=== 交办到下汤镇：联络员李建国用短信受理、见面、答复、办结（当日工作法）===")
    cadre, other = "+8613700000011", "+8613700000021"
    sms_say(other, f"受理 {number}")
    sms_say(cadre, f"答复 {number} 已修好")
    sms_say(cadre, f"受理 {number}")
    outbound()
    sms_say(cadre, f"见面 {number} 已到林楼村现场查看水泵")
    outbound()
    sms_say(cadre, f"答复 {number} 已更换新水泵，今天下午恢复供水。")
    outbound()
    echo("\n（两个问题同时待答：张三用自己的话回答，各记各的）")
    say(me, "是的，来了两个人")
    say(me, "还行，水来了")
    sms_say(cadre, f"办结 {number}")
    sms_say(cadre, "待办")
    say(me, f"查询 {number}")

    echo("\n=== 同一条消息的重试（WeChat 5 秒未收到回复会重发，MsgId 相同）===")
    xml = wechat.text(me, "补充 " + number + " 停水已经第四天了", peer.now_ts())
    first = peer.reply_of(peer.post_wechat(xml))
    again = peer.reply_of(peer.post_wechat(xml))
    echo(f"  第一次 ↳ {first}\n  重试   ↳ {again}\n  相同回复、只记录一次：{first == again}")

    echo("\n=== 签名被篡改的请求 ===")
    query, body = wechat.seal(wechat.text(me, "伪造消息", peer.now_ts()), peer.now_ts())
    query["msg_signature"] = "0" * 40
    resp = peer.client.post("/wechat", query_string=query, data=body, content_type="text/xml")
    echo(f"  ↳ HTTP {resp.status_code} （未存储）")

    echo("\n=== 短信访：李四用短信反映（号码即已验证）===")
    li = "+8613912345678"
    sms_say(li, "你好")
    sms_say(li, "李四")
    sms_say(li, "张")
    sms_say(li, "2")
    sms_say(li, "跳过")
    sms_say(li, "村里主干道塌陷，雨天无法通行，孩子上学不安全")
    reply = sms_say(li, "确认")
    number2 = re.search(r"[A-Z]+-\d{8}-\d{4}", reply).group(0)
    sms_say(li, "查询")
    echo("\n=== 微信访：牛满仓先答错了问题——说的情况先记下，名字后问，什么也不丢 ===")
    niu = "o_demo_niumancang"
    say(niu, "喂 有人吗")
    say(niu, "俺是尧山镇的")
    say(niu, "俺村的水渠堵了好几个月了，庄稼浇不上水")
    say(niu, "确认")
    say(niu, "俺叫牛满仓")
    say(niu, "13912340088")
    say(niu, "想马河村")
    say(niu, "确认")
    outbound()

    echo("\n=== 短信访：三十多户的集体反映，五个代表明天要去县里 —— 预警即时告知信访局和乡镇书记 ===")
    song = "+8613912345111"
    sms_say(song, "我叫宋金山，下汤镇社楼村的，一共三十多户，煤矿塌陷房子都裂了，俺们五个代表明天想去县里上访")
    sms_say(song, "确认")
    outbound()
    sms_say(song, "人工")
    outbound()

    echo("\n=== 他人查询张三的编号：与不存在的编号得到相同答复 ===")
    sms_say(li, f"查询 {number}")
    clock.advance(minutes=5)
    echo("\n=== 李四撤回 ===")
    sms_say(li, f"撤回 {number2}")
    sms_say(li, "确认撤回")

    echo("\n=== 信访局登记集体走访，检举控告回避，县领导包案 ===")
    staff = "+8613700000001"
    reply = sms_say(staff, "登记 走访 尧山镇上坪村 王五 13912340000 8 八户村民反映山体滑坡隐患无人治理")
    group = re.search(r"[A-Z]+-\d{8}-\d{4}", reply).group(0)
    outbound()
    reply = sms_say(staff, "登记 来信 下汤镇 匿名 无 1 控告下汤镇政府王海燕挪用低保资金")
    outbound()
    number3 = re.search(r"[A-Z]+-\d{8}-\d{4}", reply).group(0)
    sms_say(staff, f"交办 {number3} 下汤镇人民政府")
    sms_say(staff, f"交办 {number3} 县水利局")
    sms_say(staff, f"包案 {number3} 陈国栋")
    outbound()

    echo("\n=== 不满意可申请复查 ===")
    say(me, f"申请复查 {number} 供水还是时断时续")
    outbound()
    sms_say(staff, f"复查答复 {number} 经复查，已协调供水公司增设加压泵，维持原答复")
    outbound()

    echo("\n=== 当日指标（xinfang stats）===")
    with services.sessions() as s:
        day = clock.now().replace(hour=0, minute=0, second=0, microsecond=0)
        echo(render(measure(s, day, day + timedelta(days=1), clock.now())))
    echo("\n=== 七晚工作法：信访局选案，尧山镇报备工作专班，当晚开始、结束，信访人短信确认 ===")
    tomorrow = clock.now().astimezone(SHANGHAI).date() + timedelta(days=1)

    def at(hh: int, mm: int = 0, days: int = 0):
        d = tomorrow + timedelta(days=days)
        return datetime(d.year, d.month, d.day, hh, mm, tzinfo=SHANGHAI)

    liaison, wangwu = "+8613700000021", "+8613912340000"
    clock.set(at(9))
    sms_say(staff, f"七晚 {group} 尧山镇人民政府 陈国栋")
    outbound()
    sms_say(liaison, f"报备 {group} 今晚 赵志强 老支书刘六13912340001村支书")
    outbound()
    clock.set(at(18, 40))
    sms_say(liaison, f"开始 {group}")
    outbound()
    sms_say(wangwu, "1")
    clock.set(at(21, 0))
    sms_say(liaison, f"结束 {group}")
    clock.set(at(21, 50))
    sms_say("+8613912340001", f"结束 {group} 讲解地灾搬迁政策，商定明晚请国土所技术员同来")
    outbound()
    sms_say(wangwu, "1")
    with transaction(services.sessions) as s:
        report = sweep_evenings(s, at(12, 0, days=1), EveningRules.from_options(current_county(s).options))
    services.deliver(report.messages, at(12, 0, days=1))
    echo(f"\n[次日12:00 七晚巡检] {report.summary()}")
    clock.set(at(12, 5, days=1))
    sms_say(staff, "七晚")
    with services.sessions() as s:
        echo(evenings_text(figures(s)))
    echo("\n=== 第一天的每日访情（工作日17:30 由定时任务发送；此处直接生成）===")
    with services.sessions() as s:
        county_name = current_county(s).name
        for text in digests(s, first_day, county_name):
            echo(f"  ✉ 短信发往 {text.phone[3:6]}****{text.phone[-4:]} ：{text.body}")
    sms_say("+8613700000101", "详情")
    with services.sessions() as s:   # every petition the day made (walk-ins and warnings too), in order
        numbers = list(s.scalars(select(Petition.tracking_no).order_by(Petition.id)))
    echo(f"\n演示结束。受理编号（{len(numbers)}件）：" + ", ".join(numbers))
