"""WeChat to citizens (issue 5): a customer-service message within 48 hours of the citizen's
last message, else the county's template message — wechatpy's client against a local stub of
WeChat's API, its access token shared through a real Redis."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.store.db import transaction
from core.store.models import County, OutboundMessage
from notifications.outbox import FAILED_PURPOSE, deliver
from notifications.wechat import WeChatSender
from tests.test_cases import LIAISON, STAFF, case, submit

ZS = "o_zhangsan_case"


@pytest.fixture
def sender(wx, lite):
    return WeChatSender(wx.app_id, wx.secret, lite, api_base=wx.base_url, timeout=0.5)


def queue_wechat(services, at, body="您反映的问题已由下汤镇人民政府受理。", petition_id=None) -> int:
    with transaction(services.sessions) as s:
        return OutboundMessage.enqueue(s, "wechat", ZS, body, "case_accepted", at, petition_id)


def row(db, mid) -> OutboundMessage:
    db.rollback()
    return db.get(OutboundMessage, mid)


def set_template(db, services, template="TPL-progress-1") -> None:
    db.rollback()
    county = db.scalars(select(County)).one()
    county.options = {**county.options, "wechat_templates": {"notice": template}}
    db.commit()


def test_within_48_hours_a_customer_service_message_and_one_token_for_all(peer, db, clock, services, wx, sender, lite):
    submit(peer)                                   # the citizen wrote at 10:00
    first = queue_wechat(services, clock.now() + timedelta(hours=1))
    report = deliver(services.sessions, services.sms, None, clock.now() + timedelta(hours=1), wechat=sender)
    assert report.sent == 1 and row(db, first).status == "sent" and row(db, first).provider_id.startswith("cs:")
    [(kind, posted)] = [m for m in wx.sent]
    assert kind == "custom" and posted == {"touser": ZS, "msgtype": "text",
                                           "text": {"content": "您反映的问题已由下汤镇人民政府受理。"}}
    # another worker, another client: the token comes from Redis, not from WeChat again
    other = WeChatSender(wx.app_id, wx.secret, lite, api_base=wx.base_url)
    queue_wechat(services, clock.now() + timedelta(hours=2))
    deliver(services.sessions, services.sms, None, clock.now() + timedelta(hours=2), wechat=other)
    assert len(wx.sent) == 2 and wx.tokens == ["TOKEN-1"]


def test_after_48_hours_the_county_template(peer, db, clock, services, wx, sender):
    no = submit(peer)
    set_template(db, services)
    later = clock.now() + timedelta(hours=49)
    mid = queue_wechat(services, later, petition_id=case(db, no).id)
    assert deliver(services.sessions, services.sms, None, later, wechat=sender).sent == 1
    [(kind, posted)] = wx.sent
    assert kind == "template" and posted["touser"] == ZS and posted["template_id"] == "TPL-progress-1"
    assert posted["data"]["keyword1"]["value"] == no and "受理" in posted["data"]["keyword2"]["value"]
    assert row(db, mid).provider_id.startswith("tpl:")


def test_no_template_configured_fails_and_staff_are_told(peer, db, clock, services, wx, sender):
    no = submit(peer)
    later = clock.now() + timedelta(days=3)
    mid = queue_wechat(services, later, petition_id=case(db, no).id)
    assert deliver(services.sessions, services.sms, None, later, wechat=sender).failed == 1
    assert row(db, mid).status == "failed" and wx.sent == []
    db.rollback()
    [told] = db.scalars(select(OutboundMessage).where(OutboundMessage.purpose == FAILED_PURPOSE)).all()
    assert told.to == STAFF and "超过48小时且未配置模板消息" in told.body and f"微信用户o_zhan…的消息（事项{no}）" in told.body


def test_window_closed_early_falls_back_to_the_template(peer, db, clock, services, wx, sender):
    submit(peer)
    set_template(db, services)
    wx.script.append(45015)
    queue_wechat(services, clock.now())
    assert deliver(services.sessions, services.sms, None, clock.now(), wechat=sender).sent == 1
    assert [kind for kind, _ in wx.sent] == ["template"]


def test_busy_is_retried_unsubscribed_fails_an_expired_token_is_renewed(peer, db, clock, services, wx, sender):
    submit(peer)
    now = clock.now()
    mid = queue_wechat(services, now)
    wx.script.append(-1)
    assert deliver(services.sessions, services.sms, [mid], now, wechat=sender).retry == 1
    assert row(db, mid).status == "queued" and "-1" in row(db, mid).error
    wx.script.append(42001)                        # the token was invalidated meanwhile
    assert deliver(services.sessions, services.sms, [mid], now + timedelta(minutes=1), wechat=sender).sent == 1
    assert wx.tokens == ["TOKEN-1", "withdrawn", "TOKEN-3"]
    gone = queue_wechat(services, now)
    wx.script.append(43004)
    assert deliver(services.sessions, services.sms, [gone], now, wechat=sender).failed == 1
    db.rollback()
    assert "对方已取消关注" in db.scalars(select(OutboundMessage.body).where(
        OutboundMessage.purpose == FAILED_PURPOSE)).first()


def test_a_case_step_reaches_the_citizen_s_wechat(peer, db, clock, services, wx, sender):
    services._wechat = sender                      # the account's AppID and secret are set
    no = submit(peer)
    clock.advance(minutes=20)
    peer.text_sms(LIAISON, f"受理 {no}")
    [(kind, posted)] = wx.sent
    assert kind == "custom" and posted["touser"] == ZS and no in posted["text"]["content"]


def test_a_batch_of_wechat_and_texts_sends_each_once_under_a_numbers_limits(peer, db, clock, services, wx, sender,
                                                                            sms_out):
    """One delivery takes 张三's WeChat message and 李建国's text together, in a county that told its
    file the provider's limits per number: each goes once, and each is recorded as sent."""
    submit(peer)
    db.rollback()
    county = db.scalars(select(County)).one()
    county.options = {**county.options, "sms": {**(county.options.get("sms") or {}), "per_number": {"day": 50}}}
    db.commit()
    later = clock.now() + timedelta(hours=1)
    first = queue_wechat(services, later)
    with transaction(services.sessions) as s:
        text = OutboundMessage.enqueue(s, "sms", LIAISON, "信访局已收回事项LS-20261123-0001，贵单位无需继续办理。",
                                       "taken_back", later)
    before = len(sms_out.sent)
    report = deliver(services.sessions, services.sms, [first, text], later, wechat=sender)
    assert (report.sent, report.retry, report.failed) == (2, 0, 0)
    assert row(db, first).status == row(db, text).status == "sent"
    assert len(sms_out.sent) == before + 1 and len(wx.sent) == 1


def test_past_48_hours_with_no_template_the_notice_goes_by_sms_to_the_number_he_proved(peer, db, clock, services,
                                                                                        wx, sender, sms_out):
    """Issue 33: 张三 petitions on WeChat and proves his number with the code; the county set up no
    template message. The unit accepts his case 50 hours after he last wrote — WeChat would take
    nothing now — and the notice reaches him by SMS, the bureau told of no failure."""
    import re as re_

    peer.say(ZS, "我是下汤镇林楼村的张三，小区水泵坏了三天没水")
    peer.say(ZS, "13812345678")
    code = re_.search(r"验证码是(\d{6})", sms_out.sent[-1][1]).group(1)
    no = re_.search(r"LS-\d{8}-\d{4}", peer.say(ZS, "确认")).group(0)
    assert "验证成功" in peer.say(ZS, code)
    clock.advance(hours=50)
    assert "已受理" in peer.text_sms(LIAISON, f"受理 {no}")
    [notice] = [m for m in row_all(db) if m.purpose == "case_accepted"]
    assert notice.channel == "wechat" and notice.to == ZS and notice.status == "queued"
    assert deliver(services.sessions, services.sms, None, clock.now(), wechat=sender).sent >= 1
    sent = row(db, notice.id)
    assert sent.status == "sent" and "by SMS" in sent.error and wx.sent == []
    assert any(to == "+8613812345678" and no in body and "受理" in body for to, body in sms_out.sent)
    assert not [m for m in row_all(db) if m.purpose == FAILED_PURPOSE]


def test_past_48_hours_an_unproven_number_is_not_texted(peer, db, clock, services, wx, sender, sms_out):
    """The number he typed was never proved (it may be anyone's): no SMS to it — the notice fails
    as before and the bureau is told."""
    import re as re_

    peer.say(ZS, "我是下汤镇林楼村的张三，小区水泵坏了三天没水")
    peer.say(ZS, "13812345678")
    no = re_.search(r"LS-\d{8}-\d{4}", peer.say(ZS, "确认")).group(0)
    clock.advance(hours=50)
    peer.text_sms(LIAISON, f"受理 {no}")
    before = [b for to, b in sms_out.sent if to == "+8613812345678"]
    assert deliver(services.sessions, services.sms, None, clock.now(), wechat=sender).failed >= 1
    assert [b for to, b in sms_out.sent if to == "+8613812345678"] == before
    assert [m for m in row_all(db) if m.purpose == FAILED_PURPOSE]


def row_all(db) -> list[OutboundMessage]:
    db.rollback()
    return list(db.scalars(select(OutboundMessage).order_by(OutboundMessage.id)))


def test_past_48_hours_on_tencent_the_notice_goes_as_its_registered_template(peer, db, clock, services, wx, sender,
                                                                              sms_out):
    """The same under Tencent Cloud SMS, which sends registered templates only: the 受理 notice goes
    as case_accepted's template, with its values."""
    import re as re_

    from tests.test_templates import COUNTY, TencentSms, TencentSmsApiStub
    peer.say(ZS, "我是下汤镇林楼村的张三，小区水泵坏了三天没水")
    peer.say(ZS, "13812345678")
    code = re_.search(r"验证码是(\d{6})", sms_out.sent[-1][1]).group(1)
    no = re_.search(r"LS-\d{8}-\d{4}", peer.say(ZS, "确认")).group(0)
    assert "验证成功" in peer.say(ZS, code)
    stub = TencentSmsApiStub()
    try:
        services.sms = TencentSms(stub.secret_id, stub.secret_key, stub.app_id, api_base=stub.base_url, timeout=3)
        clock.advance(hours=50)
        peer.text_sms(LIAISON, f"受理 {no}")
        assert deliver(services.sessions, services.sms, None, clock.now(), wechat=sender).sent >= 1
    finally:
        stub.close()
    [got] = [r for r in stub.received if r["TemplateId"] == COUNTY["sms"]["templates"]["case_accepted"]]
    assert got["PhoneNumber"] == "+8613812345678" and no in got["TemplateParamSet"]
    assert wx.sent == []
