"""The SMS webhook, driven with form posts signed as Twilio signs them."""
from __future__ import annotations

from sqlalchemy import func, select

from bot.app import create_app
from peers.webhooks import PeerClient
from notifications.services import build_services
from core.store.models import InboundMessage, Petition
from core.settings import load_settings
from core.words.citizens import SMS_LIMIT
from tests.conftest import killed_while_handling, make_env

LI = "+8613912345678"


def stored(db) -> int:
    db.rollback()
    return db.scalar(select(func.count()).select_from(InboundMessage))


def test_whole_petition_by_sms_every_reply_within_two_segments(peer, db):
    replies = [peer.text_sms(LI, t) for t in
               ("你好", "李四", "张", "2", "跳过", "村里主干道塌陷，雨天无法通行，孩子上学不安全" * 3, "确认")]
    assert "编号LS-20261123-0001" in replies[-1]
    for reply in replies + [peer.text_sms(LI, "查询"), peer.text_sms(LI, "查询 LS-20261123-0001"),
                            peer.text_sms(LI, "帮助"), peer.text_sms(LI, "撤回 LS-20261123-0001")]:
        assert 0 < len(reply) <= SMS_LIMIT, reply
    db.rollback()
    [p] = db.scalars(select(Petition)).all()
    assert (p.channel, p.phone, p.phone_verified, p.openid) == ("sms", LI, True, None)


def test_sms_never_asks_for_the_phone_number(peer):
    peer.text_sms(LI, "我要反映")
    reply = peer.text_sms(LI, "李四")
    assert "手机" not in reply and "乡镇" in reply


def test_bad_signature_gets_403_and_nothing_is_stored(peer, db):
    assert peer.post_sms(LI, "你好", signature="bm90LWEtc2lnbmF0dXJl").status_code == 403
    assert peer.post_sms(LI, "你好", signature="").status_code == 403
    form = peer.twilio.form(LI, "你好")
    sig = peer.twilio.sign("http://localhost/sms", form)
    form["Body"] = "篡改后的内容"
    assert peer.client.post("/sms", data=form, headers={"X-Twilio-Signature": sig}).status_code == 403
    assert stored(db) == 0


def test_repeated_message_sid_is_answered_once(peer, db):
    first = peer.post_sms(LI, "你好", sid="SM0123456789abcdef0123456789abcdef")
    again = peer.post_sms(LI, "你好", sid="SM0123456789abcdef0123456789abcdef")
    assert "请问您怎么称呼" in PeerClient.twiml_text(first)
    assert again.status_code == 200 and PeerClient.twiml_text(again) == ""  # no second SMS
    assert stored(db) == 1


def test_signature_checked_against_public_base_url_behind_a_proxy(db_url, clock, sms_out, twilio, db):
    env = make_env(db_url, PUBLIC_BASE_URL="https://xinfang.example.gov.cn/")
    app = create_app({"SERVICES": build_services(load_settings(env), clock=clock, sms=sms_out)})
    proxied = PeerClient(app.test_client(), clock, None, twilio, public_base_url="https://xinfang.example.gov.cn")
    assert "请问您怎么称呼" in proxied.text_sms(LI, "你好")
    # signed for the internal URL the app sees: not what Twilio signed, refused
    direct = PeerClient(app.test_client(), clock, None, twilio)
    assert direct.post_sms(LI, "你好").status_code == 403


def test_mms_image_only_message(peer):
    peer.text_sms(LI, "我是尧山镇上坪村的李四，山体滑坡堵了路")
    resp = peer.post_sms(LI, "", media_url="https://api.twilio.com/2010-04-01/Accounts/AC/Messages/MM/Media/ME")
    assert "图片已收到" in PeerClient.twiml_text(resp)


def test_missing_fields_are_a_400(peer):
    form = {"Body": "你好"}
    sig = peer.twilio.sign("http://localhost/sms", form)
    assert peer.client.post("/sms", data=form, headers={"X-Twilio-Signature": sig}).status_code == 400


def test_an_sms_whose_worker_died_is_handled_by_the_workers_and_answered_by_text(peer, services, clock, db, sms_out):
    """Issue 17, loss 6 (no retry comes: Twilio sends once): the workers' minute finds the message
    nobody handled and handles it; the reply the request would have carried goes as a text."""
    from bot.redeliver import redeliver
    from core.store.models import InboundMessage

    with killed_while_handling(services):
        peer.text_sms("+8613912340077", "我是下汤镇林楼村的刘大，村里的路灯坏了一个月")
    assert redeliver(services, clock.now()) == "重新处理待处理消息0条，完成0条"   # not yet: it may live
    clock.advance(seconds=61)
    assert redeliver(services, clock.now()) == "重新处理待处理消息1条，完成1条"
    db.rollback()
    row = db.scalars(select(InboundMessage)).one()
    assert row.status == "done" and row.attempts == 2
    [late] = [body for to, body in sms_out.sent if to == "+8613912340077"]
    assert late == row.reply and late                         # the answer, by text
    assert redeliver(services, clock.now()) == "重新处理待处理消息0条，完成0条"   # once


def test_a_failed_message_is_tried_again_later(peer, services, clock, db, sms_out):
    """Issue 17, loss 7: a message whose handling failed is kept and tried again with backoff."""
    from bot.redeliver import redeliver
    from core.store.models import InboundMessage

    def fail(msg, _session):
        raise RuntimeError("the database said no")
    services.before_handle = fail
    assert "已保存" in peer.text_sms("+8613912340078", "我是下汤镇林楼村的刘二，村里的路灯坏了一个月")
    services.before_handle = None
    db.rollback()
    row = db.scalars(select(InboundMessage)).one()
    assert row.status == "failed" and row.next_attempt_at is not None
    assert redeliver(services, clock.now()) == "重新处理待处理消息0条，完成0条"
    clock.advance(minutes=1, seconds=1)
    assert redeliver(services, clock.now()) == "重新处理待处理消息1条，完成1条"
    db.rollback()
    row = db.get(InboundMessage, row.id)
    assert row.status == "done"
    assert any(to == "+8613912340078" and body == row.reply for to, body in sms_out.sent)


def test_a_text_with_a_nul_is_handled(peer, db):
    """Issue 17, loss 7: what PostgreSQL cannot store (a NUL) is cleaned from the text handled;
    the raw record keeps it, escaped."""
    import json

    from core.store.models import InboundMessage, Petition
    reply = peer.text_sms("+8613912340079", "我是下汤镇林楼村的刘三，村里的路灯坏了\x00一个月")
    assert "已保存" not in reply                              # handled, not failed
    db.rollback()
    row = db.scalars(select(InboundMessage)).one()
    assert row.status == "done"
    assert json.loads(row.raw)["Body"].endswith("\x00一个月")   # the original, as sent
    peer.text_sms("+8613912340079", "确认")
    db.rollback()
    p = db.scalars(select(Petition)).one()
    assert "\x00" not in p.content and "路灯坏了一个月" in p.content


def test_the_bureau_hears_each_morning_of_messages_that_failed_on_every_try(peer, services, clock, db, sms_out):
    """Issue 17, loss 7: what still fails after the last try is shown to staff, once a day."""
    from datetime import datetime

    from bot.redeliver import redeliver
    from core.clock import SHANGHAI
    from notifications.schedule import JOBS, tick

    def fail(msg, _session):
        raise RuntimeError("still broken")
    services.before_handle = fail
    peer.text_sms("+8613912340081", "我是下汤镇林楼村的刘五，村里的路灯坏了一个月")
    for wait in (1, 5, 30, 120, 360):                      # every try fails
        clock.advance(minutes=wait, seconds=1)
        redeliver(services, clock.now())
    services.before_handle = None
    failed = [j for j in JOBS if j.name == "failed_messages"]
    morning = datetime(2026, 11, 24, 9, 0, tzinfo=SHANGHAI)
    [(name, _, result)] = tick(services, morning, failed)
    assert result == "处理失败的消息：1条"
    told = [body for to, body in sms_out.sent if to == "+8613700000001" and "未处理消息" in body]
    assert told == ["【未处理消息】有1条群众消息多次处理失败（最早11月23日），内容已保存，请联系系统管理员查看。"]
    from core.store.models import OutboundMessage
    from core.words.templates import template_of
    db.rollback()
    row = db.scalars(select(OutboundMessage).where(OutboundMessage.purpose == "messages_failed")).first()
    assert template_of("messages_failed").render(row.params) == told[0].replace("【未处理消息】", "未处理消息：")
    assert "+8613912340081" not in told[0]
