"""The documents a bureau prints (issue 32, 4): 受理告知书 / 不予受理告知书 (信访工作条例 第二十三条),
the 交办单 a unit receives, the 答复意见书 with the right to 复查, the 复查意见书 and 复核意见书 — each
a Word file built from the case, downloaded from the case file (or written by `xinfang document`),
read back here with python-docx, and recorded in the case's history. A document the case's state
does not allow yet is refused in words; a person the case accuses never gets one."""
from __future__ import annotations

import io
import os
import re

import pytest
from click.testing import CliRunner
from docx import Document as read_docx
from sqlalchemy import select

from core.store.models import AuditEvent, Person, PetitionEvent
from core.words.documents import day, day_time
from tests.test_cases import LIAISON, OTHER_UNIT, STAFF, ZS, case, submit
from tests.test_console import CHROMIUM, ACCUSED, browser, live, sign_in as open_browser, SHOTS  # noqa: F401
from tests.test_console_security import sign_in

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def text_of(data: bytes) -> str:
    """Everything the Word file says: its paragraphs, then its tables' rows."""
    d = read_docx(io.BytesIO(data))
    lines = [p.text for p in d.paragraphs]
    lines += [" | ".join(c.text for c in row.cells) for t in d.tables for row in t.rows]
    return "\n".join(lines)


def console(app, sms_out, phone: str):
    client = app.test_client()
    sign_in(client, sms_out, phone)
    return client


def download(client, no: str, kind: str) -> str:
    """The document's text, after checking it came as a Word file to save."""
    got = client.get(f"/console/cases/{no}/documents/{kind}")
    assert got.status_code == 200, got.status_code
    assert got.mimetype == DOCX and "attachment" in got.headers["Content-Disposition"]
    assert got.headers["Cache-Control"] == "no-store"
    return text_of(got.data)


def refused(client, no: str, kind: str) -> str:
    """The case file's message after asking for a document its state does not allow."""
    got = client.get(f"/console/cases/{no}/documents/{kind}")
    assert got.status_code == 302 and got.location.endswith(f"/console/cases/{no}")
    return client.get(got.location).get_data(as_text=True)


def documents_listed(client, no: str) -> str:
    page = client.get(f"/console/cases/{no}").get_data(as_text=True)
    return re.search(r'<section class="box" id="documents".*?</section>', page, re.S).group(0)


def issued(db, no: str) -> list[PetitionEvent]:
    p = case(db, no)
    return list(db.scalars(select(PetitionEvent).where(PetitionEvent.petition_id == p.id,
                                                       PetitionEvent.kind == "document").order_by(PetitionEvent.id)))


def test_the_unit_prints_its_交办单_then_the_受理告知书_once_it_has_accepted(app, peer, db, sms_out):
    no = submit(peer)                                                # 张三's pump, assigned to 下汤镇 at once
    li = console(app, sms_out, LIAISON)
    listed = documents_listed(li, no)
    assert "交办单" in listed and "受理告知书" not in listed and "答复意见书" not in listed
    # the 受理告知书 before 受理: said why, nothing recorded
    assert f"{no}尚未受理，暂不能出具受理告知书。" in refused(li, no, "acceptance")
    assert issued(db, no) == []

    sheet = download(li, no, "assignment")                           # what the unit received
    p = case(db, no)
    serial = no[len("LS-2026"):]                                       # LS-20261123-0001 → 1123-0001
    assert "鲁山县信访局\n交办单\n" in sheet and f"鲁山信交〔2026〕{serial}号" in sheet
    assert "鲁山县下汤镇人民政府：现将受理编号" in sheet and "15日内书面告知信访人" in sheet
    assert "小区水泵坏了三天没水" in sheet and "信访人 | 张三" in sheet
    assert "138****5678" in sheet and "13812345678" not in sheet    # the number stays in the case file
    for label, due in (("受理", p.due_accept), ("答复", p.due_reply), ("办结", p.due_finish)):
        assert f"{label} | {day_time(due)}" in sheet
    assert "《信访工作条例》第二十二条、第二十三条、第三十四条" in sheet

    assert "已受理" in peer.text_sms(LIAISON, f"受理 {no}")
    assert "受理告知书" in documents_listed(li, no)
    notice = download(li, no, "acceptance")
    p = case(db, no)
    assert notice.startswith("鲁山县下汤镇人民政府\n受理告知书\n")
    assert f"鲁山信受告〔2026〕{serial}号" in notice and "\n张三：\n" in notice
    assert f"已于{day(p.accepted_at)}依法受理" in notice and f"将于{day(p.due_reply)}前答复您" in notice
    assert "自受理之日起60日内办结" in notice and "延长期限不超过30日" in notice
    assert "收悉。经审查，该事项属于鲁山县下汤镇人民政府职权范围" in notice and "\n反映事项：小区水泵坏了三天没水\n" in notice
    assert "依据：《信访工作条例》第二十三条、第三十四条" in notice and "0375-5051234" in notice
    assert notice.endswith(f"鲁山县下汤镇人民政府\n（盖章）\n{day(p.accepted_at)}")
    assert download(li, no, "acceptance") == notice                  # printed again: the same number

    # the history: who issued which, with its number (the audit trail the same)
    texts = [f"交办单（鲁山信交〔2026〕{serial}号）"] + [f"受理告知书（鲁山信受告〔2026〕{serial}号）"] * 2
    li_id = db.scalar(select(Person.id).where(Person.phone == LIAISON))
    assert [(e.actor, e.text) for e in issued(db, no)] == [(f"liaison:{li_id}", t) for t in texts]
    assert [(a.person_id, a.detail) for a in db.scalars(select(AuditEvent).where(
        AuditEvent.action == "document").order_by(AuditEvent.id))] == [(li_id, t) for t in texts]
    page = li.get(f"/console/cases/{no}").get_data(as_text=True)
    assert f"出具文书（李建国） <span class=\"muted\">受理告知书（鲁山信受告〔2026〕{serial}号）" in page


def test_the_answer_and_each_review_have_their_written_opinion(app, peer, db, sms_out):
    no = submit(peer)
    peer.text_sms(LIAISON, f"受理 {no}")
    li, staff = console(app, sms_out, LIAISON), console(app, sms_out, STAFF)
    assert f"{no}尚未答复，暂不能出具答复意见书。" in refused(li, no, "reply")
    peer.text_sms(LIAISON, f"答复 {no} 经现场核实，水泵已于11月24日更换，供水已恢复。")
    opinion = download(li, no, "reply")
    p = case(db, no)
    assert opinion.startswith("鲁山县下汤镇人民政府\n答复意见书\n")
    assert "经现场核实，水泵已于11月24日更换，供水已恢复。" in opinion
    assert "自收到本意见书之日起30日内，向鲁山县人民政府请求复查（《信访工作条例》第三十五条）" in opinion
    assert f"以上答复于{day(p.replied_at)}作出" in opinion and "第三十一条第六项、第三十二条" in opinion
    assert f"{no}尚无复查意见，暂不能出具复查意见书。" in refused(staff, no, "review")

    assert "复查" in peer.say(ZS, f"申请复查 {no}")
    peer.text_sms(STAFF, f"复查答复 {no} 经复查，原答复意见事实清楚，予以维持。")
    review = download(staff, no, "review")
    assert review.startswith("鲁山县信访局\n复查意见书\n") and "意见如下：\n经复查，原答复意见事实清楚，予以维持。" in review
    assert "30日内，向复查机关的上一级机关请求复核（《信访工作条例》第三十六条）" in review
    assert f"{no}尚无复核意见，暂不能出具复核意见书。" in refused(staff, no, "re_review")

    assert "复核" in peer.say(ZS, f"申请复核 {no}")
    peer.text_sms(STAFF, f"复核答复 {no} 经复核，维持复查意见。")
    final = download(staff, no, "re_review")
    assert "复核意见书" in final and "经复核，维持复查意见。" in final and "不再受理" in final
    assert review == download(staff, no, "review")                  # the 复查's own, still as it was
    assert "复查意见书" in documents_listed(staff, no) and "复核意见书" in documents_listed(staff, no)


def test_an_answer_stays_signed_by_the_unit_that_gave_it(app, peer, db, sms_out):
    no = submit(peer)
    peer.text_sms(LIAISON, f"受理 {no}")
    peer.text_sms(LIAISON, f"答复 {no} 水泵已更换。")
    peer.text_sms(STAFF, f"被反映 {no} 下汤镇人民政府")          # found to be accused: taken back from it
    assert case(db, no).unit_id is None
    staff = console(app, sms_out, STAFF)
    assert download(staff, no, "reply").startswith("鲁山县下汤镇人民政府\n答复意见书\n")
    assert "受理告知书" not in documents_listed(staff, no)          # its 受理 undone with the 收回


def test_a_matter_not_accepted_gets_its_notice_saying_why_and_where_to_go(app, peer, db, sms_out):
    no = submit(peer, text="我是下汤镇林楼村的张三，邻居欠我三万块钱借款不还，我要告他")
    peer.text_sms(LIAISON, f"不予受理 {no} 属民间借贷纠纷，请依法向人民法院起诉")
    li = console(app, sms_out, LIAISON)
    listed = documents_listed(li, no)
    assert "不予受理告知书" in listed and "受理告知书</a>" not in listed.replace("不予受理告知书</a>", "")
    notice = download(li, no, "non_acceptance")
    assert notice.startswith("鲁山县下汤镇人民政府\n不予受理告知书\n") and "\n张三：\n" in notice
    assert "\n经审查，鲁山县下汤镇人民政府决定不予受理，理由如下：属民间借贷纠纷，请依法向人民法院起诉。\n" in notice
    assert "0375-5051234" in notice and "鲁山县人民路18号" in notice
    assert "依据：《信访工作条例》第二十三条、第三十一条" in notice
    assert "尚未受理，暂不能出具受理告知书" in refused(li, no, "acceptance")


def test_a_person_the_case_accuses_gets_none_of_its_documents(app, peer, db, sms_out):
    z = "o_documents_accuser"
    peer.say(z, "我是尧山镇上坪村的刘桂花，举报尧山镇党委书记雷新华挪用我们村的扶贫款，电话13812349999")
    for answer in ("跳过", "确认"):
        reply = peer.say(z, answer)
    no = re.search(r"LS-\d{8}-\d{4}", reply).group(0)
    assert "已将" in peer.text_sms(STAFF, f"交办 {no} 下汤镇人民政府")
    for phone in (ACCUSED, OTHER_UNIT):                               # the accused head, his unit's liaison
        client = console(app, sms_out, phone)
        assert client.get(f"/console/cases/{no}/documents/assignment").status_code == 404
        assert client.get(f"/console/cases/{no}/documents/nonsense").status_code == 404
    assert issued(db, no) == []
    assert "鲁山县下汤镇人民政府" in download(console(app, sms_out, LIAISON), no, "assignment")


def test_the_command_writes_a_document_and_refuses_in_chinese(peer, db, db_url, monkeypatch, tmp_path):
    from bot.cli import main

    monkeypatch.setenv("DATABASE_URL", db_url)
    no = submit(peer)
    out = tmp_path / "notice.docx"
    got = CliRunner().invoke(main, ["document", no, "受理告知书", "-o", str(out)])
    assert got.exit_code == 1 and f"{no}尚未受理，暂不能出具受理告知书。" in got.output and not out.exists()
    got = CliRunner().invoke(main, ["document", no, "通知书", "-o", str(out)])
    assert got.exit_code == 1 and "没有“通知书”这种文书" in got.output
    got = CliRunner().invoke(main, ["document", "LS-20261123-0999", "交办单", "-o", str(out)])
    assert got.exit_code == 1 and "没有找到" in got.output

    peer.text_sms(LIAISON, f"受理 {no}")
    got = CliRunner().invoke(main, ["document", no, "受理告知书", "-o", str(out)])
    assert got.exit_code == 0, got.output
    assert "受理告知书" in text_of(out.read_bytes()) and str(out) in got.output
    [e] = issued(db, no)
    assert e.actor == "system" and e.text.startswith("受理告知书（鲁山信受告〔2026〕")


@pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"),
                    reason="Debian's chromium is not installed (apt install chromium; CI installs it)")
def test_a_clerk_opens_a_case_and_prints_its_受理告知书(live, browser, peer, db, sms_out):
    no = submit(peer)
    peer.text_sms(LIAISON, f"受理 {no}")
    clerk = open_browser(browser, live, sms_out, LIAISON)
    clerk.get_by_role("link", name=no).first.click()
    section = clerk.locator("#documents")
    assert "可修改后加盖公章打印" in section.inner_text()
    for name, width in (("documents", 1280), ("documents-mobile", 390)):   # the section, on a desk and a phone
        clerk.set_viewport_size({"width": width, "height": 900})
        box = section.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width        # fits the screen: no sideways scroll
        if SHOTS:
            section.screenshot(path=os.path.join(SHOTS, f"console-{name}.png"))
    with clerk.expect_download() as got:
        section.get_by_role("link", name="受理告知书", exact=True).click()
    assert got.value.suggested_filename == f"{no}-受理告知书.docx"
    with open(got.value.path(), "rb") as f:
        assert f"鲁山信受告〔2026〕{no[len('LS-2026'):]}号" in text_of(f.read())
    clerk.reload()                                                   # the clerk looks at the case again
    assert f"出具文书（李建国） 受理告知书（鲁山信受告〔2026〕{no[len('LS-2026'):]}号）" in clerk.locator("#events").inner_text()
