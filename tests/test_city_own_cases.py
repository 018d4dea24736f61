"""The city's own cases (issue 31, 3: "交办 to a county or to a city department"): 到市访 about what
a city department answers for — 市住建局's own project — is registered by the city's bureau as the
city's case (PDS-…), its place the city's own (市本级) with the petitioner's as written; the city
交办s it to 市住建局 from its 工作台, the department's liaison is told by text as a county's
unit is, accepts it in the console, and the city's sweep keeps its deadline (the city's file:
statutory). A county's clerk never sees it."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import SHANGHAI
from core.store.models import County, Petition, Reminder, ScheduledRun, Township
from notifications.schedule import tick
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
