"""扬言 预警 (issue 28, 2): a petitioner who threatens to harm themselves or others, to block a road
or a government gate, or to go above the county — in the opening, a 补充 or any later message, on
every channel — has the case marked at once; the bureau's staff and the unit's head get a 【预警】
(never one the petition accuses), the case stands on the 工作台's 预警 shelf and first in the day's
访情, and the person is answered calmly with the bureau's hotline. Sentences that only sound like a
threat (a poisoned cow) warn nobody. Through the real webhooks, at the settable clock (Monday
2026-11-23, 10:00)."""
from __future__ import annotations

import re
from datetime import timedelta

from core.cases import threats
from core.store.models import PetitionEvent
from sqlalchemy import select
from tests.test_accusations import file, sent_to
from tests.test_cases import STAFF, case
from tests.test_recusal_matter import console
from tests.test_templates import tencent_api  # noqa: F401  (the fixture: Tencent Cloud SMS's API stub)
from tests.threat_sentences import LOOKALIKES, THREATS

WU = "o_wu_laohan"                 # 吴老汉, on WeChat
ZIRAN_HEAD = "+8613710005302"      # 温雅琴, head of 县自然资源局 (examples/lushan.toml)
XIATANG_HEAD = "+8613700000012"    # 王海燕, head of 下汤镇 and its party secretary
ZHUJIAN_HEAD = "+8613710005102"    # 段红霞, head of 县住房和城乡建设局
LEADER = "+8613700000101"          # 陈国栋, a county leader: reads the county's 访情
HOTLINE = "0375-5051234"           # the bureau's, from the county file
CARE = "请您务必保重身体"


def warnings(sms_out) -> list[tuple[str, str]]:
    return [(to, body) for to, body in sms_out.sent if body.startswith("【预警】")]


def warning_shelf(app, sms_out, phone: str = STAFF) -> str:
    """The 预警 shelf of someone's 工作台."""
    page = console(app, sms_out, phone).get("/console/").get_data(as_text=True)
    return re.search(r'id="shelf-warnings".*?</section>', page, re.S).group(0)


def the_day(services, sms_out, to: str) -> str:
    """The day's 访情 as ``to`` reads it, sent at 17:30."""
    from notifications.schedule import daily_digest
    daily_digest(services, services.clock.now().replace(hour=17, minute=30))
    return [body for who, body in sms_out.sent if who == to and body.startswith("【每日访情")][-1]


def test_every_threat_is_heard_as_its_kind_and_no_lookalike_is_heard():
    """tests/threat_sentences.py (bench/threats.py measures the same): no miss, no false alarm."""
    heard = [(text, kind, threats.heard(text)) for text, kind in THREATS]
    assert [(text, kind, got and got.kind) for text, kind, got in heard if got is None or got.kind != kind] == []
    assert [(text, threats.heard(text)) for text in LOOKALIKES if threats.heard(text) is not None] == []


def test_a_wechat_petition_that_threatens_poison_is_warned_at_once_shelved_and_first_in_the_day(
        peer, db, sms_out, app, services):
    """吴老汉's compensation for his requisitioned land has been held back three years; his first
    message says he will drink pesticide at the county government's gate. He is answered calmly
    with the hotline; when he confirms, the bureau and 自然资源局's head get a 【预警】 with his
    words, the case is on the 预警 shelf and leads the day's 访情."""
    reply = peer.say(WU, "我是下汤镇林楼村的吴老汉，村里征地补偿款被扣了三年，再不给俺就到县政府门口喝农药")
    assert reply.startswith("您的心情我们理解") and CARE in reply and HOTLINE in reply
    # nothing filed yet, and he may never file: the bureau's staff hear of it at once all the same
    [(to, first)] = warnings(sms_out)
    assert to == STAFF and first.startswith("【预警】有群众通过微信访扬言轻生：“") and "尚未形成事项" in first, first
    before = len(sms_out.sent)
    no = file(peer, WU, "13812340055", "13812340055", name="吴老汉")
    p = case(db, no)
    assert (p.threat, p.unit.name) == ("self_harm", "县自然资源局")
    warned = [(to, body) for to, body in sms_out.sent[before:] if body.startswith("【预警】")]
    assert sorted(to for to, _ in warned) == sorted([STAFF, ZIRAN_HEAD])
    assert all(f"【预警】{no}（下汤镇，1人）信访人扬言轻生" in body and "喝农药" in body for _, body in warned), warned
    [event] = db.scalars(select(PetitionEvent).where(PetitionEvent.petition_id == p.id,
                                                     PetitionEvent.kind == "warning")).all()
    assert event.text == "预警：信访人扬言轻生：再不给俺就到县政府门口喝农药"

    shelf = warning_shelf(app, sms_out)
    assert no in shelf and "扬言轻生" in shelf
    assert no in warning_shelf(app, sms_out, ZIRAN_HEAD)                 # his unit's head sees it too
    day = the_day(services, sms_out, LEADER)
    assert re.match(rf"【每日访情】11月21日至23日（周一）鲁山县：预警1件（{no} 扬言轻生）；到县访", day), day


def test_an_sms_petitioner_who_threatens_later_is_warned_of_once_a_day_unless_graver(
        tencent, tencent_api, db, clock):
    """王有田 files by text through Tencent Cloud SMS. An hour later, in a 补充, he says the whole
    village will block the national road: the case is marked, the bureau and 下汤镇's head get the
    threat_warning template, he gets threat_care. Said again two hours on, it is kept with the case
    but warns nobody again; poison is graver and warns at once; the road again a day on warns again."""
    from tests.test_sms_tencent import WANG
    from tests.test_templates import COUNTY
    ids, his = COUNTY["sms"]["templates"], "+86" + WANG

    def sent(template: str) -> list[tuple[str, list]]:
        return [(r["PhoneNumber"], r["TemplateParamSet"]) for r in tencent_api.received
                if r["TemplateId"] == ids[template]]

    for words in ("你好", "王有田", "下汤镇林楼村", "村口那座桥裂了条大缝，拖拉机都不敢过", "确认"):
        tencent(WANG, words)
        clock.advance(seconds=20)
    [no] = {r["TemplateParamSet"][0] for r in tencent_api.received if r["TemplateId"] == ids["submitted"]}
    assert case(db, no).threat is None and sent("threat_warning") == [] and sent("threat_care") == []

    clock.advance(hours=1)
    tencent(WANG, f"补充 {no}")
    tencent(WANG, "桥再不修，俺们全村就去把国道堵了")
    assert case(db, no).threat == "blocking"
    assert sorted(to for to, _ in sent("threat_warning")) == sorted([STAFF, XIATANG_HEAD])
    assert all(values[0] == no and values[3] == "堵路堵门" for _, values in sent("threat_warning"))
    assert sent("threat_care") == [(his, [])]

    clock.advance(hours=2)
    tencent(WANG, "俺说到做到，明天就去堵路")
    assert len(sent("threat_warning")) == 2 and len(sent("threat_care")) == 2   # calmed again, nobody warned again
    clock.advance(hours=1)
    tencent(WANG, "再没人管俺就喝药死给你们看")
    assert case(db, no).threat == "self_harm"
    assert [values[3] for _, values in sent("threat_warning")][2:] == ["轻生", "轻生"]
    clock.advance(days=1)
    tencent(WANG, "俺们明天去堵国道")
    assert [values[3] for _, values in sent("threat_warning")][4:] == ["堵路堵门", "堵路堵门"]
    assert case(db, no).threat == "self_harm"                             # marked with the gravest
    told = db.scalars(select(PetitionEvent.text).where(PetitionEvent.petition_id == case(db, no).id,
                                                       PetitionEvent.kind == "warning")).all()
    assert told == ["预警：信访人扬言堵路堵门：俺们全村就去把国道堵了", "预警：信访人扬言堵路堵门：明天就去堵路",   # every one kept
                    "预警：信访人扬言轻生：再没人管俺就喝药死给你们看", "预警：信访人扬言堵路堵门：俺们明天去堵国道"]


def test_the_head_a_petition_accuses_is_never_warned_nor_told_the_words(peer, db, sms_out, app, services, clock):
    """刘桂花 reports 下汤镇's party secretary 王海燕, head of the township, for giving her housing
    subsidy to a relative, and says she will drink poison at the township's gate. The case is held
    for the bureau: only staff are warned. Handed to 住建局, a threat two days on warns staff and
    住建局's head — never 王海燕, in no text, on no shelf, in no 访情 she reads."""
    no = file(peer, "o_liuguihua", "我是下汤镇林楼村的刘桂花，下汤镇党委书记王海燕把俺家的危房改造补贴给了她亲戚，"
                                   "再不给俺就去镇政府门口喝药", "13812349999", name="刘桂花")
    assert case(db, no).accusation and case(db, no).threat == "self_harm"
    # staff alone: told of the threat as she wrote it (no case yet), then of the case it is in
    assert [to for to, _ in warnings(sms_out)] == [STAFF, STAFF]
    assert "尚未形成事项" in warnings(sms_out)[0][1] and "王海燕" not in warnings(sms_out)[0][1]
    assert "已将" in peer.text_sms(STAFF, f"交办 {no} 县住房和城乡建设局")
    clock.advance(days=2)
    reply = peer.say("o_liuguihua", "说了多少回都不管，明天俺就去县政府门口跳楼")
    assert CARE in reply
    assert sorted(to for to, _ in warnings(sms_out)) == sorted([STAFF, STAFF, STAFF, ZHUJIAN_HEAD])
    assert no in warning_shelf(app, sms_out, ZHUJIAN_HEAD)
    assert no not in warning_shelf(app, sms_out, XIATANG_HEAD)
    the_day(services, sms_out, LEADER)
    to_her = sent_to(sms_out, XIATANG_HEAD)
    assert not any(no in body or "喝药" in body or "跳楼" in body or "刘桂花" in body for body in to_her), to_her


def test_a_cow_that_drank_pesticide_warns_nobody(peer, db, sms_out, app):
    """吴老汉's cow drank pesticide and died: a matter of compensation, not a threat."""
    reply = peer.say(WU, "我是下汤镇林楼村的吴老汉，俺家牛喝了农药中毒死了，卖农药的不给赔")
    assert CARE not in reply
    no = file(peer, WU, "13812340055", "13812340055", name="吴老汉")
    assert case(db, no).threat is None and warnings(sms_out) == []
    assert no not in warning_shelf(app, sms_out)


def test_a_trip_warned_of_before_the_migration_is_on_the_shelf_as_one(peer, db, db_url, sms_out, app):
    """Migration 0032: a case warned of an announced trip before it (a 'warning' event, no mark) is
    marked 越级 from the day of its warning, and stands on the 预警 shelf; downgrading drops the
    two columns with the cases in place."""
    from alembic import command
    from sqlalchemy import update

    from core.store.db import alembic_config, migrate
    from core.store.models import Petition
    no = file(peer, WU, "我是下汤镇林楼村的吴老汉，村里征地补偿款被扣了三年，俺们五个代表明天想去县里上访",
              "13812340055", name="吴老汉")
    warned_at = case(db, no).threat_at
    assert case(db, no).threat == "trip" and warned_at is not None
    db.execute(update(Petition).where(Petition.tracking_no == no).values(threat=None, threat_at=None))
    db.commit()
    command.downgrade(alembic_config(db_url), "0031")
    migrate(db_url, "head")
    db.rollback()
    assert (case(db, no).threat, case(db, no).threat_at) == ("trip", warned_at)
    shelf = warning_shelf(app, sms_out)
    assert no in shelf and "扬言越级上访" in shelf


def test_a_threat_with_nothing_filed_reaches_the_bureau_with_the_number_to_ring(peer, db, sms_out, app):
    """A man texts only that he does not want to live, and says no more: no case, perhaps never one.
    The bureau's staff get a 【预警】 at once with his number, it waits on the 工作台's 回电请求, and
    he is answered calmly with the hotline. Saying it again that day does not text them again; a
    (A trip announced before filing waits for its case: the case's 【预警】 names it.)"""
    phone = "+8613812340077"
    reply = peer.text_sms(phone, "俺不想活了 俺也不知道该找谁")
    assert CARE in reply or any(CARE in body for to, body in sms_out.sent if to == phone)
    [(to, body)] = warnings(sms_out)
    assert to == STAFF and "扬言轻生" in body and "尚未形成事项" in body and "13812340077" in body, body
    peer.text_sms(phone, "真不想活了")
    assert len(warnings(sms_out)) == 1                                   # once a day
    shelf = console(app, sms_out, STAFF).get("/console/").get_data(as_text=True)
    assert "回电请求" in shelf and "13812340077" in shelf


def test_numbers_run_into_a_threat_are_never_quoted_in_clear(peer, db, sms_out):
    """吴老汉 speaks into his phone and the voice input runs it together: his ID number, his
    mobile and the threat in one clause. The bureau and the unit's head are warned with his words —
    but neither number is quoted in clear, in the 【预警】 nor in the case's warning."""
    story = "我是下汤镇林楼村的吴老汉身份证410423195803021234电话13812340055再不给补偿款俺就喝农药"
    no = file(peer, WU, story, "13812340055", name="吴老汉")
    p = case(db, no)
    assert p.threat == "self_harm"
    warned = warnings(sms_out)
    assert STAFF in {to for to, _ in warned} and len({to for to, _ in warned}) == 2   # the bureau, and the unit's head
    for _, body in warned:
        assert "410423195803021234" not in body and "13812340055" not in body, body
        assert "喝农药" in body
    [event] = db.scalars(select(PetitionEvent).where(PetitionEvent.petition_id == p.id,
                                                     PetitionEvent.kind == "warning")).all()
    assert "喝农药" in event.text and "410423195803021234" not in event.text and "13812340055" not in event.text


def test_a_threat_about_the_open_case_marks_it_and_is_answered_from_it(peer, db, sms_out):
    """吴老汉 filed on WeChat; days later, nothing done yet, he writes only that he has said it many
    times and will jump from a building tomorrow. That is about his open case: it is marked 扬言轻生
    and the bureau and the unit's head warned at once, he is answered calmly with the hotline and
    told who handles it and by when — no new intake with his threat as its matter."""
    from core.store.models import Petition
    no = file(peer, WU, "我是下汤镇林楼村的吴老汉，村里征地补偿款被扣了三年", "13812340055", name="吴老汉")
    before = len(sms_out.sent)
    reply = peer.say(WU, "说了多少回都不管，明天俺就去跳楼")
    assert CARE in reply and HOTLINE in reply and no in reply and "怎么称呼" not in reply, reply
    db.rollback()
    assert case(db, no).threat == "self_harm"
    assert len(db.scalars(select(Petition)).all()) == 1
    warned = [(to, body) for to, body in sms_out.sent[before:] if body.startswith("【预警】")]
    assert sorted(to for to, _ in warned) == sorted([STAFF, ZIRAN_HEAD]) and all("跳楼" in b for _, b in warned), warned
    # by SMS alike, and the next words start no intake either: a new matter still does
    phone = "+8613812340066"
    for words in ("我是下汤镇林楼村的王大嫂，俺家门口的排水沟堵死了，一下雨就淹", "确认"):
        peer.text_sms(phone, words)
    reply = peer.text_sms(phone, "恁们到底管不管 再拖俺就去县政府门口跪着")
    assert "怎么称呼" not in reply and "LS-" in reply, reply
    reply = peer.text_sms(phone, "俺村的路又叫拉煤车压塌了 再不修俺就去跳楼")
    assert "LS-" not in reply, reply
