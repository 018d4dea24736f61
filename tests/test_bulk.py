"""催办 and the lists' bulk actions (issue 32, 1): the bureau presses a unit on a case's next
deadline (催办: by text or in the console, once a day), and from a shelf's list moves or assigns
several cases at once and presses several units at once — each case through the catalogue's
perform, one refused said with why and the others done. Through the signed webhooks (peer), the
console over HTTP (the Flask test client) and, for 全选, Debian's chromium."""
from __future__ import annotations

import re

from tests.test_actions import HEAD, YAOSHAN_HEAD, texts_to
from tests.test_cases import LIAISON, OTHER_UNIT, STAFF, case, events, submit
from tests.test_console import browser, live, shot, sign_in as browser_sign_in  # noqa: F401  (fixtures)
from tests.test_console_security import flash_of, sign_in, token_of

WANG, LIU = "o_wang_bulk", "o_liu_bulk"


def test_the_bureau_presses_a_unit_by_text_once_a_day(peer, db, sms_out, clock):
    """下汤镇 accepted 张三's pump at 09:30 and has not been to see him; at 15:00 周敏 presses it. Its
    liaison and head get the 【催办】 with the meeting's deadline and her note; a second press the
    same day is refused (they have the first); the next day she may press again."""
    clock.set(clock.now().replace(hour=9, minute=0))
    no = submit(peer)
    clock.advance(minutes=30)
    peer.text_sms(LIAISON, f"受理 {no}")
    clock.set(clock.now().replace(hour=15, minute=0))
    before = len(sms_out.sent)
    assert peer.text_sms(STAFF, f"催办 {no} 群众在家等着，请今天务必上门") == (
        f"已向下汤镇人民政府催办{no}（短信已发单位联络员和负责人）。")
    for who in (LIAISON, HEAD):
        [pressed] = texts_to(sms_out, who, before)
        assert pressed == f"【催办】信访局催办事项{no}：见面期限11月23日，请抓紧办理。群众在家等着，请今天务必上门。"
    assert events(db, no)[-1] == "urged"

    again = peer.text_sms(STAFF, f"催办 {no}")
    assert again == f"{no} 今天已催办过，单位已收到催办短信；如情况紧急，请电话联系。"
    assert events(db, no).count("urged") == 1

    assert peer.text_sms(LIAISON, f"催办 {no}") == "该指令仅限信访局工作人员使用。"   # a unit presses nobody
    clock.advance(days=1)
    assert "已向下汤镇人民政府催办" in peer.text_sms(STAFF, f"催办 {no}")


def test_from_the_list_the_clerk_moves_two_cases_and_is_told_why_not_the_third(peer, db, sms_out, app):
    """Three petitions went to 下汤镇 at once; two of them are 尧山镇's. 周敏 ticks all three on the
    待受理 list... but 下汤镇 had just accepted one: the two are moved (下汤镇 told without blame,
    尧山镇 given the 【交办】), the third stays, and the page says why."""
    moved = [submit(peer), submit(peer, WANG, "我是下汤镇林楼村的王五，村口的桥塌了一半，娃们上学得绕路")]
    kept = submit(peer, LIU, "我是下汤镇林楼村的刘六，俺家低保不知道为啥给停了")
    peer.text_sms(LIAISON, f"受理 {kept}")
    staff = app.test_client()
    sign_in(staff, sms_out, STAFF)
    listed = staff.get("/console/cases?shelf=to_accept").get_data(as_text=True)
    assert all(f'value="{no}"' in listed for no in moved) and "交办 / 改派" in listed
    yaoshan = re.search(r'<option value="(\d+)">尧山镇人民政府</option>', listed).group(1)
    assert '<option value="">请选择</option>' in listed
    before = len(sms_out.sent)

    done = staff.post("/console/cases/bulk", data={
        "bulk": "route", "unit": yaoshan, "no": moved + [kept], "back": "/console/cases?shelf=to_accept",
        "csrf_token": token_of(listed)}, follow_redirects=True)
    said = flash_of(done.get_data(as_text=True))
    assert said == (f"已交办（改派）2件：{moved[0]}、{moved[1]}。未办理1件：{kept}（{kept}已由下汤镇人民政府受理，"
                    f"不能改派。如确需调整，请由该单位退回后重新交办，或与该单位协商）。")
    assert [case(db, no).unit.code for no in moved + [kept]] == ["yaoshan", "yaoshan", "xiatang"]
    assert len(texts_to(sms_out, LIAISON, before)) == 2 and all("无需继续办理" in t for t in texts_to(sms_out, LIAISON, before))
    assert sorted(no for t in texts_to(sms_out, OTHER_UNIT, before) for no in moved if f"受理 {no}" in t) == sorted(moved)

    # nothing ticked, or no unit chosen: said, nothing done
    assert flash_of(staff.post("/console/cases/bulk", data={"bulk": "urge", "csrf_token": token_of(listed)},
                               follow_redirects=True).get_data(as_text=True)) == "请先勾选事项，再选择批量操作。"
    assert flash_of(staff.post("/console/cases/bulk", data={"bulk": "route", "unit": "", "no": [kept],
                                                            "csrf_token": token_of(listed)},
                               follow_redirects=True).get_data(as_text=True)) == "请从列表中选择责任单位。"
    assert case(db, kept).unit.code == "xiatang"


def test_a_unit_cannot_act_in_bulk_and_sees_no_boxes(peer, db, sms_out, app):
    no = submit(peer)
    cadre = app.test_client()
    sign_in(cadre, sms_out, LIAISON)
    listed = cadre.get("/console/cases").get_data(as_text=True)
    assert no in listed and 'name="no"' not in listed and "交办 / 改派" not in listed
    refused = cadre.post("/console/cases/bulk", data={"bulk": "urge", "no": [no], "csrf_token": token_of(listed)})
    assert refused.status_code == 403 and "urged" not in events(db, no)


def test_in_a_browser_the_clerk_moves_one_case_then_presses_every_unit(live, browser, peer, db, sms_out, clock):
    """In Debian's chromium, on 待受理's list: 王五's bridge went to 下汤镇 but is 尧山镇's — the
    clerk ticks it, chooses 尧山镇, 交办 / 改派 (no 退回 by anyone); then 全选本页, a note, 催办:
    each unit pressed once on its case. At 1280 and on a 390-pixel phone (no sideways scroll)."""
    first = submit(peer)
    second = submit(peer, WANG, "我是下汤镇林楼村的王五，村口的桥塌了一半，娃们上学得绕路")
    for mobile in (True, False):          # the phone first: the laptop's page goes on
        clock.advance(minutes=2)          # a second code for the same number waits its minute
        page = browser_sign_in(browser, live, sms_out, STAFF, mobile=mobile)
        page.goto(f"{live}/console/cases?shelf=to_accept")
        assert page.evaluate("document.documentElement.scrollWidth") <= (390 if mobile else 1280)
        shot(page, "bulk-mobile" if mobile else "bulk")
        if mobile:
            page.context.close()
    page.goto(f"{live}/console/cases?shelf=to_accept")
    page.get_by_label(f"选择{second}").check()
    page.get_by_label("交办（改派）单位").select_option(label="尧山镇人民政府")
    page.get_by_role("button", name="交办 / 改派").click()
    page.wait_for_load_state()
    assert page.locator(".flash").inner_text() == f"已交办（改派）1件：{second}。"
    assert case(db, second).unit.code == "yaoshan" and "returned" not in events(db, second)

    page.get_by_label("全选本页").check()
    assert page.get_by_label(f"选择{first}").is_checked() and page.get_by_label(f"选择{second}").is_checked()
    page.get_by_label("催办说明（可不填）").fill("今天下班前请受理")
    before = len(sms_out.sent)
    page.get_by_role("button", name="催办").click()
    page.wait_for_load_state()
    assert "已催办2件" in page.locator(".flash").inner_text()
    assert any(first in t and "今天下班前请受理" in t for t in texts_to(sms_out, LIAISON, before))
    assert any(second in t for t in texts_to(sms_out, OTHER_UNIT, before))
    assert any(second in t for t in texts_to(sms_out, YAOSHAN_HEAD, before))     # and each unit's head
    assert events(db, first)[-1] == events(db, second)[-1] == "urged"
