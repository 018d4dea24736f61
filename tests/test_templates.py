"""Texts through a domestic provider (issue 21): every purpose that has a template sends its
registered template with its parameters, within the provider's rules, and says what the full
sentence (Twilio, the console) says — or why it may not. Driven end to end: a villager petitions
by text through Tencent Cloud SMS's reply callback, the cadre works the case by text, and every
text we send goes to a local stub of Tencent's API that checks each request's TC3 signature."""
from __future__ import annotations

import re
import tomllib
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from peers.apis import TencentSmsApiStub
from core.store.models import OutboundMessage, Petition
from core.words import templates
from notifications.sms import TencentSms
from tests.test_cases import LIAISON, STAFF, case
from tests.test_checks import checking  # noqa: F401  (the fixture: the county keeps 日排查)
from tests.test_sms_tencent import WANG

ROOT = Path(__file__).resolve().parents[1]
COUNTY = tomllib.loads((ROOT / "examples" / "lushan.toml").read_text(encoding="utf-8"))["county"]


@pytest.fixture
def tencent_api(services):
    stub = TencentSmsApiStub()
    services.sms = TencentSms(stub.secret_id, stub.secret_key, stub.app_id, api_base=stub.base_url, timeout=3)
    yield stub
    stub.close()


def sent(db) -> list[OutboundMessage]:
    db.rollback()
    return list(db.scalars(select(OutboundMessage).where(OutboundMessage.channel == "sms").order_by(OutboundMessage.id)))


def test_a_case_worked_by_text_goes_out_as_registered_templates(tencent, tencent_api, peer, db, clock):
    for i, words in enumerate(("你好", "王有田", "下汤镇林楼村", "村口那座桥裂了条大缝，拖拉机都不敢过", "确认")):
        tencent(WANG, words, at=1764560000 + i)
    no = "LS-20261123-0001"
    assert case(db, no).unit.name == "下汤镇人民政府"
    clock.advance(minutes=20)
    tencent(LIAISON[3:], f"受理 {no}")
    tencent(LIAISON[3:], f"见面 {no} 到桥上看了")
    tencent(LIAISON[3:], f"延期 {no} 10 桥要等交通局的检测报告")
    tencent(STAFF[3:], f"批准延期 {no}")
    tencent(STAFF[3:], f"包案 {no} 刘卫东")
    tencent(LIAISON[3:], f"答复 {no} 已报县交通局，桥下周加固，加固前设了限行牌")
    tencent(LIAISON[3:], f"办结 {no}")

    rows = sent(db)
    by_purpose = {m.purpose: m for m in rows}
    checked = set()
    for m in rows:                                                          # every text that has a template
        t = templates.template_of(m.purpose)
        if t is None:
            continue
        assert m.status == "sent" and m.params, (m.purpose, m.status, m.error)
        assert templates.problems(m.purpose, m.params) == [], m.purpose
        assert alike(t, m.params, m.body), (m.purpose, t.render(m.params), m.body)
        checked.add(m.purpose)
    assert checked >= {"case_assigned", "case_accepted", "meet_check", "extension_request", "extension_approved",
                       "case_extended", "lead_set", "case_replied", "rating", "case_closed"}, checked
    got = {r["TemplateId"]: r for r in tencent_api.received}
    assigned = got[COUNTY["sms"]["templates"]["case_assigned"]]
    assert assigned["PhoneNumber"] == LIAISON and assigned["SignName"] == "鲁山县信访局"
    assert "+86" + WANG not in " ".join(assigned["TemplateParamSet"])      # the petitioner's number stays out
    assert WANG not in by_purpose["case_assigned"].body                    # … and of the text (WeCom puts it in)
    replied = got[COUNTY["sms"]["templates"]["case_replied"]]
    assert replied["TemplateParamSet"] == ["下汤镇人民政府", no] and replied["PhoneNumber"] == "+86" + WANG
    # the conversation's own answers went as its templates, the summary without the story
    answers = [m for m in rows if m.purpose == "reply" and m.to == "+86" + WANG]
    assert [m.params["t"] for m in answers] == ["ask_name", "ask_place", "ask_content", "summary", "submitted"]
    assert all(m.status == "sent" for m in answers)
    assert answers[3].params["v"] == ["王有田", "下汤镇林楼村"] and answers[4].params["v"] == [no]
    assert not any(m.purpose == "send_failed" for m in rows)                 # nothing refused


def test_a_frequency_limit_holds_a_text_for_later_and_loses_nothing(tencent, tencent_api, peer, db, services, clock):
    from notifications.outbox import deliver
    tencent_api.script.extend(["LimitExceeded.PhoneNumberThirtySecondLimit"] * 3)   # every text of the moment
    peer.text_sms(STAFF, "登记 走访 下汤镇林楼村 张三 13812345678 1 小区门口排水沟堵塞")   # the receipt: held
    [receipt] = [m for m in sent(db) if m.purpose == "receipt"]
    assert receipt.status == "queued" and "LimitExceeded" in receipt.error and receipt.next_attempt_at > clock.now()
    tencent_api.script.clear()                                             # half a minute on
    report = deliver(services.sessions, services.sms, [receipt.id], receipt.next_attempt_at + timedelta(seconds=1))
    assert report.sent == 1
    [receipt] = [m for m in sent(db) if m.purpose == "receipt"]
    assert receipt.status == "sent" and receipt.provider_id
    assert tencent_api.received[-1]["TemplateParamSet"][0] == "走访"


def test_every_purpose_with_a_template_has_its_id_in_the_example_county_and_no_id_is_for_nothing():
    registered = set(COUNTY["sms"]["templates"])
    assert registered == set(templates.TEMPLATES) | set(templates.OWN) | set(templates.CONVERSATION) | {"reply_other"}


def test_the_rules_refuse_what_a_carrier_would():
    assert templates.problems("case_closed", ["请访问 http://x.cn"]) == ["case_closed {1}: a link"]
    assert templates.problems("case_closed", ["13812345678"]) == ["case_closed {1}: a phone number"]
    assert templates.problems("case_closed", ["【鲁山】"]) == ["case_closed {1}: 【】"]
    assert templates.problems("case_closed", ["一" * 21]) == ["case_closed {1}: 21 characters, over 20"]
    assert templates.problems("console_code", ["1234567"]) == [
        "console_code {1}: a code of at most 6 digits, got 7 characters"]
    assert templates.problems("case_closed", ["LS-20261123-0001", "x"]) == ["case_closed: 2 values for 1 variables"]


def test_the_list_in_docs_channels_is_the_codes():
    """docs/channels.md's templates are the code's (regenerate: python3 -m core.words.templates)."""
    doc = (ROOT / "docs" / "channels.md").read_text(encoding="utf-8")
    for purpose, t in {**templates.TEMPLATES, **templates.OWN, **templates.CONVERSATION}.items():
        assert f"| `{purpose}` | {t.text} | {t.differs or ''} |" in doc, purpose
    assert "、".join(templates.missing()) in doc
    assert templates.missing() == []          # every purpose a text may have has its template


def test_every_template_is_one_a_provider_would_approve():
    """No 【】 in the words, no two variables side by side, each variable once, numbered in order."""
    for purpose, t in {**templates.TEMPLATES, **templates.OWN, **templates.CONVERSATION,
                       "reply_other": templates.REPLY_OTHER}.items():
        numbers = [int(n) for n in re.findall(r"\{(\d+)\}", t.text)]
        assert numbers == list(range(1, len(numbers) + 1)), purpose
        assert templates.problems(purpose, ["1" if t.code else "值"] * len(numbers)) == [], purpose


def test_the_sweeps_alerts_go_as_templates_too(tencent_api, peer, db, services, clock):
    """下汤镇 never accepts 张三's case, nor two more: the morning sweep's 超期 reaches the head by template."""
    from datetime import datetime

    from core.clock import SHANGHAI
    from tests.test_cases import submit, sweep_at
    no = submit(peer)
    for text in ("村口路灯坏了一个月", "垃圾堆在路边没人清运"):                   # two more: one text for the three
        submit(peer, who=f"o_{len(text)}", text=f"我是下汤镇林楼村的李四，{text}")
    sweep_at(services, datetime(2026, 11, 24, 9, 0, tzinfo=SHANGHAI))
    from notifications.outbox import deliver
    deliver(services.sessions, services.sms, None, datetime(2026, 11, 24, 9, 1, tzinfo=SHANGHAI))
    head = "+8613700000012"                                                # 下汤镇's head: 超期 goes to them
    [alert] = [m for m in sent(db) if m.purpose == "overdue" and m.to == head]
    assert alert.status == "sent", alert.error
    assert alert.params == {"t": "overdue_many", "v": ["3"]} and no in alert.body   # the full text lists them
    got = next(r for r in reversed(tencent_api.received) if r["PhoneNumber"] == head)
    assert got["TemplateId"] == COUNTY["sms"]["templates"]["overdue_many"] and got["TemplateParamSet"] == ["3"]


def test_the_daily_figures_reach_the_leaders_as_a_template(tencent_api, peer, db, services, clock):
    """The evening's 每日访情: a 县委书记 on a domestic provider gets the day's figures."""
    from datetime import datetime

    from core.clock import SHANGHAI
    from notifications.schedule import daily_digest
    peer.text_sms(STAFF, "登记 走访 下汤镇林楼村 王五 13912340000 6 村里六户的低保被取消了")
    daily_digest(services, datetime(2026, 11, 23, 20, 0, tzinfo=SHANGHAI))
    [to_leader] = [m for m in sent(db) if m.purpose == "daily_digest" and m.to == "+8613700000101"]
    assert to_leader.status == "sent", to_leader.error
    assert to_leader.params == {"t": "daily_digest", "v": ["11月21日至23日（周一）", "1", "6", "0", "0", "0"]}
    assert templates.problems("daily_digest", to_leader.params["v"]) == []
    [head] = [m for m in sent(db) if m.purpose == "daily_digest" and m.to == "+8613700000012"]   # 下汤镇's head
    assert head.params["t"] == "daily_digest_unit" and head.params["v"][:4] == ["下汤镇", "11月21日至23日（周一）", "1", "6"]
    got = next(r for r in reversed(tencent_api.received) if r["PhoneNumber"] == "+8613700000101")
    assert got["TemplateId"] == COUNTY["sms"]["templates"]["daily_digest"]


def test_an_answer_with_no_template_of_its_own_says_where_to_go_on(tencent, tencent_api, db):
    """王大爷 texts 帮助: the list of commands (with the hotline) has no template; he is told where to go on."""
    tencent(WANG, "帮助", at=1764560100)
    [m] = [m for m in sent(db) if m.purpose == "reply"]
    assert m.params == {"t": "reply_other", "v": []} and m.status == "sent"
    assert tencent_api.received[-1]["TemplateId"] == COUNTY["sms"]["templates"]["reply_other"]


def test_a_wechat_citizens_code_and_the_bureaus_failure_notice_go_as_templates(tencent_api, peer, db, services,
                                                                               clock):
    """刘桂花 leaves her number on WeChat; its code goes by template — and Tencent refuses the number
    as none: the bureau's notice of it comes by template too, the number masked."""
    peer.say("o_liu", "我是尧山镇上坪村的刘桂花，村里的路修了一半就停了")
    tencent_api.script.append("InvalidParameterValue.IncorrectPhoneNumber")
    peer.say("o_liu", "13812340099")
    [code] = [m for m in sent(db) if m.purpose == "verify_phone"]
    assert code.status == "failed" and code.params and code.params[0].isdigit() and len(code.params[0]) == 6
    from notifications.outbox import deliver
    deliver(services.sessions, services.sms, None, clock.now())            # the outbox's next round
    [told] = [m for m in sent(db) if m.purpose == "send_failed" and m.to == STAFF]
    assert told.status == "sent" and told.params == ["138****0099", "无", "运营商拒收"]
    assert tencent_api.received[-1]["TemplateId"] == COUNTY["sms"]["templates"]["send_failed"]


SAMPLES = {   # each notice's values as the use cases give them (see core.acts)
    "city_handed_down": {"city": "平顶山市"}, "city_case_answered": {"county": "宝丰县", "unit": "杨庄镇人民政府"},
    "receipt": {"how": "走访"}, "reassigned_away": {"unit": "尧山镇人民政府"}, "case_urged": {"milestone": "meet", "note": "请今天务必上门"},
    "case_supervised": {"city": "平顶山市", "due": None, "reason": "群众反映三次未见面"}, "case_accepted": {"unit": "下汤镇人民政府", "meet_by": None},
    "case_replied": {"unit": "下汤镇人民政府", "text": "已更换水泵，请您核实"}, "extension_approved": {"days": 10},
    "instruction": {"title": "县委书记", "leader": "陈国栋", "text": "请一周内见效"},
    "case_extended": {"days": 10, "reason": "需要水利站现场勘测"},
    "case_not_accepted": {"unit": "下汤镇人民政府", "reason": "已进入诉讼程序"}, "no_contact": {"unit": "县水利局"},
    "extension_request": {"unit": "下汤镇人民政府", "days": 10, "reason": "需要勘测"},
    "returned": {"unit": "下汤镇人民政府", "reason": "不属本镇管辖"},
    "not_accepted": {"unit": "下汤镇人民政府", "reason": "已进入诉讼程序"}, "review_requested": {"level": "review"},
    "evening_check_start": {"started_at": None}, "evening_check_end": {"started_at": None, "ended_at": None, "took": None},
    "evening_check_both": {"started_at": None, "ended_at": None, "took": None},
    "evening_denied": {"number": 3, "started_at": None}, "evening_resolved": {"agreement": True},
    "trip_warning": {"level": "beijing"}, "threat_warning": {"kind": "self_harm", "said": "再不给俺就到县政府门口喝农药"},
    "repeat_joined": {"original": "LS-20261120-0007"},
    "unsatisfied": {"text": "根本没人来看过"}, "progress": {"unit": "下汤镇人民政府", "text": "已完成加固"},
    "lead_set": {"lead": "刘卫东", "unit": "下汤镇人民政府", "due": None},
    "review_answered": {"level": "review", "text": "维持原处理意见"},
    "evening_selected": {"campaign": None, "lead": "刘卫东", "first": None},
    "evening_selected_lead": {"lead": "刘卫东", "unit": "下汤镇人民政府"},
    "evening_filed": {"first": None, "names": "李建国、王海燕、张三", "unit": "下汤镇人民政府"},
    "evening_filed_members": {"first": None, "names": "李建国、王海燕", "unit": "下汤镇人民政府"},
    "evening_unresolved": {"reason": "信访人不接受补偿标准"}, "evening_far": {"number": 2, "far_m": 850},
    "check_warning": {"unit": "尧山镇人民政府", "village": "上坪村", "people": 6, "matter": "征地补偿", "movement": "province"},
    "deadline_provisional": {"basis": "weekdays"},
}


def test_every_notice_template_fits_the_rules_and_says_what_its_sentence_says(peer, db, services, clock):
    """Each notice with a template, from the values its use case gives: within the carriers' rules,
    and the full sentence's words exactly, or a reason why not."""
    from handlers.notify import Outbox
    from core.words.officials import NOTICES
    from tests.test_cases import submit
    no = submit(peer)
    now = clock.now()
    with services.sessions() as s:
        p = s.scalars(select(Petition).where(Petition.tracking_no == no)).one()
        p.due_review, p.review_level = now + timedelta(days=30), "review"
        county, gazetteer = services.county(s.connection())
        ctx = Outbox(s, county, gazetteer, now)
        missing = []
        for purpose, t in templates.TEMPLATES.items():
            data = {k: (now if v is None and k != "took" else (timedelta(hours=2, minutes=5) if k == "took" else v))
                    for k, v in SAMPLES.get(purpose, {}).items()}
            values = t.params(ctx, p, **data)
            key = purpose
            if isinstance(values, dict):                                   # one of the purpose's variants
                key, values = values["t"], values["v"]
                t = templates.template_of(key)
            assert templates.problems(key, values) == [], (purpose, values)
            body = NOTICES[purpose](ctx, p, **data)
            if t.differs is None:
                assert t.render(values) == spaced(body), (purpose, t.render(values), body)
            else:   # it says less, never something else: each of its values is in the sentence
                missing.extend((purpose, v) for v in values if v not in spaced(body))
        s.rollback()
    assert missing == []


def spaced(text: str) -> str:
    from core.text import spaced_numbers
    return spaced_numbers(text)


def test_the_second_request_to_rate_is_its_template_word_for_word():
    from core.words.jobs import follow_up as question
    no = "LS-20261123-0001"
    assert templates.OWN["follow_up"].render([no]) == spaced(question(no))
    assert templates.problems("follow_up", [no]) == []


def test_a_text_whose_worker_died_is_answered_later_by_its_template(tencent, tencent_api, services, clock, db):
    """王大爷's first text reaches Tencent's callback just as the web process is killed: stored, not
    handled. The workers' minute handles it, and his answer goes late — as its template."""
    from bot.redeliver import redeliver
    from tests.conftest import killed_while_handling

    with killed_while_handling(services):
        tencent(WANG, "你好，我要反映个事", at=1764560000)
    assert sent(db) == []                                                   # nothing went: it was killed
    clock.advance(seconds=61)
    assert redeliver(services, clock.now()) == "重新处理待处理消息1条，完成1条"
    [late] = [m for m in sent(db) if m.to == "+86" + WANG]
    assert late.purpose == "late_reply" and late.params == {"t": "ask_name", "v": []}, late.params
    assert late.status == "sent" and tencent_api.received[-1]["TemplateId"] == COUNTY["sms"]["templates"]["ask_name"]
    tencent(WANG, "你好，我要反映个事", at=1764560000)                           # Tencent calls again: once
    assert len([m for m in sent(db) if m.to == "+86" + WANG]) == 1


@pytest.mark.usefixtures("checking")
def test_the_scheduled_jobs_and_a_call_back_go_as_templates(tencent, tencent_api, peer, db, services, clock):
    """A day of the bureau under a domestic provider: 日排查 asked and missed, a leader's 批示 whose
    进展 falls due, the week's analysis, 月考评, a photo WeChat no longer has, a villager who wants a
    person on the phone — each text its registered template, within the carriers' rules, saying
    what its full sentence says or where to read the rest."""
    from datetime import datetime

    from core.clock import SHANGHAI
    from notifications import media, schedule
    from tests.test_cases import submit

    no = submit(peer)
    peer.text_sms("+8613700000101", f"批示 {no} 请下汤镇抓紧解决群众吃水问题")        # 陈国栋, 县委书记
    tencent(WANG, "人工")                                                           # staff asked to call back
    at = lambda d, h, m=0: datetime(2026, 11, d, h, m, tzinfo=SHANGHAI)  # noqa: E731
    schedule.check_asks(services, at(23, 11, 35))
    schedule.check_misses(services, at(23, 12, 5))
    schedule.instruction_reminders(services, datetime(2026, 12, 4, 9, tzinfo=SHANGHAI))
    schedule._analysis_job("weekly")(services, at(30, 9))
    schedule.monthly_scores(services, datetime(2026, 12, 1, 9, tzinfo=SHANGHAI))
    media._tell_staff(services, [10_000], at(23, 15))
    services.deliver(None, datetime(2026, 12, 1, 9, 30, tzinfo=SHANGHAI))
    ids = COUNTY["sms"]["templates"]
    wanted = {"check_ask", "check_missed", "progress_due", "weekly_report", "monthly_scores", "media_failed", "call_back"}
    rows = [m for m in sent(db) if m.purpose in wanted]
    assert {m.purpose for m in rows} == wanted
    for m in rows:
        t = templates.template_of(m.purpose)
        assert m.status == "sent" and m.params, (m.purpose, m.error)
        assert templates.problems(m.purpose, m.params) == [], (m.purpose, m.params)
        assert alike(t, m.params, m.body), (m.purpose, t.render(m.params), m.body)
        got = next(r for r in tencent_api.received if r["TemplateParamSet"] == m.params and r["PhoneNumber"] == m.to)
        assert got["TemplateId"] == ids[m.purpose]
    by = {m.purpose: m for m in rows}
    assert by["call_back"].to == STAFF and "+86" + WANG in by["call_back"].body     # the full text: the number
    assert by["call_back"].params == ["短信访", WANG[:3] + "****" + WANG[-4:]]          # the template: masked
    assert by["progress_due"].params[0] == no and by["check_ask"].params[1].startswith("第1次")
    # the number in full is on the staff's 工作台, where the template says it is
    from core.store.models import Person
    from core.workplace.workbench import shelves
    db.rollback()
    staff = db.scalars(select(Person).where(Person.phone == STAFF)).one()
    [asked] = [sh for sh in shelves(db, staff, datetime(2026, 11, 24, 9, tzinfo=SHANGHAI)) if sh.key == "call_back"]
    assert "+86" + WANG in asked.rows[0][1]


def test_a_cadres_commands_and_a_villagers_questions_answered_as_templates(tencent, tencent_api, peer, db):
    """Under Tencent, what comes back is a template too: 李建国's 受理 says what was done to which
    case, his 帮助 the commands he uses most, his 待办 how many and the nearest, a command he got
    wrong where to read the answer; 王有田's 查询 where his case stands; a number not his gets the
    same answer as one that does not exist; and his 撤回 asks once and is done."""
    for i, words in enumerate(("你好", "王有田", "下汤镇林楼村", "村口那座桥裂了条大缝，拖拉机都不敢过", "确认")):
        tencent(WANG, words, at=1764560000 + i)
    db.rollback()
    no = db.scalars(select(Petition.tracking_no)).one()
    tencent(LIAISON[3:], f"受理 {no}", at=1764560100)
    tencent(LIAISON[3:], "帮助", at=1764560101)
    tencent(LIAISON[3:], "待办", at=1764560102)
    tencent(LIAISON[3:], "延期", at=1764560103)                              # no number: a format, as free text
    tencent(WANG, f"查询 {no}", at=1764560200)
    tencent(WANG, "查询 LS-20261123-0099", at=1764560201)
    tencent(WANG, f"撤回 {no}", at=1764560300)
    tencent(WANG, "确认撤回", at=1764560301)
    db.rollback()
    answers = [m for m in sent(db) if m.purpose == "reply"]
    cadre = [m.params for m in answers if m.to == LIAISON]
    assert cadre == [{"t": "official_done", "v": [no, "已受理，请按期见面"]}, {"t": "official_help", "v": []},
                     {"t": "official_todo", "v": ["1", no, "11月23日"]}, {"t": "official_other", "v": []}]
    citizen = [m.params for m in answers if m.to == "+86" + WANG][-4:]
    assert citizen == [{"t": "query_status", "v": [no, "责任单位已受理", "11月30日"]},
                       {"t": "query_not_found", "v": ["LS-20261123-0099"]},
                       {"t": "confirm_withdraw", "v": [no]}, {"t": "withdraw_done", "v": [no]}]
    ids = COUNTY["sms"]["templates"]
    for m in answers:
        assert m.status == "sent", (m.params, m.error)
        t = templates.template_of(m.params["t"])
        assert templates.problems(m.params["t"], m.params["v"]) == [], m.params
        assert alike(t, m.params["v"], m.body), (t.render(m.params["v"]), m.body)
        assert any(r["TemplateId"] == ids[m.params["t"]] and r["TemplateParamSet"] == m.params["v"]
                   for r in tencent_api.received)


def test_the_providers_limits_per_number_hold_a_text_until_there_is_room_and_never_give_up(tencent_api, db, services,
                                                                                              clock):
    """鲁山 told its file Tencent's limits (two texts a day to a number, for the story). 李建国's
    third text of the day waits — unsent, not an attempt — for the morning; and when Tencent
    refuses for a limit the county did not say, the text waits the same way, however often."""
    from core.clock import SHANGHAI, local
    from core.store.db import transaction
    from core.store.models import County
    from notifications.outbox import MAX_ATTEMPTS, deliver

    db.rollback()
    county = db.scalars(select(County)).one()
    county.options = {**county.options, "sms": {**county.options["sms"], "per_number": {"day": 2}}}
    db.commit()
    now = clock.now()
    with transaction(services.sessions) as s:
        ids = [OutboundMessage.enqueue(s, "sms", LIAISON, f"信访局已收回事项LS-20261123-000{i}，贵单位无需继续办理。",
                                       "taken_back", now, params=[f"LS-20261123-000{i}"]) for i in (1, 2, 3)]
    report = deliver(services.sessions, services.sms, ids, now)
    assert (report.sent, report.retry, report.failed) == (2, 1, 0) and len(tencent_api.received) == 2
    db.rollback()
    third = db.get(OutboundMessage, ids[2])
    assert third.status == "queued" and third.attempts == 0 and third.error.startswith("held")
    assert local(third.next_attempt_at) == datetime(2026, 11, 24, 8, 0, tzinfo=SHANGHAI)   # the next morning
    morning = now.replace(hour=8, minute=0) + timedelta(days=1)
    assert deliver(services.sessions, services.sms, [third.id], morning).sent == 1
    # Tencent says the number had enough today (its limit was lower than the file said)
    with transaction(services.sessions) as s:
        mid = OutboundMessage.enqueue(s, "sms", STAFF, "信访局已收回事项LS-20261123-0009，贵单位无需继续办理。",
                                      "taken_back", morning, params=["LS-20261123-0009"])
    for i in range(MAX_ATTEMPTS + 2):
        tencent_api.script.append("LimitExceeded.PhoneNumberDailyLimit")
        deliver(services.sessions, services.sms, [mid], morning + timedelta(days=i))
    db.rollback()
    row = db.get(OutboundMessage, mid)
    assert row.status == "queued" and row.attempts == 0 and "DailyLimit" in row.error     # held, never given up
    assert deliver(services.sessions, services.sms, [mid], morning + timedelta(days=MAX_ATTEMPTS + 3)).sent == 1


def test_an_operator_sees_what_the_county_file_still_lacks(tmp_path, services, caplog):
    """鲁山's file is complete; another county's lacks two ids and misspells one — the command says
    which (and fails), and so does the start under Tencent."""
    from click.testing import CliRunner

    from bot.app import create_app
    from bot.cli import main
    ok = CliRunner().invoke(main, ["sms-templates", "--county", str(ROOT / "examples" / "lushan.toml")])
    assert ok.exit_code == 0 and "每个模板都有ID" in ok.output and "official_done\t" in ok.output
    text = (ROOT / "examples" / "lushan.toml").read_text(encoding="utf-8")
    other = tmp_path / "other.toml"
    other.write_text(text.replace('receipt = "2100001"\n', "").replace("meet_check = ", "meet_chek = "), encoding="utf-8")
    bad = CliRunner().invoke(main, ["sms-templates", "--county", str(other)])
    assert bad.exit_code == 1 and "缺少模板ID（2" in bad.output and "meet_check、receipt" in bad.output
    assert "无对应模板的ID（1）：meet_chek" in bad.output
    # the start under Tencent, on a database whose county lacks one
    from sqlalchemy import update

    from core.store.models import County
    with services.engine.begin() as conn:
        options = conn.scalar(select(County.options))
        conn.execute(update(County).values(options={**options, "sms": {**options["sms"], "templates": {
            k: v for k, v in options["sms"]["templates"].items() if k != "receipt"}}}))
    services.sms = TencentSms("AKIDstub", "key", "1400000001", api_base="http://127.0.0.1:9")
    with caplog.at_level("WARNING"):
        create_app({"SERVICES": services, "TESTING": True})
    assert "their texts will fail: receipt" in caplog.text


def test_a_villager_who_answers_the_village_question_with_a_question_is_asked_again(tencent, tencent_api, db):
    """老赵 says it all at once, and to "哪个村" answers "你们啥时候来人": that is no village — his
    question is kept with his words, the village asked again (as its template), and the place
    filed is his street, not his question."""
    for i, words in enumerate(("俺是鲁阳街道的老赵，俺们小区的暖气到现在还不热，物业也不管，俺家里有八十多岁的老人冻得不行",
                               "你们啥时候来人", "不清楚", "确认")):
        tencent("13911112222", words, at=1764562000 + i)
    db.rollback()
    answers = [m.params for m in sent(db) if m.to == "+8613911112222" and m.purpose == "reply"]
    assert [a["t"] for a in answers] == ["ask_village", "ask_village", "summary", "submitted"]
    assert answers[2]["v"] == ["老赵", "鲁阳街道"]                        # the place: his street, not his question
    p = db.scalars(select(Petition)).one()
    assert p.village_id is None and p.township.name == "鲁阳街道" and "暖气" in p.content


def alike(t: templates.Template, values: list[str], body: str) -> bool:
    """A template says what its sentence says: word for word, or — where its entry says why it
    differs — with every one of the sentence's values in it (it says less, never something else)."""
    if t.differs is None:
        return t.render(values) == spaced(body)
    return all(v in spaced(body) for i, v in enumerate(values, 1) if i not in t.own_words)


def said_alike(t: templates.Template, said) -> bool:
    return alike(t, list(said.values), said)


def test_every_answer_of_the_conversation_carries_its_template_and_values():
    """Each answer a citizen may get by text names its template and carries its values (no answer is
    read back by its shape): rendered both ways from the same values, they agree."""
    from datetime import date

    from core.words import citizens as texts
    no = "LS-20261204-0007"
    said = [texts.ask_name("sms"), texts.ask_name("sms", greeting=False), texts.ask_content("sms"),
            texts.ask_place(["下汤镇", "张官营镇", "梁洼镇", "城关镇"]), texts.place_not_found(["下汤镇", "梁洼镇"]),
            texts.choose_place(["下汤镇林楼村", "梁洼镇林楼村"]), texts.ask_village("下汤镇"),
            texts.place_not_in_city("郏县", ["鲁山县", "宝丰县"], "0375-2661234"),
            texts.met_recorded(no, True), texts.met_recorded(no, False), texts.rated(no, "basic"),
            texts.rated_unsatisfied(no, datetime(2027, 1, 3, 23, 59)), texts.WHY_NOTED, texts.ANSWER_MET,
            texts.ANSWER_VISIT, texts.VISIT_ANSWER_THANKS, texts.VISIT_CONFIRMED, texts.VISIT_DENIED,
            texts.confirm_withdraw(no, "水泵坏了三天没水"), texts.withdrawn(no), texts.ANSWER_WITHDRAW,
            texts.closed_case(no, "已办结"), texts.supplement_added(no), texts.SAY_MORE,
            texts.summary("sms", "王秀英", None, False, "下汤镇林楼村", "水泵坏了三天没水", 0, False),
            texts.added_to_draft(), texts.confirm_or_add(), texts.submitted(no, "sms", False), texts.ASK_MATTER,
            texts.case_ahead(no, "下汤镇人民政府", "于12月7日前", "于12月21日前"),
            texts.case_ahead(no, "下汤镇人民政府", None, "在今天（12月21日）内"), texts.case_ahead(no, None, None, "尽快"),
            texts.withdraw_how(no), texts.supplement_how(no),
            texts.submitted(no, "sms", False, later=texts.receipt_day_note(date(2026, 12, 7), date(2026, 12, 4)))]
    assert {s.key for s in said} == set(templates.CONVERSATION)
    for s in said:
        t = templates.template_of(s.key)
        assert templates.problems(s.key, list(s.values)) == [], s.key
        assert said_alike(t, s), (s.key, t.render(list(s.values)), str(s))
    # words joined to others are no longer the template's: they go as the one that says where to read
    assert not hasattr(texts.VOICE_KEPT_UNRECOGNISED + texts.SAY_MORE, "key")
    assert texts.SAY_MORE.after(texts.STORY_NOTED).key == "say_more"
