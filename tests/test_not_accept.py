"""不予受理: a unit declines a case it has not accepted, with a reason (信访工作条例 Art. 23, 32).
Added as one registry entry, one use case and its sentences (issue 16); through the real
webhooks as the other stories are."""

from tests.test_cases import LIAISON, OTHER_UNIT, STAFF, ZS, case, events, outbox, submit


def test_a_unit_declines_a_matter_for_the_courts_and_the_petitioner_is_told_why(peer, db, sms_out):
    no = submit(peer, text="我是下汤镇林楼村的张三，邻居欠我三万块钱借款不还，我要告他")
    # the cadre forgets the reason first: told the format, nothing changes
    assert "请写明不予受理的理由" in peer.text_sms(LIAISON, f"不予受理 {no}")
    assert case(db, no).status == "assigned"
    # another township's cadre cannot touch it, nor learn that it exists
    assert "没有找到您单位的事项" in peer.text_sms(OTHER_UNIT, f"不予受理 {no} 民间借贷")

    reply = peer.text_sms(LIAISON, f"不予受理 {no} 属民间借贷纠纷，请依法向人民法院起诉")
    assert "已登记" in reply and "不予受理" in reply
    p = case(db, no)
    assert p.status == "rejected" and p.due_next is None
    assert "not_accepted" in events(db, no)
    [told] = outbox(db, "case_not_accepted")
    assert told.channel == "wechat" and told.to == ZS
    assert "不予受理" in told.body and "人民法院" in told.body
    assert any("【不予受理】" in body and no in body for to, body in sms_out.sent if to == STAFF)

    # a declined case takes no further step, and the petitioner sees it as such
    assert "不能受理" in peer.text_sms(LIAISON, f"受理 {no}")
    assert "不予受理" in peer.say(ZS, f"查询 {no}")


def test_an_accepted_case_can_no_longer_be_declined(peer, db):
    no = submit(peer)
    peer.text_sms(LIAISON, f"受理 {no}")
    assert "不能不予受理" in peer.text_sms(LIAISON, f"不予受理 {no} 不归我们管")
    assert case(db, no).status == "accepted"


def test_the_bureau_declines_a_case_still_with_it(peer, db, sms_out):
    no = submit(peer)
    peer.text_sms(LIAISON, f"退回 {no} 不属于本镇职责")
    assert case(db, no).status == "returned"
    assert "已登记" in peer.text_sms(STAFF, f"不予受理 {no} 已经人民法院判决")
    assert case(db, no).status == "rejected"
    assert outbox(db, "case_not_accepted") and not outbox(db, "not_accepted")   # the bureau decided itself

