"""Cases move by message (issue 3): assignment, same-day acceptance and meeting, reply, rating,
退回, 延期 — through the real webhooks (signed WeChat, signed Twilio) with a settable clock."""
from datetime import date, datetime

import re

import pytest

from sqlalchemy import func, select

from core.clock import SHANGHAI
from core.store.models import OutboundMessage, Person, Petition, PetitionEvent
from core.directory.lookup import new_bind_code
from tests.conftest import run_together

ZS = "o_zhangsan_case"
LIAISON = "+8613700000011"     # 李建国, 下汤镇 liaison (examples/lushan.toml)
OTHER_UNIT = "+8613700000021"  # 赵志强, 尧山镇 liaison
STAFF = "+8613700000001"       # 周敏, 信访局


def submit(peer, who=ZS, text="我是下汤镇林楼村的张三，小区水泵坏了三天没水") -> str:
    peer.say(who, text)
    peer.say(who, "13812345678")
    reply = peer.say(who, "确认")
    return re.search(r"[A-Z]+-\d{8}-\d{4}", reply).group(0)


def case(db, no) -> Petition:
    db.rollback()
    return db.scalars(select(Petition).where(Petition.tracking_no == no)).one()


def outbox(db, purpose=None, to=None) -> list[OutboundMessage]:
    db.rollback()
    q = select(OutboundMessage).order_by(OutboundMessage.id)
    if purpose:
        q = q.where(OutboundMessage.purpose == purpose)
    if to:
        q = q.where(OutboundMessage.to == to)
    return list(db.scalars(q))


def events(db, no) -> list[str]:
    return [e.kind for e in case(db, no).events]


def local(dt) -> datetime:
    return dt.astimezone(SHANGHAI)


def test_the_same_day_loop(peer, db, clock, sms_out):
    no = submit(peer)
    p = case(db, no)
    assert p.status == "assigned" and p.unit.name == "下汤镇人民政府"
    assert local(p.due_accept).date() == local(p.due_meet).date() == date(2026, 11, 23)
    assert local(p.due_finish).date() == date(2026, 11, 30)
    # the liaison is told at once; the petitioner's number is not in a text (carriers hold texts
    # carrying numbers, issue 21) but a 查询 away, to the unit only
    [notice] = [body for to, body in sms_out.sent if to == LIAISON]
    assert no in notice and "13812345678" not in notice and f"受理 {no}" in notice and "查询" in notice
    card = peer.text_sms(LIAISON, f"查询 {no}")
    assert "张三 +8613812345678" in card and "水泵坏了" in card and "已交办责任单位" in card
    assert "13812345678" not in peer.text_sms(OTHER_UNIT, f"查询 {no}")     # another unit's cadre: nothing

    clock.advance(minutes=30)
    assert "已受理" in peer.text_sms(LIAISON, f"受理 {no}")
    [told] = outbox(db, "case_accepted")
    assert told.channel == "wechat" and told.to == ZS and "下汤镇人民政府受理" in told.body

    clock.advance(hours=2)
    assert "已登记" in peer.text_sms(LIAISON, f"见面 {no} 到村里看了水泵")
    assert "是否已与您见面" in outbox(db, "meet_check")[0].body
    assert "谢谢" in peer.say(ZS, "1")
    assert case(db, no).meet_confirmed is True

    clock.advance(hours=1)
    assert "转给信访人" in peer.text_sms(LIAISON, f"答复 {no} 已更换水泵，今天恢复供水")
    assert "已更换水泵" in outbox(db, "case_replied")[0].body
    assert "3不满意" in outbox(db, "rating")[0].body
    assert "申请复查" in peer.say(ZS, "3")
    assert "已记录" in peer.say(ZS, "水还是很浑")
    p = case(db, no)
    assert p.rating == "unsatisfied" and p.status == "replied"    # rating never reopens a case
    assert any("水还是很浑" in body for to, body in sms_out.sent if to == STAFF)

    assert "已办结" in peer.text_sms(LIAISON, f"办结 {no}")
    p = case(db, no)
    assert p.status == "closed" and p.due_next is None
    assert events(db, no) == ["registered", "assigned", "accepted", "met", "meet_confirmed", "replied", "rated",
                              "rating_reason", "closed"]
    assert "已办结" in peer.say(ZS, f"查询 {no}")


def test_a_denied_meeting_is_flagged_to_the_bureau(peer, db, sms_out):
    no = submit(peer)
    peer.text_sms(LIAISON, f"受理 {no}")
    peer.text_sms(LIAISON, f"见面 {no}")
    assert "督办" in peer.say(ZS, "2")
    assert case(db, no).meet_confirmed is False
    assert any("未见面" in body for to, body in sms_out.sent if to == STAFF)


def test_wrong_person_unknown_case_and_wrong_order_change_nothing(peer, db):
    no = submit(peer)
    before = events(db, no)
    assert "没有找到您单位的事项" in peer.text_sms(OTHER_UNIT, f"受理 {no}")
    assert "没有找到" in peer.text_sms(LIAISON, "受理 LS-20261123-0999")
    assert "不能答复" in peer.text_sms(LIAISON, f"答复 {no} 已解决")
    assert "不能见面" in peer.text_sms(LIAISON, f"见面 {no}")
    assert "请写上事项编号" in peer.text_sms(LIAISON, "受理")
    assert "仅限信访局" in peer.text_sms(LIAISON, f"交办 {no} 尧山镇")
    assert "简单、一般 或 复杂" in peer.text_sms(LIAISON, f"受理 {no} 很难")
    assert events(db, no) == before and case(db, no).status == "assigned"
    # a citizen typing a command gets the citizen's conversation, not a cadre's
    assert "受理" not in peer.text_sms("+8613912345678", f"受理 {no}")[:4]
    assert events(db, no) == before


def test_friday_evening_petition_counts_from_monday(peer, db, clock):
    clock.set(datetime(2026, 11, 27, 18, 10, tzinfo=SHANGHAI))
    peer.say(ZS, "我是下汤镇林楼村的张三，小区水泵坏了三天没水")
    peer.say(ZS, "13812345678")
    reply = peer.say(ZS, "确认")
    assert "11月30日（周一）" in reply
    p = db.scalars(select(Petition)).one()
    assert local(p.due_accept).date() == date(2026, 11, 30) and not p.deadline_provisional


def test_a_petition_on_the_eve_of_national_day_counts_from_after_the_holiday(peer, db, clock):
    clock.set(datetime(2026, 9, 30, 18, 0, tzinfo=SHANGHAI))    # Wednesday evening; 10-1..10-7 holidays
    peer.say(ZS, "我是下汤镇林楼村的张三，小区水泵坏了三天没水")
    peer.say(ZS, "13812345678")
    reply = peer.say(ZS, "确认")
    assert "10月8日（周四）" in reply
    p = db.scalars(select(Petition)).one()
    assert local(p.due_accept).date() == local(p.due_meet).date() == date(2026, 10, 8)
    clock.set(datetime(2026, 10, 8, 9, 0, tzinfo=SHANGHAI))
    peer.text_sms(LIAISON, f"受理 {p.tracking_no}")
    assert local(case(db, p.tracking_no).due_finish).date() == date(2026, 10, 15)


def test_send_back_within_five_working_days_then_reassign(peer, db, clock, sms_out):
    no = submit(peer)
    clock.set(datetime(2026, 11, 30, 9, 0, tzinfo=SHANGHAI))
    assert "退回信访局" in peer.text_sms(LIAISON, f"退回 {no} 属于水利局职责")
    assert case(db, no).status == "returned"
    assert any(f"交办 {no}" in body for to, body in sms_out.sent if to == STAFF)
    assert "已将" in peer.text_sms(STAFF, f"交办 {no} 县水利局")
    p = case(db, no)
    assert p.status == "assigned" and p.unit.code == "shuili"
    assert local(p.due_accept).date() == date(2026, 11, 30)
    assert any(no in body for to, body in sms_out.sent if to == "+8613700000031")   # 孙丽, 水利局


def test_send_back_after_six_working_days_is_refused(peer, db, clock):
    no = submit(peer)   # assigned Monday 23rd
    clock.set(datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI))   # 6 working days later
    reply = peer.text_sms(LIAISON, f"退回 {no} 不归我们管")
    assert "超过5个工作日" in reply
    assert case(db, no).status == "assigned"


def test_extension_is_approved_once_and_bounded(peer, db, sms_out):
    no = submit(peer)
    peer.text_sms(LIAISON, f"受理 {no} 复杂")
    p = case(db, no)
    assert local(p.due_finish).date() == date(2026, 12, 23)
    assert "不能超过30日" in peer.text_sms(LIAISON, f"延期 {no} 45 需要勘查")
    assert "没有待批准" in peer.text_sms(STAFF, f"批准延期 {no}")
    assert "报信访局审批" in peer.text_sms(LIAISON, f"延期 {no} 20 需要水利部门勘查")
    assert "仅限信访局" in peer.text_sms(LIAISON, f"批准延期 {no}")
    assert "已批准" in peer.text_sms(STAFF, f"批准延期 {no}")
    p = case(db, no)
    assert p.extension_days == 20 and local(p.due_finish).date() == date(2027, 1, 12)
    assert p.deadline_provisional    # 2027 is not published yet: the bureau is told, once
    [warning] = outbox(db, "deadline_provisional")
    assert warning.to == STAFF and "周一至周五" in warning.body and no in warning.body
    [told] = outbox(db, "case_extended")
    assert "需要水利部门勘查" in told.body and "延期20日" in told.body
    assert "已延期一次" in peer.text_sms(LIAISON, f"延期 {no} 5 再等等")


def test_todo_lists_the_nearest_deadline_first(peer, db, clock):
    first = submit(peer)
    clock.advance(days=1)
    second = submit(peer, who="o_lisi_case", text="我是下汤镇社楼村的李四，路灯坏了")
    reply = peer.text_sms(LIAISON, "待办")
    assert "待办2件" in reply and reply.index(first) < reply.index(second)
    assert "待办2件" in peer.text_sms(STAFF, "待办")
    assert "目前没有待办" in peer.text_sms(OTHER_UNIT, "待办")


def test_a_cadre_binds_wechat_with_a_one_time_code(peer, db, services, clock):
    no = submit(peer)
    with services.sessions.begin() as s:
        person = s.scalars(select(Person).where(Person.phone == "+8613700000021")).one()   # 赵志强, no OpenID
        code = new_bind_code(s, person, clock.now())
    assert "无效" in peer.say("o_zhao", "绑定 ABCDEFGH")
    assert "微信已绑定" in peer.say("o_zhao", f"绑定 {code}")
    assert "无效" in peer.say("o_other", f"绑定 {code}")   # one time only
    assert "没有找到您单位的事项" in peer.say("o_zhao", f"受理 {no}")   # now a cadre, of another unit
    db.rollback()
    assert db.scalar(select(func.count()).select_from(PetitionEvent).where(PetitionEvent.kind == "accepted")) == 0


def sweep_at(services, when):
    from core.rules import Rules
    from core.directory.lookup import current_county
    from core.store.db import transaction
    from core.cases.sweep import sweep
    with transaction(services.sessions) as s:
        return sweep(s, when, Rules.for_county(current_county(s)))


def test_sweep_reminds_then_marks_overdue_once_and_records_the_miss(peer, db, services, clock):
    from core.store.models import Reminder, ScoreEvent
    no = submit(peer)   # Monday 10:00; accept and meet due today
    assert sweep_at(services, datetime(2026, 11, 23, 15, 0, tzinfo=SHANGHAI)).reminders == 0
    r = sweep_at(services, datetime(2026, 11, 23, 15, 31, tzinfo=SHANGHAI))   # 2 h before the 17:30 cut-off
    assert r.reminders == 2 and r.overdue == 0          # accept and meet
    assert sweep_at(services, datetime(2026, 11, 23, 16, 0, tzinfo=SHANGHAI)).looked_at == 0   # moved on
    r = sweep_at(services, datetime(2026, 11, 24, 8, 0, tzinfo=SHANGHAI))
    assert r.overdue == 2
    assert sweep_at(services, datetime(2026, 11, 24, 9, 0, tzinfo=SHANGHAI)).overdue == 0     # once only
    p = case(db, no)
    assert p.overdue and "overdue" in events(db, no)
    db.rollback()
    scores = list(db.scalars(select(ScoreEvent)))
    assert sorted(e.kind for e in scores) == ["late_accept", "late_meet"] and all(e.points < 0 for e in scores)
    alerts = outbox(db, "overdue")
    assert {m.to for m in alerts} >= {"+8613700000012", STAFF}   # 王海燕 (head of 下汤镇) and the bureau
    # late acceptance still works, and 办结 clears the flag (销号)
    peer.text_sms(LIAISON, f"受理 {no}")
    peer.text_sms(LIAISON, f"见面 {no}")
    peer.text_sms(LIAISON, f"答复 {no} 已修复")
    peer.text_sms(LIAISON, f"办结 {no}")
    assert case(db, no).overdue is False
    assert db.scalar(select(func.count()).select_from(Reminder)) == 4


def test_two_sweeps_at_once_send_each_alert_once(peer, db, services):
    submit(peer)
    when = datetime(2026, 11, 24, 8, 0, tzinfo=SHANGHAI)
    results = run_together(lambda _: sweep_at(services, when).overdue, 2)
    assert sum(results) == 2
    alerts = outbox(db, "overdue")   # 2 missed deadlines of one case: one text each to the unit head and the bureau
    assert sorted(m.to for m in alerts) == sorted(["+8613700000012", STAFF])
    # issue 19, 6: one case (件), listed once with both its missed steps — not "2件"
    assert all("未按期受理、见面（期限11月23日）" in m.body and "件" not in m.body.split("，")[0] for m in alerts)
    db.rollback()
    from core.store.models import ScoreEvent
    assert db.scalar(select(func.count()).select_from(ScoreEvent)) == 2


def test_a_withdrawn_case_stops_and_its_unit_is_told(peer, db, sms_out):
    no = submit(peer)
    peer.text_sms(LIAISON, f"受理 {no}")
    peer.say(ZS, f"撤回 {no}")
    assert "已撤回" in peer.say(ZS, "确认撤回")
    p = case(db, no)
    assert p.status == "withdrawn" and p.due_next is None
    assert any("已撤回" in body for to, body in sms_out.sent if to == LIAISON)
    assert "不能答复" in peer.text_sms(LIAISON, f"答复 {no} 已处理")


def test_the_county_sets_its_own_day_time(peer, db, services, clock, tmp_path):
    """Issue 17, quiet hours, configurable: a county whose file says its day runs 07:30–20:00. The
    reminder found at 20:05, the petitioner's 受理 text written at 20:30 and the overdue alert at
    00:05 wait for 07:30; the same-day 交办 went at once. A day time that is not one stops the county file."""
    from core.county import CountyFileError, parse_county_file
    from core.store.models import County
    from tests.conftest import county_file_with
    county = db.scalars(select(County)).one()
    county.options = {**county.options, "day_time": {"from": "07:30", "until": "20:00"}}
    db.commit()
    services._gazetteer = None          # as a worker re-reads the county within a minute
    no = submit(peer)                   # Monday 10:00
    assert all(m.next_attempt_at is None for m in outbox(db, "case_assigned"))
    sweep_at(services, datetime(2026, 11, 23, 20, 5, tzinfo=SHANGHAI))   # 受理 and 见面 due by midnight
    morning = datetime(2026, 11, 24, 7, 30, tzinfo=SHANGHAI)
    reminders = outbox(db, "reminder")
    assert reminders and all(local(m.next_attempt_at) == morning for m in reminders)   # 20:05 is night here
    clock.set(datetime(2026, 11, 23, 20, 30, tzinfo=SHANGHAI))
    assert "已受理" in peer.text_sms(LIAISON, f"受理 {no}")
    told = outbox(db, "case_accepted")
    assert told and all(local(m.next_attempt_at) == morning for m in told)
    sweep_at(services, datetime(2026, 11, 24, 0, 5, tzinfo=SHANGHAI))     # 见面 missed
    alerts = outbox(db, "overdue")
    assert alerts and all(local(m.next_attempt_at) == morning for m in alerts)

    for body, message in (('from = "8点"', "day_time.from"), ('until = "09:00"', "shorter than four hours"),
                          ('night = "22:00"', "unknown setting night")):
        with pytest.raises(CountyFileError, match=message):
            parse_county_file(county_file_with(tmp_path, "day_time", body))


def test_an_overdue_alert_at_midnight_waits_for_the_morning(peer, db, services, clock):
    """Issue 17, quiet hours: the miss is recorded at 00:05, the cadres' phones buzz at 08:00."""
    no = submit(peer)                       # Monday 10:00: accept and meet due today, 17:30
    sweep_at(services, datetime(2026, 11, 23, 15, 31, tzinfo=SHANGHAI))   # the afternoon reminder: at once
    assert all(m.next_attempt_at is None for m in outbox(db, "reminder"))
    r = sweep_at(services, datetime(2026, 11, 24, 0, 5, tzinfo=SHANGHAI))
    assert r.overdue == 2 and case(db, no).overdue                          # marked at once …
    alerts = outbox(db, "overdue")
    assert alerts and all(local(m.next_attempt_at) == datetime(2026, 11, 24, 8, 0, tzinfo=SHANGHAI)
                          for m in alerts)                                   # … told at 08:00
    services.deliver(None, datetime(2026, 11, 24, 0, 6, tzinfo=SHANGHAI))
    assert {m.status for m in outbox(db, "overdue")} == {"queued"}
    services.deliver(None, datetime(2026, 11, 24, 8, 0, tzinfo=SHANGHAI))
    assert {m.status for m in outbox(db, "overdue")} == {"sent"}


def test_two_open_questions_each_get_their_answer(peer, db, sms_out):
    """Issue 18, 2: 张三 is asked whether the cadre met him, then to rate the answer — both open.
    He answers in words, the meeting first though it was asked first; then he is not satisfied:
    the bureau hears of it at once, he is offered 复查 with its last day, and his reason is kept.
    A second case's bare "1" answers the question asked last and says which it counted."""
    no = submit(peer)
    peer.text_sms(LIAISON, f"受理 {no}")
    peer.text_sms(LIAISON, f"见面 {no} 到村里看了水泵")
    peer.text_sms(LIAISON, f"答复 {no} 已更换水泵，今天恢复供水")
    assert peer.say(ZS, "是的，来了两个人") == f"已记录：{no} 见面属实。谢谢您的确认！"
    assert case(db, no).meet_confirmed is True and case(db, no).rating is None
    reply = peer.say(ZS, "不满意")
    assert f"已记录：{no} 评价“不满意”" in reply and f"申请复查 {no}" in reply and "12月" in reply
    assert case(db, no).rating == "unsatisfied"
    assert any(to == STAFF and body.startswith("【回访】") and no in body for to, body in sms_out.sent)
    assert "已记录您的意见" in peer.say(ZS, "水还是浑的，没法喝")
    db.rollback()
    assert [e.text for e in db.scalars(select(PetitionEvent).where(PetitionEvent.kind == "rating_reason"))] == [
        "水还是浑的，没法喝"]

    other = submit(peer, text="我是下汤镇林楼村的张三，村口的路灯坏了一个月")
    peer.text_sms(LIAISON, f"受理 {other}")
    peer.text_sms(LIAISON, f"见面 {other} 看了路灯")
    peer.text_sms(LIAISON, f"答复 {other} 已修好")
    assert peer.say(ZS, "1") == f"已记录：{other} 评价“满意”。谢谢您的评价！"       # the rating: asked last
    assert peer.say(ZS, "2 没人来").startswith(f"已记录：{other} 未见面")
    assert case(db, other).meet_confirmed is False
    assert any(to == STAFF and body.startswith("【督办】") and other in body for to, body in sms_out.sent)
    assert "基本满意" in peer.say(ZS, f"评价 {no} 2")                            # at any time, by number
    assert case(db, no).rating == "basic" and petitions_count(db) == 2


def petitions_count(db) -> int:
    db.rollback()
    return db.scalar(select(func.count()).select_from(Petition))


def test_a_date_we_tell_is_never_already_past(peer, db, clock, sms_out):
    """Issue 18, 7: 受理 a day late. The meeting was due on Monday; on Tuesday neither the cadre nor
    张三 is told "11月23日前" — they are told it is overdue; the same-day 交办 said 今天内."""
    no = submit(peer)                                        # Monday 10:00
    assigned = [body for to, body in sms_out.sent if body.startswith("【交办】")]
    assert assigned and "请在今天（11月23日）内受理并见面" in assigned[0]
    clock.set(datetime(2026, 11, 24, 9, 0, tzinfo=SHANGHAI))
    reply = peer.text_sms(LIAISON, f"受理 {no}")
    assert "请尽快（已超过期限）与信访人见面" in reply and "11月23日前" not in reply
    told = [m.body for m in outbox(db, "case_accepted")]
    assert told and "将尽快（已超过期限）与您联系见面" in told[0] and "11月23日" not in told[0]


def test_a_repeat_is_joined_to_its_open_case_or_offered_a_review(peer, db, sms_out):
    """Issue 18, 6: 张三 writes again about the same pump while his case is being handled: it is
    joined to it — the unit is told 重复反映，请一并办理, no second 【交办】, no second deadlines.
    Once it is answered, writing again about it offers 复查 (in its 30 days) on the same case."""
    no = submit(peer)
    peer.text_sms(LIAISON, f"受理 {no}")
    peer.say(ZS, "我是下汤镇林楼村的张三，小区水泵还是坏的，一直没水")
    reply = peer.say(ZS, "确认")
    assert "是否为同一事项" in reply and no in reply
    assert no in peer.say(ZS, "1")
    db.rollback()
    joined = db.scalars(select(Petition).where(Petition.tracking_no != no)).one()
    assert joined.status == "joined" and joined.repeat_of_id == case(db, no).id
    assert joined.due_accept is None and joined.due_finish is None
    to_unit = [body for to, body in sms_out.sent if to == LIAISON]
    assert sum(body.startswith("【交办】") for body in to_unit) == 1
    assert any(body.startswith(f"【重复反映】{no}") and "一并办理" in body for body in to_unit)

    peer.text_sms(LIAISON, f"见面 {no} 看了水泵")
    peer.text_sms(LIAISON, f"答复 {no} 已更换水泵")
    peer.say(ZS, "2")                                           # the rating
    peer.say(ZS, "我是下汤镇林楼村的张三，小区水泵换了还是没水")
    reply = peer.say(ZS, "确认")
    assert "申请复查" in reply and no in reply
    assert "复查" in peer.say(ZS, "1")
    p = case(db, no)
    assert p.status == "reviewing" and petitions_count(db) == 2          # no third petition


def test_an_unrated_case_is_asked_again_two_working_days_after_it_closed(peer, db, services, clock, db_url,
                                                                          monkeypatch):
    """Issue 18, 回访: 张三 did not rate the answer. Closed on Monday, he is asked once more on
    Wednesday (two working days on, not Tuesday), answers "1" and it counts; 参评率 follows. A
    dissatisfied case stays on the bureau's list to telephone."""
    from click.testing import CliRunner

    from bot.cli import main
    from core.reports.measures import measure
    from notifications.schedule import follow_ups
    no = submit(peer)
    peer.text_sms(LIAISON, f"受理 {no}")
    peer.text_sms(LIAISON, f"见面 {no} 看了水泵")
    peer.text_sms(LIAISON, f"答复 {no} 已更换水泵")
    peer.text_sms(LIAISON, f"办结 {no}")
    assert case(db, no).status == "closed" and case(db, no).rating is None
    assert follow_ups(services, datetime(2026, 11, 24, 9, 0, tzinfo=SHANGHAI)) == "回访：再次请求评价0件"
    assert follow_ups(services, datetime(2026, 11, 25, 9, 0, tzinfo=SHANGHAI)) == "回访：再次请求评价1件"
    assert follow_ups(services, datetime(2026, 11, 26, 9, 0, tzinfo=SHANGHAI)) == "回访：再次请求评价0件"   # once
    [asked] = outbox(db, "follow_up")
    assert asked.channel == "wechat" and asked.to == ZS and no in asked.body
    clock.set(datetime(2026, 11, 25, 9, 30, tzinfo=SHANGHAI))
    peer.say(ZS, "2 没人来")        # the meeting question, still open, is answered in words …
    assert peer.say(ZS, "1") == f"已记录：{no} 评价“满意”。谢谢您的评价！"    # … and the digit: the last asked
    db.rollback()
    week = measure(db, datetime(2026, 11, 23, tzinfo=SHANGHAI), datetime(2026, 11, 30, tzinfo=SHANGHAI), clock.now())
    assert week.county.rates()["参评率"] == 1.0

    other = submit(peer, text="我是下汤镇林楼村的张三，村口的路灯坏了一个月")
    peer.text_sms(LIAISON, f"受理 {other}")
    peer.text_sms(LIAISON, f"答复 {other} 已报修")
    peer.say(ZS, "3")
    monkeypatch.setenv("DATABASE_URL", db_url)
    out = CliRunner().invoke(main, ["follow-ups"]).output
    assert f"{other} 张三" in out and "不满意" in out and no not in out


def test_texts_count_cases_not_steps(peer, db, services):
    """Issue 19, 6: two cases that each missed 受理 and 见面 are "2件", each listed once; one case
    with two steps due is one 提醒, not "2件期限将到"."""
    first = submit(peer)
    second = submit(peer, who="o_b", text="我是下汤镇社楼村的李四，路灯坏了一个月")
    sweep_at(services, datetime(2026, 11, 23, 15, 31, tzinfo=SHANGHAI))
    reminders = [m.body for m in outbox(db, "reminder", to=LIAISON)]
    assert reminders and all("件期限将到" not in body or body.startswith("【提醒】2件") for body in reminders)
    assert any(body.startswith("【提醒】2件期限将到") for body in reminders)
    sweep_at(services, datetime(2026, 11, 24, 8, 0, tzinfo=SHANGHAI))
    [head] = [m.body for m in outbox(db, "overdue", to="+8613700000012")]
    assert head.startswith("【超期】2件未按期办理") and head.count(first) == 1 and head.count(second) == 1
    assert "受理、见面" in head


def test_a_review_due_in_an_unknown_year_is_provisional_and_staff_are_told(peer, db, clock, sms_out):
    """Issue 19, 1: replied 2026-11-26, 复查 asked 2026-12-04: due 2027-01-04, a year whose holidays
    chinese-calendar does not know — the deadline says it is provisional and staff get 暂按."""
    no = submit(peer)
    peer.text_sms(LIAISON, f"受理 {no}")
    peer.text_sms(LIAISON, f"见面 {no} 看了水泵")
    clock.set(datetime(2026, 11, 26, 10, 0, tzinfo=SHANGHAI))
    peer.text_sms(LIAISON, f"答复 {no} 已更换水泵")
    clock.set(datetime(2026, 12, 4, 10, 0, tzinfo=SHANGHAI))
    assert "复查" in peer.say(ZS, f"申请复查 {no}")
    p = case(db, no)
    assert local(p.due_review).date() == date(2027, 1, 4) and p.deadline_provisional
    warned = [body for to, body in sms_out.sent if to == STAFF and body.startswith("【提示】")]
    assert len(warned) == 1 and "复查答复1月4日" in warned[0] and "周一至周五" in warned[0]


def test_a_step_asked_twice_says_it_is_done_and_what_comes_next(peer, db, clock, sms_out):
    """Issue 19, 11: 受理 twice is "已受理，无需重复受理" with the next step, not "不能受理"; 办结 twice
    no longer advises "请先回复答复"; a second 延期 while one waits is refused and staff are asked
    once; 延期 after the deadline does not name a day already past."""
    no = submit(peer)
    peer.text_sms(LIAISON, f"受理 {no}")
    again = peer.text_sms(LIAISON, f"受理 {no}")
    assert "已受理，无需重复受理" in again and f"见面 {no}" in again and "不能" not in again
    clock.set(datetime(2026, 12, 8, 10, 0, tzinfo=SHANGHAI))          # after the 7-day finish (12-07)
    first = peer.text_sms(LIAISON, f"延期 {no} 10 需要协调供水公司")
    assert "已超过原期限" in first and "12月7日" not in first
    assert "正在等待信访局批准" in peer.text_sms(LIAISON, f"延期 {no} 15 再等等")
    asked = [body for to, body in sms_out.sent if to == STAFF and "申请" in body and "延期" in body]
    assert len(asked) == 1
    peer.text_sms(LIAISON, f"见面 {no} 看了")
    peer.text_sms(LIAISON, f"答复 {no} 已修好")
    peer.text_sms(LIAISON, f"办结 {no}")
    twice = peer.text_sms(LIAISON, f"办结 {no}")
    assert "已办结，无需重复办结" in twice and "请先回复" not in twice


def test_a_reason_ending_in_a_full_stop_is_not_written_twice(peer, sms_out):
    """Issue 33: people end their sentences; the texts that quote them put their own full stop —
    "…不属于我镇管辖。。" no more."""
    no = submit(peer)
    peer.text_sms(LIAISON, f"退回 {no} 该事项属于县水利局职责，不属于我镇管辖。")
    [told] = [body for to, body in sms_out.sent if to == STAFF and "退回" in body and no in body]
    assert "不属于我镇管辖。请重新交办" in told and "。。" not in told
    assert not any("。。" in body or "！。" in body for _, body in sms_out.sent)


@pytest.mark.parametrize("policy, asked, template", [
    ("same_day", "请在今天（11月23日）内受理并见面", None),
    ("3-7-21", "请在今天（11月23日）内受理，于11月26日前见面", "case_assigned_meet"),
    ("statutory", "请12月8日前受理，", "case_assigned_accept"),
])
def test_the_assignment_asks_what_the_county_s_policy_asks(peer, db, services, sms_out, policy, asked, template):
    """张三's pump petition on Monday 10:00 in a county of each policy: the 【交办】 asks 下汤镇 to
    accept and meet the same day (当日工作法), to accept today and meet within three days (3-7-21),
    or only to accept within the 条例's 15 days — it never asks for a meeting the county does not set.
    A template-only provider gets the variant registered for it."""
    from core.store.models import County
    county = db.scalars(select(County)).one()
    county.options = {**county.options, "timelines": {"policy": policy}}
    db.commit()
    services._gazetteer = None          # as a worker re-reads the county within a minute
    no = submit(peer)
    [body] = [b for to, b in sms_out.sent if to == LIAISON and b.startswith("【交办】")]
    assert no in body and asked in body, body
    if policy == "statutory":
        assert "见面" not in body, body
    [row] = [m for m in outbox(db, "case_assigned") if m.to == LIAISON]
    assert (row.params.get("t") if isinstance(row.params, dict) else None) == template, row.params
