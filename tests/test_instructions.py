"""批示 (issue 5): a leader's instruction on a case goes to the unit and is recorded; the unit
reports progress every 10 days, each report forwarded to the leader; a report not in by its day
is asked for each working morning; a finished case needs none."""
from datetime import datetime, timedelta

from sqlalchemy import select

from core.clock import SHANGHAI
from core.store.models import Instruction
from notifications.schedule import JOBS, tick
from tests.test_case_paths import HEAD, LEADER
from tests.test_cases import LIAISON, OTHER_UNIT, STAFF, case, events, outbox, submit

REMINDERS = tuple(j for j in JOBS if j.name == "instruction_reminders")


def at(day, hh=9, mm=0):
    return datetime(2026, 11, day, hh, mm, tzinfo=SHANGHAI) if day <= 30 else \
        datetime(2026, 12, day - 30, hh, mm, tzinfo=SHANGHAI)


def test_an_instruction_goes_to_the_unit_and_progress_comes_back(peer, db, clock, services, sms_out):
    no = submit(peer)                                              # Monday 23 Nov, 下汤镇
    clock.advance(hours=7)
    reply = peer.text_sms(LEADER, f"批示 {no} 请下汤镇主要负责同志亲自过问，尽快恢复供水")
    assert "批示已转下汤镇人民政府并记录" in reply
    [to_unit] = [b for to, b in sms_out.sent if to == LIAISON and "【县领导批示】" in b]
    assert "县委书记陈国栋批示" in to_unit and f"进展 {no}" in to_unit
    assert any("【县领导批示】" in b for to, b in sms_out.sent if to == STAFF)
    assert "instruction" in events(db, no)
    # progress from the unit reaches the leader
    clock.advance(days=2)
    assert "进展已报县领导。请于12月5日前再报进展" in peer.text_sms(LIAISON, f"进展 {no} 已更换水泵，今日恢复供水")
    [forwarded] = [b for to, b in sms_out.sent if to == LEADER and "【批示进展】" in b]
    assert no in forwarded and "已更换水泵" in forwarded
    db.rollback()
    row = db.scalars(select(Instruction)).one()
    assert row.reports == 1 and row.next_report_due.date().isoformat() == "2026-12-05"


def test_a_late_report_is_asked_for_each_working_morning_until_it_comes(peer, db, clock, services):
    no = submit(peer)
    peer.text_sms(LEADER, f"批示 {no} 尽快解决")                      # due 3 Dec 10:00
    assert tick(services, at(33, 9), REMINDERS) == [("instruction_reminders", "2026-12-03", "批示进展：提醒0条")]
    [(_, _, result)] = tick(services, at(34, 9), REMINDERS)
    assert result == "批示进展：提醒1条"
    [asked] = outbox(db, "progress_due")
    assert asked.to == LIAISON and "已逾期" in asked.body and f"进展 {no}" in asked.body
    assert tick(services, at(34, 10), REMINDERS) == []              # once a day
    assert tick(services, at(35, 9), REMINDERS) == []               # Saturday
    [(_, _, result)] = tick(services, at(37, 9), REMINDERS)         # Monday: still not in
    assert result == "批示进展：提醒1条" and "已逾期4天" in outbox(db, "progress_due")[-1].body
    clock.set(at(37, 11))
    peer.text_sms(LIAISON, f"进展 {no} 正在施工")
    assert tick(services, at(38, 9), REMINDERS)[0][2] == "批示进展：提醒0条"


def test_a_finished_case_needs_no_more_reports(peer, db, clock, services):
    no = submit(peer)
    peer.text_sms(LEADER, f"批示 {no} 尽快解决")
    clock.advance(hours=1)
    for step in (f"受理 {no}", f"见面 {no}", f"答复 {no} 已修好", f"办结 {no}"):
        peer.text_sms(LIAISON, step)
    assert case(db, no).status == "closed"
    assert tick(services, at(34, 9), REMINDERS)[0][2] == "批示进展：提醒0条"
    db.rollback()
    assert db.scalars(select(Instruction)).one().closed_at is not None
    assert "已办结" in peer.text_sms(LEADER, f"批示 {no} 再看看")


def test_who_may_instruct_and_report(peer, db, clock):
    no = submit(peer)
    assert "由县领导发出" in peer.text_sms(LIAISON, f"批示 {no} 尽快")
    assert "没有需要报告进展的批示" in peer.text_sms(LIAISON, f"进展 {no} 在办")
    assert "没有找到事项LS-20991231-0001" in peer.text_sms(LEADER, "批示 LS-20991231-0001 尽快")
    assert "格式" in peer.text_sms(LEADER, "批示 尽快")
    assert "请写上批示内容" in peer.text_sms(LEADER, f"批示 {no}")
    peer.text_sms(LEADER, f"批示 {no} 尽快")
    assert "没有找到您单位的事项" in peer.text_sms(OTHER_UNIT, f"进展 {no} 在办")      # another unit
    assert "批示" in peer.text_sms(LEADER, "帮助") and "进展" in peer.text_sms(HEAD, "帮助")
    db.rollback()
    assert len(db.scalars(select(Instruction)).all()) == 1
    assert timedelta(days=10) == db.scalars(select(Instruction)).one().next_report_due - \
        db.scalars(select(Instruction)).one().at
