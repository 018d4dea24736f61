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


# --- nobody can make the bureau text a number at will (issue 17, exposure 4) ----------------------

VICTIM = "+8613812340000"


def codes_to(sms_out, phone=VICTIM) -> list[str]:
    return [re.search(r"验证码是(\d{6})", body).group(1) for to, body in sms_out.sent
            if to == phone and "验证码是" in body]


def test_resending_again_and_again_texts_the_number_once_a_minute_and_five_times_a_day(peer, clock, sms_out):
    peer.say("o_prankster", "我是下汤镇林楼村的张三，小区水泵坏了三天没水")
    assert "验证码" in peer.say("o_prankster", "13812340000")
    for _ in range(10):                                    # "验证" as fast as the thumb goes
        reply = peer.say("o_prankster", "验证")
        assert "秒后" in reply and "不受影响" in reply
    assert len(codes_to(sms_out)) == 1
    for _ in range(4):                                     # a minute apart: four more today …
        clock.advance(minutes=1, seconds=1)
        assert "发送短信验证码" in peer.say("o_prankster", "验证")
    clock.advance(minutes=2)
    assert "明天再试" in peer.say("o_prankster", "验证")   # … and no sixth
    assert len(codes_to(sms_out)) == 5
    # another account cannot start again on the same number today
    peer.say("o_accomplice", "我是下汤镇林楼村的李四，路灯坏了")
    assert "明天再试" in peer.say("o_accomplice", "13812340000")
    assert len(codes_to(sms_out)) == 5
    clock.advance(days=1)                                  # a new day: the number may be proven again
    assert "发送短信验证码" in peer.say("o_prankster", "验证")
    assert "验证成功" in peer.say("o_prankster", codes_to(sms_out)[-1])


def test_wrong_answers_count_across_resends(peer, clock, sms_out):
    peer.say("o_guesser", "我是下汤镇林楼村的张三，小区水泵坏了三天没水")
    peer.say("o_guesser", "13812340000")
    for guess in ("111111", "222222", "333333"):
        assert "不正确" in peer.say("o_guesser", guess)
    clock.advance(minutes=2)
    assert "发送短信验证码" in peer.say("o_guesser", "验证")      # a fresh code …
    for guess in ("444444", "555555"):
        assert "不正确" in peer.say("o_guesser", guess)
    right = codes_to(sms_out)[-1]
    assert "明天再试" in peer.say("o_guesser", right)              # … but not five fresh tries
