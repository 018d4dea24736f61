"""A 到市访 the city registered and handed down (issue 31, 4; docs/city.md "Figures up"): the
petitioner went to the city, so the case is 越级访 (到市) in every figure — the county's own 统计
and 每日访情, the city's 每日访情 and its ranking of counties — and never the county's 到县访,
while the county's handling of it counts in every rate as any case's. A letter the city received
is no trip: it stays 来信. Driven as the bureau's peers drive it: the city's clerk registers in
the console (tests.test_city_console's city)."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import SHANGHAI, day_start
from core.reports.city import gather_city
from core.reports.digest import gather_all
from core.reports.measures import measure
from core.reports.ranking import rank_counties
from core.store import scope
from core.store.models import County
from notifications.digest_text import city_text, county_text
from notifications.report_text import measures_text
from tests.test_city_console import BF_CLERK, CITY_CLERK, city, city_file  # noqa: F401  (fixtures)
from tests.test_export_limits import Console

DAY = date(2026, 11, 24)


def test_a_visit_to_the_city_handed_down_is_到市_in_every_figure(city):
    app, sms = city
    svc = app.extensions["xinfang"]
    svc.clock.advance(days=1)     # Tuesday the 24th, 15:00
    clerk = Console(app, sms, CITY_CLERK)
    for kind, people, content in (("visit", "2", "俺家宅基地被邻居占了，村里镇里协调多次都没结果"),
                                  ("letter", "1", "来信反映村里的路多年没人修")):
        done = clerk.post("/console/register", county="BF", kind=kind, place="杨庄镇马街村", name="赵六",
                          phone="13912340066", people=people, content=content)
        assert done.status_code == 302 and "/console/cases/BF-" in done.headers["Location"]
    now = datetime(2026, 11, 24, 17, 30, tzinfo=SHANGHAI)
    with Session(svc.engine) as s:
        ids = {c.prefix: c.id for c in s.scalars(select(County))}
        scope.bind(s, ids["BF"])
        # 宝丰's 统计 of the day: both cases are its own to handle (批次 2), the visit is 到市 (越级访),
        # among the channels as 到市访 — not 走访 —, the letter 来信
        m = measure(s, day_start(DAY), day_start(DAY + timedelta(days=1)), now)
        assert (m.county.petitions, m.county.people, m.to_county, m.beyond) == (2, 3, (1, 1), {"city": (1, 2)})
        assert {k: (t.petitions, t.people) for k, t in m.channels.items()} == {"到市访": (1, 2), "来信": (1, 1)}
        shown = measures_text(m)
        assert "越级访：到市1批2人" in shown and "走访" not in shown
        # 宝丰's 每日访情: 到县访 the letter alone, the visit 到市
        day = gather_all(s, DAY, now).view()
        assert (day.batches, day.people, day.beyond) == (1, 1, {"city": (1, 2)})
        assert "到县访1批1人次（来信1）" in county_text(day, "宝丰县") and "越级访：到市1批2人" in county_text(day, "宝丰县")
        # the city's 每日访情: the same, with the county it came from
        said = city_text(gather_city(s, ids["PDS"], DAY, now), "平顶山市")
        assert "各县到县访1批1人次（宝丰1）" in said and "到市访1批2人（宝丰1）" in said
        assert said.values[1:4] == ("1", "1", "1")     # 到县访 批, 人次; 越级访 批
        # the city's ranking of November: 宝丰's 到市 批次 costs it its points, as a trip registered does
        bf = next(c for c in rank_counties(s, ids["PDS"], 2026, 11, datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI))
                  if c.county == "宝丰县")
        assert bf.beyond == {"city": (1, 2)} and bf.lost["越级访"] == 2
    # 宝丰's clerk reads the same in the console's 今日访情
    bf_clerk = Console(app, sms, BF_CLERK)
    today = re.search(r'<p id="today">([^<]*)', bf_clerk.get("/console/stats").get_data(as_text=True)).group(1)
    assert "到县访1批1人次" in today


def test_the_citys_day_says_its_new_督办_and_those_missed_by_county_counts_only(city):
    """The 23rd: the city's clerk marks 宝丰's case 挂牌督办 in the console; a 督办 of 鲁山's case
    fell due at noon unanswered and the sweep found it missed. The city's 每日访情 says both, by
    county — never a case's number or person."""
    from core.cases.supervision import sweep_supervisions
    from core.rules import Rules
    from core.store.models import Petition, Supervision

    app, sms = city
    svc = app.extensions["xinfang"]
    clerk = Console(app, sms, CITY_CLERK)
    done = clerk.post("/console/cases/BF-20261123-0001/act", action="supervise", days="5", text="请督促当面答复")
    assert "已对BF-20261123-0001挂牌督办" in clerk.said(done)
    with Session(svc.engine) as s:
        ids = {c.prefix: c.id for c in s.scalars(select(County))}
        scope.bind(s, ids["LS"])
        ls_case = s.scalars(select(Petition).where(Petition.tracking_no == "LS-20261123-0001")).one()
        s.add(Supervision(petition_id=ls_case.id, reason="请督促", due_at=datetime(2026, 11, 23, 12, 0, tzinfo=SHANGHAI),
                          at=datetime(2026, 11, 16, 9, 0, tzinfo=SHANGHAI), by_name="平顶山市信访局"))
        s.flush()
        report = sweep_supervisions(s, datetime(2026, 11, 23, 16, 0, tzinfo=SHANGHAI),
                                    Rules.for_county(s.get(County, ids["LS"])))
        assert report.missed == 1
        s.commit()
    now = datetime(2026, 11, 23, 17, 30, tzinfo=SHANGHAI)
    with Session(svc.engine) as s:
        city_day = gather_city(s, ids["PDS"], date(2026, 11, 23), now)
        assert city_day.supervised == {"鲁山县": (0, 1), "宝丰县": (1, 0)}
        said = city_text(city_day, "平顶山市")
    assert "市督办新增1件（宝丰1）" in said and "督办逾期1件（鲁山1）" in said
    assert "LS-" not in said and "BF-" not in said and "张三" not in said
    # the day before has neither
    with Session(svc.engine) as s:
        quiet = city_text(gather_city(s, ids["PDS"], date(2026, 11, 22), now - timedelta(days=1)), "平顶山市")
    assert "督办新增" not in quiet and "督办逾期" not in quiet
