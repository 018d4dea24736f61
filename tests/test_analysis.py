"""每周访情分析 / 月信访形势分析 (issue 5): periods against the one before and the year before,
the short text with a signed, expiring link to an HTML page with charts, the Monday and
first-working-day runs, and `xinfang report` writing the page."""
import dataclasses
import re
from datetime import date, datetime
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from bot.cli import main
from core.reports.analysis import analyse, last_complete, period_of
from core.clock import SHANGHAI
from core.county import CountyFileError, parse_county_file
from core.store.models import OutboundMessage
from notifications.report_html import link
from notifications.schedule import JOBS, tick
from tests.conftest import county_file_with
from tests.test_case_paths import LEADER
from tests.test_cases import STAFF

WEEKLY = tuple(j for j in JOBS if j.name == "weekly_report")
MONTHLY = tuple(j for j in JOBS if j.name == "monthly_report")
KEY = b"test-secret"


def at(y, m, d, hh=10, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)


def test_periods():
    week = period_of("weekly", date(2026, 11, 25))
    assert (week.first, week.last, week.label) == (date(2026, 11, 23), date(2026, 11, 29), "11月23日–11月29日")
    assert (week.previous().first, week.previous().last) == (date(2026, 11, 16), date(2026, 11, 22))
    assert week.year_before().first == date(2025, 11, 24) and week.year_before().first.weekday() == 0
    month = period_of("monthly", date(2026, 3, 15))
    assert (month.previous().first, month.previous().last) == (date(2026, 2, 1), date(2026, 2, 28))
    assert (month.year_before().first, month.year_before().last) == (date(2025, 3, 1), date(2025, 3, 31))
    assert last_complete("weekly", date(2026, 11, 30)).first == date(2026, 11, 23)
    assert last_complete("monthly", date(2026, 12, 1)).label == "2026年11月"


@pytest.fixture
def three_weeks(peer, clock):
    """Last year's week: 1 petition; last week: 2; this week: 3 (one on 城乡管理) and one 进京."""
    for when, text in [(at(2025, 11, 25), "反映排水沟堵塞积水"),
                       (at(2026, 11, 17), "反映路灯不亮"), (at(2026, 11, 19), "反映低保评定不公"),
                       (at(2026, 11, 23), "反映小区垃圾无人清运"), (at(2026, 11, 24), "反映道路破损"),
                       (at(2026, 11, 26), "反映拖欠工资")]:
        clock.set(when)
        assert "已登记走访" in peer.text_sms(STAFF, f"登记 走访 下汤镇 王五 无 1 {text}")
    clock.set(at(2026, 11, 27))
    peer.text_sms(STAFF, "登记 进京 下汤镇 3 拆迁补偿")
    clock.set(at(2026, 11, 30, 9))


def test_a_week_against_the_one_before_and_the_year_before(three_weeks, db):
    db.rollback()
    a = analyse(db, period_of("weekly", date(2026, 11, 23)), at(2026, 11, 30, 9))
    assert (a.current.county.petitions, a.previous.county.petitions, a.year_before.county.petitions) == (3, 2, 1)
    assert a.beyond == {"beijing": (1, 3)}
    assert a.summary() == "【每周访情分析】11月23日–11月29日：到县访3批3人次，环比+50%，同比+200%；越级访1批；主要为城乡管理2批、劳资纠纷1批；重复访率0%。"  # no reply due yet: no 按期答复率
    url = "https://xinfang.example.gov.cn/reports/weekly/2026-11-23?exp=1767000000&sig=" + "a" * 64
    text = a.summary(url)
    assert len(text) <= 201 and text.endswith("详见：" + url)


def test_the_link_opens_the_page_and_only_while_valid(three_weeks, peer, clock, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", KEY.decode())
    url = link("http://localhost", "weekly", "2026-11-23", clock.now())
    parts = urlsplit(url)
    page = peer.client.get(parts.path + "?" + parts.query)
    assert page.status_code == 200 and page.mimetype == "text/html"
    body = page.get_data(as_text=True)
    assert "鲁山县每周访情分析（11月23日–11月29日）" in body and 'id="chart-categories"' in body and "城乡管理" in body
    assert "王五" not in body                                              # figures, not people
    tampered = re.sub(r"sig=[0-9a-f]{4}", "sig=0000", parts.query)
    assert peer.client.get(parts.path + "?" + tampered).status_code == 403
    other_week = parts.path.replace("2026-11-23", "2026-11-16")
    assert peer.client.get(other_week + "?" + parts.query).status_code == 403
    clock.advance(days=31)                                                  # weekly links live 30 days
    assert peer.client.get(parts.path + "?" + parts.query).status_code == 403


def test_monday_text_to_leaders_once_and_made_up_later_in_the_week(three_weeks, services, db, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", KEY.decode())
    services.settings = dataclasses.replace(services.settings, public_base_url="https://xinfang.example.gov.cn")
    assert tick(services, at(2026, 11, 30, 8, 59), WEEKLY) == []
    [(_, period, result)] = tick(services, at(2026, 11, 30, 9), WEEKLY)
    assert (period, result) == ("2026-11-30", "周分析 2026-11-23：2条")
    assert tick(services, at(2026, 12, 2, 9), WEEKLY) == []                 # once a week
    db.rollback()
    sent = list(db.scalars(select(OutboundMessage).where(OutboundMessage.purpose == "weekly_report")))
    assert {m.to for m in sent} == {LEADER, "+8613700000102"}                   # the county's leaders
    [body] = {m.body for m in sent}
    assert body.startswith("【每周访情分析】11月23日–11月29日：到县访3批")
    assert "https://xinfang.example.gov.cn/reports/weekly/2026-11-23?exp=" in body and len(body) <= 201
    # a week whose Monday passed while everything was down: sent on Wednesday, once
    [(_, period, _)] = tick(services, at(2026, 12, 9, 9), WEEKLY)
    assert period == "2026-12-07"


def test_the_month_s_analysis_with_the_ranking(three_weeks, services, db):
    [(_, period, result)] = tick(services, at(2026, 12, 1, 9), MONTHLY)
    assert (period, result) == ("2026-12", "月分析 2026-11-01：2条")
    db.rollback()
    a = analyse(db, period_of("monthly", date(2026, 11, 1)), at(2026, 12, 1, 9))
    assert a.current.county.petitions == 5
    [x] = [u for u in a.scores if u.unit == "下汤镇人民政府"]
    assert (x.score, x.colour, x.cases, x.flag) == (90, "yellow", 5, True)      # 进京 -10; the only one with cases
    from notifications.report_html import render
    page = render(a, "鲁山县")
    assert "乡镇（街道）第一名下汤镇人民政府（90分），予以表扬（红旗）" in page
    assert '<tr class="colour-yellow"><td>乡镇（街道）</td><td>' in page and "红旗 黄" in page


def test_report_from_the_command_line(three_weeks, db_url, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", db_url)
    out = tmp_path / "week.html"
    got = CliRunner().invoke(main, ["report", "weekly", "--date", "2026-11-25", "--out", str(out),
                                    "--now", "2026-11-30T09:00"])
    assert got.exit_code == 0, got.output
    assert "到县访3批3人次" in got.output and out.read_text(encoding="utf-8").startswith("<!doctype html>")
    monthly = tmp_path / "month.html"
    CliRunner().invoke(main, ["report", "monthly", "--date", "2026-11-01", "--out", str(monthly)])
    assert "月考评" in monthly.read_text(encoding="utf-8")
    assert "应为日期" in CliRunner().invoke(main, ["report", "daily", "--date", "23/11"]).output


@pytest.mark.parametrize("body, message", [('daily_at = "5pm"', "daily_at"), ('weekly_on = "someday"', "weekly_on"),
                                           ("when = 1", "unknown setting when")])
def test_county_reports_table_is_checked(tmp_path, body, message):
    with pytest.raises(CountyFileError, match=message):
        parse_county_file(county_file_with(tmp_path, "reports", body))


def test_the_page_reports_what_the_texts_cost(three_weeks, services, db, db_url, monkeypatch, tmp_path):
    from core.store.db import transaction
    db.rollback()
    week = period_of("weekly", date(2026, 11, 23))
    before = analyse(db, week, at(2026, 11, 30, 9)).sms      # the units' notices of this week's cases
    assert set(before) == {"officials"}
    with transaction(services.sessions) as s:          # sent this week: a citizen's two-part text, two to cadres
        for to, body in (("+8613812345678", "您" * 80), ("+8613700000011", "请受理"), ("+8613700000001", "请交办")):
            m = OutboundMessage(channel="sms", to=to, body=body, purpose="x", status="sent", created_at=at(2026, 11, 24),
                                sent_at=at(2026, 11, 24), attempts=1, segments=2 if len(body) > 70 else 1)
            s.add(m)
    db.rollback()
    a = analyse(db, week, at(2026, 11, 30, 9))
    n, parts = before["officials"]
    assert a.sms == {"citizens": (1, 2), "officials": (n + 2, parts + 2)}
    monkeypatch.setenv("DATABASE_URL", db_url)
    out = tmp_path / "w.html"
    CliRunner().invoke(main, ["report", "weekly", "--date", "2026-11-23", "--out", str(out)])
    assert "<h2>短信发送</h2>" in out.read_text(encoding="utf-8")


def test_a_first_start_sends_no_report_of_the_weeks_and_months_before_it(peer, clock, services, db):
    """A county loads its file and takes its first petitions on Saturday 5 December; the first
    `xinfang serve` (the scheduler's first tick) then makes up the week's, the month's and the
    月考评's runs — of November, when nothing was kept: leaders and unit heads get none of those
    texts (29 + 2 + 2 on the demo's data before), and the next week's goes as usual."""
    clock.set(at(2026, 12, 5, 10))
    assert "已登记走访" in peer.text_sms(STAFF, "登记 走访 下汤镇 王五 无 1 反映路灯不亮")
    jobs = tuple(j for j in JOBS if j.name in ("weekly_report", "monthly_report", "monthly_scores"))
    done = {name: result for name, _, result in tick(services, at(2026, 12, 5, 13), jobs)}
    assert done == {"weekly_report": "周分析 2026-11-23：系统尚未启用（此前没有任何信访件），不发送",
                    "monthly_report": "月分析 2026-11-01：系统尚未启用（此前没有任何信访件），不发送",
                    "monthly_scores": "月考评 2026-11：系统尚未启用（此前没有任何信访件），不发送"}
    db.rollback()
    assert not db.scalars(select(OutboundMessage).where(OutboundMessage.purpose.in_(
        ("weekly_report", "monthly_report", "monthly_scores")))).all()
    [(_, _, result)] = tick(services, at(2026, 12, 7, 9), WEEKLY)        # Monday: the week with its petition
    assert result == "周分析 2026-11-30：2条"
