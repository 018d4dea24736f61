"""A city in a real browser (issue 31's done-when; Playwright driving Debian's chromium, headless):
平顶山市 over 鲁山县 and 宝丰县 in one deployment. 鲁山's clerk never sees 宝丰's case — not on the
工作台, not by search, not by its address; the city's clerk opens 各县概况, whose city line is the
sum of its counties', goes into 宝丰 and puts its case under 挂牌督办."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from core.store.models import County, Supervision
from tests.test_city_console import BF_CLERK, CITY_CLERK, LS_CLERK, city, city_file  # noqa: F401  (fixtures)
from tests.test_console import browser, playwright, sign_in  # noqa: F401  (the browser and how one signs in)

pytestmark = pytest.mark.skipif(playwright is None, reason="Debian's chromium is not installed")


@pytest.fixture
def live_city(city):
    app, sms = city
    server = make_server("127.0.0.1", 0, app, threaded=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", app, sms
    server.shutdown()
    thread.join(5)


def test_a_county_clerk_sees_their_county_and_the_city_supervises_another(live_city, browser):
    live, app, sms = live_city
    ls = sign_in(browser, live, sms, LS_CLERK)
    assert "LS-20261123-0001" in ls.locator("#shelf-to_accept").inner_text()
    assert "BF-20261123-0001" not in ls.inner_text("body") and "各县概况" not in ls.inner_text("header")
    ls.get_by_label("查找事项（编号、电话、姓名或内容）").fill("BF-20261123-0001")
    ls.get_by_role("button", name="查找").click()
    assert ls.get_by_role("link", name="BF-20261123-0001").count() == 0
    assert ls.goto(f"{live}/console/cases/BF-20261123-0001").status == 404
    assert ls.goto(f"{live}/console/city").status == 404

    city_clerk = sign_in(browser, live, sms, CITY_CLERK)
    city_clerk.get_by_role("link", name="各县概况").click()
    table = city_clerk.locator("#roll-up")
    cells = {prefix: [int(c) for c in table.locator(f"#county-{prefix} td").all_inner_texts()]
             for prefix in ("LS", "BF", "total")}
    assert cells["total"] == [a + b for a, b in zip(cells["LS"], cells["BF"])] and sum(cells["total"]) >= 2
    city_clerk.locator("#county-BF td[data-shelf=to_accept] a").click()
    city_clerk.get_by_role("link", name="BF-20261123-0001").click()
    assert "宝丰杨庄镇的路坏了" in city_clerk.inner_text("body")
    form = city_clerk.locator("#act-supervise")
    form.get_by_label("督办期限（工作日）").fill("5")
    form.get_by_label("督办理由").fill("群众反映三次未见面，请督促当面答复")
    form.get_by_role("button", name="挂牌督办").click()
    assert "已对BF-20261123-0001挂牌督办" in city_clerk.locator(".flash").inner_text()
    with Session(app.extensions["xinfang"].engine) as s:
        assert s.execute(select(County.prefix).join(Supervision, Supervision.county_id == County.id)).scalars().all() == ["BF"]
    assert any("BF-20261123-0001" in body and "挂牌督办" in body for _, body in sms.sent)


def test_the_citys_leader_reads_the_day_and_the_week_by_county(live_city, browser):
    """副市长 袁立新 follows his texts' 在工作台查看: from 各县概况 to 今日访情 and 每周访情分析, each
    county's line and the city's their sum, and from a county's line into that county's own 分析."""
    live, app, sms = live_city
    leader = sign_in(browser, live, sms, "+8613730000102")
    leader.get_by_role("link", name="各县概况").click()
    leader.get_by_role("link", name="今日访情").click()
    day = leader.locator("#city-day")
    cells = {p: [int(c) for c in day.locator(f"#county-{p} td").all_inner_texts()] for p in ("LS", "BF", "total")}
    assert cells["total"] == [a + b for a, b in zip(cells["LS"], cells["BF"])] and cells["total"][0] == 2
    leader.get_by_role("link", name="返回各县概况").click()
    leader.get_by_role("link", name="每周访情分析").click()
    assert "11月16日–11月22日" in leader.inner_text("h2")            # last week: the counties were not in use yet
    assert "都还没有使用" in leader.inner_text("body")
    leader.get_by_role("link", name="下一期").click()                 # this week, so far
    assert "本期尚未结束" in leader.inner_text("h2")
    week = leader.locator("#city-analysis")
    cells = {p: week.locator(f"#county-{p} td[data-col]").all_inner_texts() for p in ("LS", "BF", "total")}
    assert cells["LS"][:2] == cells["BF"][:2] == ["1", "1"] and cells["total"][:2] == ["2", "2"]
    leader.get_by_role("link", name="宝丰县的分析").click()
    assert "county=BF" in leader.url and "宝丰县" in leader.inner_text("body")
    assert leader.locator("textarea").count() == 0          # the notes are 宝丰's bureau's to write
