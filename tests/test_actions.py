"""改派 (issue 30, 1): the bureau moves a case its unit has not yet accepted to another unit,
without the unit's 退回 — one entry of the case actions' catalogue (core/actions.py), offered by
text and in the console's case file. Through the signed webhooks (peer) and the console as a
browser without JavaScript (the Flask test client)."""
from __future__ import annotations

from sqlalchemy import select

from core import actions
from core.store.models import AuditEvent, PetitionEvent
from tests.test_cases import LIAISON, OTHER_UNIT, STAFF, case, events, outbox, submit
from tests.test_console_security import flash_of, sign_in, token_of

HEAD = "+8613700000012"          # 王海燕, head of 下汤镇
YAOSHAN_HEAD = "+8613710000802"  # 雷新华, head of 尧山镇
ZHOU_MIN = "周敏"


def texts_to(sms_out, phone: str, since: int = 0) -> list[str]:
    return [body for to, body in sms_out.sent[since:] if to == phone]


def test_the_bureau_moves_a_case_by_text_and_both_units_hear_of_it(peer, db, sms_out):
    """张三's pump went to 下汤镇 at once; 周敏 of the bureau knows it is 尧山镇's and moves it
    before anyone accepted it. 下汤镇 is told, without blame, that it need not go on; 尧山镇 gets
    the 【交办】 as on a first assignment and takes it up; the history says who moved it."""
    no = submit(peer)
    assert case(db, no).unit.code == "xiatang"
    before = len(sms_out.sent)

    reply = peer.text_sms(STAFF, f"改派 {no} 尧山镇人民政府").replace(" ", "")
    assert reply.startswith(f"已将{no}由下汤镇人民政府改派尧山镇人民政府，受理期限")
    p = case(db, no)
    assert (p.unit.code, p.status, p.accepted_at) == ("yaoshan", "assigned", None)

    for old in (LIAISON, HEAD):   # whoever of 下汤镇 had it, and its head: moved, not blamed
        [moved] = texts_to(sms_out, old, before)
        assert moved.replace(" ", "") == f"信访局已将事项{no}改派尧山镇人民政府办理，贵单位无需继续办理。感谢配合！"
    [given] = texts_to(sms_out, OTHER_UNIT, before)
    assert no in given and f"受理 {no}" in given            # the 【交办】 of a first assignment

    moved_by = db.scalars(select(PetitionEvent).where(PetitionEvent.petition_id == p.id,
                                                      PetitionEvent.kind == "reassigned")).one()
    assert moved_by.text == "由下汤镇人民政府改派尧山镇人民政府" and moved_by.actor.startswith("staff:")

    # 下汤镇 no longer has it; 尧山镇 accepts it
    assert "没有找到您单位的事项" in peer.text_sms(LIAISON, f"受理 {no}")
    assert "已受理" in peer.text_sms(OTHER_UNIT, f"受理 {no}")
    assert events(db, no)[-2:] == ["reassigned", "accepted"]


def test_a_unit_may_not_move_a_case_itself(peer, db, sms_out):
    """A unit that thinks a case is not theirs says so with 退回 (with its reason, within its five
    days); 改派 is the bureau's."""
    no = submit(peer)
    before = len(sms_out.sent)
    assert peer.text_sms(LIAISON, f"改派 {no} 尧山镇人民政府") == "该指令仅限信访局工作人员使用。"
    assert case(db, no).unit.code == "xiatang"
    assert sms_out.sent[before:] == [] and outbox(db, "reassigned_away") == []


def test_an_accepted_case_is_not_moved_and_the_bureau_is_told_why(peer, db, sms_out):
    no = submit(peer)
    # nor to the unit it is with
    assert peer.text_sms(STAFF, f"改派 {no} 下汤镇人民政府").replace(" ", "") == f"{no}已在下汤镇人民政府办理，请选择另一个单位改派。"
    peer.text_sms(LIAISON, f"受理 {no}")
    before = len(sms_out.sent)
    reply = peer.text_sms(STAFF, f"改派 {no} 尧山镇人民政府").replace(" ", "")
    assert reply == (f"{no}已由下汤镇人民政府受理，不能改派。如确需调整，请由该单位退回后重新交办，"
                     "或与该单位协商。")
    p = case(db, no)
    assert (p.unit.code, p.status) == ("xiatang", "accepted")
    assert sms_out.sent[before:] == [] and "reassigned" not in events(db, no)


def test_a_person_the_case_accuses_is_never_told_either_way(peer, db, sms_out):
    """The petition accuses both liaisons — 下汤镇's 李建国, whose unit has it, and 尧山镇's 赵志强,
    where it goes (accusing a unit's head would bar the whole unit): the move is told to 下汤镇's
    head, the 【交办】 to 尧山镇's head, never to either of them."""
    no = submit(peer)
    assert "已登记" in peer.text_sms(STAFF, f"被反映 {no} 李建国")
    assert "已登记" in peer.text_sms(STAFF, f"被反映 {no} 赵志强")
    assert case(db, no).status == "assigned"                 # still 下汤镇's
    before, last_row = len(sms_out.sent), outbox(db)[-1].id
    assert "改派尧山镇人民政府" in peer.text_sms(STAFF, f"改派 {no} 尧山镇人民政府")
    assert texts_to(sms_out, LIAISON, before) == [] and texts_to(sms_out, OTHER_UNIT, before) == []
    [moved] = texts_to(sms_out, HEAD, before)
    [given] = texts_to(sms_out, YAOSHAN_HEAD, before)
    assert "改派尧山镇人民政府" in moved and f"受理 {no}" in given
    written = [m.to for m in outbox(db) if m.id > last_row]   # nor written for them, on any channel
    assert written and not {LIAISON, OTHER_UNIT, "o_demo_cadre_xiatang"} & set(written)


def test_the_console_offers_the_move_to_the_bureau_only_while_no_unit_accepted(app, peer, db, sms_out):
    no = submit(peer)
    staff = app.test_client()
    sign_in(staff, sms_out, STAFF)
    page = staff.get(f"/console/cases/{no}").get_data(as_text=True)
    assert 'aria-label="改派"' in page and "改派单位" in page
    assert 'aria-label="交办 / 改派"' not in page          # 交办 is for a case with the bureau

    cadre = app.test_client()
    sign_in(cadre, sms_out, LIAISON)
    mine = cadre.get(f"/console/cases/{no}").get_data(as_text=True)
    assert 'aria-label="改派"' not in mine and 'aria-label="受理"' in mine
    refused = cadre.post(f"/console/cases/{no}/act", data={"action": "reassign", "unit": "尧山镇人民政府",
                                                          "csrf_token": token_of(mine)}, follow_redirects=True)
    assert flash_of(refused.get_data(as_text=True)) == "您无权对此事项进行该操作。"
    assert case(db, no).unit.code == "xiatang"

    moved = staff.post(f"/console/cases/{no}/act", data={"action": "reassign", "unit": "尧山镇人民政府",
                                                        "csrf_token": token_of(page)}, follow_redirects=True)
    shown = moved.get_data(as_text=True)
    assert flash_of(shown).startswith(f"已将{no}由下汤镇人民政府改派尧山镇人民政府")
    assert f"改派（{ZHOU_MIN}）" in shown                    # the history says who moved it
    assert case(db, no).unit.code == "yaoshan"
    assert any(no in b and f"受理 {no}" in b for b in texts_to(sms_out, OTHER_UNIT))
    db.rollback()
    assert "reassign" in db.scalars(select(AuditEvent.action).where(AuditEvent.petition_id == case(db, no).id)).all()

    peer.text_sms(OTHER_UNIT, f"受理 {no}")                  # accepted: the form is gone
    assert 'aria-label="改派"' not in staff.get(f"/console/cases/{no}").get_data(as_text=True)


def test_the_catalogue_offers_what_the_person_may_do_on_the_case_now(peer, db):
    """The console's forms are the catalogue's: each action once, the bureau's and a unit's apart."""
    no = submit(peer)
    p = case(db, no)
    staff = db.scalars(select(actions.Person).where(actions.Person.phone == STAFF)).one()
    cadre = db.scalars(select(actions.Person).where(actions.Person.phone == LIAISON)).one()
    assert [a.name for a in actions.offered(db, staff, p)] == [
        "reassign", "urge", "lead", "select", "accept", "not_accept", "send_back", "recuse", "note"]
    assert [a.name for a in actions.offered(db, cadre, p)] == ["accept", "not_accept", "send_back", "note"]
