"""Nobody exposed in the texts leaders and heads read (issue 17, exposure 2): names and numbers
are masked wherever they stand in the story, not only in the name field."""
import re

from core.phones import mask_text, redact
from tests.test_accusations import file
from tests.test_case_paths import LEADER


def test_a_leader_s_详情_masks_the_names_and_numbers_inside_the_story(peer, db):
    # 王秀兰 says who she is and her number inside the story itself, as people do
    no = file(peer, "o_wangxiulan", "我是下汤镇林楼村的，我叫王秀兰电话139 0375 2222房子漏雨半年了", "13903752222",
              name="王秀兰")
    reply = peer.text_sms(LEADER, "详情")
    assert no in reply
    assert "王秀兰" not in reply and "0375" not in reply
    assert "王*兰" in reply


def test_one_masking_for_every_text():
    directory = ["李建国", "王海燕"]
    story = "我姓王，叫王秀兰，身份证410423199001011234，电话１３９０３７５２２２２，找过李建国也没用"
    masked = mask_text(story, ["王秀兰", *directory])
    assert masked == "我姓王，叫王*兰，身份证410423********1234，电话139****2222，找过李*国也没用"
    assert redact("+86 139-0375-2222") == "139****2222"
    assert re.search(r"\d{11}", mask_text("13903752222", [])) is None


def test_a_failed_message_s_stored_error_has_no_number_in_clear(peer, services, db):
    """Issue 17, exposure 5: the traceback kept with a failed message is scrubbed like the logs."""
    from sqlalchemy import select

    from core.store.models import InboundMessage

    def boom(msg, _session):
        raise RuntimeError(f"could not handle {msg.sender}: 13903752222 said hello")
    services.before_handle = boom
    peer.text_sms("+8613903752222", "你好")
    db.rollback()
    row = db.scalars(select(InboundMessage)).one()
    assert row.status == "failed" and "could not handle" in row.error
    assert "13903752222" not in row.error and "139****2222" in row.error
