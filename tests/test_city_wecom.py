"""Each county's own WeCom app in a city (issue 31, item 2; docs/city.md): 鲁山 runs a 政务微信 app
for its officials (WECOM_AGENT_ID_LS, WECOM_SECRET_LS, WECOM_TOKEN_LS, WECOM_AES_KEY_LS in its
corp, WECOM_CORP_ID_LS), 宝丰 none. A 鲁山 case reaches 赵志强 (尧山镇's liaison, WeCom member
ZhaoZhiQiang) in 鲁山's app through a local stub of WeCom's API; he accepts it from the app, his
callback sealed for 鲁山's corp exactly as WeCom seals it, at /county/ls/wecom. The same sealed
message is refused at 宝丰's path (no app) and at the deployment's /wecom (whose?). Where his
county has no app, his texts go by SMS as before, and nothing is marked failed."""
from __future__ import annotations

import base64
import shutil
from datetime import datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.app import create_app
from core.clock import SHANGHAI, FixedClock
from core.settings import SettingsError, load_settings
from core.store.db import make_engine
from core.store.models import County, OutboundMessage, Petition
from notifications.services import build_services
from notifications.sms import ConsoleSms
from peers.apis import WeComApiStub
from peers.webhooks import WeComServer
from tests.conftest import TENCENT_SECRET, make_env
from tests.test_city_entrances import ACCOUNTS, City, CountyAccount, submit

CORP = "wwlushan0000corp"
TOKEN, AES = "lushan-wecom-token", base64.b64encode(b"Q" * 32).decode()[:43]
ZHAO, ZHAO_PHONE = "ZhaoZhiQiang", "+8613700000021"
YAOSHAN = "俺是尧山镇上坪村的李桂芳，俺家门口的路让拉矿的大车压烂了，下雨天根本走不了"


@pytest.fixture
def wc():
    stub = WeComApiStub(corp_id=CORP)
    yield stub
    stub.close()


def city_with_apps(tmp_path, city_template, lite, wc, apps: dict[str, dict]) -> tuple[City, ConsoleSms]:
    path = tmp_path / "city.sqlite3"
    shutil.copy(city_template, path)
    env = make_env(f"sqlite:///{path}", TENCENT_SMS_CALLBACK_SECRET=TENCENT_SECRET, WECOM_API_BASE=wc.base_url)
    for prefix, (token, app_id, key) in ACCOUNTS.items():
        env.update({f"WECHAT_TOKEN_{prefix}": token, f"WECHAT_APP_ID_{prefix}": app_id, f"WECHAT_AES_KEY_{prefix}": key})
    for prefix, own in apps.items():
        env.update({f"{name}_{prefix}": value for name, value in own.items()})
    sms = ConsoleSms(quiet=True)
    clock = FixedClock(datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI))   # a Monday, in working hours
    svc = build_services(load_settings(env), clock=clock, sms=sms)
    svc._redis = lite                                                    # WeCom's token, shared through Redis
    app = create_app({"SERVICES": svc, "TESTING": True})
    engine = make_engine(f"sqlite:///{path}", immediate=False)
    with Session(engine) as s:
        ids = {c.prefix: c.id for c in s.scalars(select(County))}
    return City(app, clock, engine, ids), sms


LUSHAN_APP = {"WECOM_CORP_ID": CORP, "WECOM_AGENT_ID": "1000005", "WECOM_SECRET": "stub-wecom-secret",
              "WECOM_TOKEN": TOKEN, "WECOM_AES_KEY": AES}


class AtPath(CountyAccount):
    def __init__(self, city: City, path: str, wecom_path: str):
        super().__init__(city.client, city.clock, None, city.twilio, path)
        self.wecom = WeComServer(token=TOKEN, aes_key=AES, app_id=CORP, agent_id=1000005)
        self.wecom_path = wecom_path

    def post_wecom(self, xml: str, timestamp: int | None = None):
        return self._post_sealed(self.wecom_path, self.wecom, xml, timestamp)


def test_a_lushan_case_reaches_the_liaison_in_lushans_app_and_he_accepts_it_there(tmp_path, city_template, lite, wc):
    city, sms = city_with_apps(tmp_path, city_template, lite, wc, {"LS": LUSHAN_APP})
    no = submit(city.account("LS"), "o_li_guifang", YAOSHAN, "13698765432")
    assert no.startswith("LS-")
    # the 交办 came in 鲁山's app, with the petitioner's number; no text to his phone
    [assigned] = wc.texts_to(ZHAO)
    assert no in assigned and "13698765432" in assigned
    assert not [b for to, b in sms.sent if to == ZHAO_PHONE]
    assert {m["agentid"] for m in wc.sent} == {1000005}               # 鲁山's app, not another
    # he answers from the app, sealed for 鲁山's corp, at 鲁山's path
    zhao = AtPath(city, "/county/ls/wechat", "/county/ls/wecom")
    answer = zhao.say_wecom(ZHAO, f"受理 {no}")
    assert f"已受理{no}" in answer.replace(" ", "")
    with city.look() as s:
        assert s.scalars(select(Petition.status).where(Petition.tracking_no == no)).one() == "accepted"
    # the same sealed message at 宝丰's path (no app there) and at the deployment's one /wecom: refused, not stored
    for path, says in (("/county/bf/wecom", "WECOM_TOKEN_BF"), ("/wecom", "/county/")):
        other = AtPath(city, "/county/bf/wechat", path)
        resp = other.post_wecom(other.wecom.text(ZHAO, f"办结 {no}", other.now_ts()))
        assert resp.status_code == 503 and says in resp.get_data(as_text=True), (path, resp.get_data(as_text=True))
    with city.look() as s:
        assert s.scalars(select(Petition.status).where(Petition.tracking_no == no)).one() == "accepted"
    city.engine.dispose()


def test_where_his_county_has_no_app_the_liaison_is_texted_and_nothing_failed(tmp_path, city_template, lite, wc):
    """Only 宝丰 runs an app: 赵志强 of 鲁山 has a WeCom member id, but 鲁山 has no app to reach him."""
    city, sms = city_with_apps(tmp_path, city_template, lite, wc, {"BF": {**LUSHAN_APP, "WECOM_TOKEN": "bf-token"}})
    no = submit(city.account("LS"), "o_li_guifang", YAOSHAN, "13698765432")
    assert wc.sent == []                                               # 宝丰's app carries nothing of 鲁山's
    assert [b for to, b in sms.sent if to == ZHAO_PHONE and no in b]
    with city.look() as s:
        told = s.scalars(select(OutboundMessage).where(OutboundMessage.to == ZHAO_PHONE)).all()
        assert told and {(m.status, m.error) for m in told} == {("sent", None)}
    city.engine.dispose()


def test_a_countys_app_settings_are_checked_by_their_names(tmp_path):
    env = make_env("sqlite:///x.sqlite3", WECOM_AGENT_ID_LS="abc")
    with pytest.raises(SettingsError) as err:
        load_settings(env)
    assert "WECOM_AGENT_ID_LS" in str(err.value)
    env = make_env("sqlite:///x.sqlite3", WECOM_AES_KEY_BF="short")
    with pytest.raises(SettingsError) as err:
        load_settings(env)
    assert "WECOM_AES_KEY_BF" in str(err.value)
    own = load_settings(make_env("sqlite:///x.sqlite3", **{f"{k}_LS": v for k, v in LUSHAN_APP.items()})).for_county("LS")
    assert own.wecom_outbound and own.wecom_problem() is None and own.wecom_agent_id == 1000005
    assert load_settings(make_env("sqlite:///x.sqlite3")).for_county("BF").wecom_problem() == "WECOM_TOKEN_BF is not set"
