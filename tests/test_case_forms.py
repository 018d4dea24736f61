"""The case file's forms (issue 32, 2), in a real browser: generated from the catalogue of case
actions (core/actions.py) — only those the viewer may take, in sections (办理, 转交, 监督, 记录),
the destructive ones set apart and asked before they are sent; every list starts at 请选择; a
refused form shown again as typed, its error beside the field; everything reachable and sendable
by keyboard; the width of a laptop used, and nothing scrolling sideways on a phone.

Set CONSOLE_SCREENSHOTS=docs/img to write console-case-forms.png and console-case-forms-mobile.png."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from core import actions
from core.words import console as W
from core.store.models import AuditEvent
from tests.test_cases import LIAISON, STAFF, case, submit
from tests.test_console import CHROMIUM, browser, live, shot, sign_in  # noqa: F401  (fixtures)

in_chromium = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")

BUREAU_ONLY = {a.label for a in actions.ACTIONS.values() if "liaison" not in a.roles}


def labels(page, where: str = ".acts") -> list[str]:
    """The actions a page offers, by their buttons, in the page's order."""
    return page.locator(f"{where} form.act button[type=submit]").all_inner_texts()


def sections(page) -> list[str]:
    return page.locator(".acts section.group h3").all_inner_texts()


def focus_by_tab(page, test: str, most: int = 250) -> bool:
    """Tab through the page until ``test`` (a JS expression on ``e``, the focused element) holds."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const e = document.activeElement; return !!({test}); }})()"):
            return True
    return False


def test_every_action_of_the_catalogue_has_its_section():
    """An entry without a known section would be offered nowhere on the case file."""
    assert {a.name: a.group for a in actions.ACTIONS.values() if a.group not in W.GROUPS} == {}
    assert {a.name for a in actions.ACTIONS.values() if a.destructive} >= {"not_accept", "send_back", "recuse"}
    assert set(W.CONFIRM) == {a.name for a in actions.ACTIONS.values() if a.destructive}   # each asks its question


@in_chromium
def test_a_cadre_sees_his_units_actions_and_the_bureau_its_sections(live, browser, peer, db, clock, sms_out):
    no = submit(peer)                                                     # with 下汤镇 at once
    cadre = sign_in(browser, live, sms_out, LIAISON)                      # 李建国, 下汤镇's liaison
    cadre.goto(f"{live}/console/cases/{no}")
    assert sections(cadre) == ["办理", "转交", "记录"]
    handle = cadre.locator("#group-handle")
    assert labels(cadre, "#group-handle") == ["受理", "不予受理"]   # the destructive one last
    assert labels(cadre, "#group-transfer") == ["退回"] and labels(cadre, "#group-record") == ["备注"]
    assert not set(labels(cadre)) & BUREAU_ONLY                           # nothing of the bureau's
    assert handle.get_by_role("button", name="不予受理").get_attribute("class") == "danger"
    assert handle.get_by_role("button", name="受理", exact=True).get_attribute("class") is None
    # 受理's 复杂程度: a labelled list, starting at 请选择 (一般 when left)
    assert cadre.get_by_label("复杂程度", exact=False).locator("option").first.inner_text() == "请选择"

    staff = sign_in(browser, live, sms_out, STAFF)
    staff.goto(f"{live}/console/cases/{no}")
    assert sections(staff) == ["办理", "转交", "监督", "记录"]
    assert labels(staff, "#group-transfer") == ["列入七晚", "改派", "退回"]
    assert labels(staff, "#group-oversee") == ["催办", "包案", "被反映"]
    destructive = staff.locator(".acts form.act.destructive button[type=submit]").all_inner_texts()
    assert sorted(destructive) == sorted(["不予受理", "改派", "退回", "被反映"])
    # every list starts at an empty 请选择, and that is what is chosen
    lists = staff.locator(".acts select")
    assert lists.count() >= 4
    assert lists.evaluate_all("ls => ls.every(l => l.options[0].value === '' && l.options[0].text.startsWith('请选择')"
                              " && l.selectedIndex === 0)")
    assert staff.get_by_label("包案领导", exact=True).evaluate("l => l.required")


@in_chromium
def test_a_destructive_action_asks_first_and_everything_is_done_by_keyboard(live, browser, peer, db, clock, sms_out):
    no = submit(peer)
    peer.text_sms(LIAISON, f"受理 {no}")
    staff = sign_in(browser, live, sms_out, STAFF)
    staff.goto(f"{live}/console/cases/{no}")
    # every field has its label, and Tab reaches every field and every action's button
    assert staff.locator(".acts form.act").evaluate_all(
        "fs => fs.flatMap(f => [...f.querySelectorAll('input:not([type=hidden]), select, textarea')])"
        ".every(e => e.labels.length === 1 && e.labels[0].textContent.trim() !== '')")
    wanted = staff.locator(".acts form.act button[type=submit], .acts form.act textarea, .acts form.act select, "
                           ".acts form.act input:not([type=hidden])").count()
    reached = set()
    staff.locator("#case-title").click()
    for _ in range(250):
        staff.keyboard.press("Tab")
        key = staff.evaluate("(() => { const e = document.activeElement;"
                             " return e.closest('.acts form.act') ? e.closest('form').id + '/' + (e.id || e.textContent) : ''; })()")
        if key:
            reached.add(key)
    assert len(reached) == wanted, reached

    # 备注 by keyboard: Tab to its field, type, Tab to its button, Enter
    staff.locator("#case-title").click()
    assert focus_by_tab(staff, "e.id === 'note-text'")
    staff.keyboard.type("已电话联系信访人，约定明日上午现场查看")
    staff.keyboard.press("Tab")
    staff.keyboard.press("Enter")
    staff.wait_for_selector(".flash")
    assert "备注已记录" in staff.locator(".flash").inner_text()

    # 被反映 by keyboard: it asks first — the case's number and what will happen
    assert focus_by_tab(staff, "e.id === 'recuse-accused'")
    staff.keyboard.type("尧山镇人民政府")
    staff.keyboard.press("Tab")
    staff.keyboard.press("Enter")
    dialog = staff.locator("dialog#confirm-recuse")
    assert dialog.is_visible() and no in dialog.inner_text() and "不能查看和办理" in dialog.inner_text()
    assert staff.evaluate("document.activeElement.textContent") == "取消"       # the safe answer first
    staff.keyboard.press("Enter")                                        # 取消: nothing sent
    assert not dialog.is_visible()
    assert staff.evaluate("document.activeElement.textContent") == "被反映"     # back on the button
    db.rollback()

    def done() -> list[str]:
        return db.scalars(select(AuditEvent.action).where(AuditEvent.petition_id == case(db, no).id)).all()
    assert "recuse" not in done()
    assert "尧山镇人民政府" not in staff.locator("#history").inner_text()
    staff.keyboard.press("Enter")                                        # asked again; Esc: nothing sent either
    assert dialog.is_visible()
    staff.keyboard.press("Escape")
    assert not dialog.is_visible() and "recuse" not in done()
    staff.keyboard.press("Enter")                                        # and now 确认被反映
    staff.keyboard.press("Tab")
    assert staff.evaluate("document.activeElement.textContent") == "确认被反映"
    with staff.expect_navigation():
        staff.keyboard.press("Enter")
    assert f"已登记{no}被反映对象尧山镇人民政府" in staff.locator(".flash").inner_text()
    assert "recuse" in done()


@in_chromium
def test_a_choice_left_at_please_choose_is_refused_beside_the_field(live, browser, peer, db, clock, sms_out):
    no = submit(peer)
    staff = sign_in(browser, live, sms_out, STAFF)
    staff.goto(f"{live}/console/cases/{no}")
    lead = staff.get_by_label("包案领导", exact=True)
    assert lead.input_value() == ""
    staff.get_by_role("button", name="包案", exact=True).click()          # a stray click: the browser holds it
    assert lead.evaluate("l => l.validity.valueMissing") and staff.url.endswith(f"/cases/{no}")
    # past the browser's check (as one without it would send it): the server refuses, beside the field
    staff.locator("form#act-lead").evaluate("f => f.noValidate = true")
    staff.get_by_role("button", name="包案", exact=True).click()
    lead = staff.get_by_label("包案领导", exact=True)
    assert lead.get_attribute("aria-invalid") == "true"
    error = staff.locator("#" + lead.get_attribute("aria-describedby"))
    assert error.inner_text() == "请选择包案领导。"
    assert staff.locator("form#act-lead").locator(".error").count() == 1     # in the form, at the field
    assert case(db, no).lead_person_id is None

    # a refused form keeps what was typed: 45 days is beyond the 条例's 30, said at the days
    peer.text_sms(LIAISON, f"受理 {no}")
    cadre = sign_in(browser, live, sms_out, LIAISON)
    cadre.goto(f"{live}/console/cases/{no}")
    cadre.locator("form#act-extend").evaluate("f => f.noValidate = true")
    cadre.get_by_label("延期天数").fill("45")
    cadre.get_by_label("延期理由").fill("要等自来水公司换泵")
    cadre.get_by_role("button", name="申请延期").click()
    days = cadre.get_by_label("延期天数")
    assert days.get_attribute("aria-invalid") == "true" and days.input_value() == "45"
    assert "1至30" in cadre.locator("#" + days.get_attribute("aria-describedby")).inner_text()
    assert cadre.get_by_label("延期理由").input_value() == "要等自来水公司换泵"
    assert cadre.evaluate("document.activeElement.id") == "extend-days"   # the focus where the fix is
    assert case(db, no).pending_extension is None


@in_chromium
def test_the_case_file_uses_a_laptops_width_and_never_scrolls_sideways_on_a_phone(live, browser, peer, db, clock,
                                                                                  sms_out):
    no = submit(peer, text="我是下汤镇林楼村的张三，小区水泵坏了三天没水，" + "物业说要等厂家配件，" * 12)
    peer.text_sms(LIAISON, f"受理 {no}")
    staff = sign_in(browser, live, sms_out, STAFF)
    staff.goto(f"{live}/console/cases/{no}")
    acts = staff.locator(".acts").bounding_box()
    boxes = [g.bounding_box() for g in staff.locator(".acts section.group").all()]
    assert len({round(b["y"]) for b in boxes}) == 1 and len(boxes) >= 3       # the sections side by side
    assert max(b["x"] + b["width"] for b in boxes) > acts["x"] + acts["width"] - 40   # no empty third
    facts, deadlines = (staff.locator(s).bounding_box() for s in (".top > section:nth-child(1)",
                                                                 ".top > section:nth-child(2)"))
    assert abs(facts["y"] - deadlines["y"]) < 2                           # facts and deadlines side by side
    assert staff.locator(".acts textarea, .acts select, .acts input:not([type=hidden])").evaluate_all(
        "es => es.every(e => { const f = e.closest('section.group').getBoundingClientRect(),"
        " r = e.getBoundingClientRect(); return r.left >= f.left && r.right <= f.right; })")
    assert staff.evaluate("document.documentElement.scrollWidth") <= 1280
    shot(staff, "case-forms")

    # on a phone (390 px): the bureau's file, the most forms, and the cadre's
    staff.set_viewport_size({"width": 390, "height": 844})
    staff.reload()
    assert staff.evaluate("document.documentElement.scrollWidth") <= 390
    boxes = [g.bounding_box() for g in staff.locator(".acts section.group").all()]
    assert len({round(b["x"]) for b in boxes}) == 1                       # the sections one under another
    shot(staff, "case-forms-mobile")
    cadre = sign_in(browser, live, sms_out, LIAISON, mobile=True)
    cadre.goto(f"{live}/console/cases/{no}")
    assert cadre.locator(".acts form.act").count() >= 3
    assert cadre.evaluate("document.documentElement.scrollWidth") <= 390
