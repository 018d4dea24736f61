"""统计's and the analyses' charts (issue 32, 3) in a real browser: Apache ECharts, vendored, draws
what the page carries as JSON; each chart saves as a picture; its figures stay in a table under it
for a page without scripts. Playwright drives Debian's chromium as tests/test_console.py does.

Set CONSOLE_SCREENSHOTS=docs/img to write the pages docs/console.md shows."""
from __future__ import annotations

import json
import re
from datetime import datetime
from urllib.parse import urlsplit

import pytest

from core.clock import SHANGHAI
from notifications.charts import SCORE_COLOURS
from tests.test_cases import LIAISON, STAFF
from tests.test_console import CHROMIUM, browser, live, shot, sign_in  # noqa: F401  (fixtures)

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (apt install chromium)")
LATIN = re.compile(r"[A-Za-z]{2,}")


def series(page, chart: str) -> list[list[int]]:
    """The values each series of the drawn chart holds, as ECharts has them."""
    return page.evaluate("""id => echarts.getInstanceByDom(document.getElementById(id)).getOption().series
        .map(s => s.data.map(d => typeof d === 'object' ? d.value : d))""", chart)


def option(page, chart: str) -> dict:
    return page.evaluate("id => JSON.parse(JSON.stringify(echarts.getInstanceByDom(document.getElementById(id))"
                         ".getOption()))", chart)


def day_labels(page, chart: str) -> list[dict]:
    """The x axis' labels ECharts drew (the pieces of text it paints), each with its box on the canvas."""
    return page.evaluate("""id => {
        const zr = echarts.getInstanceByDom(document.getElementById(id)).getZr();
        return zr.storage.getDisplayList(true)
            .filter(el => el.type === 'tspan' && /^\\d+月\\d+日$/.test(el.style.text))
            .map(el => { const r = el.getBoundingRect().clone(); r.applyTransform(el.getComputedTransform());
                         return {text: el.style.text, x: r.x, y: r.y, w: r.width, h: r.height}; })
            .sort((a, b) => a.x - b.x);
    }""", chart)


def table(page, chart: str) -> list[list[str]]:
    """The chart's table, row by row (folded away or not: what a screen reader reads)."""
    return page.evaluate("""id => [...document.querySelectorAll('#' + id + '-table tbody tr')]
        .map(tr => [...tr.children].map(cell => cell.textContent.trim()))""", chart)


def problems(page) -> list[str]:
    """What the page's loading refused or missed: the console's errors (a script the CSP blocked) and
    any address that was not there (the site's icon aside)."""
    seen: list[str] = []
    page.on("console", lambda m: seen.append(m.text) if m.type == "error" and "404" not in m.text else None)
    page.on("response", lambda r: seen.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)
    return seen


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.fixture
def november(peer, clock):
    """The bureau's November: visits on the 3rd, 10th (six villagers: 集体访) and 23rd, a letter
    on the 17th, three people gone to Beijing on the 17th and two to the city on the 20th."""
    def on(day: int, text: str) -> str:
        clock.set(datetime(2026, 11, day, 10, 0, tzinfo=SHANGHAI))
        return peer.text_sms(STAFF, text)
    on(3, "登记 走访 下汤镇林楼村 王五 13912340000 3 村里排水沟堵了半年，下雨就淹到院子里")
    on(10, "登记 走访 尧山镇上坪村 赵六 13912340001 6 村里六户的低保被取消了")
    on(17, "登记 来信 下汤镇 钱七 无 1 拆迁补偿多年未落实")
    on(17, "登记 进京 下汤镇 3 拆迁补偿多年未落实")
    on(20, "登记 到市 2 工程欠薪")
    on(23, "登记 走访 下汤镇林楼村 孙八 13912340002 2 路灯坏了一个月")
    return clock


def test_the_bureau_reads_november_from_its_charts(november, live, browser, sms_out):
    """A clerk opens 统计 for November (30 days): the days are bars with every figure, the labels
    ECharts keeps do not touch, each chart saves as a picture named in Chinese, and the page does not
    scroll sideways on a phone."""
    staff = sign_in(browser, live, sms_out, STAFF)
    errors = problems(staff)
    staff.goto(f"{live}/console/stats?from=2026-11-01&to=2026-11-30")
    staff.wait_for_selector("#chart-trend[data-drawn]")
    petitions, people = series(staff, "chart-trend")
    assert len(petitions) == 30
    assert {day + 1: n for day, n in enumerate(petitions) if n} == {3: 1, 10: 1, 17: 1, 23: 1}
    assert {day + 1: n for day, n in enumerate(people) if n} == {3: 3, 10: 6, 17: 1, 23: 2}
    groups, city, province, beijing = series(staff, "chart-groups")
    assert (groups[9], beijing[16], city[19], sum(groups + city + province + beijing)) == (1, 1, 1, 3)
    assert table(staff, "chart-trend")[9] == ["11月10日", "1", "6"]       # the same figures, in the table
    # the labels ECharts shows of 30 days leave room between them, and it shows some of them
    labels = day_labels(staff, "chart-trend")
    assert 5 <= len(labels) <= 30 and labels[0]["text"] == "11月1日"
    assert all(a["x"] + a["w"] <= b["x"] for a, b in zip(labels, labels[1:])), labels
    # by unit, category and township: bars the table repeats, names whole
    units = option(staff, "chart-units")
    assert units["yAxis"][0]["data"][:2] == ["下汤镇人民政府", "尧山镇人民政府"] and series(staff, "chart-units") == [[3, 1]]
    assert [row[:2] for row in table(staff, "chart-townships")] == [["下汤镇", "3"], ["尧山镇", "1"]]
    assert sum(series(staff, "chart-categories")[0]) == 4
    # each chart is a picture for the weekly report, its button and file in Chinese
    trend = option(staff, "chart-trend")
    assert trend["toolbox"][0]["feature"]["saveAsImage"]["title"] == "保存为图片"
    box = staff.locator("#chart-trend").bounding_box()
    with staff.expect_download() as got:
        staff.mouse.click(box["x"] + box["width"] - 8, box["y"] + 8)       # the toolbox's one button
    assert got.value.suggested_filename == "每日批次与人次（2026年11月1日–30日）.png"
    assert open(got.value.path(), "rb").read(8) == b"\x89PNG\r\n\x1a\n"
    # no English reaches the charts: their titles, legends, tooltips' names, tables
    words = [trend["title"][0]["text"], *[s["name"] for s in trend["series"]]]
    assert not [w for w in words if LATIN.search(str(w))], words
    assert not LATIN.search(staff.locator(".charts").inner_text())
    assert errors == []                                                   # nothing the CSP refused
    shot(staff, "stats")

    phone = staff                                                         # the same clerk, on a phone
    phone.set_viewport_size({"width": 390, "height": 844})
    phone.reload()
    phone.wait_for_selector("#chart-scores[data-drawn], #chart-townships[data-drawn]")
    assert no_sideways_scroll(phone)
    labels = day_labels(phone, "chart-trend")
    assert len(labels) >= 3 and all(a["x"] + a["w"] <= b["x"] for a, b in zip(labels, labels[1:])), labels
    shot(phone, "stats-mobile")


def test_a_short_period_is_days_and_a_long_one_weeks(november, live, browser, sms_out):
    staff = sign_in(browser, live, sms_out, STAFF)
    staff.goto(f"{live}/console/stats?from=2026-11-20&to=2026-11-23")     # four days: four bars, not one
    staff.wait_for_selector("#chart-trend[data-drawn]")
    assert series(staff, "chart-trend") == [[0, 0, 0, 1], [0, 0, 0, 2]]
    assert option(staff, "chart-trend")["title"][0]["text"] == "每日批次与人次（2026年11月20日–23日）"
    width = staff.evaluate("""() => echarts.getInstanceByDom(document.getElementById('chart-trend')).getModel()
        .getSeriesByIndex(0).getData().getItemLayout(3).width""")
    assert 0 < width <= 36                                               # a bar, not the chart's width
    staff.goto(f"{live}/console/stats?from=2026-09-01&to=2026-11-30")     # a quarter: Monday to Sunday
    staff.wait_for_selector("#chart-trend[data-drawn]")
    assert option(staff, "chart-trend")["title"][0]["text"].startswith("每周批次与人次")
    petitions, people = series(staff, "chart-trend")
    assert len(petitions) == 14 and sum(petitions) == 4
    rows = table(staff, "chart-trend")
    assert rows[0][0] == "9月1日–6日" and rows[-1][0] == "11月30日" and ["11月16日–22日", "1", "1"] in rows


def test_a_unit_reads_its_own_and_a_page_without_scripts_keeps_the_tables(november, live, browser, sms_out):
    liaison = sign_in(browser, live, sms_out, LIAISON)                    # 下汤镇's liaison
    liaison.goto(f"{live}/console/stats?from=2026-11-01&to=2026-11-30")
    liaison.wait_for_selector("#chart-trend[data-drawn]")
    assert sum(series(liaison, "chart-trend")[0]) == 3                    # 下汤镇's three, not 尧山镇's
    assert liaison.locator("#chart-units").count() == 0
    groups, city, province, beijing = series(liaison, "chart-groups")
    assert sum(groups) == 0 and sum(beijing) == 1 and sum(city) == 0       # the city's two named no township
    assert liaison.locator("#chart-trend-table").is_hidden()              # folded away under the chart

    context = browser.new_context(java_script_enabled=False, locale="zh-CN")
    context.add_cookies(liaison.context.cookies())
    bare = context.new_page()
    bare.goto(f"{live}/console/stats?from=2026-11-01&to=2026-11-30")
    assert bare.locator("#chart-trend-table").is_visible()
    assert ["11月3日", "1", "3"] in table(bare, "chart-trend")


def test_the_month_s_analysis_leaders_open_draws_its_charts_and_the_scores_colours(november, live, browser,
                                                                                  peer, monkeypatch):
    from notifications.report_html import link
    november.set(datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI))
    monkeypatch.setenv("SECRET_KEY", "k" * 32)
    url = urlsplit(link(live, "monthly", "2026-11-01", november.now()))
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()                                               # a leader's phone: no sign-in
    errors = problems(page)
    page.goto(f"{live}{url.path}?{url.query}")
    page.wait_for_selector("#chart-scores[data-drawn]")
    assert sum(series(page, "chart-trend")[0]) == 4 and len(series(page, "chart-trend")[0]) == 30
    scores = option(page, "chart-scores")
    colours = {name: d["itemStyle"]["color"] for name, d in zip(scores["yAxis"][0]["data"], scores["series"][0]["data"])}
    assert colours["下汤镇人民政府"] == SCORE_COLOURS["yellow"]               # 进京 −10: 90, yellow
    assert set(colours.values()) <= set(SCORE_COLOURS.values())
    assert no_sideways_scroll(page) and errors == []
    data = json.loads(page.locator("#chart-townships").get_attribute("data-chart"))
    assert data["labels"][:2] == ["下汤镇", "尧山镇"] and data["save"] == "保存为图片"
    shot(page, "analysis-mobile")


def test_the_analysis_in_the_console_draws_the_same_charts_in_its_frame(november, live, browser, sms_out):
    """分析 shows the leaders' page in a frame, under the console's Content-Security-Policy: the
    scripts come from the console's own static files, so the charts are drawn there too."""
    staff = sign_in(browser, live, sms_out, STAFF)
    errors = problems(staff)
    staff.goto(f"{live}/console/analysis?kind=monthly&day=2026-11-01")
    frame = staff.frame_locator("iframe.report")
    frame.locator("#chart-trend[data-drawn]").wait_for()
    [inner] = [f for f in staff.frames if f != staff.main_frame]
    assert sum(series(inner, "chart-trend")[0]) == 4 and series(inner, "chart-townships") == [[3, 1]]
    assert errors == []
