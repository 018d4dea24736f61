"""The other paths of a case (issue 3): staff registration of 走访/来信 and group petitions,
accusations and recusal (被反映), 包案 by message, and review (复查/复核) — through the signed
webhooks with a settable clock."""
import re
from datetime import date, datetime

from sqlalchemy import func, select

from core.clock import SHANGHAI
from core.store.models import Petition, Recusal, ScoreEvent
from tests.test_cases import LIAISON, OTHER_UNIT, STAFF, ZS, case, events, local, outbox, submit, sweep_at

HEAD = "+8613700000012"      # 王海燕, head of 下汤镇
SHUILI = "+8613700000031"    # 孙丽, 水利局 liaison
LEADER = "+8613700000101"    # 陈国栋, 县委书记
CITIZEN = "+8613812345678"


def count(db, model) -> int:
    db.rollback()
    return db.scalar(select(func.count()).select_from(model))


def only_petition(db) -> Petition:
    db.rollback()
    return db.scalars(select(Petition)).one()


# --- 登记 走访 / 来信 -------------------------------------------------------------------------------

def test_staff_register_a_group_visit_which_then_follows_the_same_path(peer, db, sms_out):
    reply = peer.text_sms(STAFF, "登记 走访 下汤镇林楼村 张三 13812345678 12 小区门口排水沟堵塞，十二户人家门前积水")
    p = only_petition(db)
    assert p.tracking_no in reply and "集体访" in reply and "下汤镇人民政府" in reply
    assert (p.channel, p.people, p.name, p.village.name) == ("visit", 12, "张三", "林楼村")
    assert p.phone == CITIZEN and p.phone_verified       # given in person, at the counter
    assert p.status == "assigned" and local(p.due_accept).date() == date(2026, 11, 23)
    # the petitioner gets a receipt by SMS; the unit gets the case with the contact
    assert any(p.tracking_no in body and "走访" in body for to, body in sms_out.sent if to == CITIZEN)
    assert any(p.tracking_no in body and "查询" in body for to, body in sms_out.sent if to == LIAISON)
    assert CITIZEN in peer.text_sms(LIAISON, f"查询 {p.tracking_no}")
    # and can follow it by SMS like any other
    assert "已交办" in peer.text_sms(CITIZEN, f"查询 {p.tracking_no}")
    peer.text_sms(LIAISON, f"受理 {p.tracking_no}")
    [told] = outbox(db, "case_accepted")
    assert told.channel == "sms" and told.to == CITIZEN
    assert events(db, p.tracking_no)[:2] == ["registered", "assigned"]


def test_a_letter_s_phone_is_not_trusted_until_it_texts_us(peer, db, sms_out):
    """Issue 18, 5: the receipt for a registered letter invites its number to 查询; when that
    number texts us it is proven (it is the sender), and the case is its own. Another number,
    and a WeChat user who has not proven the number, still see nothing."""
    peer.text_sms(STAFF, "登记 来信 尧山镇 李四 13912345678 1 反映村里道路损坏无人修")
    p = only_petition(db)
    assert p.channel == "letter" and not p.phone_verified and p.unit.name == "尧山镇人民政府"
    assert any(to == "+8613912345678" and f"查询 {p.tracking_no}" in body for to, body in sms_out.sent)
    assert "未找到" in peer.say("o_someone_else", f"查询 {p.tracking_no}")
    assert "未找到" in peer.text_sms("+8613912340000", f"查询 {p.tracking_no}")
    reply = peer.text_sms("+8613912345678", f"查询 {p.tracking_no}")
    assert p.tracking_no in reply and "未找到" not in reply and "已交办" in reply


def test_a_call_to_the_bureau_is_registered_as_a_phone_petition(peer, db, sms_out):
    """电话访: the bureau takes a call; the number the caller gave is not proven until it texts us."""
    assert "已登记电话访" in peer.text_sms(STAFF, "登记 来电 尧山镇 李四 13912345678 1 村里道路损坏无人修")
    p = only_petition(db)
    assert p.channel == "phone" and not p.phone_verified and p.unit.name == "尧山镇人民政府"
    assert any(to == "+8613912345678" and "电话访" in body for to, body in sms_out.sent)


def test_register_bad_inputs_get_the_format_and_store_nothing(peer, db):
    for text, expected in [
        ("登记 走访 下汤镇 张三", "格式"),
        ("登记 网上 下汤镇 张三 13812345678 1 内容", "来电"),
        ("登记 走访 火星镇 张三 13812345678 1 内容", "没有找到乡镇"),
        ("登记 走访 下汤镇 张三 12345 1 内容", "不是有效的手机号码"),
        ("登记 走访 下汤镇 张三 13812345678 很多 内容", "人数请写数字"),
    ]:
        assert expected in peer.text_sms(STAFF, text), text
    assert "仅限信访局" in peer.text_sms(LIAISON, "登记 走访 下汤镇 张三 13812345678 1 内容")
    assert count(db, Petition) == 0


def test_register_without_a_phone_and_a_repeat_visit_is_linked(peer, db, sms_out):
    reply = peer.text_sms(STAFF, "登记 走访 下汤镇 王五 无 1 老房子漏雨无人维修")
    assert "已登记走访" in reply
    first = only_petition(db)
    assert first.phone is None
    peer.text_sms(STAFF, "登记 走访 下汤镇 王五 13812345678 1 老房子漏雨一直无人维修")
    peer.text_sms(STAFF, "登记 走访 下汤镇 王五 13812345678 1 老房子漏雨还是无人维修")
    db.rollback()
    second, third = db.scalars(select(Petition).order_by(Petition.id).offset(1)).all()
    assert second.repeat_of_id is None and third.repeat_of_id == second.id


# --- accusations and recusal ----------------------------------------------------------------------

def test_an_accusation_is_never_sent_to_whom_it_accuses(peer, db, services, sms_out):
    no = submit(peer, text="我是下汤镇林楼村的张三，我要控告下汤镇政府王海燕挪用低保资金")
    p = case(db, no)
    assert p.accusation and p.status == "registered" and p.unit_id is None   # not assigned automatically
    db.rollback()
    accused = {(r.unit_id is not None, r.person_id is not None) for r in db.scalars(select(Recusal))}
    assert accused == {(True, False), (False, True)}       # the township's unit and its head
    assert not any(no in body for to, body in sms_out.sent if to in (HEAD, LIAISON))
    assert any("检举控告" in body and "王海燕" in body for to, body in sms_out.sent if to == STAFF)
    # staff may not hand it to the accused unit; another unit is fine
    before = events(db, no)
    assert "第三十条" in peer.text_sms(STAFF, f"交办 {no} 下汤镇人民政府")
    assert events(db, no) == before
    assert "已将" in peer.text_sms(STAFF, f"交办 {no} 县水利局")
    assert case(db, no).unit.code == "shuili"
    # the overdue alert goes to the head of 水利局's unit and staff, never to 王海燕
    sweep_at(services, datetime(2026, 11, 24, 8, 0, tzinfo=SHANGHAI))
    assert any(no in m.body for m in outbox(db, "overdue", to=STAFF))
    assert not any(no in m.body for m in outbox(db, to=HEAD))


def test_staff_mark_an_accused_unit_and_the_case_is_taken_back(peer, db, sms_out):
    no = submit(peer)
    assert case(db, no).unit.name == "下汤镇人民政府"
    reply = peer.text_sms(STAFF, f"被反映 {no} 下汤镇人民政府")
    assert "已从该单位收回" in reply
    p = case(db, no)
    assert p.status == "registered" and p.unit_id is None and p.accusation
    assert any("收回" in body and no in body for to, body in sms_out.sent if to == LIAISON)
    assert "没有找到您单位的事项" in peer.text_sms(LIAISON, f"受理 {no}")
    assert "目前没有待办" in peer.text_sms(LIAISON, "待办")
    assert f"{no} 已登记被反映对象下汤镇人民政府" in peer.text_sms(STAFF, f"被反映 {no} 下汤镇人民政府")
    assert count(db, Recusal) == 1
    assert "没有找到单位或人员" in peer.text_sms(STAFF, f"被反映 {no} 不存在的单位")


def test_an_accused_cadre_is_left_out_but_the_unit_still_handles_it(peer, db, sms_out):
    no = submit(peer)
    assert "今后不会" in peer.text_sms(STAFF, f"被反映 {no} 李建国")
    assert case(db, no).unit.name == "下汤镇人民政府"            # the unit keeps the case
    assert "没有找到您单位的事项" in peer.text_sms(LIAISON, f"受理 {no}")   # 李建国 may not act
    assert "目前没有待办" in peer.text_sms(LIAISON, "待办")
    assert "已受理" in peer.text_sms(HEAD, f"受理 {no}")               # the head does instead
    # the unit's notices go to the head, not to the accused liaison
    sent_before = len(sms_out.sent)
    peer.text_sms(HEAD, f"延期 {no} 10 需要核实")
    peer.text_sms(STAFF, f"批准延期 {no}")
    later = sms_out.sent[sent_before:]
    assert any(to == HEAD and "已批准" in body for to, body in later)
    assert not any(to == LIAISON for to, body in later)


# --- 包案 -----------------------------------------------------------------------------------------

def test_staff_set_the_lead_who_then_gets_the_case_s_alerts(peer, db, services, sms_out):
    no = submit(peer)
    assert "不是县领导" in peer.text_sms(STAFF, f"包案 {no} 李建国")
    assert "没有找到县领导" in peer.text_sms(STAFF, f"包案 {no} 张三丰")
    assert "仅限信访局" in peer.text_sms(LIAISON, f"包案 {no} 陈国栋")
    assert "已设陈国栋" in peer.text_sms(STAFF, f"包案 {no} 陈国栋")
    assert case(db, no).lead_person_id is not None
    assert any("包案" in body and no in body for to, body in sms_out.sent if to == LEADER)
    sweep_at(services, datetime(2026, 11, 24, 8, 0, tzinfo=SHANGHAI))
    assert [m.to for m in outbox(db, "overdue", to=LEADER)] == [LEADER]


# --- 复查 / 复核 ----------------------------------------------------------------------------------

def replied_case(peer, db) -> str:
    no = submit(peer)
    peer.text_sms(LIAISON, f"受理 {no}")
    peer.text_sms(LIAISON, f"见面 {no}")
    peer.say(ZS, "1")
    peer.text_sms(LIAISON, f"答复 {no} 已协调供水公司维修")
    peer.say(ZS, "3")
    peer.say(ZS, "还是没水")
    return no


def test_review_then_re_review_each_with_thirty_days(peer, db, services, clock, sms_out):
    early = submit(peer, who="o_early", text="我是下汤镇林楼村的刘六，路灯坏了")
    assert "收到答复后才能申请复查" in peer.say("o_early", f"申请复查 {early}")
    no = replied_case(peer, db)
    assert "请先申请复查" in peer.say(ZS, f"申请复核 {no}")
    clock.advance(days=3)
    reply = peer.say(ZS, f"申请复查 {no} 水压仍然不够")
    assert "复查申请" in reply and "12月28日" in reply    # 30 days end on Saturday 26th: next working day
    p = case(db, no)
    assert p.status == "reviewing" and p.review_level == "review"
    assert local(p.due_review).date() == date(2026, 12, 28) and p.due_next is not None
    assert any("复查答复" in body for to, body in sms_out.sent if to == STAFF)
    assert "正在办理" in peer.say(ZS, f"申请复查 {no}")
    # the bureau misses the review deadline: staff are alerted, no unit loses points for it
    sweep_at(services, datetime(2026, 12, 29, 8, 0, tzinfo=SHANGHAI))
    assert any("复查答复" in m.body and no in m.body for m in outbox(db, "overdue", to=STAFF))
    assert not db.scalar(select(func.count()).select_from(ScoreEvent).where(ScoreEvent.kind == "late_review"))
    assert "仅限信访局" in peer.text_sms(LIAISON, f"复查答复 {no} 维持")
    clock.set(datetime(2026, 12, 29, 9, 0, tzinfo=SHANGHAI))
    assert "信访人" in peer.text_sms(STAFF, f"复查答复 {no} 经复查，维持原答复意见")
    [told] = outbox(db, "review_answered")
    assert "维持原答复" in told.body and f"申请复核 {no}" in told.body
    p = case(db, no)
    assert p.status == "closed" and not p.overdue
    assert "复核申请" in peer.say(ZS, f"申请复核 {no}")
    peer.text_sms(STAFF, f"复核答复 {no} 经复核，维持")
    assert "不再受理" in peer.say(ZS, f"申请复核 {no}")
    assert "不再受理" in peer.say(ZS, f"申请复查 {no}")
    assert [k for k in events(db, no) if "review" in k] == [
        "review_requested", "review_answered", "re_review_requested", "re_review_answered"]


def test_review_after_thirty_days_is_refused(peer, db, clock):
    no = replied_case(peer, db)
    clock.set(datetime(2026, 12, 24, 9, 0, tzinfo=SHANGHAI))   # replied 11-23: the 30th day is 12-23
    assert "期限（12月23日）已过" in peer.say(ZS, f"申请复查 {no}")
    assert case(db, no).status == "replied"
    # someone else cannot ask for a review of it
    assert "未找到" in peer.say("o_stranger", f"申请复查 {no}")
    assert "未找到" in peer.text_sms(OTHER_UNIT.replace("137", "139"), f"申请复查 {no}")


def test_a_category_routes_to_its_department_and_a_unit_without_contacts_is_flagged(peer, db, sms_out, services):
    from sqlalchemy import update
    from core.store.models import Person, Unit
    db.rollback()                          # 人社局's liaison and head have left the directory
    renshe = db.scalar(select(Unit.id).where(Unit.code == "renshe"))
    db.execute(update(Person).where(Person.unit_id == renshe).values(active=False))
    db.commit()
    reply = peer.text_sms(STAFF, "登记 来信 下汤镇 张三 无 1 工地拖欠农民工工资三个月")
    p = only_petition(db)
    assert p.category == "劳资纠纷" and p.unit.code == "renshe" and "县人力资源和社会保障局" in reply
    assert any("没有登记联络人" in body and p.tracking_no in body for to, body in sms_out.sent if to == STAFF)


def test_staff_name_units_the_way_people_say_them(peer, db):
    """Issue 19, 12: 交办 … 住建局 (an alias in the county file) and 交办 … 下汤镇政府 (the name as
    people write it) find their unit. (Two letters held as accusations: the bureau assigns them.)"""
    first = peer.text_sms(STAFF, "登记 来信 尧山镇 匿名 无 1 举报尧山镇政府违规审批建房")
    second = peer.text_sms(STAFF, "登记 来信 尧山镇 匿名 无 1 控告尧山镇政府乱收费")
    no1, no2 = (re.search(r"[A-Z]+-\d{8}-\d{4}", t).group(0) for t in (first, second))
    assert "县住房和城乡建设局" in peer.text_sms(STAFF, f"交办 {no1} 住建局")
    assert "下汤镇人民政府" in peer.text_sms(STAFF, f"交办 {no2} 下汤镇政府")
    assert "没有找到" in peer.text_sms(STAFF, f"交办 {no2} 火星局")


def test_categories_are_found_in_the_words_people_use(peer, db):
    """Issue 19, 12: "包工头欠了我们三个月工资" is 劳资纠纷 (人社局), "承包地被村里收回了" and
    "占用耕地" are 土地 (自然资源局) — not the township by default."""
    for who, story, category, unit in (
            ("o_w1", "我是下汤镇林楼村的张三，包工头欠了我们三个月工资", "劳资纠纷", "县人力资源和社会保障局"),
            ("o_w2", "我是下汤镇社楼村的李四，俺家的承包地被村里收回了", "土地", "县自然资源局"),
            ("o_w3", "我是下汤镇下汤村的王五，砖厂占用耕地十几亩", "土地", "县自然资源局")):
        submit(peer, who=who, text=story)
        db.rollback()
        p = db.scalars(select(Petition).order_by(Petition.id.desc())).first()
        assert (p.category, p.unit.name) == (category, unit), story
