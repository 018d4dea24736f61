"""A city's counties each with its own entrance (issue 31, item 2; docs/city.md): one deployment
holding 平顶山市 with 鲁山县 and 宝丰县, each county's WeChat Official Account on its own path
(/county/ls/wechat, /county/bf/wechat: its own token, AppID and AES key, WECHAT_*_LS / _BF) and
its own SMS number (/county/<prefix>/sms for Twilio, /county/<prefix>/sms/tencent/<secret> for
Tencent Cloud SMS). Each request is sealed and signed exactly as WeChat's (or Twilio's, Tencent's)
servers do (peers.webhooks), on a fixed clock.

A citizen is filed with their entrance's county — its prefix, its unit, its cadres told — and
reads only that county's cases. Each test on a fresh city database: a SQLite file, and on
PostgreSQL a database of its own beside the tests' (which holds one county, tests/conftest.py).
"""
from __future__ import annotations

import base64
import re
import shutil

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.app import create_app
from bot.cli.county import init_database
from core.clock import FixedClock, SHANGHAI
from core.settings import load_settings
from core.store.db import make_engine
from core.store.models import (Attachment, Conversation, County, InboundMessage, OutboundMessage, Person, Petition,
                               PhoneVerification, Unit)
from notifications.services import build_services
from notifications.sms import ConsoleSms
from peers.webhooks import PeerClient, TwilioServer, WeChatServer
from tests.conftest import BACKENDS, ROOT, TENCENT_SECRET, TWILIO_TOKEN, make_env

from datetime import datetime

CITY = ROOT / "examples" / "pingdingshan.toml"
ACCOUNTS = {   # each county's own Official Account: token, AppID, EncodingAESKey
    "LS": ("lushan-token", "wxlushan00000001", base64.b64encode(b"L" * 32).decode()[:43]),
    "BF": ("baofeng-token", "wxbaofeng0000001", base64.b64encode(b"B" * 32).decode()[:43]),
}
LS_TEXT = "我是下汤镇林楼村的张三，小区水泵坏了三天没水"
BF_TEXT = "我是杨庄镇马街村的王五，马街村的路坏了三个月没人修"
NUMBER = re.compile(r"\b([A-Z]+)-\d{8}-\d{4}\b")


@pytest.fixture(scope="session")
def city_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("city") / "city.sqlite3"
    init_database(f"sqlite:///{path}", CITY, now=datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI))
    return path


def city_database(url: str) -> str:
    """A PostgreSQL database of its own beside the tests' (``<name>_city``), made afresh with the
    city loaded: the tests' own database holds one county."""
    from sqlalchemy import text
    server, name = url.rsplit("/", 1)
    admin = make_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}_city" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}_city"'))
    finally:
        admin.dispose()
    init_database(f"{server}/{name}_city", CITY, now=datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI))
    return f"{server}/{name}_city"


@pytest.fixture(params=BACKENDS)
def city(request, tmp_path, city_template):
    if request.param == "sqlite":
        path = tmp_path / "city.sqlite3"
        shutil.copy(city_template, path)
        url = f"sqlite:///{path}"
    else:
        url = city_database(request.getfixturevalue("pg_url"))
    env = make_env(url, TENCENT_SMS_CALLBACK_SECRET=TENCENT_SECRET)
    for prefix, (token, app_id, key) in ACCOUNTS.items():
        env.update({f"WECHAT_TOKEN_{prefix}": token, f"WECHAT_APP_ID_{prefix}": app_id,
                    f"WECHAT_AES_KEY_{prefix}": key})
    clock = FixedClock(datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI))   # a Monday, in working hours
    svc = build_services(load_settings(env), clock=clock, sms=ConsoleSms(quiet=True))
    svc.retry_wait = 2.0
    app = create_app({"SERVICES": svc, "TESTING": True})
    engine = make_engine(url, immediate=False)
    with Session(engine) as s:
        ids = {c.prefix: c.id for c in s.scalars(select(County))}
    yield City(app, clock, engine, ids)
    engine.dispose()
    svc.engine.dispose()


class City:
    def __init__(self, app, clock, engine, ids):
        self.app, self.clock, self.engine, self.ids = app, clock, engine, ids
        self.client = app.test_client()
        self.twilio = TwilioServer(auth_token=TWILIO_TOKEN)

    def account(self, prefix: str) -> PeerClient:
        """WeChat's servers pushing to the county's own account (sealed with its key, signed with its token)."""
        token, app_id, key = ACCOUNTS[prefix]
        return CountyAccount(self.client, self.clock, WeChatServer(token=token, app_id=app_id, aes_key=key),
                             self.twilio, path=f"/county/{prefix.lower()}/wechat")

    def sms(self, prefix: str, sender: str, body: str) -> str:
        """A text to the county's own number, posted and signed as Twilio does."""
        path = f"/county/{prefix.lower()}/sms"
        form = self.twilio.form(sender, body)
        resp = self.client.post(path, data=form, headers={"X-Twilio-Signature": self.twilio.sign(
            "http://localhost" + path, form)})
        return PeerClient.twiml_text(resp)

    def look(self):
        return Session(self.engine)


class CountyAccount(PeerClient):
    def __init__(self, client, clock, wechat, twilio, path):
        super().__init__(client, clock, wechat, twilio)
        self.path = path

    def post_wechat(self, xml: str, timestamp: int | None = None):
        return self._post_sealed(self.path, self.wechat, xml, timestamp)


def submit(peer: PeerClient, openid: str, text: str, phone: str) -> str:
    peer.say(openid, text)
    peer.say(openid, phone)
    reply = peer.say(openid, "确认")
    found = NUMBER.search(reply)
    assert found, reply
    return found.group(0)


def test_each_countys_citizen_petitions_through_its_own_account(city):
    ls_no = submit(city.account("LS"), "o_ls_citizen", LS_TEXT, "13812345678")
    bf_no = submit(city.account("BF"), "o_bf_citizen", BF_TEXT, "13912345678")
    assert ls_no.startswith("LS-") and bf_no.startswith("BF-")
    ls, bf = city.ids["LS"], city.ids["BF"]
    with city.look() as s:
        for no, county, unit in ((ls_no, ls, "xiatang"), (bf_no, bf, "yangzhuang")):
            p = s.scalars(select(Petition).where(Petition.tracking_no == no)).one()
            assert p.county_id == county
            assert (p.unit.code, p.unit.county_id) == (unit, county)
            assert {e.county_id for e in p.events} == {county}
            # the cadres told are the unit's, of the same county; the texts are the county's
            told = s.scalars(select(OutboundMessage).where(OutboundMessage.petition_id == p.id,
                                                           OutboundMessage.channel == "sms")).all()
            people = {q.phone: q for q in s.scalars(select(Person).where(Person.phone.in_([m.to for m in told])))}
            assert people and {q.county_id for q in people.values()} == {county}
            assert any(q.unit_id == p.unit_id for q in people.values())
            assert {m.county_id for m in told} == {county}
        # the raw messages, the conversations, the verification codes: each the entrance's county
        for openid, county in (("o_ls_citizen", ls), ("o_bf_citizen", bf)):
            assert set(s.scalars(select(InboundMessage.county_id).where(InboundMessage.sender == openid))) == {county}
            assert s.scalar(select(Conversation.county_id).where(Conversation.sender == openid)) == county
            assert set(s.scalars(select(PhoneVerification.county_id).where(PhoneVerification.openid == openid))) \
                <= {county}
        # the two 下汤镇-free counties' units share codes (xfj): the bureau told is each county's own
        assert s.scalar(select(Unit.county_id).where(Unit.id == s.scalar(
            select(Petition.unit_id).where(Petition.tracking_no == bf_no)))) == bf


def test_a_lushan_citizen_asking_for_a_baofeng_number_is_told_it_is_not_found(city):
    ls, bf = city.account("LS"), city.account("BF")
    ls_no = submit(ls, "o_ls_citizen", LS_TEXT, "13812345678")
    bf_no = submit(bf, "o_bf_citizen", BF_TEXT, "13912345678")
    reply = ls.say("o_ls_citizen", f"查询 {bf_no}")
    assert "未找到编号为" in reply and bf_no in reply
    listed = ls.say("o_ls_citizen", "查询")
    assert ls_no in listed and bf_no not in listed and "马街" not in listed
    assert bf_no in bf.say("o_bf_citizen", f"查询 {bf_no}") and "未找到" not in bf.say("o_bf_citizen", f"查询 {bf_no}")


def test_a_request_sealed_for_one_countys_account_is_refused_at_the_others(city):
    bf = city.account("BF")
    query, body = bf.wechat.seal(bf.wechat.text("o_bf_citizen", "你好", bf.now_ts()), bf.now_ts())
    assert city.client.post("/county/ls/wechat", query_string=query, data=body).status_code == 403
    assert city.client.post("/county/bf/wechat", query_string=query, data=body).status_code == 200
    assert city.client.post("/county/xx/wechat", query_string=query, data=body).status_code == 404
    with city.look() as s:
        assert set(s.scalars(select(InboundMessage.county_id))) == {city.ids["BF"]}


def test_the_deployments_one_entrance_is_nobodys_when_it_holds_several_counties(city):
    """/wechat and /sms name no county: in a city they answer 503 and store nothing."""
    peer = PeerClient(city.client, city.clock, WeChatServer(token="test-token", app_id="wx1234567890test",
                                                            aes_key=base64.b64encode(b"k" * 32).decode()[:43]),
                      city.twilio)
    resp = peer.post_wechat(peer.wechat.text("o_nobody", "你好", peer.now_ts()))
    assert resp.status_code == 503 and "/county/" in resp.get_data(as_text=True)
    assert peer.post_sms("+8613812345678", "你好").status_code == 503
    with city.look() as s:
        assert s.scalars(select(InboundMessage.id)).all() == []


def test_each_countys_number_files_and_reads_its_own_cases_by_sms(city):
    """The same phone texts both counties' numbers: its 宝丰 case is filed BF- with 宝丰's unit, and
    at 鲁山's number it is not found (the read keyed by the number carries the entrance's county)."""
    ls_phone, bf_phone = "+8613812340001", "+8613812340002"
    city.sms("LS", ls_phone, LS_TEXT)
    ls_no = NUMBER.search(city.sms("LS", ls_phone, "确认")).group(0)
    city.sms("BF", bf_phone, BF_TEXT)
    bf_no = NUMBER.search(city.sms("BF", bf_phone, "确认")).group(0)
    assert ls_no.startswith("LS-") and bf_no.startswith("BF-")
    with city.look() as s:
        rows = {p.tracking_no: p for p in s.scalars(select(Petition))}
        assert rows[bf_no].county_id == city.ids["BF"] and rows[bf_no].unit.code == "yangzhuang"
        assert rows[bf_no].unit.county_id == city.ids["BF"]
        assert rows[ls_no].county_id == city.ids["LS"] and rows[ls_no].unit.code == "xiatang"
        assert set(s.scalars(select(InboundMessage.county_id).where(InboundMessage.sender == bf_phone))) == \
            {city.ids["BF"]}
    # the 宝丰 citizen at 鲁山's number: not found, and their own list there is empty
    assert "未找到编号为" in city.sms("LS", bf_phone, f"查询 {bf_no}")
    assert bf_no not in city.sms("LS", bf_phone, "查询")
    assert bf_no in city.sms("BF", bf_phone, f"查询 {bf_no}")
    # the 鲁山 citizen at 宝丰's number neither sees their 鲁山 case
    assert "未找到编号为" in city.sms("BF", ls_phone, f"查询 {ls_no}")


def test_a_countys_tencent_callback_files_with_its_county(city):
    client = city.client

    def post(prefix, mobile, words, at):
        body = {"extend": "", "mobile": mobile, "nationcode": "86", "sign": "宝丰县信访局", "text": words, "time": at}
        return client.post(f"/county/{prefix}/sms/tencent/{TENCENT_SECRET}", json=body)

    at = int(city.clock.now().timestamp())
    assert post("bf", "13812340003", BF_TEXT, at).status_code == 200
    assert post("bf", "13812340003", "确认", at + 1).status_code == 200
    assert client.post("/county/bf/sms/tencent/wrong-secret-wrong-secret-x", json={}).status_code == 403
    with city.look() as s:
        [p] = s.scalars(select(Petition).where(Petition.phone == "+8613812340003")).all()
        assert p.tracking_no.startswith("BF-") and p.county_id == city.ids["BF"]
        replies = s.scalars(select(OutboundMessage).where(OutboundMessage.to == "+8613812340003",
                                                          OutboundMessage.purpose == "reply")).all()
        assert replies and {m.county_id for m in replies} == {city.ids["BF"]}


def test_a_number_writing_to_two_counties_has_a_conversation_with_each(city):
    """Begun at 鲁山's number, a petition is not continued by what the same number texts 宝丰's:
    each county's conversation keeps its own draft, and each files with its own county."""
    phone = "+8613812340004"
    assert "确认" in city.sms("LS", phone, LS_TEXT)          # 鲁山's draft, waiting for its confirmation
    assert "确认" in city.sms("BF", phone, BF_TEXT)          # 宝丰's own, not an answer to 鲁山's
    bf_no = NUMBER.search(city.sms("BF", phone, "确认")).group(0)
    ls_no = NUMBER.search(city.sms("LS", phone, "确认")).group(0)
    assert bf_no.startswith("BF-") and ls_no.startswith("LS-")
    with city.look() as s:
        assert sorted(s.scalars(select(Conversation.county_id).where(Conversation.sender == phone))) == \
            sorted([city.ids["LS"], city.ids["BF"]])
        rows = {p.tracking_no: p for p in s.scalars(select(Petition).where(Petition.phone == phone))}
        assert rows[ls_no].township.name == "下汤镇" and rows[ls_no].unit.county_id == city.ids["LS"]
        assert rows[bf_no].township.name == "杨庄镇" and rows[bf_no].unit.county_id == city.ids["BF"]


def test_each_countys_wechat_notices_go_from_its_own_account(city, lite):
    """The outbox's deliverer sends a 宝丰 citizen's notice with 宝丰's account and a 鲁山 citizen's
    with 鲁山's (each account's AppID and secret; two WeChat APIs, one per account)."""
    from core.store.db import make_sessionmaker
    from notifications.outbox import deliver
    from notifications.wechat import WeChatSender
    from peers.apis import WeChatApiStub

    ls_no = submit(city.account("LS"), "o_ls_citizen", LS_TEXT, "13812345678")
    bf_no = submit(city.account("BF"), "o_bf_citizen", BF_TEXT, "13912345678")
    stubs = {"LS": WeChatApiStub(app_id=ACCOUNTS["LS"][1], secret="ls-secret"),
             "BF": WeChatApiStub(app_id=ACCOUNTS["BF"][1], secret="bf-secret")}
    try:
        senders = {city.ids[p]: WeChatSender(stub.app_id, stub.secret, lite, api_base=stub.base_url, timeout=0.5)
                   for p, stub in stubs.items()}
        now = city.clock.now()
        with city.engine.begin() as conn:
            ids = {}
            for prefix, no, openid in (("LS", ls_no, "o_ls_citizen"), ("BF", bf_no, "o_bf_citizen")):
                pid = conn.scalar(select(Petition.id).where(Petition.tracking_no == no))
                ids[prefix] = OutboundMessage.enqueue(conn, "wechat", openid, f"您反映的事项 {no} 已受理。",
                                                      "case_accepted", now, pid, county_id=city.ids[prefix])
        report = deliver(make_sessionmaker(city.engine), ConsoleSms(quiet=True), list(ids.values()), now,
                         wechat_of=senders.get)
        assert report.sent == 2
        for prefix, openid, no in (("LS", "o_ls_citizen", ls_no), ("BF", "o_bf_citizen", bf_no)):
            [(kind, posted)] = stubs[prefix].sent
            assert (kind, posted["touser"]) == ("custom", openid) and no in posted["text"]["content"]
        # a county without an account of its own: its row waits, no attempt counted
        with city.engine.begin() as conn:
            waiting = OutboundMessage.enqueue(conn, "wechat", "o_ls_citizen", "您好", "case_accepted", now,
                                              county_id=city.ids["LS"])
        deliver(make_sessionmaker(city.engine), ConsoleSms(quiet=True), [waiting], now, wechat_of=lambda _: None)
        with city.look() as s:
            row = s.get(OutboundMessage, waiting)
            assert (row.status, row.attempts) == ("queued", 0) and "no WeChat account" in row.error
    finally:
        for stub in stubs.values():
            stub.close()


def test_a_photo_sent_to_a_countys_account_is_its_and_fetched_from_that_account(city, lite, tmp_path):
    """A 宝丰 citizen's photo: recorded as 宝丰's (the attachment's county) and downloaded with 宝丰's
    account; a medium that account no longer has is told to 宝丰's bureau, not 鲁山's."""
    import dataclasses

    from notifications.media import fetch
    from notifications.wechat import WeChatSender
    from peers.apis import WeChatApiStub

    svc = city.app.extensions["xinfang"]
    bf = city.account("BF")
    bf.say("o_bf_citizen", BF_TEXT)
    bf.post_wechat(bf.wechat.image("o_bf_citizen", bf.now_ts(), media_id="IMG-road"))
    bf.post_wechat(bf.wechat.image("o_bf_citizen", bf.now_ts(), media_id="IMG-gone"))
    stub = WeChatApiStub(app_id=ACCOUNTS["BF"][1], secret="bf-secret")
    try:
        stub.media["IMG-road"] = (b"\xff\xd8\xff\xe0" + b"road" * 64, "image/jpeg")
        svc.settings = dataclasses.replace(svc.settings, media_dir=tmp_path / "media", counties={
            **svc.settings.counties, "BF": {**svc.settings.counties["BF"], "WECHAT_APP_SECRET": "bf-secret"}})
        svc._wechat_of = {city.ids["BF"]: WeChatSender(stub.app_id, stub.secret, lite, api_base=stub.base_url,
                                                       timeout=0.5)}
        report = fetch(svc, city.clock.now())
        assert report.stored == 1 and report.failed == 1
        with city.look() as s:
            rows = s.scalars(select(Attachment).order_by(Attachment.id)).all()
            assert [(a.media_id, a.county_id, a.fetch_status) for a in rows] == [
                ("IMG-road", city.ids["BF"], "stored"), ("IMG-gone", city.ids["BF"], "failed")]
            told = {m.to for m in s.scalars(select(OutboundMessage).where(OutboundMessage.purpose == "media_failed"))}
            staff = {p.phone: p.county_id for p in s.scalars(select(Person).where(Person.phone.in_(told)))}
            assert staff and set(staff.values()) == {city.ids["BF"]}
    finally:
        stub.close()


def test_a_village_of_the_other_county_is_no_place_of_this_one(city):
    """马街村 is 宝丰's: a 鲁山 citizen who names it on 鲁山's account is asked for a place of 鲁山
    (the county's places are its own, villages too), never filed there nor answered with an error."""
    reply = city.account("LS").say("o_ls_majie", "我家在马街村，村里的路坏了三个月")
    assert reply.startswith("请问您怎么称呼？"), reply      # the conversation goes on (the matter heard); no error
    with city.look() as s:
        assert s.scalars(select(Petition).where(Petition.content.contains("马街村"))).all() == []
