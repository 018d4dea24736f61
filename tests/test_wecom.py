"""WeCom (企业微信 / 政务微信) for officials (issue 21): the county's app reaches the cadres and leaders
the county file maps to a WeCom member id — their cases, with the petitioner's number a text may
not carry, come as app messages, by SMS when WeCom will not take them — and they answer in the
app: callbacks sealed exactly as WeCom seals them (AES for the corp id, msg_signature), into the
same command registry as their texts. wechatpy's WeCom client against a local stub of WeCom's API,
its token shared through a real Redis."""
from __future__ import annotations

import base64
import dataclasses

import pytest
from sqlalchemy import func, select

from peers.webhooks import PeerClient, WeComServer
from peers.apis import WeComApiStub
from core.settings import SettingsError, load_settings
from core.store.models import InboundMessage, Petition
from notifications.outbox import WECOM_FELL_BACK
from notifications.schedule import daily_digest
from notifications.wecom import WeComSender
from tests.conftest import killed_while_handling, make_env
from tests.test_cases import case, outbox

ZHAO, ZHAO_PHONE = "ZhaoZhiQiang", "+8613700000021"     # 赵志强, 尧山镇 liaison, on WeCom (examples/lushan.toml)
WECOM_TOKEN = "wecom-callback-token"
WECOM_AES = base64.b64encode(b"w" * 32).decode()[:43]
CORP = "ww0000000000stub"
LI_GUIFANG = "o_li_guifang"


@pytest.fixture
def wc() -> WeComApiStub:
    s = WeComApiStub(corp_id=CORP)
    yield s
    s.close()


@pytest.fixture
def wecom(services, app, clock, wechat, twilio, wc, lite) -> PeerClient:
    """The county on WeCom: its app's callback configured, its messages sent through the stub."""
    services.settings = dataclasses.replace(
        services.settings, wecom_corp_id=CORP, wecom_agent_id=1000002, wecom_secret=wc.secret,
        wecom_token=WECOM_TOKEN, wecom_aes_key=WECOM_AES, wecom_api_base=wc.base_url)
    services._wecom = WeComSender(CORP, 1000002, wc.secret, lite, api_base=wc.base_url, timeout=2)
    return PeerClient(app.test_client(), clock, wechat, twilio,
                      wecom=WeComServer(token=WECOM_TOKEN, aes_key=WECOM_AES, app_id=CORP))


def petition_in_yaoshan(peer) -> str:
    """李桂芳 writes to the county's Official Account, all at once, the way she talks."""
    peer.say(LI_GUIFANG, "俺是尧山镇上坪村的李桂芳，俺家门口的路让大车压烂了，下雨天根本走不了，电话13698765432")
    reply = peer.say(LI_GUIFANG, "确认")
    return reply.split("编号")[1].split()[0].strip("：，,。") if "编号" in reply else reply


def stored(db) -> int:
    db.rollback()
    return db.scalar(select(func.count()).select_from(InboundMessage))


def test_a_case_reaches_the_cadre_in_the_app_with_the_number_and_he_accepts_it_there(wecom, db, wc, sms_out):
    no = petition_in_yaoshan(wecom)
    p = case(db, no)
    assert p.unit_id is not None and p.phone == "+8613698765432"
    # the 交办 came as an app message, the petitioner's number in it; no text to his phone
    [assigned] = wc.texts_to(ZHAO)
    assert no in assigned and "信访人电话：+8613698765432" in assigned and "李桂芳" in assigned
    assert not [b for to, b in sms_out.sent if to == ZHAO_PHONE]
    [row] = outbox(db, "case_assigned")
    assert (row.to, row.status, row.provider_id) == (ZHAO_PHONE, "sent", "wecom:wecom-msg-1")
    assert "13698765432" not in row.body                       # what is kept is the text's SMS form
    # he answers in the app, and the answer comes back sealed
    answer = wecom.say_wecom(ZHAO, f"受理 {no}")
    assert f"已受理{no}" in answer.replace(" ", "")
    assert case(db, no).status == "accepted"


def test_wecom_calling_again_gets_the_same_answer_and_nothing_twice(wecom, db):
    no = petition_in_yaoshan(wecom)
    xml = wecom.wecom.text(ZHAO, f"受理 {no}", wecom.now_ts())
    first = wecom.wecom_reply(wecom.post_wecom(xml))
    again = wecom.wecom_reply(wecom.post_wecom(xml))          # WeCom's retry: the same MsgId
    assert first == again and "已受理" in first
    db.rollback()
    assert db.scalar(select(func.count()).select_from(InboundMessage).where(InboundMessage.channel == "wecom")) == 1


def test_when_wecom_will_not_take_it_the_case_goes_by_text_without_the_number(wecom, db, wc, sms_out):
    wc.script.append("invalid")          # 赵志强 was taken out of the app's visible range
    no = petition_in_yaoshan(wecom)
    [row] = outbox(db, "case_assigned")
    assert row.status == "sent" and row.error.startswith(WECOM_FELL_BACK) and "invaliduser" in row.error
    [text] = [b for to, b in sms_out.sent if to == ZHAO_PHONE]
    assert no in text and "信访人联系方式请在查询或工作台案卷中查看" in text and "13698765432" not in text
    assert wc.texts_to(ZHAO) == []


def test_wecom_busy_falls_back_to_text_at_once(wecom, db, wc, sms_out):
    wc.script.append(-1)
    no = petition_in_yaoshan(wecom)
    assert [b for to, b in sms_out.sent if to == ZHAO_PHONE and no in b]
    assert outbox(db, "case_assigned")[0].status == "sent"


def test_someone_not_in_the_directory_is_told_so_and_nothing_is_filed(wecom, db):
    answer = wecom.say_wecom("SomeoneElse", "俺是尧山镇的，路坏了没人管")
    assert "未登记在县信访局的名录中" in answer
    db.rollback()
    assert db.scalar(select(func.count()).select_from(Petition)) == 0
    assert stored(db) == 1                                         # kept all the same


def test_a_photo_in_the_app_is_asked_for_as_text_and_opening_the_app_says_nothing(wecom, db):
    xml = wecom.wecom.xml(ZHAO, "image", wecom.now_ts(), wecom.wecom.next_msg_id(), PicUrl="http://p", MediaId="m1")
    assert "文字命令" in wecom.wecom_reply(wecom.post_wecom(xml))
    entered = wecom.wecom.xml(ZHAO, "event", wecom.now_ts(), None, Event="enter_agent", EventKey="")
    assert wecom.wecom_reply(wecom.post_wecom(entered)) == ""
    assert stored(db) == 2


def test_the_url_verification_and_forged_or_stale_callbacks(wecom, db, services, clock):
    client = wecom.client
    got = client.get("/wecom", query_string=wecom.wecom.handshake(wecom.now_ts(), "1616140317555161061"))
    assert got.status_code == 200 and got.get_data(as_text=True) == "1616140317555161061"
    forged = wecom.wecom.handshake(wecom.now_ts())
    forged["msg_signature"] = "0" * 40
    assert client.get("/wecom", query_string=forged).status_code == 403
    # another corp's key, an old timestamp, a body that is not WeCom's
    other = WeComServer(token=WECOM_TOKEN, aes_key=base64.b64encode(b"x" * 32).decode()[:43], app_id=CORP)
    query, body = other.seal(other.text(ZHAO, "受理", wecom.now_ts()), wecom.now_ts())
    assert client.post("/wecom", query_string=query, data=body).status_code == 400
    sealed_for_other_corp = WeComServer(token=WECOM_TOKEN, aes_key=WECOM_AES, app_id="ww_other_corp")
    query, body = sealed_for_other_corp.seal(sealed_for_other_corp.text(ZHAO, "受理", wecom.now_ts()), wecom.now_ts())
    assert client.post("/wecom", query_string=query, data=body).status_code == 403
    old = wecom.now_ts() - 3600
    assert wecom.post_wecom(wecom.wecom.text(ZHAO, "受理", old), timestamp=old).status_code == 403
    query, _ = wecom.wecom.seal(wecom.wecom.text(ZHAO, "x", wecom.now_ts()), wecom.now_ts())
    assert client.post("/wecom", query_string=query, data=b"<!DOCTYPE x [<!ENTITY a 'b'>]><xml/>").status_code == 400
    assert stored(db) == 0
    services.settings = dataclasses.replace(services.settings, wecom_token=None)
    assert wecom.post_wecom(wecom.wecom.text(ZHAO, "受理", wecom.now_ts())).status_code == 503


def test_a_leader_on_wecom_gets_the_daily_report_there_and_the_others_by_text(wecom, db, wc, services, clock, sms_out):
    petition_in_yaoshan(wecom)
    evening = clock.now().replace(hour=18)
    daily_digest(services, evening)
    [report] = wc.texts_to("LiuWeiDong")                         # 刘卫东, 县长, on WeCom
    assert report.startswith("【每日访情】") or "访情" in report
    assert not [b for to, b in sms_out.sent if to == "+8613700000102"]
    assert [b for to, b in sms_out.sent if to == "+8613700000101" and "访情" in b]   # 陈国栋: by text


def test_wecom_settings_stop_the_start_when_partial(db_url):
    env = make_env(db_url)
    with pytest.raises(SettingsError, match="WECOM_SECRET"):
        load_settings({**env, "WECOM_CORP_ID": CORP, "WECOM_AGENT_ID": "1000002"})
    with pytest.raises(SettingsError, match="WECOM_AES_KEY"):
        load_settings({**env, "WECOM_CORP_ID": CORP, "WECOM_TOKEN": "t"})
    with pytest.raises(SettingsError, match="WECOM_AGENT_ID"):
        load_settings({**env, "WECOM_CORP_ID": CORP, "WECOM_AGENT_ID": "app", "WECOM_SECRET": "s"})
    with pytest.raises(SettingsError, match="WECOM_AES_KEY"):
        load_settings({**env, "WECOM_CORP_ID": CORP, "WECOM_TOKEN": "t", "WECOM_AES_KEY": "short"})
    s = load_settings({**env, "WECOM_CORP_ID": CORP, "WECOM_AGENT_ID": "1000002", "WECOM_SECRET": "s",
                       "WECOM_TOKEN": "t", "WECOM_AES_KEY": WECOM_AES})
    assert s.wecom_outbound and s.wecom_problem() is None and s.wecom_agent_id == 1000002
    assert not load_settings(env).wecom_outbound and load_settings(env).wecom_problem() == "WECOM_TOKEN is not set"


def test_an_answer_whose_web_process_died_comes_later_in_the_app(wecom, db, wc, services, clock):
    """赵志强's 受理 reaches the callback as the web process is killed: stored, not handled. WeCom
    gives up waiting; the workers' minute handles it, and his answer comes as an app message."""
    from bot.redeliver import redeliver

    no = petition_in_yaoshan(wecom)

    with killed_while_handling(services):
        wecom.say_wecom(ZHAO, f"受理 {no}")
    assert case(db, no).status == "assigned"
    clock.advance(seconds=61)
    assert redeliver(services, clock.now()) == "重新处理待处理消息1条，完成1条"
    assert case(db, no).status == "accepted"
    [late] = outbox(db, "late_reply")
    assert (late.channel, late.to, late.status) == ("wecom", ZHAO, "sent")
    assert f"已受理{no}" in wc.texts_to(ZHAO)[-1].replace(" ", "")


def test_with_the_apps_callback_but_no_sending_to_it_a_late_answer_goes_by_text(wecom, db, services, clock, sms_out):
    """The county set up WeCom's callback before its app's secret: 赵志强's late answer reaches him
    by text rather than waiting for a sender that is not there."""
    from bot.redeliver import redeliver

    no = petition_in_yaoshan(wecom)
    services._wecom = None
    services.settings = dataclasses.replace(services.settings, wecom_secret=None, wecom_agent_id=None)

    with killed_while_handling(services):
        wecom.say_wecom(ZHAO, f"受理 {no}")
    clock.advance(seconds=61)
    redeliver(services, clock.now())
    [late] = outbox(db, "late_reply")
    assert (late.channel, late.to, late.status) == ("sms", ZHAO_PHONE, "sent")
    assert any(to == ZHAO_PHONE and "已受理" in body for to, body in sms_out.sent)


def test_wecom_spells_the_member_id_its_own_way_and_he_is_still_known(wecom, db):
    """The county file says ZhaoZhiQiang; WeCom's callback says zhaozhiqiang (its ids ignore case)."""
    no = petition_in_yaoshan(wecom)
    assert "已受理" in wecom.say_wecom("zhaozhiqiang", f"受理 {no}")
    assert case(db, no).status == "accepted"


def test_a_cadre_writes_in_the_app_as_he_talks(wecom, db):
    """赵志强 answers the 交办 as he would a colleague: "收到，受理", with no space before the
    number, "好的" before the next; "你好" alone gets the commands."""
    no = petition_in_yaoshan(wecom)
    assert "已受理" in wecom.say_wecom(ZHAO, f"收到，受理{no}")
    assert case(db, no).status == "accepted"
    assert "已登记" in wecom.say_wecom(ZHAO, f"好的 见面 {no} 下午去她家看了路")
    assert "可用指令" in wecom.say_wecom(ZHAO, "你好")
