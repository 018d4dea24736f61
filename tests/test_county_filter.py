"""Every statement of a county's data says its county (issue 31, 6; docs/city.md, "A province"):
what a distributed PostgreSQL needs to send a query to the one county's shard. Every SQL statement
the product runs is recorded while a city's deployment (平顶山市 over 鲁山县 and 宝丰县) works a
day — every console page as each county's clerk and as the city's, a citizen petitioning on 鲁山's
own Official Account and asking after it, 宝丰's cadre answering by text, the scheduler at 17:30 —
and each that reads or writes a county-owned table must carry ``county_id``; the few meant across
counties are named below, each with why."""
from __future__ import annotations

import base64
import re
from datetime import datetime

import pytest
from sqlalchemy import event

from core.clock import SHANGHAI
from core.store.models import CountyOwned
from notifications.schedule import tick
from peers.webhooks import PeerClient, TwilioServer, WeChatServer
from tests.conftest import TWILIO_TOKEN
from tests.test_city_console import BF_CLERK, CITY_CLERK, LS_CLERK, city_app, city_file  # noqa: F401  (fixture)
from tests.test_console_security import sign_in

TABLES = {model.__tablename__ for model in CountyOwned.__subclasses__()}
TOUCHES = re.compile(r'\b(?:from|join|update|into)\s+"?(' + "|".join(sorted(TABLES)) + r')"?\b', re.I)
# statements of county data meant across counties (each pattern is the statement's own words)
ACROSS = {
    # the outbox's deliverer is the deployment's: it claims every county's queued texts in one go
    "claims of queued texts": re.compile(r"FROM outbound_message WHERE outbound_message\.channel IN"),
    # a WeChat or SMS retry is found by its provider's id (MsgId, SID): unique in the deployment
    "a message's retry, by its provider's id": re.compile(r"FROM inbound_message WHERE inbound_message\.channel = \S+ "
                                                          r"AND inbound_message\.dedupe_key"),
    # a number's verification codes are limited across counties: one phone, one limit
    "a number's codes, counted": re.compile(r"FROM phone_verification WHERE phone_verification\.sent_at >="),
    # who writes, by their number: an address is one person's, and says their county
    "an official by their number": re.compile(r"FROM person WHERE person\.phone = "),
    # a unit's people: a unit is one county's (distributed, its people sit on its county's shard)
    "a unit's people": re.compile(r"FROM person WHERE person\.unit_id = "),
    # a row read in its county, written back by its id (distributed by county, the key becomes
    # (county_id, id) and these statements say both: docs/city.md)
    "a row by its id": re.compile(r"^(?:UPDATE|SELECT) .* WHERE \w+\.(?:id|inbound_id) (?:= \?|IN \()"),
}
ACCOUNT = ("ls-token", "wxls0000000demo", base64.b64encode(b"L" * 32).decode()[:43])


class _Account(PeerClient):
    def post_wechat(self, xml: str, timestamp: int | None = None):
        return self._post_sealed("/county/ls/wechat", self.wechat, xml, timestamp)


@pytest.fixture
def day(city_file, tmp_path):
    app, svc, sms = city_app(city_file, tmp_path, datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI),
                             WECHAT_TOKEN_LS=ACCOUNT[0], WECHAT_APP_ID_LS=ACCOUNT[1], WECHAT_AES_KEY_LS=ACCOUNT[2])
    clock = svc.clock
    seen: list[str] = []
    event.listen(svc.engine, "before_cursor_execute",
                 lambda conn, cursor, statement, *rest: seen.append(" ".join(statement.split())))
    yield app, svc, clock, sms, seen
    svc.engine.dispose()


def unfiltered(seen: list[str]) -> list[str]:
    """The statements of county-owned tables without ``county_id``, less those meant across counties."""
    return [st for st in seen if TOUCHES.search(st) and "county_id" not in st
            and not any(pattern.search(st) for pattern in ACROSS.values())]


def test_a_citys_day_runs_no_statement_of_county_data_without_its_county(day):
    app, svc, clock, sms, seen = day
    for phone in (LS_CLERK, BF_CLERK, CITY_CLERK):
        client = app.test_client()
        sign_in(client, sms, phone)
        for page in ("/console/", "/console/cases", "/console/cases?q=坏了", "/console/cases?shelf=to_accept",
                     "/console/stats", "/console/evenings", "/console/follow-ups", "/console/analysis",
                     "/console/reception", "/console/cases/LS-20261123-0001", "/console/cases/BF-20261123-0001",
                     "/console/city", "/console/city/ranking", "/console/city/day", "/console/city/analysis",
                     "/console/city/analysis?kind=monthly", "/console/cases?county=BF"):
            client.get(page)
    citizen = _Account(app.test_client(), clock, WeChatServer(token=ACCOUNT[0], app_id=ACCOUNT[1], aes_key=ACCOUNT[2]),
                       TwilioServer(auth_token=TWILIO_TOKEN))
    for words in ("我是下汤镇林楼村的张三，小区水泵坏了三天没水", "13812345678", "确认", "查询", "啥时候有人来"):
        clock.advance(seconds=20)
        reply = citizen.say("o_filter", words)
    assert "LS-20261124-0001" in reply or "LS-20261124-0001" in citizen.say("o_filter", "查询")
    cadre = next(to for to, body in sms.sent if body.startswith("【交办】LS-20261124-0001"))
    twilio = TwilioServer(auth_token=TWILIO_TOKEN)
    for words in ("受理 LS-20261124-0001", "待办"):
        form = twilio.form(cadre, words)
        app.test_client().post("/county/ls/sms", data=form, headers={
            "X-Twilio-Signature": twilio.sign("http://localhost/county/ls/sms", form)})
    tick(svc, datetime(2026, 11, 24, 17, 30, tzinfo=SHANGHAI))
    assert len(seen) > 500 and {m.group(1) for st in seen for m in [TOUCHES.search(st)] if m} >= {
        "petition", "petition_event", "outbound_message", "inbound_message", "conversation", "person", "unit"}
    missing = unfiltered(seen)
    assert missing == [], f"{len(missing)} statements of county data without county_id, e.g. {missing[:3]}"


CITY_ACCOUNT = ("pds-token", "wxpds000000demo", base64.b64encode(b"P" * 32).decode()[:43])


class _CityAccount(PeerClient):
    def post_wechat(self, xml: str, timestamp: int | None = None):
        return self._post_sealed("/county/pds/wechat", self.wechat, xml, timestamp)


@pytest.fixture
def city_day(city_file, tmp_path):
    app, svc, sms = city_app(city_file, tmp_path, datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI),
                             WECHAT_TOKEN_PDS=CITY_ACCOUNT[0], WECHAT_APP_ID_PDS=CITY_ACCOUNT[1],
                             WECHAT_AES_KEY_PDS=CITY_ACCOUNT[2])
    seen: list[str] = []
    event.listen(svc.engine, "before_cursor_execute",
                 lambda conn, cursor, statement, *rest: seen.append(" ".join(statement.split())))
    yield app, svc, svc.clock, sms, seen
    svc.engine.dispose()


def test_the_citys_account_runs_no_statement_of_county_data_without_its_county(city_day):
    """The city's own account's day (docs/city.md, "The city's single account and number"): a 宝丰
    citizen petitions there, asks after it and answers the meeting's question; 宝丰's cadre accepts
    and meets by text; a text to the city's number; the scheduler at 17:30."""
    app, svc, clock, sms, seen = city_day
    citizen = _CityAccount(app.test_client(), clock, WeChatServer(token=CITY_ACCOUNT[0], app_id=CITY_ACCOUNT[1],
                                                                  aes_key=CITY_ACCOUNT[2]),
                           TwilioServer(auth_token=TWILIO_TOKEN))
    for words in ("俺是宝丰县杨庄镇马街村哩王五，马街村的路坏了三个月没人修", "13812345678", "确认"):
        clock.advance(seconds=20)
        reply = citizen.say("o_city_filter", words)
    no = re.search(r"BF-\d{8}-\d{4}", reply).group(0)
    for words in ("查询", f"查询 {no}", f"补充 {no} 路上的坑有半米深", "啥时候有人来"):
        clock.advance(seconds=20)
        citizen.say("o_city_filter", words)
    cadre = next(to for to, body in sms.sent if body.startswith(f"【交办】{no}"))
    twilio = TwilioServer(auth_token=TWILIO_TOKEN)
    for path, sender, words in (("/county/bf/sms", cadre, f"受理 {no}"), ("/county/bf/sms", cadre, f"见面 {no} 看过了"),
                                ("/county/pds/sms", "+8613812340099", "城关镇的路灯坏了")):
        form = twilio.form(sender, words)
        app.test_client().post(path, data=form, headers={"X-Twilio-Signature": twilio.sign("http://localhost" + path,
                                                                                          form)})
    clock.advance(seconds=20)
    assert no in citizen.say("o_city_filter", "1")   # the meeting confirmed, at the city's account
    tick(svc, datetime(2026, 11, 24, 17, 30, tzinfo=SHANGHAI))
    assert {m.group(1) for st in seen for m in [TOUCHES.search(st)] if m} >= {
        "petition", "petition_event", "outbound_message", "inbound_message", "conversation"}
    missing = unfiltered(seen)
    assert missing == [], f"{len(missing)} statements of county data without county_id, e.g. {missing[:3]}"


def test_the_check_finds_a_statement_without_its_county():
    assert unfiltered(["SELECT petition.phone FROM petition WHERE petition.openid = ?"]) == [
        "SELECT petition.phone FROM petition WHERE petition.openid = ?"]
    assert unfiltered(["SELECT petition.phone FROM petition WHERE +petition.county_id = ? AND petition.openid = ?",
                       "SELECT county.id FROM county"]) == []
