"""The console (issue 20) in a real browser: Playwright driving Debian's chromium, headless, against
the app served on loopback — the same app the signed WeChat and SMS posts reach, so the story
mixes both: a citizen writes by WeChat, the bureau works the case in the browser, the cadre gets
the SMS and finishes the case in the console; the accused and another unit's cadre are refused.

Set CONSOLE_SCREENSHOTS=docs/img to write the pages docs/console.md shows."""
from __future__ import annotations

import os
import re
import shutil
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from core.store.models import AuditEvent, OutboundMessage, Petition
from tests.test_cases import LIAISON, STAFF
from tests.test_wecom import wc, wecom  # noqa: F401  (fixtures: the county on WeCom)

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)
playwright = pytest.importorskip("playwright.sync_api") if CHROMIUM or os.environ.get("CI") else None
pytestmark = pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"),
                                reason="Debian's chromium is not installed (apt install chromium; CI installs it)")
ACCUSED = "+8613710000802"    # 雷新华, head of 尧山镇
WATER = "+8613700000031"      # 孙丽, 县水利局
SHOTS = os.environ.get("CONSOLE_SCREENSHOTS")


@pytest.fixture
def live(app):
    server = make_server("127.0.0.1", 0, app, threaded=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


@pytest.fixture
def browser():
    # the browser keeps the machine's clock when the suite runs under a preloaded clock (README: the
    # suite at 23:30, datefudge): under libfaketime chromium loaded no page; only the product's is set
    real_clock = {k: v for k, v in os.environ.items()
                  if k != "LD_PRELOAD" and not k.startswith(("FAKETIME", "DATEFUDGE"))}
    with playwright.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, env=real_clock, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        yield b
        b.close()


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"console-{name}.png"), full_page=True)


def sign_in(browser, live, sms_out, phone: str, mobile: bool = False, lands: str = "/console/"):
    context = browser.new_context(viewport={"width": 390, "height": 844} if mobile else {"width": 1280, "height": 900},
                                  locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live}/console/")
    assert "/console/login" in page.url                                   # nobody gets in unsigned
    page.get_by_label("手机号码").fill(phone[3:])                            # as people type it: 137…
    page.get_by_role("button", name="获取验证码").click()
    code = re.search(r"验证码(\d{6})", [b for to, b in sms_out.sent if to == phone][-1]).group(1)
    page.get_by_label("短信验证码").fill(code)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live}{lands}")
    return page


def test_a_wechat_accusation_worked_from_the_console(live, browser, peer, db, clock, sms_out):
    # the citizen, on WeChat, reports 尧山镇's party secretary by name: held for the bureau
    z = "o_console_citizen"
    peer.say(z, "我是尧山镇上坪村的刘桂花，举报尧山镇党委书记雷新华挪用我们村的扶贫款，电话13812349999")
    for answer in ("跳过", "确认"):
        reply = peer.say(z, answer)
    no = re.search(r"LS-\d{8}-\d{4}", reply).group(0)

    # the bureau signs in and finds it under 检举控告待核定
    staff = sign_in(browser, live, sms_out, STAFF)
    shelf = staff.locator("#shelf-accusations")
    assert shelf.locator(".count").inner_text() == "1" and no in shelf.inner_text()
    shot(staff, "home")
    staff.get_by_label("查找事项（编号、电话、姓名或内容）").fill("扶贫款")
    staff.get_by_role("button", name="查找").click()
    staff.get_by_role("link", name=no).click()
    assert "挪用我们村的扶贫款" in staff.locator("#content").inner_text()
    assert "138****9999" in staff.inner_text("body") and "13812349999" not in staff.inner_text("body")
    staff.get_by_role("button", name="显示号码").click()                   # revealed, and recorded
    staff.wait_for_selector("text=+8613812349999")
    # 尧山镇 is recused (its head is named): it is not among the units it may go to
    assert "尧山镇人民政府" not in staff.get_by_label("交办单位").inner_text()
    staff.get_by_label("交办单位").select_option("下汤镇人民政府")
    staff.get_by_role("button", name="交办 / 改派").click()
    assert f"已将{no}交办下汤镇人民政府" in staff.locator(".flash").inner_text()
    assert "下汤镇人民政府" in staff.locator("#unit").inner_text()
    shot(staff, "case")
    # the cadre's SMS arrived, with the command to answer by text if they prefer
    assert any(no in b and f"受理 {no}" in b for to, b in sms_out.sent if to == LIAISON)

    # the cadre works it from a phone's browser: 受理, 答复, 办结
    cadre = sign_in(browser, live, sms_out, LIAISON, mobile=True)
    cadre.get_by_role("link", name=no).first.click()
    cadre.get_by_role("button", name="受理", exact=True).click()
    assert "已受理" in cadre.locator(".flash").inner_text()
    cadre.get_by_label("答复内容").fill("经核查，扶贫款已全部发放到户，明细已在村务公开栏公示。")
    cadre.get_by_role("button", name="答复", exact=True).click()
    assert "答复已转给信访人" in cadre.locator(".flash").inner_text()
    cadre.get_by_role("button", name="办结").click()
    assert f"{no}已办结" in cadre.locator(".flash").inner_text()
    shot(cadre, "case-mobile")
    db.rollback()
    p = db.scalars(select(Petition).where(Petition.tracking_no == no)).one()
    assert (p.status, p.unit.code) == ("closed", "xiatang")
    to_citizen = [m.body for m in db.scalars(select(OutboundMessage).where(OutboundMessage.to == z))]
    assert any("明细已在村务公开栏公示" in b for b in to_citizen), to_citizen    # the answer reached them on WeChat
    actions = [a.action for a in db.scalars(select(AuditEvent).where(AuditEvent.petition_id == p.id).order_by(AuditEvent.id))]
    assert actions[:4] == ["view", "reveal", "assign", "view"] and "close" in actions

    # the accused head and another unit's cadre: no list shows it, its file is "没有找到"
    for phone in (ACCUSED, WATER):
        other = sign_in(browser, live, sms_out, phone)
        assert no not in other.inner_text("body")
        other.goto(f"{live}/console/cases?q={no}")
        assert "共 0 件" in other.inner_text("body")
        response = other.goto(f"{live}/console/cases/{no}")
        assert response.status == 404 and "没有找到" in other.inner_text("body")


def test_a_form_without_its_token_is_refused_and_an_idle_session_ends(live, browser, clock, sms_out, db):
    page = sign_in(browser, live, sms_out, STAFF)
    # a cross-site form: no CSRF token, nothing done
    got = page.request.post(f"{live}/console/cases/LS-20261123-0001/act", form={"action": "close"})
    assert got.status == 400
    # 31 minutes idle on the county's clock: the next page asks to sign in again
    clock.set(clock.now() + timedelta(minutes=31))
    page.goto(f"{live}/console/")
    assert "/console/login" in page.url and "登录已过期" in page.inner_text("body")


def test_sign_in_is_limited_and_tells_when_to_retry(live, browser, sms_out, clock):
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live}/console/login")
    page.get_by_label("手机号码").fill("13700000001")
    page.get_by_role("button", name="获取验证码").click()
    page.goto(f"{live}/console/login")
    page.get_by_label("手机号码").fill("13700000001")
    page.get_by_role("button", name="获取验证码").click()
    assert "请于" in page.inner_text("body") and "后再试" in page.inner_text("body")
    assert sum(1 for to, _ in sms_out.sent if to == STAFF) == 1
    # five wrong answers void the code; the right one then fails too
    code = re.search(r"验证码(\d{6})", [b for to, b in sms_out.sent if to == STAFF][-1]).group(1)
    for _ in range(5):
        page.get_by_label("短信验证码").fill("000000" if code != "000000" else "111111")
        page.get_by_role("button", name="登录").click()
        assert "验证码不正确" in page.inner_text("body")
    page.get_by_label("短信验证码").fill(code)
    page.get_by_role("button", name="登录").click()
    assert "验证码不正确" in page.inner_text("body")
    # a number nobody has on file is told the same, and nothing is sent
    page.goto(f"{live}/console/login")
    page.get_by_label("手机号码").fill("13912345678")
    page.get_by_role("button", name="获取验证码").click()
    assert "如该号码已登记在名录中" in page.inner_text("body")
    assert not any(to == "+8613912345678" for to, _ in sms_out.sent)


def test_a_day_at_the_desk_register_follow_approve(live, browser, peer, db, clock, sms_out, tmp_path):
    """Register a visit in a form (a wrong number refused, nothing stored), follow the cadre's SMS
    answers as they arrive, approve the extension the cadre asked for by text."""
    staff = sign_in(browser, live, sms_out, STAFF)
    staff.get_by_role("link", name="登记").click()
    staff.get_by_label("走访").check()
    staff.get_by_label("乡镇（街道）和村（社区）").fill("下汤镇林楼村")
    staff.get_by_label("信访人姓名（代表）").fill("王五")
    staff.get_by_label("电话（", exact=False).fill("1391234")
    staff.get_by_label("人数").fill("3")
    staff.get_by_label("反映的问题").fill("村里排水沟堵了半年，下雨就淹到院子里")
    staff.get_by_role("button", name="登记").click()
    assert "1391234" in staff.locator(".flash").inner_text()              # the SMS command's own sentence
    db.rollback()
    assert db.scalars(select(Petition)).all() == []
    staff.get_by_label("电话（", exact=False).fill("13912340000")
    staff.get_by_role("button", name="登记").click()
    assert "已登记走访" in staff.locator(".flash").inner_text()
    no = re.search(r"LS-\d{8}-\d{4}", staff.locator("h2#case-title").inner_text()).group(0)
    assert "下汤镇人民政府" in staff.locator("#unit").inner_text()
    assert any("由县信访局登记" in b and no in b for to, b in sms_out.sent if to == "+8613912340000")   # the receipt
    # a step out of order, posted by hand past the page (which does not offer it): refused, not recorded
    token = staff.locator("input[name=csrf_token]").first.get_attribute("value")
    refused = staff.request.post(f"{live}/console/cases/{no}/act", form={"action": "close", "csrf_token": token})
    assert "不能办结" in refused.text(), refused.text()[:2000]
    db.rollback()
    assert db.scalars(select(AuditEvent.action).where(AuditEvent.action == "close")).all() == []
    # the cadre answers by SMS; the open case file shows it without a reload
    peer.text_sms(LIAISON, f"受理 {no} 一般")
    peer.text_sms(LIAISON, f"延期 {no} 10 需要水利站现场勘测")
    staff.evaluate("htmx.trigger('#history', 'refresh')")
    staff.wait_for_selector("#events >> text=申请延期")
    assert "受理（李建国）" in staff.locator("#events").inner_text()
    staff.goto(f"{live}/console/")
    assert staff.locator("#shelf-extensions .count").inner_text() == "1"
    staff.locator("#shelf-extensions").get_by_role("link", name=no).click()
    staff.get_by_role("button", name="批准延期").click()
    assert f"已批准{no}延期10日" in staff.locator(".flash").inner_text()
    assert any("信访局已批准" in b and no in b for to, b in sms_out.sent if to == LIAISON)
    # the day's figures and the month's 台账
    staff.get_by_role("link", name="统计").click()
    row = staff.locator("#measures tr", has_text="下汤镇人民政府").inner_text()
    assert row.split("\t")[1:3] == ["1", "3"], row                        # 1 批, 3 人次
    assert "到县访1批3人次" in staff.locator("#today").inner_text()
    from tests.test_charts import series, table                          # (it imports this module's fixtures)
    staff.wait_for_selector("#chart-trend[data-drawn]")                   # the month so far, day by day
    assert series(staff, "chart-trend") == [[0] * 22 + [1], [0] * 22 + [3]]
    assert table(staff, "chart-trend")[22] == ["11月23日", "1", "3"]
    assert table(staff, "chart-units") == [["下汤镇人民政府", "1"]]
    staff.get_by_role("button", name="生成台账").click()         # a worker builds it (here: inline)
    staff.wait_for_selector("#export-done")
    with staff.expect_download() as got:
        staff.get_by_role("link", name="下载Excel").click()
    from openpyxl import load_workbook
    got.value.save_as(tmp_path / got.value.suggested_filename)
    assert got.value.suggested_filename == "台账_20261101-20261123.xlsx"
    sheet = load_workbook(tmp_path / got.value.suggested_filename, read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("编号", "渠道", "乡镇（街道）", "村（社区）", "责任单位")
    assert rows[1][:7] == (no, "走访", "下汤镇", "林楼村", "下汤镇人民政府", "城乡管理", 3) and rows[1][13] == "已受理"
    assert len(rows) == 2
    staff.get_by_role("link", name="返回统计").click()
    staff.get_by_label("导出台账").select_option("csv")
    staff.get_by_role("button", name="生成台账").click()
    staff.wait_for_selector("#export-done")
    with staff.expect_download() as got:
        staff.get_by_role("link", name="下载CSV").click()
    got.value.save_as(tmp_path / "ledger.csv")
    lines = (tmp_path / "ledger.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("编号,渠道,乡镇（街道）") and lines[1].startswith(f"{no},走访,下汤镇,林楼村,下汤镇人民政府")
    assert len(lines) == 2 and got.value.suggested_filename == "台账_20261101-20261123.csv"
    assert ",3,2026-11-23 10:00,2026-11-23 10:00,2026-11-23 10:00,," in lines[1], lines[1]   # county time


def test_the_reception_schedule_staff_publish_is_what_citizens_read(live, browser, peer, clock, sms_out, wechat):
    """接访日程 (seed 001): staff put a leader's reception on the schedule in the console; a citizen
    who texts "接访" or taps the WeChat menu gets it; a cancelled one is gone from what they read."""
    staff = sign_in(browser, live, sms_out, STAFF)
    staff.get_by_role("link", name="接访日程").click()
    staff.get_by_label("日期").fill("2026-12-05")
    staff.get_by_label("时间").fill("9:00-12:00")
    staff.get_by_label("接访领导").select_option(label="县委书记陈国栋")
    staff.get_by_role("button", name="发布").click()
    assert "已发布：12月5日 09:00-12:00 县委书记陈国栋" in staff.locator(".flash").inner_text()
    for hours, said in (("12:00-9:00", "结束须晚于开始"), ("上午", "时间请写成")):     # refused, nothing published
        staff.get_by_label("日期").fill("2026-12-06")
        staff.get_by_label("时间").fill(hours)
        staff.get_by_role("button", name="发布").click()
        assert said in staff.locator(".flash").inner_text()
    staff.get_by_label("日期").fill("2026-12-20")
    staff.get_by_label("时间").fill("14:30-17:30")
    staff.get_by_label("接访领导").select_option(label="县长刘卫东")
    staff.get_by_role("button", name="发布").click()
    assert staff.locator("#slots tbody tr").count() == 2

    by_sms = peer.text_sms("+8613912345002", "接访")
    assert by_sms.startswith("近期领导接访安排：12月5日（周六） 09:00-12:00 县委书记陈国栋，县信访局接访大厅；"
                             "12月20日（周日） 14:30-17:30 县长刘卫东"), by_sms
    menu = peer.reply_of(peer.post_wechat(wechat.event("o_reception_reader", "CLICK", peer.now_ts(), key="XF_RECEPTION")))
    assert "县委书记陈国栋" in menu and "县长刘卫东" in menu
    # cancelled: citizens no longer read it
    staff.get_by_role("button", name="取消2026-12-05的接访").click()
    assert "已取消" in staff.locator(".flash").inner_text()
    assert "陈国栋" not in peer.text_sms("+8613912345002", "领导接访")


def test_staff_write_the_outlook_into_the_analysis_leaders_open(live, browser, peer, db, clock, sms_out):
    """分析 (seed 001): staff write 舆情预判 and 下一步工作 into last week's analysis; the page the
    leaders' signed link opens carries them; every version is kept; a leader reads, cannot write."""
    from core.store.models import AnalysisNote
    from notifications.report_html import link
    staff = sign_in(browser, live, sms_out, STAFF)
    staff.get_by_role("link", name="分析", exact=True).click()
    assert "11月16日–11月22日" in staff.inner_text("body")                # the last whole week, by default
    staff.get_by_label("舆情预判").fill("征地补偿类信访有所上升，下汤镇需重点关注。")
    staff.get_by_label("下一步工作").fill("一、开展征地补偿专项排查；\n二、县领导包案化解积案。")
    staff.get_by_role("button", name="保存").click()
    assert "已保存" in staff.locator(".flash").inner_text()
    staff.get_by_label("舆情预判").fill("征地补偿类信访有所上升，下汤镇、尧山镇需重点关注。")
    staff.get_by_role("button", name="保存").click()
    db.rollback()
    assert [n.section for n in db.scalars(select(AnalysisNote).order_by(AnalysisNote.id))] == ["outlook", "next", "outlook"]
    page = peer.client.get(link("", "weekly", "2026-11-16", clock.now())).get_data(as_text=True)
    assert "<h2>舆情预判</h2><p>征地补偿类信访有所上升，下汤镇、尧山镇需重点关注。</p>" in page
    assert "<p>一、开展征地补偿专项排查；</p><p>二、县领导包案化解积案。</p>" in page
    leader = sign_in(browser, live, sms_out, "+8613700000101")
    leader.get_by_role("link", name="分析", exact=True).click()
    assert leader.get_by_label("舆情预判").count() == 0 and "11月16日–11月22日" in leader.inner_text("body")
    token = leader.locator("input[name=csrf_token]").first.get_attribute("value")
    refused = leader.request.post(f"{live}/console/analysis", form={"kind": "weekly", "day": "2026-11-16",
                                                                      "outlook": "x", "csrf_token": token})
    assert refused.status == 403


def test_a_leader_sees_their_own_cases_and_writes_a_pishi(live, browser, peer, db, clock, sms_out):
    """A county leader: the cases they own (包案), 批示 on them from the console (the unit gets it,
    as by SMS); the number stays masked; a case they do not own is "没有找到"."""
    reply = peer.text_sms(STAFF, "登记 走访 下汤镇林楼村 王五 13912340000 1 家门口的路灯坏了半年没人修")
    mine = re.search(r"LS-\d{8}-\d{4}", reply).group(0)
    other = re.search(r"LS-\d{8}-\d{4}", peer.text_sms(STAFF, "登记 走访 尧山镇 赵六 无 1 低保评定不公")).group(0)
    assert "包案" in peer.text_sms(STAFF, f"包案 {mine} 陈国栋")
    leader = sign_in(browser, live, sms_out, "+8613700000101")
    assert mine in leader.inner_text("body") and other not in leader.inner_text("body")
    leader.goto(f"{live}/console/cases/{mine}")
    assert leader.get_by_role("button", name="显示号码").count() == 0 and "139****0000" in leader.inner_text("body")
    assert leader.get_by_role("button", name="办结").count() == 0
    leader.get_by_label("批示内容").fill("请下汤镇党委书记亲自过问，一周内见效。")
    leader.get_by_role("button", name="批示").click()
    assert "批示已转下汤镇人民政府" in leader.locator(".flash").inner_text()
    assert any("【县领导批示】" in b and mine in b for to, b in sms_out.sent if to == LIAISON)
    assert leader.goto(f"{live}/console/cases/{other}").status == 404


def test_a_large_ledger_is_built_in_the_background_and_only_its_owner_downloads_it(live, browser, peer, sms_out,
                                                                                    services, tmp_path, db, clock):
    import dataclasses
    services.settings = dataclasses.replace(services.settings, export_dir=tmp_path / "exports")
    peer.text_sms(STAFF, "登记 走访 下汤镇林楼村 王五 无 1 村里路灯坏了半年")
    staff = sign_in(browser, live, sms_out, STAFF)
    staff.get_by_role("link", name="统计").click()
    staff.get_by_role("button", name="生成台账").click()
    staff.wait_for_selector("#export-done")
    assert "共1行" in staff.locator("#export-done").inner_text()
    page_url = staff.url
    with staff.expect_download() as got:
        staff.get_by_role("link", name="下载Excel").click()
    got.value.save_as(tmp_path / "ledger.xlsx")
    from openpyxl import load_workbook
    rows = list(load_workbook(tmp_path / "ledger.xlsx", read_only=True).active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][1:5] == ("走访", "下汤镇", "林楼村", "下汤镇人民政府")
    other = sign_in(browser, live, sms_out, LIAISON)
    assert other.goto(page_url).status == 404 and other.goto(page_url + "/file").status == 404
    # a worker killed in the middle: its export, untouched for 20 minutes, is built again on request
    from core.store.models import LedgerExport, Person
    db.rollback()
    me = db.scalars(select(Person).where(Person.phone == STAFF)).one()
    dead = LedgerExport(person_id=me.id, first=clock.now().date(), last=clock.now().date(), status="running",
                        rows_done=2000, created_at=clock.now(), touched_at=clock.now() - timedelta(minutes=20))
    db.add(dead)
    db.commit()
    staff.goto(f"{live}/console/exports/{dead.id}")
    assert "生成中断" in staff.inner_text("body")
    staff.get_by_role("button", name="重新生成").click()
    staff.wait_for_selector("#export-done")
    assert "共1行" in staff.locator("#export-done").inner_text()


def test_the_seven_evenings_page_shows_each_evening_of_each_plan(live, browser, peer, clock, sms_out):
    """工作台's 七晚: each plan's evenings — started, ended, confirmed by the petitioner, counted."""
    from tests.test_evenings import MON, evening, planned, registered
    no = registered(peer, clock)
    planned(peer, clock, no)
    evening(peer, clock, no, MON)                                  # 18:30–21:45, both confirmed
    staff = sign_in(browser, live, sms_out, STAFF)
    staff.get_by_role("link", name="七晚").click()
    plan = staff.locator("section", has_text=no)
    assert "走访中" in plan.inner_text() and "下汤镇人民政府" in plan.inner_text()
    row = plan.locator("table.evenings tbody tr").first.inner_text()
    assert row.split("\t") == ["11月23日", "1", "11-23 18:30", "11-23 21:45", "到达✓ / 离开✓", "待判定"], row


def test_citizens_ask_for_the_reception_in_their_own_words(peer, db, clock):
    """"领导哪天接待群众", "县长什么时候接访？" ask for the schedule; they start no petition. A story that
    mentions 接访 is still a story."""
    from core.store.models import Petition
    for words in ("领导哪天接待群众", "接访时间", "县长什么时候接访？"):
        assert peer.text_sms("+8613912345002", words).startswith("近期暂无公布的领导接访安排"), words
    story = peer.text_sms("+8613912345003", "上次领导接访时说给我们解决路灯的问题，到现在都两个月了还没人管")
    assert "近期" not in story and ("怎么称呼" in story or "乡镇" in story), story
    db.rollback()
    assert db.scalars(select(Petition)).all() == []


def test_a_cadre_sends_back_and_asks_for_time_and_the_bureau_takes_it_up_from_the_console(
        live, browser, peer, db, clock, sms_out):
    from tests.test_cases import OTHER_UNIT, case, submit
    no = submit(peer)                                                     # 张三's pump, with 下汤镇 at once
    cadre = sign_in(browser, live, sms_out, LIAISON, mobile=True)         # 李建国, on his phone
    cadre.goto(f"{live}/console/cases/{no}")
    assert cadre.get_by_role("button", name="交办 / 改派").count() == 0   # the bureau's, not his
    cadre.get_by_role("button", name="不予受理").click()                  # no reason: refused, nothing changed
    assert "请填写不予受理理由" in cadre.locator(".flash").inner_text()
    assert case(db, no).status == "assigned"
    cadre.get_by_label("退回理由").fill("水泵是县自来水公司的，不归镇里管")
    cadre.get_by_role("button", name="退回").click()
    cadre.get_by_role("button", name="确认退回").click()                  # it hands the case away: asked first
    assert f"已将{no}退回信访局" in cadre.locator(".flash").inner_text()
    assert case(db, no).status == "returned"

    staff = sign_in(browser, live, sms_out, STAFF)
    assert no in staff.locator("#shelf-returned").inner_text()
    staff.locator("#shelf-returned").get_by_role("link", name=no).click()
    staff.get_by_label("交办单位").select_option("尧山镇人民政府")
    staff.get_by_role("button", name="交办 / 改派").click()
    assert f"已将{no}交办尧山镇人民政府" in staff.locator(".flash").inner_text()
    staff.get_by_label("包案领导", exact=True).select_option(label="县长刘卫东")
    staff.get_by_role("button", name="包案", exact=True).click()
    assert f"已设刘卫东为{no}的包案领导" in staff.locator(".flash").inner_text()
    assert any(no in b for to, b in sms_out.sent if to == "+8613700000102")   # the 县长 is told

    peer.text_sms(OTHER_UNIT, f"受理 {no}")
    other = sign_in(browser, live, sms_out, OTHER_UNIT)
    other.goto(f"{live}/console/cases/{no}")
    other.get_by_label("延期天数").fill("45")                              # beyond the 条例's 30: the form says so
    assert other.get_by_label("延期天数").evaluate("e => e.validity.rangeOverflow")
    token = other.locator("input[name=csrf_token]").first.get_attribute("value")
    got = other.request.post(f"{live}/console/cases/{no}/act",              # and the server, past the form
                             form={"action": "extend", "days": "45", "text": "要等", "csrf_token": token})
    assert "1至30" in got.text()
    assert case(db, no).pending_extension is None
    other.get_by_label("延期天数").fill("15")
    other.get_by_label("延期理由").fill("要等自来水公司换泵")
    other.get_by_role("button", name="申请延期").click()
    assert "延期申请已报信访局审批" in other.locator(".flash").inner_text()
    assert case(db, no).pending_extension is not None

    # the bureau puts the case under 七晚 with 尧山镇's task force, the 县长 leading
    staff.reload()
    staff.get_by_label("七晚专班单位").select_option("尧山镇人民政府")
    staff.get_by_label("七晚包案领导").select_option(label="县长刘卫东")
    staff.get_by_role("button", name="列入七晚").click()
    assert f"已将{no}列入七晚，交尧山镇人民政府组成工作专班，刘卫东包案" in staff.locator(".flash").inner_text()
    assert case(db, no).under_evenings
    assert staff.get_by_role("button", name="列入七晚").count() == 0       # not twice
    db.rollback()
    actions = db.scalars(select(AuditEvent.action).where(AuditEvent.petition_id == case(db, no).id,
                                                         AuditEvent.action != "view").order_by(AuditEvent.id)).all()
    assert actions == ["send_back", "assign", "lead", "extend", "select"]


def test_the_bureau_narrows_a_search_by_channel_category_and_days(live, browser, peer, db, clock, sms_out):
    from tests.test_cases import case, submit
    pump = submit(peer)                                                    # WeChat, 11-23, 其他
    clock.advance(days=2)
    wages = submit(peer, who="o_wages", text="我是下汤镇林楼村的王五，老板拖欠工资三个月了")   # 劳资纠纷, 11-25
    assert case(db, wages).category == "劳资纠纷"
    staff = sign_in(browser, live, sms_out, STAFF)
    staff.goto(f"{live}/console/cases")
    staff.get_by_label("类别").select_option("劳资纠纷")
    staff.get_by_role("button", name="查找").click()
    body = staff.locator("table").inner_text()
    assert wages in body and pump not in body and "共 1 件" in staff.inner_text("body")
    staff.get_by_label("类别").select_option("")
    staff.get_by_label("收到日期自").fill("2026-11-23")
    staff.get_by_label("至", exact=True).fill("2026-11-24")               # both ends are whole days
    staff.get_by_role("button", name="查找").click()
    body = staff.locator("table").inner_text()
    assert pump in body and wages not in body
    staff.get_by_label("渠道").select_option("sms")                        # neither came by SMS
    staff.get_by_role("button", name="查找").click()
    assert "共 0 件" in staff.inner_text("body")
    assert "channel=sms" in staff.url and "since=2026-11-23" in staff.url  # a search one can send a colleague


def test_an_administrator_keeps_the_directory_from_the_console(live, browser, peer, db, db_url, clock, sms_out,
                                                               monkeypatch):
    """The bureau's IT man is made the first administrator from the command line; he adds a new
    cadre for 尧山镇 and texts her a WeChat binding code, stops 李建国 (transferred), and the next
    load of the county file leaves both as he set them until he hands 李建国 back."""
    from click.testing import CliRunner

    from bot.cli import main
    from bot.cli.county import EXAMPLE, init_database
    from core.store.models import DirectoryLoad, Person
    from tests.test_cases import case, submit
    monkeypatch.setenv("DATABASE_URL", db_url)
    got = CliRunner().invoke(main, ["admin", "13900007777"])
    assert got.exit_code != 0 and "请填写姓名" in got.output                # a number nobody has needs a name
    got = CliRunner().invoke(main, ["admin", "13900007777", "--name", "张工"])
    assert got.exit_code == 0 and "已新增管理员张工" in got.output, got.output

    it = sign_in(browser, live, sms_out, "+8613900007777", lands="/console/admin")
    it.goto(f"{live}/console/")                                          # no cases for him: straight to 管理
    assert it.url.endswith("/console/admin")
    assert "事项检索" not in it.locator("header").inner_text()
    it.get_by_label("姓名").fill("吴晓红")
    it.get_by_label("手机号码").fill("1371234")                           # a number cut short: nothing added
    it.get_by_label("身份").select_option("liaison")
    it.get_by_label("所属单位").select_option(label="尧山镇人民政府")
    it.get_by_role("button", name="新增").click()
    assert "不是有效的手机号码" in it.locator(".flash").inner_text()
    db.rollback()
    assert db.scalars(select(Person).where(Person.name == "吴晓红")).first() is None
    it.get_by_label("姓名").fill("吴晓红")
    it.get_by_label("手机号码").fill("137 1234 5601")
    it.get_by_label("身份").select_option("liaison")
    it.get_by_label("所属单位").select_option(label="尧山镇人民政府")
    it.get_by_label("职务").fill("信访专干")
    it.get_by_label("企业微信账号").fill("ZhaoZhiQiang")                   # 赵志强's: nothing added
    it.get_by_role("button", name="新增").click()
    assert "企业微信账号ZhaoZhiQiang已登记为赵志强" in it.locator(".flash").inner_text()
    it.get_by_label("姓名").fill("吴晓红")
    it.get_by_label("手机号码").fill("137 1234 5601")
    it.get_by_label("身份").select_option("liaison")
    it.get_by_label("所属单位").select_option(label="尧山镇人民政府")
    it.get_by_label("企业微信账号").fill("WuXiaoHong")
    it.get_by_role("button", name="新增").click()
    assert "已新增吴晓红" in it.locator(".flash").inner_text()
    db.rollback()
    assert db.scalars(select(Person.wecom_userid).where(Person.name == "吴晓红")).one() == "WuXiaoHong"
    it.get_by_role("button", name="发送微信绑定码").click()
    code = re.search(r"绑定 ([A-Z0-9]{8})", [b for to, b in sms_out.sent if to == "+8613712345601"][-1]).group(1)
    assert "已绑定" in peer.say("o_wu_xiaohong", f"绑定 {code}")            # she sends it from WeChat

    # 李建国 is transferred: stopped, he gets no more cases and cannot sign in
    it.goto(f"{live}/console/admin")
    it.locator("#people").get_by_role("link", name="李建国").click()
    it.get_by_role("button", name="停用").click()
    assert "已停用李建国" in it.locator(".flash").inner_text()
    no = submit(peer)
    assert case(db, no).unit.name == "下汤镇人民政府"
    assert not any(to == LIAISON and no in b for to, b in sms_out.sent)
    texts_before = len(sms_out.sent)
    gone = browser.new_page()
    gone.goto(f"{live}/console/login")
    gone.get_by_label("手机号码").fill(LIAISON[3:])
    gone.get_by_role("button", name="获取验证码").click()
    assert "如该号码已登记在名录中" in gone.inner_text("body") and len(sms_out.sent) == texts_before
    # the county file is loaded again: both stay as he set them, and the page says so
    init_database(db_url, EXAMPLE, now=clock.now())
    db.rollback()
    assert db.scalars(select(Person.active).where(Person.phone == LIAISON)).one() is False
    assert db.scalars(select(Person.active).where(Person.phone == "+8613712345601")).one() is True
    assert "1人由管理员在工作台维护" in db.scalars(select(DirectoryLoad.summary).order_by(DirectoryLoad.id.desc())).first()
    it.get_by_role("button", name="交还名录文件").click()
    init_database(db_url, EXAMPLE, now=clock.now())
    db.rollback()
    assert db.scalars(select(Person.active).where(Person.phone == LIAISON)).one() is True
    it.goto(f"{live}/console/admin")
    assert "县情文件已载入" in it.locator("#loads").inner_text()
    assert "停用人员" in it.inner_text("body") and "交还名录文件" in it.inner_text("body")
    shot(it, "admin")
    assert it.goto(f"{live}/console/cases/{no}").status == 404             # an administrator sees no case
    it.goto(f"{live}/console/admin/people/{db.scalars(select(Person.id).where(Person.name == '张工')).one()}")
    it.get_by_role("button", name="取消管理员").click()                     # the last one cannot go
    assert "不能停用自己" in it.locator(".flash").inner_text()

    staff = sign_in(browser, live, sms_out, STAFF)                         # the bureau's staff: not theirs
    assert "管理" not in staff.locator("header").inner_text()
    assert staff.goto(f"{live}/console/admin").status == 403


def test_the_bureau_telephones_the_unsatisfied_and_the_silent(live, browser, peer, db, services, clock, sms_out):
    """回访: 张三 is not satisfied with the pump's answer and says why; 李四 never rates the road
    lamp's. Two working days on, 李四 is asked again and stays silent; the bureau calls both from
    the 回访 page: 李四 says 满意 on the phone (kept, marked as by telephone); 张三's own 不满意
    cannot be talked up by a call — the call is kept as 已解释沟通."""
    from notifications.schedule import follow_ups
    from tests.test_cases import ZS, case, submit
    pump = submit(peer)
    peer.text_sms(LIAISON, f"受理 {pump}")
    peer.text_sms(LIAISON, f"答复 {pump} 已更换水泵")
    peer.say(ZS, "3")
    peer.say(ZS, "根本没换，水泵还是坏的，俺家三天没水了")
    lamp = submit(peer, who="o_lisi", text="我是下汤镇林楼村的李四，村口路灯坏了一个月")
    peer.text_sms(LIAISON, f"受理 {lamp}")
    peer.text_sms(LIAISON, f"答复 {lamp} 已报修更换")
    peer.text_sms(LIAISON, f"办结 {lamp}")
    clock.set(clock.now() + timedelta(days=2))                             # Wednesday: asked again, no answer
    assert follow_ups(services, clock.now()) == "回访：再次请求评价1件"

    staff = sign_in(browser, live, sms_out, STAFF)
    assert staff.locator("#shelf-follow_up .count").inner_text() == "2"
    staff.locator("#shelf-follow_up").get_by_role("link", name="回访（未评价、不满意）").click()
    first, second = staff.locator("section[id^=fu-]").all()
    assert pump in first.inner_text() and "不满意" in first.inner_text() and "尚未办结" in first.inner_text()
    assert "水泵还是坏的" in first.inner_text()                             # in his own words
    assert lamp in second.inner_text() and "已再次请求评价" in second.inner_text()
    assert "满意" not in staff.get_by_label(f"{pump}回访结果").inner_text().replace("不满意", "")
    assert staff.get_by_label(f"{lamp}回访结果").input_value() == ""      # 请选择: no outcome chosen for her
    staff.get_by_label(f"{lamp}回访结果").select_option(label="满意")
    staff.get_by_label(f"{lamp}回访情况").fill("李四说路灯修好了")
    staff.locator(f"#fu-{lamp}").get_by_role("button", name="记录回访").click()
    assert f"已记录{lamp}电话回访：满意" in staff.locator(".flash").inner_text()
    assert case(db, lamp).rating == "satisfied"
    assert staff.locator(f"#fu-{lamp}").count() == 0                       # rated: off the list
    token = staff.locator("input[name=csrf_token]").first.get_attribute("value")
    got = staff.request.post(f"{live}/console/cases/{pump}/act", form={   # past the form: refused, unchanged
        "action": "follow_up_call", "outcome": "satisfied", "csrf_token": token})
    assert "不改动其本人的评价" in got.text() and case(db, pump).rating == "unsatisfied"
    staff.goto(f"{live}/console/follow-ups")
    staff.get_by_label(f"{pump}回访结果").select_option(label="已解释沟通")
    staff.get_by_label(f"{pump}回访情况").fill("已请水利站明天上门，张三表示等结果")
    staff.locator(f"#fu-{pump}").get_by_role("button", name="记录回访").click()
    assert "已解释沟通：已请水利站明天上门" in staff.locator(f"#fu-{pump}").inner_text()
    assert case(db, pump).rating == "unsatisfied"
    shot(staff, "follow-ups")
    events = [(e.kind, e.text) for e in case(db, lamp).events if e.kind in ("rated", "follow_up_call")]
    assert events == [("follow_up_call", "满意：李四说路灯修好了"), ("rated", "满意（电话回访）")]


def test_a_county_leader_opens_the_console_to_a_board_of_the_county(live, browser, peer, db, services, clock,
                                                                     sms_out):
    """县委书记 signs in on Tuesday morning: the day's 访情, the month so far, what is 挂牌 by unit
    (counts only — the cases stay with those handling them), the month's 考评 so far; below, the
    cases he owns."""
    from datetime import datetime

    from core.clock import SHANGHAI
    from tests.test_cases import submit, sweep_at
    pump = submit(peer)                                                    # 下汤镇, Monday: never accepted
    lamp = submit(peer, who="o_lisi", text="我是下汤镇林楼村的李四，村口路灯坏了一个月")
    sweep_at(services, datetime(2026, 11, 24, 9, 0, tzinfo=SHANGHAI))     # both 挂牌 by Tuesday morning
    clock.set(datetime(2026, 11, 24, 9, 30, tzinfo=SHANGHAI))
    peer.text_sms(STAFF, "登记 走访 尧山镇上坪村 赵六 13912340001 6 村里六户的低保被取消了")   # a group, today
    peer.text_sms(STAFF, f"包案 {pump} 陈国栋")
    leader = sign_in(browser, live, sms_out, "+8613700000101")
    board = leader.locator("#board")
    assert "到县访1批6人次" in board.inner_text() and "集体访1批" in board.inner_text()
    assert "本月以来（11月1日起）" in board.inner_text() and "3批8人次" in board.inner_text()
    assert leader.locator("#late-by-unit").inner_text().split() == ["下汤镇人民政府", "2件"]
    assert lamp not in board.inner_text() and pump not in board.inner_text()   # counts, not cases
    assert pump in leader.locator("#shelf-overdue").inner_text()           # his own: below, openable
    assert lamp not in leader.inner_text("body")
    shot(leader, "leader")


def test_a_call_reporting_a_township_head_is_registered_as_an_accusation(live, browser, peer, db, clock, sms_out):
    """A villager rings the bureau: 尧山镇's head 雷新华 took the village's road money. Staff
    register the call (电话访), mark it 检举控告 and name him — a name nobody has is refused first;
    the case is held for the bureau, not routed to 尧山镇, and the head never sees it."""
    staff = sign_in(browser, live, sms_out, STAFF)
    staff.get_by_role("link", name="登记").click()
    staff.get_by_label("电话访").check()
    staff.get_by_label("乡镇（街道）和村（社区）").fill("尧山镇上坪村")
    staff.get_by_label("信访人姓名（代表）").fill("匿名")
    staff.get_by_label("人数").fill("1")
    staff.get_by_label("反映的问题").fill("修村里的路的钱被拿走了，路到现在没修")      # no 举报 in the words
    staff.get_by_label("检举控告", exact=False).check()
    staff.get_by_label("被反映的单位或人员", exact=False).fill("雷新化")                  # misheard on the phone
    staff.get_by_role("button", name="登记").click()
    assert "雷新化" in staff.locator(".flash").inner_text()
    db.rollback()
    assert db.scalars(select(Petition)).all() == []
    assert staff.get_by_label("检举控告", exact=False).is_checked()           # the form kept as typed
    staff.get_by_label("被反映的单位或人员", exact=False).fill("雷新华")
    staff.get_by_role("button", name="登记").click()
    assert "已登记电话访（检举控告类，请核定被反映对象后交办）" in staff.locator(".flash").inner_text()
    no = re.search(r"LS-\d{8}-\d{4}", staff.locator("h2#case-title").inner_text()).group(0)
    db.rollback()
    p = db.scalars(select(Petition).where(Petition.tracking_no == no)).one()
    assert p.channel == "phone" and p.accusation and p.unit_id is None
    assert "电话访" in staff.locator("table").first.inner_text()
    head = sign_in(browser, live, sms_out, ACCUSED)
    assert head.goto(f"{live}/console/cases/{no}").status == 404


def _png(width: int = 4, height: int = 3) -> bytes:
    """A real PNG (the browser must draw it), red."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def test_the_photo_a_petitioner_sent_is_seen_in_the_case_file(live, browser, peer, wechat, wx, lite, services, db,
                                                               clock, sms_out, tmp_path):
    """李大山 sends a photo of his cracked wall and a voice message with his story; the worker keeps
    both within WeChat's three days; the bureau sees the photo in the case file and can play or
    download the voice; another unit's cadre cannot fetch either, even by its address."""
    import dataclasses

    from notifications.media import fetch
    from notifications.wechat import WeChatSender
    from tests.test_media import AMR, LAO_LI, STORY
    services.settings = dataclasses.replace(services.settings, media_dir=tmp_path / "media")
    services._wechat = WeChatSender(wx.app_id, wx.secret, lite, api_base=wx.base_url, timeout=2)
    wx.media.update({"IMG-wall": (_png(), "image/png"), "VOICE-1": (AMR, "audio/amr")})
    peer.say(LAO_LI, STORY)
    peer.say(LAO_LI, "13812345678")
    peer.post_wechat(wechat.image(LAO_LI, peer.now_ts(), media_id="IMG-wall"))
    peer.post_wechat(wechat.voice(LAO_LI, peer.now_ts(), recognition="隔壁工地放炮震的", media_id="VOICE-1"))
    no = re.search(r"LS-\d{8}-\d{4}", peer.say(LAO_LI, "确认")).group(0)
    assert fetch(services, clock.now()).stored == 2

    staff = sign_in(browser, live, sms_out, STAFF)
    staff.goto(f"{live}/console/cases/{no}")
    photo = staff.locator("#media img")
    photo.scroll_into_view_if_needed()
    staff.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=photo.element_handle())
    assert photo.evaluate("img => [img.naturalWidth, img.naturalHeight]") == [4, 3]
    assert staff.locator("#media audio").count() == 1 and "AMR" in staff.locator("#media").inner_text()
    src = photo.get_attribute("src")
    other = sign_in(browser, live, sms_out, WATER)                          # 县水利局: not theirs
    assert other.request.get(f"{live}{src}").status == 404
    db.rollback()
    assert "media" in db.scalars(select(AuditEvent.action)).all()


@pytest.mark.usefixtures("wc", "wecom")
def test_the_case_file_says_which_texts_went_by_wecom_and_who_wants_a_call_back(live, browser, peer, db, sms_out):
    """李桂芳's case went to 赵志强 in the WeCom app; 王大爷 asked for a person by text. 周敏 sees
    both: the 交办 marked as sent by WeCom in the case file, and 王大爷's number on her 工作台."""
    from tests.test_wecom import petition_in_yaoshan
    no = petition_in_yaoshan(peer)
    peer.text_sms("+8613912345678", "人工")
    staff = sign_in(browser, live, sms_out, STAFF)
    assert "+8613912345678" in staff.locator("#shelf-call_back").inner_text()
    staff.goto(f"{live}/console/cases/{no}")
    row = staff.locator("#texts tr", has_text="交办").first
    assert "（企业微信）" in row.inner_text() and "13698765432" not in row.inner_text()
