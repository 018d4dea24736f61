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
from tests.test_templates import tencent_api  # noqa: F401  (the fixture: Tencent Cloud SMS's API stub)

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


def test_fifty_hours_on_with_no_proven_number_he_hears_it_all_in_full_when_he_next_writes(
        peer, db, db_url, clock, app, wx, sender, sms_out, monkeypatch):
    """张三 never proved his number and the county has no template. The unit accepts his case 50
    hours after he last wrote and answers two hours later: WeChat takes none of 受理, the 答复 or
    the request to rate, and the bureau is told of each. They wait on the 发送失败 shelf and in
    `xinfang failures`, saying they will go again; when he next writes ("查询") his message opens
    WeChat's 48 hours, all three reach him in full as customer-service messages, he rates, and
    nothing is left on either list."""
    no = petition(peer)                                                   # Monday 10:00
    clock.advance(hours=50)
    peer.text_sms(LIAISON, f"受理 {no}")
    clock.advance(hours=2)
    peer.text_sms(LIAISON, f"答复 {no} 已更换水泵，今天恢复供水，请您核实")
    notices = [m for m in outbox(db) if m.to == ZS]
    assert [(m.purpose, m.status) for m in notices] == [("case_accepted", "failed"), ("case_replied", "failed"),
                                                        ("rating", "failed")]
    assert "48 hours" in notices[0].error and custom_to(wx, ZS) == []
    assert [m.to for m in outbox(db, FAILED_PURPOSE)] == [STAFF] * 3
    waiting = shelf(app, sms_out)
    assert "case_accepted" in waiting and waiting.count(AWAITED) == 3
    listed = failures(monkeypatch, db_url)
    assert "未送达的短信/微信：3条" in listed and f"case_replied {no}" in listed and listed.count(AWAITED) == 3

    clock.advance(hours=20)                                               # Thursday morning
    assert no in peer.say(ZS, "查询")
    resent = [m for m in outbox(db) if m.to == ZS]
    assert all(m.status == "sent" and m.resent_at == clock.now() and m.provider_id.startswith("cs:") for m in resent)
    accepted, replied, rating = custom_to(wx, ZS)
    assert no in accepted and "受理" in accepted
    assert "已更换水泵，今天恢复供水，请您核实" in replied                   # the unit's words, whole
    assert "1满意" in rating
    assert "满意" in peer.say(ZS, "1")
    assert "未送达的短信/微信：0条" in failures(monkeypatch, db_url)
    assert AWAITED not in shelf(app, sms_out)


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


# --- stories at explicit clocks ------------------------------------------------------------------

ANSWER = "已更换水泵，今天恢复供水，请您核实"


def petition_proving(peer, code_of) -> tuple[str, str]:
    """张三's petition on WeChat, his number proved with the code (``code_of()``: the code he got):
    its tracking number and the answer that gave it."""
    peer.say(ZS, "我是下汤镇林楼村的张三，小区水泵坏了三天没水")
    peer.say(ZS, "13812345678")
    code = code_of()
    receipt = peer.say(ZS, "确认")
    assert "验证成功" in peer.say(ZS, code)
    return re.search(r"LS-\d{8}-\d{4}", receipt).group(0), receipt


def test_a_wechat_petition_at_2310_on_a_friday_reaches_him_by_sms_on_monday(peer, db, db_url, clock, wx, sender,
                                                                             sms_out, monkeypatch):
    """张三 writes on Friday at 23:10 and proves his number. The number comes at once, saying the case
    is handled from Monday; the unit accepts it on Monday at 10:00 — 58 hours on, WeChat takes no
    customer-service message and the county has no template — and answers at 15:00: 受理, the
    答复 in the unit's own words and the request to rate reach him by SMS on the number he proved.
    He rates on WeChat; nothing failed."""
    clock.set(at("2026-11-27", "23:10"))                                  # a Friday
    no, receipt = petition_proving(peer, lambda: re.search(r"验证码是(\d{6})", sms_out.sent[-1][1]).group(1))
    assert "今天已过工作时间" in receipt and "11月30日（周一）起办理" in receipt
    clock.set(at("2026-11-30", "10:00"))
    peer.text_sms(LIAISON, f"受理 {no}")
    clock.set(at("2026-11-30", "15:00"))
    peer.text_sms(LIAISON, f"答复 {no} {ANSWER}")
    to_him = [body for to, body in sms_out.sent if to == HIS]
    assert any("受理" in b and no in b for b in to_him) and any(ANSWER in b for b in to_him)
    assert any("1满意" in b for b in to_him) and custom_to(wx, ZS) == []
    notices = [m for m in outbox(db) if m.to == ZS and m.purpose != "verify_phone"]
    assert [m.purpose for m in notices] == ["case_accepted", "case_replied", "rating"]
    assert all(m.status == "sent" and "by SMS" in m.error for m in notices)
    assert "满意" in peer.say(ZS, "1")
    assert outbox(db, FAILED_PURPOSE) == [] and "未送达的短信/微信：0条" in failures(monkeypatch, db_url)


def test_a_wechat_petition_on_the_eve_of_national_day_reaches_him_as_templates_after_the_holiday(
        peer, db, db_url, clock, wx, sender, tencent_api, monkeypatch):
    """张三 writes at 23:10 on 30 September 2026, the eve of the National Day holiday (1–7 October,
    chinese_calendar's). The number says the case is handled from 8 October; the unit accepts it that
    morning and answers the next afternoon, days past his 48 hours: under Tencent Cloud SMS 受理,
    the 答复 and the request to rate reach his proven number as their registered templates, the
    答复's saying exactly where its words are — and there, on WeChat, 查询 gives them whole."""
    from core.words import templates
    from tests.test_templates import COUNTY

    clock.set(at("2026-09-30", "23:10"))
    no, receipt = petition_proving(peer, lambda: tencent_api.received[-1]["TemplateParamSet"][0])
    assert "10月8日（周四）起办理" in receipt
    clock.set(at("2026-10-08", "09:30"))
    peer.text_sms(LIAISON, f"受理 {no}")
    clock.set(at("2026-10-09", "16:00"))
    peer.text_sms(LIAISON, f"答复 {no} {ANSWER}")
    ids = COUNTY["sms"]["templates"]
    to_him = {r["TemplateId"]: r["TemplateParamSet"] for r in tencent_api.received if r["PhoneNumber"] == HIS}
    assert {ids["case_accepted"], ids["case_replied"], ids["rating"]} <= set(to_him)
    assert no in to_him[ids["case_accepted"]] and no in to_him[ids["rating"]]
    replied = templates.template_of("case_replied").render(to_him[ids["case_replied"]])
    assert no in replied and "回复“查询”即可查看答复全文" in replied
    assert custom_to(wx, ZS) == [] and outbox(db, FAILED_PURPOSE) == []
    assert "未送达的短信/微信：0条" in failures(monkeypatch, db_url)
    assert ANSWER in peer.say(ZS, f"查询 {no}")


def test_an_sms_petition_by_tencent_at_2310_on_a_friday_gets_its_number_and_every_step(
        tencent, tencent_api, db, db_url, clock, monkeypatch):
    """王有田 texts his petition through Tencent Cloud SMS on Friday from 23:10. His number comes as
    the after-hours template (the day it is handed on with it); on Monday 受理, the 答复 and the
    request to rate come as their templates; nothing failed."""
    from tests.test_sms_tencent import WANG
    from tests.test_templates import COUNTY

    clock.set(at("2026-11-27", "23:10"))
    for words in ("你好", "王有田", "下汤镇林楼村", "村口那座桥裂了条大缝，拖拉机都不敢过", "确认"):
        tencent(WANG, words)
        clock.advance(seconds=20)
    ids, his = COUNTY["sms"]["templates"], "+86" + WANG
    [(no, why, day)] = [r["TemplateParamSet"] for r in tencent_api.received
                              if r["PhoneNumber"] == his and r["TemplateId"] == ids["submitted_later"]]
    assert re.fullmatch(r"LS-20261127-\d{4}", no) and (why, day) == ("今天已过工作时间", "11月30日（周一）")
    clock.set(at("2026-11-30", "10:00"))
    tencent(LIAISON[3:], f"受理 {no}")
    tencent(LIAISON[3:], f"答复 {no} 已报县交通局，桥下周加固")
    got = [r["TemplateId"] for r in tencent_api.received if r["PhoneNumber"] == his]
    assert [ids["case_accepted"], ids["case_replied"], ids["rating"]] == [t for t in got if t in (
        ids["case_accepted"], ids["case_replied"], ids["rating"])]
    assert outbox(db, FAILED_PURPOSE) == [] and "未送达的短信/微信：0条" in failures(monkeypatch, db_url)


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
