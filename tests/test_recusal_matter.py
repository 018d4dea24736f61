"""Recusal is a property of the matter, not of one row (issue 29, 1-3 and 8): a repeat joined
(并案) or linked (重复访) to an accusation carries whom it accuses; a 被反映 marked later reaches
every petition of the matter; the head of an accused unit never leads it (包案); the accuser is
never filed under the name of the one she accuses; and an accused official's figures never count
what his lists hide. Through the real webhooks, as the citizens and cadres write."""
import re
from datetime import timedelta

from sqlalchemy import select

from core.store.models import Petition, Recusal
from tests.test_accusations import QIAN, file, sent_to
from tests.test_case_paths import HEAD, SHUILI
from tests.test_cases import LIAISON, STAFF, case

ACCUSATION = "我要实名举报下汤镇的李建国，他在发放危房改造补贴时吃拿卡要，我是下汤镇下汤村的钱多多"
NOT_FOUND = "没有找到您单位的事项"


def answer_until(peer, who, reply: str, asked: str) -> str:
    """Confirm what the bot summarises until it asks ``asked`` (a few turns at most)."""
    for _ in range(4):
        if asked in reply:
            return reply
        said = reply
        reply = peer.say(who, "确认")
    raise AssertionError(said + "\n---\n" + reply)


def recusals(db, no) -> set:
    p = case(db, no)
    return {(r.unit_id, r.person_id) for r in db.scalars(select(Recusal).where(Recusal.petition_id == p.id))}


def the_other(db, no) -> str:
    db.rollback()
    return db.scalars(select(Petition.tracking_no).where(Petition.tracking_no != no)).one()


def test_a_repeat_joined_to_an_accusation_never_reaches_the_accused(peer, db, sms_out):
    # 钱多多 accuses 李建国 (下汤镇's liaison); the bureau lets 下汤镇 handle it without him
    no = file(peer, QIAN, ACCUSATION, "13912345678", name="钱多多")
    assert "已将" in peer.text_sms(STAFF, f"交办 {no} 下汤镇人民政府")
    # three days on she writes again, about the same subsidy, naming nobody this time
    reply = peer.say(QIAN, "我是下汤镇下汤村的钱多多，上回说的发放危房改造补贴时吃拿卡要的事，到现在也没人管")
    reply = answer_until(peer, QIAN, reply, "是否为同一事项")
    assert no in reply
    reply = peer.say(QIAN, "1")                                          # yes, the same matter: 并案
    joined = the_other(db, no)
    assert case(db, joined).status == "joined" and case(db, joined).unit.name == "下汤镇人民政府"
    # the repeat carries the recusal: 李建国 cannot read it by any road
    assert recusals(db, joined) == recusals(db, no) and case(db, joined).accusation
    for words in (f"查询 {joined}", f"受理 {joined}"):
        answer = peer.text_sms(LIAISON, words)
        assert NOT_FOUND in answer and "钱多多" not in answer and "13912345678" not in answer
    assert joined not in peer.text_sms(LIAISON, "待办")
    assert not any(joined in body or "钱多多" in body for body in sent_to(sms_out, LIAISON))
    # the unit's head, not accused, is told of the repeat as before
    assert any(f"【重复反映】{no}" in body for body in sent_to(sms_out, HEAD))


def test_a_被反映_marked_later_reaches_the_repeats_already_filed(peer, db, sms_out):
    """张三 complains twice of the pump; the repeat is joined. Only then does the bureau learn that
    the matter is about 李建国: both petitions are recused from him, and neither is his to read."""
    z = "o_zhangsan_twice"
    first = file(peer, z, "我是下汤镇林楼村的张三，小区水泵坏了三天没水", "13812345678", name="张三")
    reply = peer.say(z, "我是下汤镇林楼村的张三，小区水泵还是坏的，一直没水")
    reply = answer_until(peer, z, reply, "是否为同一事项")
    peer.say(z, "1")
    joined = the_other(db, first)
    assert "已登记" in peer.text_sms(STAFF, f"被反映 {first} 李建国")
    assert recusals(db, joined) == recusals(db, first) != set()
    assert NOT_FOUND in peer.text_sms(LIAISON, f"查询 {joined}")
    assert NOT_FOUND in peer.text_sms(LIAISON, f"查询 {first}")
    assert "随" + first in " ".join(e.text or "" for e in case(db, joined).events if e.kind == "recused")


def test_a_linked_repeat_of_an_accusation_goes_to_the_bureau_not_to_the_accused_unit(peer, db, sms_out, clock):
    """老张's first message accuses 下汤镇's head by title; the bureau sends it to 水利局, which
    answers. Two months on (past 复查's 30 days) he raises it again, naming nobody: a 重复访 linked
    to the first — not routed to 下汤镇 (his place's unit, the one accused) but held for the
    bureau, carrying the first's recusals."""
    z = "o_laozhang_again"
    no = file(peer, z, "俺要反映下汤镇的王海燕书记，低保名额优亲厚友，俺是下汤镇林楼村的老张", "13912340001")
    assert "已将" in peer.text_sms(STAFF, f"交办 {no} 县水利局")
    peer.text_sms(SHUILI, f"受理 {no}")
    peer.text_sms(SHUILI, f"答复 {no} 已转民政部门重新核查低保名额")
    assert case(db, no).status == "replied"
    clock.advance(days=60)
    reply = peer.say(z, "俺是下汤镇林楼村的老张，低保名额优亲厚友的事还是没个说法")
    reply = answer_until(peer, z, reply, "是否为同一事项")
    assert "已登记" in peer.say(z, "1")
    other = the_other(db, no)
    p = case(db, other)
    assert p.repeat_of_id == case(db, no).id and p.status == "registered" and p.unit_id is None
    assert recusals(db, other) >= recusals(db, no) != set()
    assert not any(other in body for body in sent_to(sms_out, HEAD) + sent_to(sms_out, LIAISON))
    assert any(other in body and "王海燕" in body for body in sent_to(sms_out, STAFF))   # the bureau decides


def test_the_head_of_an_accused_unit_is_never_made_包案_leader(peer, db, sms_out):
    """A letter accuses 下汤镇人民政府 itself; assigned to 水利局, the bureau tries to make 下汤镇's
    head its 包案 leader: refused, and she is texted nothing."""
    z = "o_unit_accused"
    no = file(peer, z, "俺是下汤镇林楼村的老王，下汤镇政府把俺家的征地补偿款克扣了，一直不给", "13912340005", name="老王")
    p = case(db, no)
    assert p.accusation and p.unit_id is None
    assert "已将" in peer.text_sms(STAFF, f"交办 {no} 县水利局")
    before = len(sent_to(sms_out, HEAD))
    answer = peer.text_sms(STAFF, f"包案 {no} 王海燕")
    assert "已设" not in answer and "王海燕" in answer
    assert case(db, no).lead_person_id is None
    assert sent_to(sms_out, HEAD)[before:] == []


def test_the_accuser_is_not_filed_under_the_name_of_the_accused(peer, db):
    # she says who she accuses and where she lives, not her own name: the bot must ask for it
    z = "o_whistle_noname"
    reply = peer.say(z, "我要实名举报下汤镇的李建国，他在发放危房改造补贴时吃拿卡要")
    for _ in range(8):
        if (found := re.search(r"[A-Z]+-\d{8}-\d{4}", reply)) is not None:
            break
        assert "李建国" not in reply.split("问题")[0] or "称呼" in reply, reply
        reply = peer.say(z, "钱多多" if "称呼" in reply else "13912345678" if "手机" in reply
                         else "下汤镇下汤村" if ("哪个" in reply or "地" in reply) and "确认" not in reply else "确认")
    p = case(db, found.group(0))
    assert p.name == "钱多多" and "李建国" in p.content


def console(app, sms_out, phone: str):
    """A signed-in console session over HTTP (the form's CSRF token, the code from the SMS)."""
    client = app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/console/login").get_data(as_text=True))
    client.post("/console/login", data={"phone": phone, "csrf_token": token.group(1)})
    code = re.search(r"验证码(\d{6})", [b for to, b in sms_out.sent if to == phone][-1]).group(1)
    page = client.get("/console/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post("/console/login/code", data={"phone": phone, "code": code, "csrf_token": token}).status_code == 302
    return client


def unit_row(page: str, unit: str) -> tuple[int, int]:
    """(批次, 人次) of a unit's row in 统计's table."""
    m = re.search(rf"<tr><td>{unit}</td><td>(\d+)</td><td>(\d+)</td>", page)
    return int(m.group(1)), int(m.group(2))


def test_an_accused_official_s_figures_count_only_what_his_lists_show(app, peer, db, sms_out, services, clock):
    """Issue 29, 8: three petitions reach 下汤镇 today, one of them accusing 李建国 (handled by his
    unit without him). His 统计 and 月考评 say two, his head's three; a county leader accused by
    name reads a daily 访情 that counts what his 详情 lists, not one more."""
    from notifications.schedule import daily_digest
    no = file(peer, QIAN, ACCUSATION, "13912345678", name="钱多多")
    peer.text_sms(STAFF, f"交办 {no} 下汤镇人民政府")
    file(peer, "o_a", "我是下汤镇林楼村的赵五，村里的路灯坏了一个月，晚上走路看不见", "13912340003")
    file(peer, "o_b", "我是下汤镇林楼村的孙六，村口的垃圾堆了半个月没人清理，臭得很", "13912340004")
    theirs = console(app, sms_out, HEAD).get("/console/stats").get_data(as_text=True)
    his = console(app, sms_out, LIAISON).get("/console/stats").get_data(as_text=True)
    assert unit_row(theirs, "下汤镇人民政府")[0] == 3 and unit_row(his, "下汤镇人民政府")[0] == 2
    assert re.search(r"<td>3件</td>", theirs) and re.search(r"<td>2件</td>", his) and "3件" not in his

    # 县长刘卫东 is accused by name on WeChat: four petitions today, his text and 详情 say three
    file(peer, "o_c", "我要举报县长刘卫东，他在征地补偿的事上包庇下面的人，我是下汤镇林楼村的王二", "13912340006",
         name="王二")
    clock.set(clock.now().replace(hour=17, minute=30))
    daily_digest(services, clock.now())
    mayor, secretary = "+8613700000102", "+8613700000101"
    [his_day] = [b for to, b in sms_out.sent if to == mayor and "访情" in b]
    [their_day] = [b for to, b in sms_out.sent if to == secretary and "访情" in b]
    assert "到县访4批4人次（微信访4）" in their_day, their_day
    assert "到县访3批3人次（微信访3）" in his_day, his_day
    listed = peer.text_sms(mayor, "详情")
    assert len(set(re.findall(r"LS-\d{8}-\d{4}", listed))) <= 3 and "王*" not in listed, listed


def test_repeats_filed_before_are_given_the_recusals_of_their_matter(peer, db, db_url, sms_out):
    """Migration 0030: a repeat joined to an accusation before this change had no recusal of its
    own; upgrading gives it the matter's, and one left with the very unit it accuses goes back to
    the bureau."""
    from alembic import command
    from sqlalchemy import delete, update

    from core.store.db import alembic_config, migrate
    no = file(peer, QIAN, ACCUSATION, "13912345678", name="钱多多")
    assert "已将" in peer.text_sms(STAFF, f"交办 {no} 下汤镇人民政府")
    reply = peer.say(QIAN, "我是下汤镇下汤村的钱多多，上回说的发放危房改造补贴时吃拿卡要的事，到现在也没人管")
    answer_until(peer, QIAN, reply, "是否为同一事项")
    peer.say(QIAN, "1")
    joined = case(db, the_other(db, no))
    xiatang = case(db, no).unit_id
    # as the old code left it: no recusal on the repeat — and, worse, 下汤镇 itself accused and
    # the original still with it
    db.execute(delete(Recusal).where(Recusal.petition_id == joined.id))
    db.execute(update(Petition).where(Petition.id == joined.id).values(accusation=False))
    db.add(Recusal(petition_id=joined.id, unit_id=xiatang, at=joined.received_at, actor="staff:1"))
    db.commit()
    command.downgrade(alembic_config(db_url), "0029")
    migrate(db_url, "head")
    assert recusals(db, no) >= recusals(db, joined.tracking_no) | {(xiatang, None)}
    assert recusals(db, joined.tracking_no) >= recusals(db, no)
    p = case(db, no)
    assert p.status == "registered" and p.unit_id is None and p.events[-1].kind == "taken_back"
    from core.facts import facts_of
    assert p.facts == facts_of(p)                          # the measures count it as the bureau's
    assert NOT_FOUND in peer.text_sms(LIAISON, f"查询 {joined.tracking_no}")


def test_a_repeat_that_accuses_takes_back_the_first_and_its_texts_to_the_accused(peer, db, services, monkeypatch):
    """Review: 孙六's garbage complaint went to 下汤镇 and its 【交办】 to 李建国 is still queued (the
    workers are behind) when she writes again, now reporting the township's head. The first
    petition is taken back from 下汤镇, and the queued text never goes."""
    from core.store.models import OutboundMessage
    from tests.test_cases import outbox
    held = []
    monkeypatch.setattr(services, "send_later", lambda ids, now: held.extend(ids))
    z = "o_sunliu_twice"
    no = file(peer, z, "我是下汤镇林楼村的孙六，村口的垃圾堆了半个月没人清理，臭得很", "13912340004", name="孙六")
    [notice] = outbox(db, "case_assigned", to=LIAISON)
    assert notice.status == "queued"
    reply = peer.say(z, "我是下汤镇林楼村的孙六，村口的垃圾堆了半个月没人清理，我要举报下汤镇的王海燕不作为")
    reply = answer_until(peer, z, reply, "是否为同一事项")
    peer.say(z, "1")
    p = case(db, no)
    assert p.unit_id is None and p.status == "registered" and "taken_back" in [e.kind for e in p.events]
    services.deliver(held, services.clock.now())
    db.rollback()
    assert db.get(OutboundMessage, notice.id).status == "withdrawn"


def test_a_leader_s_board_counts_what_his_lists_show(app, peer, db, sms_out):
    """Review: the 看板 a county leader opens said 本月以来2批 beside a 统计 of 1 — the other one
    accusing him."""
    file(peer, "o_a", "我是下汤镇林楼村的赵五，村里的路灯坏了一个月，晚上走路看不见", "13912340003")
    file(peer, "o_c", "我要举报县长刘卫东，他在征地补偿的事上包庇下面的人，我是下汤镇林楼村的王二", "13912340006",
         name="王二")
    mayor, secretary = "+8613700000102", "+8613700000101"
    his = console(app, sms_out, mayor).get("/console/").get_data(as_text=True)
    theirs = console(app, sms_out, secretary).get("/console/").get_data(as_text=True)
    month = re.compile(r"本月以来.*?</h2>\s*<p>(\d+)批", re.S)
    assert month.search(theirs).group(1) == "2" and month.search(his).group(1) == "1", month.search(his)
