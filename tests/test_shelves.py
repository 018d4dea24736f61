"""The day's work on the 工作台 (issue 32, 1): a case routed to its unit the moment it is filed is
on 今日新件 with its unit and the hours left to accept it; 待受理 and 待见面 hold every unit's cases
still to accept or to meet; each row shows the case's real next deadline (the unit's deadline, not
the sweep's next reminder); each count opens the whole list. Through the real webhooks and the
console over HTTP, at the settable clock (Monday 2026-11-23)."""
from __future__ import annotations

import re

from tests.test_cases import LIAISON, OTHER_UNIT, STAFF, case, submit
from tests.test_console import browser, live, shot, sign_in  # noqa: F401  (fixtures)
from tests.test_recusal_matter import console

LI = "o_lisi_shelves"


def shelf(page: str, key: str) -> str:
    found = re.search(rf'id="shelf-{key}".*?</section>', page, re.S)
    return found.group(0) if found else ""


def count(page: str, key: str) -> int:
    return int(re.search(r'class="count[^"]*"[^>]*>(\d+)<', shelf(page, key)).group(1))


def test_a_clerk_finds_every_case_of_today_from_the_workbench_with_its_real_deadline(peer, db, clock, sms_out, app):
    # Monday 09:00: 张三's pump, routed to 下汤镇 at once; at 10:00 李四 of 尧山镇, whose township
    # accepts at 10:30 but has not yet been to see him
    clock.set(clock.now().replace(hour=9, minute=0))
    zhang = submit(peer)
    clock.set(clock.now().replace(hour=10, minute=0))
    li = submit(peer, LI, "我是尧山镇上坪村的李四，俺村的水泵坏了三天了，一直没水吃")
    assert case(db, zhang).status == case(db, li).status == "assigned"
    clock.set(clock.now().replace(hour=10, minute=30))
    assert "已受理" in peer.text_sms(OTHER_UNIT, f"受理 {li}")

    # 15:30: 周敏 opens the 工作台
    clock.set(clock.now().replace(hour=15, minute=30))
    zhoumin = console(app, sms_out, STAFF)
    page = zhoumin.get("/console/").get_data(as_text=True)
    today = shelf(page, "today")
    assert zhang in today and "下汤镇人民政府" in today and "受理期限 11-23 23:59（剩8小时）" in today
    assert li not in today                                            # accepted: no longer to accept
    assert count(page, "today") == 1 and count(page, "to_accept") == 1
    meet = shelf(page, "to_meet")
    assert li in meet and "见面期限 11-23 23:59（剩8小时）" in meet and zhang not in meet
    # the count opens the whole shelf, in its order, each with its deadline
    listed = zhoumin.get("/console/cases?shelf=today").get_data(as_text=True)
    assert "工作台：今日新件" in listed and zhang in listed and li not in listed and "共 1 件" in listed
    assert "受理期限 11-23 23:59（剩8小时）" in listed
    assert 'href="/console/cases?shelf=to_meet"' in page

    # Tuesday 09:00: 下汤镇 never accepted — not today's any more, but on 待受理, overdue
    clock.advance(hours=17, minutes=30)
    page = console(app, sms_out, STAFF).get("/console/").get_data(as_text=True)
    assert zhang not in shelf(page, "today") and count(page, "today") == 0
    assert zhang in shelf(page, "to_accept") and "受理已超期（11-23 23:59）" in shelf(page, "to_accept")


def test_a_township_sees_its_own_cases_to_accept_and_no_bureau_shelf(peer, db, clock, sms_out, app):
    """李建国 of 下汤镇 sees the case to accept on his 工作台 — not 尧山镇's, and no 待交办 even by its address."""
    zhang = submit(peer)
    li = submit(peer, LI, "我是尧山镇上坪村的李四，俺村的水泵坏了三天了，一直没水吃")
    lijianguo = console(app, sms_out, LIAISON)
    page = lijianguo.get("/console/").get_data(as_text=True)
    assert zhang in shelf(page, "to_accept") and li not in page
    assert shelf(page, "unassigned") == ""
    listed = lijianguo.get("/console/cases?shelf=unassigned").get_data(as_text=True)
    assert "工作台：" not in listed and li not in listed           # the plain search of his own cases


def test_in_a_browser_the_clerk_opens_todays_cases_from_the_count_at_1280_and_on_a_phone(
        live, browser, peer, db, clock, sms_out):
    """The same day in Debian's chromium: 今日新件's count opens the list, the list opens the case;
    on a 390-pixel phone the 工作台 does not scroll sideways."""
    clock.set(clock.now().replace(hour=9, minute=0))
    zhang = submit(peer)
    clock.set(clock.now().replace(hour=15, minute=30))
    for mobile in (False, True):
        clock.advance(minutes=2)          # a second code for the same number waits its minute
        page = sign_in(browser, live, sms_out, STAFF, mobile=mobile)
        today = page.locator("#shelf-today")
        assert "剩8小时" in today.inner_text() and "下汤镇人民政府" in today.inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= (390 if mobile else 1280)
        shot(page, "shelves-mobile" if mobile else "shelves")
        today.get_by_role("link", name="查看全部1件").click()
        page.wait_for_url(f"{live}/console/cases?shelf=today")
        assert "工作台：今日新件" in page.locator("main").inner_text()
        page.get_by_role("link", name=zhang).click()
        page.wait_for_url(f"{live}/console/cases/{zhang}")
        page.context.close()
