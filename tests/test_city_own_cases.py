"""The city's own cases (issue 31, 3: "交办 to a county or to a city department"): 到市访 about what
a city department answers for — 市住建局's own project — is registered by the city's bureau as the
city's case (PDS-…), its place the city's own (市本级) with the petitioner's as written; the city
交办s it to 市住建局 from its 工作台, the department's liaison is told by text as a county's
unit is, accepts it in the console, and the city's sweep keeps its deadline (the city's file:
statutory). A county's clerk never sees it."""
from __future__ import annotations

import base64
import re
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import SHANGHAI
from core.store.models import County, Petition, Reminder, ScheduledRun, Township
from notifications.schedule import tick
from peers.apis import WeComApiStub
from peers.webhooks import PeerClient, WeComServer
from tests.test_city_console import CITY_CLERK, city_app, city_file  # noqa: F401  (fixture)
from tests.test_export_limits import Console

LIAISON = "+8613730000012"      # 田丽娟, 市住建局信访联络员


def test_a_visit_about_a_city_department_is_the_citys_own_case(city_file, tmp_path):
    app, svc, sms = city_app(city_file, tmp_path, datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI))
    try:
        clerk = Console(app, sms, CITY_CLERK)
        choose = clerk.get("/console/register").get_data(as_text=True)
        assert 'id="register-own"' in choose and "宝丰县" in choose
        form = clerk.get("/console/register", own="1").get_data(as_text=True)
        assert "登记市本级事项" in form and 'name="own" value="1"' in form and 'list="townships"' not in form
        # the place left out: said, nothing registered
        empty = clerk.post("/console/register", own="1", kind="visit", place="", name="李桂兰", phone="13912340077",
                           people="1", content="市里的保障房项目拖欠俺们农民工工资半年了")
        assert empty.status_code == 400 and "请填写信访人住址" in empty.get_data(as_text=True)
        # nor without a name, nor with a matter of two characters
        for name, content in (("", "市里的保障房项目拖欠俺们农民工工资半年了"), ("李桂兰", "欠薪")):
            bad = clerk.post("/console/register", own="1", kind="visit", place="宝丰县杨庄镇马街村", name=name,
                             phone="13912340077", people="1", content=content)
            assert bad.status_code == 400, (name, content)
        with Session(svc.engine) as s:
            assert not s.scalars(select(Petition).where(Petition.tracking_no.like("PDS-%"))).first()
        done = clerk.post("/console/register", own="1", kind="visit", place="宝丰县杨庄镇马街村", name="李桂兰",
                          phone="13912340077", people="3",
                          content="市里的保障房项目拖欠俺们农民工工资半年了，找了施工方好几回都推")
        assert done.status_code == 302, done.get_data(as_text=True)[:800]
        no = done.headers["Location"].rsplit("/", 1)[1]
        assert re.fullmatch(r"PDS-20261124-\d{4}", no), no
        with Session(svc.engine) as s:
            p = s.scalars(select(Petition).where(Petition.tracking_no == no)).one()
            city = s.scalars(select(County).where(County.prefix == "PDS")).one()
            assert (p.county_id, p.status, p.people, p.from_city_id) == (city.id, "registered", 3, None)
            assert s.get(Township, p.township_id).name == "市本级" and p.location == {"label": "宝丰县杨庄镇马街村"}
        # the city's own 工作台: 待交办; 交办 to 市住建局 from the case file
        home = clerk.get("/console/").get_data(as_text=True)
        assert no in home
        assigned = clerk.post(f"/console/cases/{no}/act", action="assign", unit="市住建局")
        assert assigned.status_code == 302
        told = [body for to, body in sms.sent if to == LIAISON and body.startswith(f"【交办】{no}")]
        assert told and "宝丰县杨庄镇马街村" in told[0] and "市本级" not in told[0]
        # the petitioner is told the city's bureau registered it, with the city's number
        [receipt] = [body for to, body in sms.sent if to == "+8613912340077"]
        assert f"已由市信访局登记，编号{no}" in receipt, receipt
        # the department's liaison accepts it in the console, as a county's unit would
        liaison = Console(app, sms, LIAISON)
        assert no in liaison.get("/console/").get_data(as_text=True)
        accepted = liaison.post(f"/console/cases/{no}/act", action="accept", complexity="")
        assert f"已受理{no}" in liaison.said(accepted)
        # the city's sweep runs for the city's own cases (the city's file: the 条例's 60 days): an
        # answer not given in time is overdue
        with Session(svc.engine) as s:
            p = s.scalars(select(Petition).where(Petition.tracking_no == no)).one()
            assert p.status == "accepted" and p.due_reply is not None
            late = p.due_reply + timedelta(hours=1)
        ran = {name for name, _, _ in tick(svc, late)}
        assert "PDS:sweep" in ran and "LS:sweep" in ran
        with Session(svc.engine) as s:
            p = s.scalars(select(Petition).where(Petition.tracking_no == no)).one()
            assert p.overdue is True
            assert s.scalars(select(Reminder).where(Reminder.petition_id == p.id, Reminder.kind == "overdue")).first()
            assert s.scalars(select(ScheduledRun).where(ScheduledRun.name == "PDS:sweep")).first()
        # and a county's clerk never sees it
        from tests.test_city_console import LS_CLERK
        assert "没有找到" in Console(app, sms, LS_CLERK).get(f"/console/cases/{no}").get_data(as_text=True)
    finally:
        svc.engine.dispose()


# the city's own 政务微信 app (WECOM_*_PDS): its bureau's and its departments' people
CITY_CORP = "wwpingdingshan00"
CITY_APP = {"WECOM_CORP_ID": CITY_CORP, "WECOM_AGENT_ID": "1000009", "WECOM_SECRET": "stub-wecom-secret",
            "WECOM_TOKEN": "pds-wecom-token", "WECOM_AES_KEY": base64.b64encode(b"P" * 32).decode()[:43]}


def test_the_department_works_the_citys_case_in_the_citys_own_wecom_app(city_file, tmp_path, lite):
    """田丽娟 of 市住建局 is a member of the city's 政务微信 (TianLiJuan): the 交办 of the city's own
    case reaches her there, not by text, and she accepts it from the app — sealed for the city's
    corp at /county/pds/wecom. 赵志强 of 鲁山, writing to the city's app, is nobody there."""
    wc = WeComApiStub(corp_id=CITY_CORP)
    app, svc, sms = city_app(city_file, tmp_path, datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI),
                             WECOM_API_BASE=wc.base_url, **{f"{k}_PDS": v for k, v in CITY_APP.items()})
    svc._redis = lite                                                    # WeCom's token, shared through Redis
    try:
        clerk = Console(app, sms, CITY_CLERK)
        done = clerk.post("/console/register", own="1", kind="visit", place="市区湛河区曹镇乡", name="王秀梅",
                          phone="13912340078", people="1", content="市住建局的棚户区改造安置房交房一年了还办不下来房产证")
        assert done.status_code == 302, done.get_data(as_text=True)[:800]
        no = done.headers["Location"].rsplit("/", 1)[1]
        assert clerk.post(f"/console/cases/{no}/act", action="assign", unit="市住建局").status_code == 302
        # the 交办 came in the city's app, with the petitioner's number; no text to her phone
        [assigned] = wc.texts_to("TianLiJuan")
        assert assigned.startswith(f"【交办】{no}") and "13912340078" in assigned
        assert {m["agentid"] for m in wc.sent} == {1000009}
        assert not [b for to, b in sms.sent if to == LIAISON]
        # she accepts it from the app
        server = WeComServer(token=CITY_APP["WECOM_TOKEN"], aes_key=CITY_APP["WECOM_AES_KEY"], app_id=CITY_CORP,
                             agent_id=1000009)
        tian = _CityApp(app.test_client(), svc.clock, server)
        assert f"已受理{no}" in tian.say_wecom("TianLiJuan", f"受理 {no}").replace(" ", "")
        with Session(svc.engine) as s:
            assert s.scalars(select(Petition.status).where(Petition.tracking_no == no)).one() == "accepted"
        # 鲁山's liaison is no one in the city's app: told so, 鲁山's case untouched
        said = tian.say_wecom("ZhaoZhiQiang", "受理 LS-20261123-0001")
        assert "已受理" not in said and said
        with Session(svc.engine) as s:
            assert s.scalars(select(Petition.status).where(Petition.tracking_no == "LS-20261123-0001")).one() != "accepted"
    finally:
        svc.engine.dispose()
        wc.close()


class _CityApp(PeerClient):
    def __init__(self, client, clock, server: WeComServer):
        super().__init__(client, clock, None, None, wecom=server)

    def post_wecom(self, xml: str, timestamp: int | None = None):
        return self._post_sealed("/county/pds/wecom", self.wecom, xml, timestamp)
