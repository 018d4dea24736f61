"""The city's single Official Account and SMS number (issue 31, item 2; docs/city.md): one
deployment holding 平顶山市 with 鲁山县 and 宝丰县, the city's own account at /county/pds/wechat
(WECHAT_*_PDS), its number at /county/pds/sms (Twilio) and /county/pds/sms/tencent/<secret>,
beside each county's own entrances. The place the citizen names decides the county; the case
is filed there (its number, its unit), says it came by the city's entrance, and everything said to
the citizen later goes back through the city's account.

People write as they do: dialect, everything in one long message, wrong answers. Each request is
sealed and signed as WeChat's (or Twilio's, Tencent's) servers do (peers.webhooks), on a fixed
clock. 鲁山's file is given a 城关镇 here (宝丰 has one) to ask which county a shared name is.
"""
from __future__ import annotations

import base64
import re
import shutil
from datetime import datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.app import create_app
from bot.cli.county import init_database
from core.clock import FixedClock, SHANGHAI
from core.settings import load_settings
from core.store.db import make_engine
from core.store.models import Conversation, County, InboundMessage, OutboundMessage, Person, Petition
from notifications.services import build_services
from notifications.sms import ConsoleSms
from peers.webhooks import PeerClient, TwilioServer, WeChatServer
from tests.conftest import BACKENDS, ROOT, TENCENT_SECRET, TWILIO_TOKEN, make_env
from tests.test_city_entrances import ACCOUNTS, CountyAccount

CITY_ACCOUNT = ("pingdingshan-token", "wxpingdingshan01", base64.b64encode(b"P" * 32).decode()[:43])
NUMBER = re.compile(r"\b([A-Z]+)-\d{8}-\d{4}\b")
# a 鲁山 villager, all in one long message, in dialect
LUSHAN_STORY = "恁好，俺是鲁山县下汤镇林楼村哩老马，马长顺，俺村那口井坏了半年了，吃水得跑二里地去挑，求求恁们给管管"


def _files(tmp) -> str:
    """The city's files, 鲁山's with a 城关镇 of its own (so the city has two)."""
    for name in ("pingdingshan.toml", "baofeng.toml"):
        shutil.copy(ROOT / "examples" / name, tmp / name)
    lushan = (ROOT / "examples" / "lushan.toml").read_text(encoding="utf-8")
    (tmp / "lushan.toml").write_text(lushan + '\n[[townships]]\nname = "城关镇"\nvillages = ["东关村"]\n',
                                     encoding="utf-8")
    return str(tmp / "pingdingshan.toml")


@pytest.fixture(scope="session")
def city_files(tmp_path_factory):
    return _files(tmp_path_factory.mktemp("city_files"))


@pytest.fixture(scope="session")
def account_template(tmp_path_factory, city_files):
    path = tmp_path_factory.mktemp("city_account") / "city.sqlite3"
    init_database(f"sqlite:///{path}", city_files, now=datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI))
    return path


@pytest.fixture(params=BACKENDS)
def city(request, tmp_path, account_template, city_files):
    if request.param == "sqlite":
        path = tmp_path / "city.sqlite3"
        shutil.copy(account_template, path)
        url = f"sqlite:///{path}"
    else:
        from sqlalchemy import text
        server, name = request.getfixturevalue("pg_url").rsplit("/", 1)
        admin = make_engine(f"{server}/{name}", isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}_cityacct" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}_cityacct"'))
        admin.dispose()
        url = f"{server}/{name}_cityacct"
        init_database(url, city_files, now=datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI))
    env = make_env(url, TENCENT_SMS_CALLBACK_SECRET=TENCENT_SECRET)
    for prefix, (token, app_id, key) in {**ACCOUNTS, "PDS": CITY_ACCOUNT}.items():
        env.update({f"WECHAT_TOKEN_{prefix}": token, f"WECHAT_APP_ID_{prefix}": app_id,
                    f"WECHAT_AES_KEY_{prefix}": key})
    clock = FixedClock(datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI))   # a Monday, in working hours
    svc = build_services(load_settings(env), clock=clock, sms=ConsoleSms(quiet=True))
    svc.retry_wait = 2.0
    app = create_app({"SERVICES": svc, "TESTING": True})
    engine = make_engine(url, immediate=False)
    with Session(engine) as s:
        ids = {c.prefix: c.id for c in s.scalars(select(County))}
    yield City(app, clock, engine, ids, svc)
    engine.dispose()
    svc.engine.dispose()


class City:
    def __init__(self, app, clock, engine, ids, svc):
        self.app, self.clock, self.engine, self.ids, self.svc = app, clock, engine, ids, svc
        self.client = app.test_client()
        self.twilio = TwilioServer(auth_token=TWILIO_TOKEN)

    def account(self, prefix: str = "PDS") -> PeerClient:
        """WeChat's servers pushing to an account: the city's own (sealed with its key, signed with its token)."""
        token, app_id, key = CITY_ACCOUNT if prefix == "PDS" else ACCOUNTS[prefix]
        return CountyAccount(self.client, self.clock, WeChatServer(token=token, app_id=app_id, aes_key=key),
                             self.twilio, path=f"/county/{prefix.lower()}/wechat")

    def sms(self, sender: str, body: str, prefix: str = "PDS") -> str:
        """A text to a number (the city's), posted and signed as Twilio does."""
        path = f"/county/{prefix.lower()}/sms"
        form = self.twilio.form(sender, body)
        resp = self.client.post(path, data=form, headers={"X-Twilio-Signature": self.twilio.sign(
            "http://localhost" + path, form)})
        assert resp.status_code == 200, resp.get_data(as_text=True)
        return PeerClient.twiml_text(resp)

    def tencent(self, mobile: str, words: str) -> int:
        """A reply to the city's number, as Tencent Cloud SMS calls back."""
        body = {"extend": "", "mobile": mobile, "nationcode": "86", "sign": "平顶山市信访局", "text": words,
                "time": int(self.clock.now().timestamp())}
        return self.client.post(f"/county/pds/sms/tencent/{TENCENT_SECRET}", json=body).status_code

    def look(self):
        return Session(self.engine)

    def petition(self, no: str) -> Petition:
        with self.look() as s:
            p = s.scalars(select(Petition).where(Petition.tracking_no == no)).one()
            s.expunge(p)
            return p


def number_in(reply: str) -> str:
    found = NUMBER.search(reply)
    assert found, reply
    return found.group(0)


def test_a_lushan_villager_on_the_citys_account_is_filed_in_lushan(city):
    peer = city.account()
    first = peer.say("o_city_ma", LUSHAN_STORY)
    assert "手机号码" in first, first
    peer.say("o_city_ma", "13812345601")
    no = number_in(peer.say("o_city_ma", "确认"))
    assert no.startswith("LS-")
    p = city.petition(no)
    assert (p.county_id, p.entrance_id) == (city.ids["LS"], city.ids["PDS"])
    with city.look() as s:
        p = s.get(Petition, p.id)
        assert p.unit.code == "xiatang" and p.unit.county_id == city.ids["LS"]
        assert {e.county_id for e in p.events} == {city.ids["LS"]}
        # the unit's cadres told, 鲁山's; the conversation and the raw messages the city's entrance's
        told = s.scalars(select(OutboundMessage).where(OutboundMessage.petition_id == p.id,
                                                       OutboundMessage.channel == "sms")).all()
        people = s.scalars(select(Person).where(Person.phone.in_([m.to for m in told]))).all()
        assert people and {q.county_id for q in people} == {city.ids["LS"]}
        assert s.scalar(select(Conversation.county_id).where(Conversation.sender == "o_city_ma")) == city.ids["PDS"]
        assert set(s.scalars(select(InboundMessage.county_id).where(InboundMessage.sender == "o_city_ma"))) == \
            {city.ids["PDS"]}


def test_a_baofeng_citizen_by_the_citys_number_step_by_step(city):
    phone = "+8613812345602"
    first = city.sms(phone, "你好")
    assert "称呼" in first
    city.sms(phone, "王秀英")
    asked = city.sms(phone, "俺村的路叫拉煤车压坏了，下雨天根本走不成")
    assert "乡镇" in asked, asked
    village = city.sms(phone, "杨庄镇")
    assert "村" in village, village
    summary = city.sms(phone, "马街村")
    assert "宝丰县杨庄镇马街村" in summary, summary
    no = number_in(city.sms(phone, "确认"))
    assert no.startswith("BF-")
    p = city.petition(no)
    assert (p.county_id, p.entrance_id, p.phone) == (city.ids["BF"], city.ids["PDS"], phone)
    # 查询 at the city's number finds it; at 鲁山's own number it is not theirs
    assert no in city.sms(phone, "查询") and "未找到" not in city.sms(phone, f"查询 {no}")
    assert "未找到编号为" in city.sms(phone, f"查询 {no}", prefix="LS")


def test_a_citys_tencent_callback_files_in_the_county_of_the_place(city):
    assert city.tencent("13812345603", "我是宝丰县杨庄镇马街村的李四，马街村的路坏了三个月没人修") == 200
    assert city.tencent("13812345603", "确认") == 200
    with city.look() as s:
        [p] = s.scalars(select(Petition).where(Petition.phone == "+8613812345603")).all()
        assert p.tracking_no.startswith("BF-") and (p.county_id, p.entrance_id) == (city.ids["BF"], city.ids["PDS"])
        # the replies by text are the city's number's
        replies = s.scalars(select(OutboundMessage).where(OutboundMessage.to == "+8613812345603",
                                                          OutboundMessage.purpose == "reply")).all()
        assert replies and {m.county_id for m in replies} == {city.ids["PDS"]}


def test_a_township_two_counties_share_is_asked_by_county(city):
    peer = city.account()
    peer.say("o_city_chen", "俺叫陈桂兰，俺家门口的下水道堵了一个月了，臭得很")
    peer.say("o_city_chen", "13812345604")
    asked = peer.say("o_city_chen", "城关镇")
    assert "鲁山县、宝丰县都有城关镇" in asked and "1.鲁山县城关镇" in asked and "2.宝丰县城关镇" in asked, asked
    # a wrong answer first: asked again, then the county in her own words
    again = peer.say("o_city_chen", "俺也不知道")
    assert "鲁山县城关镇" in again and "宝丰县城关镇" in again, again
    after = peer.say("o_city_chen", "宝丰嘞")
    assert "村" in after, after
    summary = peer.say("o_city_chen", "跳过")
    assert "宝丰县城关镇" in summary, summary
    no = number_in(peer.say("o_city_chen", "确认"))
    assert no.startswith("BF-") and city.petition(no).county_id == city.ids["BF"]


def test_a_county_named_with_the_shared_township_decides_at_once(city):
    peer = city.account()
    summary = None
    for said in ("俺是鲁山县城关镇东关村哩赵大娘，赵秀芝，村里的路灯坏了半年了", "13812345605"):
        summary = peer.say("o_city_zhao", said)
    assert "鲁山县城关镇东关村" in summary, summary
    no = number_in(peer.say("o_city_zhao", "确认"))
    assert no.startswith("LS-")


def test_a_place_outside_the_city_is_told_so_and_asked_again(city):
    peer = city.account()
    peer.say("o_city_far", "俺叫孙建国，俺们村的地叫人占了")
    peer.say("o_city_far", "13812345606")
    told = peer.say("o_city_far", "郏县城关镇")
    assert "郏县" in told and "不在" in told and "0375-2661234" in told, told
    assert "鲁山县、宝丰县" in told
    told = peer.say("o_city_far", "河南省郑州市金水区")
    assert "不在" in told and "0375-2661234" in told, told
    # then a place of the city: the intake goes on
    goes_on = peer.say("o_city_far", "下汤镇林楼村")
    assert "鲁山县下汤镇林楼村" in goes_on, goes_on
    with city.look() as s:
        assert s.scalars(select(Petition).where(Petition.openid == "o_city_far")).all() == []


def test_the_drafts_at_the_citys_number_and_a_countys_never_mix(city):
    phone = "+8613812345607"
    assert "确认" in city.sms(phone, "我是宝丰县杨庄镇马街村的王五，马街村的路坏了三个月没人修")
    assert "确认" in city.sms(phone, "我是下汤镇林楼村的张三，小区水泵坏了三天没水", prefix="LS")
    ls_no = number_in(city.sms(phone, "确认", prefix="LS"))
    bf_no = number_in(city.sms(phone, "确认"))
    assert ls_no.startswith("LS-") and bf_no.startswith("BF-")
    with city.look() as s:
        assert sorted(s.scalars(select(Conversation.county_id).where(Conversation.sender == phone))) == \
            sorted([city.ids["LS"], city.ids["PDS"]])
    assert city.petition(ls_no).entrance_id is None and city.petition(bf_no).entrance_id == city.ids["PDS"]


def test_a_follow_up_at_the_citys_account_finds_the_case_in_its_county(city):
    peer = city.account()
    peer.say("o_city_ma", LUSHAN_STORY)
    peer.say("o_city_ma", "13812345601")
    no = number_in(peer.say("o_city_ma", "确认"))
    listed = peer.say("o_city_ma", "查询")
    assert no in listed
    detail = peer.say("o_city_ma", f"查询 {no}")
    assert no in detail and "未找到" not in detail
    added = peer.say("o_city_ma", f"补充 {no} 井是去年秋天坏哩，村里报过两回了")
    assert "未找到" not in added, added
    with city.look() as s:
        p = s.scalars(select(Petition).where(Petition.tracking_no == no)).one()
        supplements = [e for e in p.events if e.kind == "supplement"]
        assert supplements and {e.county_id for e in supplements} == {city.ids["LS"]}


def test_a_notice_goes_back_through_the_citys_account(city, lite):
    """The unit accepts by text; the petitioner's notice goes with the city's account (its AppID and
    secret), not 鲁山's; the meeting's question waits on the city's conversation and is answered there."""
    from core.store.db import make_sessionmaker
    from notifications.outbox import deliver
    from notifications.wechat import WeChatSender
    from peers.apis import WeChatApiStub

    peer = city.account()
    peer.say("o_city_ma", LUSHAN_STORY)
    peer.say("o_city_ma", "13812345601")
    no = number_in(peer.say("o_city_ma", "确认"))
    p = city.petition(no)
    with city.look() as s:
        cadre = s.scalars(select(Person).where(Person.unit_id == p.unit_id, Person.county_id == city.ids["LS"],
                                               Person.phone.is_not(None), Person.active.is_(True))
                          .order_by(Person.id)).first()
        phone = cadre.phone
    accepted = city.sms(phone, f"受理 {no}", prefix="LS")
    assert no in accepted
    met = city.sms(phone, f"见面 {no} 已到村里看了井", prefix="LS")
    assert no in met
    with city.look() as s:
        rows = s.scalars(select(OutboundMessage).where(OutboundMessage.to == "o_city_ma",
                                                       OutboundMessage.channel == "wechat")).all()
        assert rows and {m.county_id for m in rows} == {city.ids["LS"]}   # the case's county's text
        ids = [m.id for m in rows]
        conv = s.scalars(select(Conversation).where(Conversation.sender == "o_city_ma")).one()
        assert conv.county_id == city.ids["PDS"] and conv.data.get("asks"), conv.data
    stubs = {prefix: WeChatApiStub(app_id=app_id, secret=f"{prefix}-secret")
             for prefix, app_id in (("PDS", CITY_ACCOUNT[1]), ("LS", ACCOUNTS["LS"][1]))}
    try:
        senders = {city.ids[prefix]: WeChatSender(stub.app_id, stub.secret, lite, api_base=stub.base_url, timeout=0.5)
                   for prefix, stub in stubs.items()}
        report = deliver(make_sessionmaker(city.engine), ConsoleSms(quiet=True), ids, city.clock.now(),
                         wechat_of=senders.get)
        assert report.sent == len(ids)
        assert len(stubs["PDS"].sent) == len(ids) and stubs["LS"].sent == []
        assert {posted["touser"] for _, posted in stubs["PDS"].sent} == {"o_city_ma"}
    finally:
        for stub in stubs.values():
            stub.close()
    # the meeting's question answered at the city's account
    answered = peer.say("o_city_ma", "1")
    assert no in answered and "见面" in answered, answered
    with city.look() as s:
        assert s.scalar(select(Petition.meet_confirmed).where(Petition.tracking_no == no)) is True


def test_a_threat_at_the_citys_account_warns_the_right_bureau(city):
    peer = city.account()
    # no place yet: the city's bureau is told
    peer.say("o_city_angry", "俺叫刘铁柱，再没人管俺就去市政府门口跳楼")
    # with a place of 宝丰: 宝丰's bureau
    peer.say("o_city_angry2", "俺是宝丰县杨庄镇马街村哩刘二柱，再不给俺解决俺就去跳楼")
    with city.look() as s:
        told = s.scalars(select(OutboundMessage).where(OutboundMessage.purpose == "threat_unfiled")).all()
        by_text = {}
        for m in told:
            staff = s.scalars(select(Person).where(Person.phone == m.to)).one()
            by_text.setdefault(m.county_id, set()).add(staff.county_id)
        assert by_text == {city.ids["PDS"]: {city.ids["PDS"]}, city.ids["BF"]: {city.ids["BF"]}}, by_text


def test_the_citys_entrances_are_checked_as_a_countys(city):
    peer = city.account()
    query, body = peer.wechat.seal(peer.wechat.text("o_city_x", "你好", peer.now_ts()), peer.now_ts())
    assert city.client.post("/county/pds/wechat", query_string=query, data=body).status_code == 200
    assert city.client.post("/county/ls/wechat", query_string=query, data=body).status_code == 403
    # the handshake with the city's token
    # the city's own WeCom app is its people's; none set up here: said so by the setting's name
    app = city.client.get("/county/pds/wecom")
    assert app.status_code == 503 and "WECOM_TOKEN_PDS" in app.get_data(as_text=True)
    form = city.twilio.form("+8613812345608", "你好")
    assert city.client.post("/county/pds/sms", data=form,
                            headers={"X-Twilio-Signature": "forged"}).status_code == 403
    assert city.client.post("/county/pds/sms/tencent/wrong-secret-wrong-secret-x", json={}).status_code == 403


def test_at_half_past_eleven_on_a_friday_night_the_countys_working_days_are_said(city):
    """Filed at 23:30 Beijing time on a Friday at the city's account: the receipt says the day it is
    handled from by the county's own calendar (the next working day, Monday 12月7日)."""
    city.clock.set(datetime(2026, 12, 4, 23, 30, tzinfo=SHANGHAI))
    peer = city.account()
    peer.say("o_city_late", "俺是宝丰县杨庄镇马街村哩王五，马街村的路坏了三个月没人修")
    peer.say("o_city_late", "13812345609")
    reply = peer.say("o_city_late", "确认")
    no = number_in(reply)
    assert no.startswith("BF-20261204-") and "12月7日" in reply, reply


def test_a_command_without_its_number_at_the_citys_account_shows_a_countys_number(city):
    reply = city.account().say("o_city_how", "撤回")
    assert "PDS-" not in reply and re.search(r"(LS|BF)-\d{8}-0001", reply), reply


def test_the_citys_clerk_at_the_citys_number_is_the_citys_person(city):
    """孟晓燕 of the city's bureau texts 登记 to the city's own number: there she is the city's person,
    working the city's own cases — a township of 鲁山 is no place of the city's own, so she is told
    and nothing is filed in the city under 鲁山's township, nor is 鲁山's cadre sent a case he cannot
    open. (A 到市访 for a county is registered in the console, for that county.)"""
    reply = city.sms("+8613730000001", "登记 走访 下汤镇 王五 13912345678 1 俺村的井坏了半年了没人管")
    assert "下汤镇" in reply and "已登记" not in reply, reply
    with city.look() as s:
        assert s.scalars(select(Petition.tracking_no).where(Petition.name == "王五")).all() == []
        assert not s.scalars(select(OutboundMessage.body).where(OutboundMessage.to == "+8613700000011")).all()
