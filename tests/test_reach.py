"""Every citizen is reached, or the bureau knows why (issue 33): a notice that failed for good goes
again, once, the next time the citizen writes; a notice held for the night goes before WeChat's
48 hours close; and, at explicit clocks (a Friday night, a holiday's eve, 50 hours after the
last message), a WeChat or a Tencent SMS petitioner hears of 受理, reads the 答复 and is asked to
rate — with nothing left on the bureau's list of what failed."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from bot.cli import main
from core.store.models import OutboundMessage
from notifications.outbox import FAILED_PURPOSE
from notifications.wechat import WeChatSender
from tests.test_cases import LIAISON, STAFF, outbox
from tests.test_console_security import sign_in

ZS = "o_zhangsan_reach"
HIS = "+8613812345678"
AWAITED, FAILED_AGAIN = "对方下次留言时将自动重发一次", "已在对方留言时重发一次，仍未送达"


@pytest.fixture
def sender(wx, lite, services):
    """The account's AppID and secret are set: WeChat rows go as they are written (inline)."""
    services._wechat = WeChatSender(wx.app_id, wx.secret, lite, api_base=wx.base_url, timeout=0.5)
    return services._wechat


def petition(peer, who: str = ZS, phone: str = "13812345678") -> str:
    """张三's petition on WeChat, his number typed (not proved): its tracking number."""
    peer.say(who, "我是下汤镇林楼村的张三，小区水泵坏了三天没水")
    peer.say(who, phone)
    return re.search(r"LS-\d{8}-\d{4}", peer.say(who, "确认")).group(0)


def failures(monkeypatch, db_url) -> str:
    monkeypatch.setenv("DATABASE_URL", db_url)
    got = CliRunner().invoke(main, ["failures"])
    assert got.exit_code == 0, got.output
    return got.output


def shelf(app, sms_out) -> str:
    """The 发送失败 shelf of the bureau's 工作台, as 周敏 sees it."""
    browser = app.test_client()
    sign_in(browser, sms_out, STAFF)
    page = browser.get("/console/").get_data(as_text=True)
    return re.search(r'id="shelf-failed_texts".*?</section>', page, re.S).group(0)


def custom_to(wx, openid: str) -> list[str]:
    return [m["text"]["content"] for kind, m in wx.sent if kind == "custom" and m["touser"] == openid]


def test_a_notice_that_failed_goes_again_once_when_he_writes(peer, db, db_url, clock, app, wx, sender, sms_out,
                                                            monkeypatch):
    """张三 never proved his number and the county has no template: his 受理, written 50 hours after
    he last wrote, fails and the bureau is told. It waits on the 发送失败 shelf, saying it will go
    again; when he next writes ("查询") WeChat takes it as a customer-service message again, it
    goes, and the shelf and `xinfang failures` are empty."""
    no = petition(peer)
    clock.advance(hours=50)
    peer.text_sms(LIAISON, f"受理 {no}")
    [notice] = outbox(db, "case_accepted")
    assert notice.status == "failed" and "48 hours" in notice.error and custom_to(wx, ZS) == []
    assert [m.to for m in outbox(db, FAILED_PURPOSE)] == [STAFF]
    waiting = shelf(app, sms_out)
    assert "case_accepted" in waiting and AWAITED in waiting
    listed = failures(monkeypatch, db_url)
    assert "未送达的短信/微信：1条" in listed and f"case_accepted {no}" in listed and AWAITED in listed

    clock.advance(hours=3)
    assert no in peer.say(ZS, "查询")
    [sent] = outbox(db, "case_accepted")
    assert sent.status == "sent" and sent.resent_at is not None and sent.provider_id.startswith("cs:")
    assert any("受理" in words and no in words for words in custom_to(wx, ZS))
    assert "未送达的短信/微信：0条" in failures(monkeypatch, db_url)
    assert "case_accepted" not in shelf(app, sms_out)


def test_it_goes_again_once_never_a_third_time(peer, db, db_url, clock, app, wx, sender, sms_out, monkeypatch):
    """Sent again when he wrote, WeChat refused it once more (too many messages, 45047, and no
    template): it stays failed, the shelf says it was sent again and failed, staff are told again —
    and his next message sends it no third time."""
    no = petition(peer)
    clock.advance(hours=50)
    peer.text_sms(LIAISON, f"受理 {no}")
    clock.advance(hours=1)
    wx.script.append(45047)
    peer.say(ZS, "查询")
    [notice] = outbox(db, "case_accepted")
    assert notice.status == "failed" and notice.resent_at is not None and custom_to(wx, ZS) == []
    assert len(outbox(db, FAILED_PURPOSE)) == 2
    assert FAILED_AGAIN in shelf(app, sms_out) and FAILED_AGAIN in failures(monkeypatch, db_url)
    clock.advance(hours=1)
    peer.say(ZS, "查询")
    db.rollback()
    assert db.get(OutboundMessage, notice.id).status == "failed" and custom_to(wx, ZS) == []


def test_what_failed_for_an_official_or_a_code_is_not_sent_again(peer, db, clock, services, sms_out):
    """Only notices about a citizen's case go again: a reminder to a cadre that failed is not sent
    when the cadre next writes, nor a verification code when the citizen does."""
    from core.store.db import transaction
    with transaction(services.sessions) as s:
        reminder = OutboundMessage.enqueue(s, "sms", LIAISON, "提醒", "reminder", clock.now())
        code = OutboundMessage.enqueue(s, "wechat", ZS, "验证码", "code", clock.now())
        receipt = OutboundMessage.enqueue(s, "wechat", ZS, "回执", "receipt", clock.now())
        for mid in (reminder, code, receipt):
            s.get(OutboundMessage, mid).status = "failed"
    peer.text_sms(LIAISON, "待办")
    peer.say(ZS, "你好")
    db.rollback()
    states = {mid: (db.get(OutboundMessage, mid).status, db.get(OutboundMessage, mid).resent_at is not None)
              for mid in (reminder, code, receipt)}
    assert states[reminder] == ("failed", False) and states[code] == ("failed", False)
    assert states[receipt][1]      # the citizen's own receipt went again (WeChat rows wait: no sender here)



# --- a notice held for the night, and WeChat's 48 hours -------------------------------------------

def at(day: str, hm: str):
    from datetime import datetime
    from core.clock import SHANGHAI
    return datetime.fromisoformat(f"{day}T{hm}").replace(tzinfo=SHANGHAI)


def accepted(peer, db, clock, wrote, accepted) -> OutboundMessage:
    """张三 petitions on WeChat at ``wrote`` and says nothing more; 李建国 accepts it at ``accepted``:
    the 受理 notice's row."""
    clock.set(wrote)
    no = petition(peer)
    clock.set(accepted)
    peer.text_sms(LIAISON, f"受理 {no}")
    [notice] = outbox(db, "case_accepted")
    return notice


def test_a_notice_written_late_goes_at_once_when_his_48_hours_close_before_morning(peer, db, clock, wx, sender):
    """张三 petitions on Monday at 22:40. The cadre accepts his case on Wednesday at 21:50, after
    day time: held for Thursday 08:00 it would find WeChat closed since Wednesday 22:40 (and no
    template, no proven number) — so it goes at once, in full, as a customer-service message."""
    notice = accepted(peer, db, clock, wrote=at("2026-11-23", "22:40"), accepted=at("2026-11-25", "21:50"))
    assert notice.status == "sent" and notice.sent_at == clock.now()
    assert any("受理" in words for words in custom_to(wx, ZS))


def test_in_the_small_hours_it_waits_until_just_before_they_close(peer, db, clock, services, wx, sender):
    """张三 petitions on Monday at 07:30. The cadre, up early, accepts on Wednesday at 06:50: the
    notice waits — not for 08:00, when WeChat would take it no more, but until 07:15, a quarter of
    an hour before his 48 hours close — and goes then as a customer-service message."""
    notice = accepted(peer, db, clock, wrote=at("2026-11-23", "07:30"), accepted=at("2026-11-25", "06:50"))
    assert notice.status == "queued" and notice.next_attempt_at == at("2026-11-25", "07:15")
    assert services.deliver(None, at("2026-11-25", "07:14")).sent == 0
    services.deliver(None, at("2026-11-25", "07:15"))
    db.rollback()
    assert db.get(OutboundMessage, notice.id).status == "sent" and any("受理" in w for w in custom_to(wx, ZS))


def test_a_night_notice_whose_window_stays_open_still_waits_for_the_morning(peer, db, clock, wx, sender):
    """He wrote on Tuesday evening: a notice at 23:00 on Wednesday waits for Thursday 08:00 as
    always — his 48 hours are open then."""
    notice = accepted(peer, db, clock, wrote=at("2026-11-24", "20:00"), accepted=at("2026-11-25", "23:00"))
    assert notice.status == "queued" and notice.next_attempt_at == at("2026-11-26", "08:00")


# --- the operator is told at init and at start --------------------------------------------------

def test_init_warns_once_when_wechat_is_on_and_no_template_is_configured(tmp_path, monkeypatch):
    """The example county has WeChat on (WECHAT_TOKEN) and no template message: `xinfang init` says
    so in one line; with `[county.wechat_templates] notice` set, or WeChat off, it says nothing."""
    from core.words.reach import NO_WECHAT_TEMPLATE
    from tests.conftest import EXAMPLE, TOKEN, county_file_with

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.sqlite3'}")
    monkeypatch.setenv("WECHAT_TOKEN", TOKEN)
    monkeypatch.delenv("WECHAT_AES_KEY", raising=False)
    got = CliRunner().invoke(main, ["init", str(EXAMPLE)])
    assert got.exit_code == 0, got.output
    assert got.output.count(NO_WECHAT_TEMPLATE) == 1
    with_template = county_file_with(tmp_path, "wechat_templates", 'notice = "TPL-progress-1"')
    assert NO_WECHAT_TEMPLATE not in CliRunner().invoke(main, ["init", str(with_template)]).output
    monkeypatch.delenv("WECHAT_TOKEN")
    assert NO_WECHAT_TEMPLATE not in CliRunner().invoke(main, ["init", str(EXAMPLE)]).output
