"""The city's weekly and monthly analyses (issue 31, 4; docs/city.md "Figures up"): on Monday
morning the city's 每周访情分析, on the first working day of a month its 月信访形势分析 — each
county's own analysis (core.reports.analysis.analyse, in the session bound to that county) side by
side with the city's totals, to the city's leaders. Run as the counties' analyses are: the tick
hands the runs (``PDS:weekly_report``, ``PDS:monthly_report``) to the reports' queue and a real
``rq worker`` runs them."""
from __future__ import annotations

import re
import shutil
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import SHANGHAI, FixedClock
from core.reports.analysis import analyse, period_of
from core.reports.city import analyse_city
from core.settings import load_settings
from core.store import scope
from core.store.db import make_engine
from core.store.models import CityFigures, County, Escalation, OutboundMessage, Person, Petition, ScheduledRun, Township, Unit
from core.words.templates import template_of
from notifications.queue import REPORTS
from notifications.report_text import city_analysis_text
from notifications.schedule import tick
from notifications.services import build_services
from notifications.sms import ConsoleSms
from tests.conftest import make_env
from tests.test_export_limits import finished, queue_mode, rq_worker
from tests.test_workers import worker_env

MONDAY = datetime(2026, 11, 23, 9, 5, tzinfo=SHANGHAI)
FIRST = datetime(2026, 12, 1, 9, 5, tzinfo=SHANGHAI)     # the first working day of December


def _case(s: Session, county: County, no: str, received: datetime, people: int = 1, rating: str | None = None):
    scope.bind(s, county.id)
    t = s.scalars(select(Township).order_by(Township.id)).first()
    unit = s.scalars(select(Unit).where(Unit.township_id == t.id)).first()
    p = Petition(tracking_no=no, channel="wechat", phone="+8613800000002", name="李秀英", township_id=t.id,
                 content="低保的事", received_at=received, updated_at=received, unit_id=unit.id, county_id=county.id,
                 status="assigned", assigned_at=received, due_accept=received + timedelta(days=3),
                 due_reply=received + timedelta(days=30), people=people)
    if rating:
        p.status, p.accepted_at, p.replied_at = "closed", received + timedelta(hours=2), received + timedelta(days=2)
        p.closed_at, p.rating = received + timedelta(days=3), rating
    s.add(p)


@pytest.fixture
def city(city_template, tmp_path, lite):
    path = tmp_path / "city.sqlite3"
    shutil.copy(city_template, path)
    url = f"sqlite:///{path}"
    svc = build_services(load_settings(make_env(url, EXPORT_DIR=str(tmp_path / "exports"))),
                         clock=FixedClock(MONDAY), sms=ConsoleSms(quiet=True))
    queue_mode(svc, lite)
    with Session(svc.engine) as s:
        counties = {c.prefix: c for c in s.scalars(select(County))}
        ids = {prefix: c.id for prefix, c in counties.items()}
        at = datetime(2026, 11, 17, 10, 0, tzinfo=SHANGHAI)     # the week of the 16th
        _case(s, counties["LS"], "LS-20261117-0001", at, rating="satisfied")
        _case(s, counties["LS"], "LS-20261118-0001", at + timedelta(days=1), rating="unsatisfied")
        _case(s, counties["LS"], "LS-20261110-0001", at - timedelta(days=7))          # the week before
        _case(s, counties["BF"], "BF-20261119-0001", at + timedelta(days=2), people=6)
        scope.bind(s, counties["BF"].id)
        s.add(Escalation(level="province", occurred_on=date(2026, 11, 18), people=2, matter="征地补偿",
                         registered_at=at, actor="staff"))
        s.commit()
    yield svc, url, ids
    svc.engine.dispose()


def _sent(url: str, purpose: str) -> list[tuple[str, str, list]]:
    engine = make_engine(url)
    try:
        with Session(engine) as s:
            return [(m.to, m.body, m.params) for m in s.scalars(select(OutboundMessage).where(
                OutboundMessage.purpose == purpose).order_by(OutboundMessage.id))]
    finally:
        engine.dispose()


def test_the_citys_weekly_and_monthly_analyses_are_each_countys_own_side_by_side(city, lite, stub):
    svc, url, counties = city
    ran = {name: result for name, _, result in tick(svc, MONDAY, hand_off=svc.report_later)}
    assert ran["PDS:weekly_report"] == ran["LS:weekly_report"] == "handed to the reports worker", ran
    from rq import Queue
    assert {"PDS:weekly_report", "PDS:monthly_report"} <= {job.args[0] for job in Queue(REPORTS, connection=lite).jobs}
    finished(rq_worker(worker_env(url, lite, stub), REPORTS))
    with Session(svc.engine) as s:
        runs = dict(s.execute(select(ScheduledRun.name, ScheduledRun.result)).all())
        leaders = set(s.scalars(select(Person.phone).where(Person.county_id == counties["PDS"],
                                                           Person.role == "leader")))
    assert runs["PDS:weekly_report"].startswith("周分析 2026-11-16"), runs
    assert runs["PDS:monthly_report"].startswith("不发送") or "2026-10" in runs["PDS:monthly_report"], runs
    weekly = _sent(url, "city_weekly_report")
    assert {to for to, _, _ in weekly} == leaders and leaders
    body = weekly[0][1]
    # the city's lines are each county's own analysis, read in the session bound to that county
    week = period_of("weekly", date(2026, 11, 16))
    with Session(svc.engine) as s:
        own = {}
        for prefix in ("LS", "BF"):
            scope.bind(s, counties[prefix])
            own[prefix] = analyse(s, week, MONDAY)
        city_week = analyse_city(scope.bind(s, counties["PDS"]), counties["PDS"], week, MONDAY)
    assert [(name, a.current.to_county, a.beyond, a.current.county.rates()) for name, a in city_week.counties] == \
        [(n, own[p].current.to_county, own[p].beyond, own[p].current.county.rates())
         for n, p in (("鲁山县", "LS"), ("宝丰县", "BF"))]
    assert (own["LS"].current.to_county, own["BF"].current.to_county, own["BF"].beyond) == \
        ((2, 2), (1, 6), {"province": (1, 2)})
    assert body == city_analysis_text(city_week, "平顶山市")
    assert body == ("【每周访情分析】11月16日–11月22日平顶山市：各县到县访3批8人次（鲁山2、宝丰1），环比+200%，同比新增；越级访1批；"
                    "鲁山：到县访2批2人次，环比+100%，无越级访，按期答复率100%，满意率50%；"
                    "宝丰：到县访1批6人次，环比新增，越级访1批。")
    assert "LS-" not in body and "BF-" not in body and "李秀英" not in body
    assert weekly[0][2] == {"t": "city_weekly_report", "v": ["11月16日–11月22日", "3", "8", "1"]}
    # what it counted is kept for the city's page (core.reports.kept), each county's line and the sum
    with Session(svc.engine) as s:
        kept = s.scalars(select(CityFigures).where(CityFigures.kind == "weekly")).one()
        assert (kept.county_id, kept.period) == (counties["PDS"], "2026-11-16")
        assert [(c["prefix"], c["now"], c["beyond"]) for c in kept.figures["counties"]] == \
            [("LS", [2, 2], 0), ("BF", [1, 6], 1)]
        assert (kept.figures["total"]["now"], kept.figures["total"]["beyond"]) == ([3, 8], 1)
    assert template_of("city_weekly_report").render(weekly[0][2]["v"]) == \
        "每周访情分析（11月16日–11月22日）：各县到县访3批8人次，越级访1批。各县分析请在工作台查看。"
    # December's first working day: November's analysis, the same way
    svc.clock.set(FIRST)
    ran = {name: result for name, _, result in tick(svc, FIRST, hand_off=svc.report_later)}
    assert ran["PDS:monthly_report"] == "handed to the reports worker", ran
    finished(rq_worker(worker_env(url, lite, stub), REPORTS))
    [(to, monthly, params)] = [m for m in _sent(url, "city_monthly_report") if m[0] == sorted(leaders)[0]]
    assert monthly.startswith("【月信访形势分析】2026年11月平顶山市：各县到县访4批9人次（鲁山3、宝丰1），较上月新增")
    assert "鲁山：到县访3批3人次，较上月新增" in monthly and "宝丰：到县访1批6人次，较上月新增，越级访1批" in monthly
    assert params["v"] == ["2026年11月", "4", "9", "1"]


def test_the_citys_leader_reads_the_weeks_analysis_by_county_in_the_console(city_template, tmp_path):
    """The text says 各县分析请在工作台查看: 副市长 袁立新 opens it — the week of the 16th, each county's
    line as its own analysis counts it and the city's their sum, each leading into that county's
    own 分析 (its notes are its bureau's). A county's clerk has no such page."""
    from bot.app import create_app
    from tests.test_city_console import _cells
    from tests.test_export_limits import Console
    path = tmp_path / "city.sqlite3"
    shutil.copy(city_template, path)
    sms = ConsoleSms(quiet=True)
    svc = build_services(load_settings(make_env(f"sqlite:///{path}")), clock=FixedClock(MONDAY), sms=sms)
    with Session(svc.engine) as s:
        counties = {c.prefix: c for c in s.scalars(select(County))}
        at = datetime(2026, 11, 17, 10, 0, tzinfo=SHANGHAI)
        _case(s, counties["LS"], "LS-20261117-0001", at, rating="satisfied")
        _case(s, counties["LS"], "LS-20261118-0001", at + timedelta(days=1), rating="unsatisfied")
        _case(s, counties["LS"], "LS-20261110-0001", at - timedelta(days=7))
        _case(s, counties["BF"], "BF-20261119-0001", at + timedelta(days=2), people=6)
        scope.bind(s, counties["BF"].id)
        s.add(Escalation(level="province", occurred_on=date(2026, 11, 18), people=2, matter="征地补偿",
                         registered_at=at, actor="staff"))
        s.commit()
    app = create_app({"SERVICES": svc, "TESTING": True})
    try:
        leader = Console(app, sms, "+8613730000102")
        assert "/console/city/analysis?kind=weekly" in leader.get("/console/city").get_data(as_text=True)
        page = leader.get("/console/city/analysis", kind="weekly").get_data(as_text=True)   # last week: the 16th's
        assert "11月16日–11月22日" in page
        row = {prefix: _cells(page, f"county-{prefix}") for prefix in ("LS", "BF", "total")}
        assert row["LS"][:5] == ["2", "2", "+100%", "新增", "0"] and row["LS"][6:8] == ["100%", "50%"]
        assert row["BF"][:5] == ["1", "6", "新增", "新增", "1"]
        assert row["total"][:5] == ["3", "8", "+200%", "新增", "1"]
        assert [int(a) + int(b) for a, b in zip(row["LS"][:2], row["BF"][:2])] == [int(x) for x in row["total"][:2]]
        # each county's line leads into its own analysis, read as its bureau's
        link = re.search(r'href="([^"]*/console/analysis\?[^"]*county=BF[^"]*)"', page).group(1).replace("&amp;", "&")
        own = leader.client.get(link)
        assert own.status_code == 200 and "宝丰县" in own.get_data(as_text=True)
        # a month asked by any day of it; a day that is no date said so
        assert "2026年11月" in leader.get("/console/city/analysis", kind="monthly", day="2026-11-05").get_data(as_text=True)
        assert 'role="alert"' in leader.get("/console/city/analysis", day="11月").get_data(as_text=True)
        # a month to come is this one, so far
        assert "2026年11月（本期尚未结束" in leader.get("/console/city/analysis", kind="monthly",
                                                          day="2027-06-01").get_data(as_text=True)
        # 鲁山's clerk: no city pages
        assert Console(app, sms, "+8613700000001").get("/console/city/analysis").status_code == 404
    finally:
        svc.engine.dispose()
