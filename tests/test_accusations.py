"""Nobody is exposed to the person they accuse (issue 17, exposure 1; 信访工作条例 Art. 30): a
petition worded the way people write — 举报, 投诉某某干部, 反映某某书记吃拿卡要 — is held for the
bureau to 核定, never reaches whom it names, and a text already queued for someone later marked
被反映 is taken back. Through the real webhooks, as the citizens and cadres write."""
import re

from sqlalchemy import select

from core.store.models import OutboundMessage, Recusal
from tests.test_case_paths import HEAD, SHUILI
from tests.test_cases import LIAISON, STAFF, case, events, outbox

QIAN = "o_qianduoduo"      # a whistleblower on WeChat


def file(peer, who, story, phone, name="老张") -> str:
    """The person tells the story in one message, then answers what the bot asks: their name,
    their number, the summary."""
    reply = peer.say(who, story)
    for _ in range(6):
        if (found := re.search(r"[A-Z]+-\d{8}-\d{4}", reply)) is not None:
            return found.group(0)
        reply = peer.say(who, name if "称呼" in reply else phone if "手机" in reply else "确认")
    raise AssertionError(reply)


def sent_to(sms_out, phone) -> list[str]:
    return [body for to, body in sms_out.sent if to == phone]


def test_a_whistleblower_who_writes_举报_is_never_shown_to_the_cadre_she_names(peer, db, sms_out):
    # 钱多多 writes it all in one go, as the bureau's poster invites; then her number, then 确认
    no = file(peer, QIAN, "我要实名举报下汤镇的李建国，他在发放危房改造补贴时吃拿卡要，我是下汤镇下汤村的钱多多",
              "13912345678", name="钱多多")
    p = case(db, no)
    assert p.accusation and p.status == "registered" and p.unit_id is None     # held, not handed to 下汤镇
    db.rollback()
    assert [(r.unit_id, r.person_id is not None) for r in db.scalars(select(Recusal))] == [(None, True)]
    # 李建国 got nothing of it — not the number, not her name, not her phone
    assert not any(no in body or "钱多多" in body or "13912345678" in body for body in sent_to(sms_out, LIAISON))
    # the bureau is told whom it names, and to decide
    [told] = [body for body in sent_to(sms_out, STAFF) if no in body]
    assert "检举控告" in told and "李建国" in told and f"交办 {no}" in told
    # he cannot touch it, nor learn that it exists
    assert "没有找到您单位的事项" in peer.text_sms(LIAISON, f"受理 {no}")
    assert no not in peer.text_sms(LIAISON, "待办")
    # the bureau decides 下汤镇 may handle it (he is not its head): it goes to the unit without him
    assert "已将" in peer.text_sms(STAFF, f"交办 {no} 下汤镇人民政府")
    assert any(no in body for body in sent_to(sms_out, HEAD))
    assert not any(no in body for body in sent_to(sms_out, LIAISON))
    assert "没有找到您单位的事项" in peer.text_sms(LIAISON, f"答复 {no} 已经核实没有这回事")


def test_a_complaint_about_a_head_is_refused_to_her_unit(peer, db, sms_out):
    no = file(peer, "o_laozhang", "俺要反映下汤镇的王海燕书记，低保名额优亲厚友，俺是下汤镇林楼村的老张",
              "13912340001")
    p = case(db, no)
    assert p.accusation and p.unit_id is None
    assert not any(no in body for body in sent_to(sms_out, HEAD) + sent_to(sms_out, LIAISON))
    before = events(db, no)
    assert "第三十条" in peer.text_sms(STAFF, f"交办 {no} 下汤镇人民政府")     # her unit: refused
    assert events(db, no) == before
    assert "已将" in peer.text_sms(STAFF, f"交办 {no} 县水利局")
    assert any(no in body for body in sent_to(sms_out, SHUILI))


def test_complaints_about_officials_by_title_are_held_too(peer, db):
    for who, story in (("o_a", "我是尧山镇的张大山，我要投诉镇上的干部办事吃拿卡要，盖个章要两百块"),
                       ("o_b", "我是下汤镇林楼村的李四，村支书把修路的钱挪用了，没人管"),
                       ("o_c", "我是下汤镇林楼村的王二，告村里的会计，低保款克扣了一半")):
        no = file(peer, who, story, "13912340002")
        p = case(db, no)
        assert p.accusation and p.unit_id is None, story


def test_an_ordinary_petition_still_goes_to_its_unit_at_once(peer, db, sms_out):
    # a place and a problem, no one accused: 即时交办 as before
    no = file(peer, "o_d", "我是下汤镇林楼村的赵五，村里的路灯坏了一个月，晚上走路看不见", "13912340003")
    p = case(db, no)
    assert not p.accusation and p.unit.name == "下汤镇人民政府"
    assert any(no in body for body in sent_to(sms_out, LIAISON))


def test_a_text_queued_for_someone_later_marked_被反映_is_taken_back(peer, db, services, monkeypatch):
    held = []
    monkeypatch.setattr(services, "send_later", lambda ids, now: held.extend(ids))   # the workers are behind
    no = file(peer, "o_e", "我是下汤镇林楼村的孙六，村口的垃圾堆了半个月没人清理，臭得很", "13912340004")
    [notice] = outbox(db, "case_assigned", to=LIAISON)
    assert notice.status == "queued"
    # the bureau learns the petition is about 李建国 before the text went out
    assert "已登记" in peer.text_sms(STAFF, f"被反映 {no} 李建国")
    [notice] = outbox(db, "case_assigned", to=LIAISON)
    assert notice.status == "withdrawn"
    services.deliver(held, services.clock.now())                   # the workers catch up
    db.rollback()
    assert db.get(OutboundMessage, notice.id).status == "withdrawn"   # never sent to him
    assert [m.status for m in outbox(db, "case_assigned", to=HEAD)] in ([], ["sent"], ["queued"])


def test_an_accusation_given_as_the_wrong_answer_is_still_held(peer, db, sms_out):
    """Tried as a person would (review): 老刘 greets, then tells whom he accuses while the bot asks
    his name, then gives his name. Whatever the conversation kept as the story, what he said
    names 王海燕: held, and neither she nor her unit hears of it."""
    phone = "+8613912349999"
    peer.text_sms(phone, "喂 有人吗")
    peer.text_sms(phone, "俺要举报下汤镇的王海燕书记，低保的钱她克扣了，俺是林楼村的")
    peer.text_sms(phone, "俺叫老刘")
    reply = peer.text_sms(phone, "确认")
    no = re.search(r"[A-Z]+-\d{8}-\d{4}", reply).group(0)
    p = case(db, no)
    assert p.accusation and p.unit_id is None
    assert not any(no in body for body in sent_to(sms_out, LIAISON) + sent_to(sms_out, HEAD))
    assert any(no in body and "王海燕" in body for body in sent_to(sms_out, STAFF))


def test_a_held_accusation_is_no_missed_meeting_in_the_day_s_figures(peer, db, services, sms_out):
    """Issue 19, 13: an accusation the bureau holds to 核定 has no unit yet: the day's 访情 does not
    show it as "当日见面率0%（0/1）"."""
    from notifications.schedule import daily_digest
    file(peer, QIAN, "我要实名举报下汤镇的李建国，他在发放危房改造补贴时吃拿卡要，我是下汤镇下汤村的钱多多",
         "13812345678")
    daily_digest(services, services.clock.now())
    digests = [body for to, body in sms_out.sent if body.startswith("【每日访情】")]
    assert digests and all("当日见面率" not in body for body in digests)
