"""日排查日报告 (issue 19, 18; seed 003): each township checks its area every day and reports
twice a day; a township that does not report is asked once, then recorded for its score; what
was reported, and who did not report, goes into the daily 访情 and 详情 — through the signed SMS
webhook, the scheduler's tick and a settable clock."""
from datetime import datetime

import pytest
from sqlalchemy import func, select

from core.clock import SHANGHAI
from core.county import CountyFileError, parse_county_file
from core.reports.scores import month_scores
from core.rules import ScoreRules
from core.store.models import County, DailyCheck, ScoreEvent
from notifications.schedule import JOBS, tick
from tests.conftest import county_file_with
from tests.test_case_paths import HEAD, LEADER
from tests.test_cases import LIAISON, OTHER_UNIT, STAFF
from tests.test_evenings import texts_to

WATER = "+8613700000031"        # 孙丽, 县水利局 liaison: a department, not a township
CHECKS = tuple(j for j in JOBS if j.name in ("check_asks", "check_misses"))
DIGEST = tuple(j for j in JOBS if j.name == "daily_digest")


def at(hh, mm=0, d=23):
    return datetime(2026, 11, d, hh, mm, tzinfo=SHANGHAI)


@pytest.fixture
def checking(db, services):
    """The county keeps the practice, at the default times (11:30 and 17:00, 30 minutes' grace)."""
    db.rollback()
    county = db.scalars(select(County)).one()
    county.options = {**county.options, "daily_checks": {}}
    db.commit()
    services._gazetteer = None


def liaisons() -> dict[str, str]:
    """Each township's liaison in the example county, by unit code."""
    from core.county import parse_county_file
    from tests.conftest import EXAMPLE
    county = parse_county_file(EXAMPLE)
    towns = {u["code"] for u in county["units"] if u["kind"] == "township"}
    return {p["unit"]: p["phone"] for p in county["people"] if p["role"] == "liaison" and p["unit"] in towns}


def everyone_else_reports(peer, clock, when, but: set[str]) -> None:
    clock.set(when)
    for code, phone in liaisons().items():
        if code not in but:
            assert "无新情况。谢谢！" in peer.text_sms(phone, "排查 无新情况"), code


def test_a_day_of_reports_asks_and_misses(checking, peer, db, clock, services, sms_out):
    # the morning: 18 of the 22 townships report nothing new; 磙子营乡 and 鲁阳街道 never do
    everyone_else_reports(peer, clock, at(8, 40), but={"xiatang", "yaoshan", "guntziying", "luyang"})
    # 09:05 下汤镇's liaison: nothing new
    clock.set(at(9, 5))
    assert peer.text_sms(LIAISON, "排查 无新情况") == "已收到下汤镇11月23日第1次（11:30）日排查报告：无新情况。谢谢！"
    # 10:40 尧山镇's liaison found three households planning to go to the province
    clock.set(at(10, 40))
    reply = peer.text_sms(OTHER_UNIT, "排查 上坪村 三户 征地补偿款一直没到位，扬言明天去省里上访")
    assert "上坪村3人" in reply and "拟赴省上访" in reply and "已报信访局" in reply, reply
    warning = [b for b in texts_to(sms_out, STAFF) if "【预警】" in b]
    assert warning == ["【预警】尧山镇日排查：上坪村3人，征地补偿款一直没到位，扬言明天去省里上访（拟赴省上访）。请即研判、稳控化解。"]
    # what is not a report changes nothing
    for who, text, said in ((OTHER_UNIT, "排查 上坪村 征地", "日排查请这样报告"),
                            (OTHER_UNIT, "排查 老王家 3 吵架", "日排查请这样报告"),
                            (WATER, "排查 无新情况", "由各乡镇（街道）报告"),
                            (STAFF, "排查 无新情况", "由各乡镇（街道）报告")):
        assert said in peer.text_sms(who, text), text
    db.rollback()
    assert db.scalar(select(func.count()).select_from(DailyCheck)) == 20
    # 11:30: the two townships that said nothing are asked, each through its liaison
    assert [r for _, _, r in tick(services, at(11, 30), CHECKS)] == ["日排查第1次（11:30）：催报2条"]
    assert "【日排查】磙子营乡今日第1次（11:30）排查情况尚未报告" in texts_to(sms_out, liaisons()["guntziying"])[-1]
    # 12:00: the round closes; both are recorded for the score, and the bureau is told in one text
    assert [r for _, _, r in tick(services, at(12, 0), CHECKS)] == ["日排查第1次（11:30）：未报2个"]
    assert tick(services, at(12, 5), CHECKS) == []                        # once a round
    assert "【日排查】11月23日第1次（11:30）未按时报告：磙子营乡、鲁阳街道，已记入月考评。" in texts_to(sms_out, STAFF)
    # the afternoon: 尧山镇 and the others report; 下汤镇 forgets and is asked at 17:00, answers within the grace
    everyone_else_reports(peer, clock, at(15, 0), but={"xiatang", "yaoshan", "guntziying", "luyang"})
    clock.set(at(16, 50))
    assert "第2次（17:00）" in peer.text_sms(OTHER_UNIT, "排查：无")
    tick(services, at(17, 0), CHECKS)
    assert texts_to(sms_out, LIAISON)[-1] == ("【日排查】下汤镇今日第2次（17:00）排查情况尚未报告，请回复：排查 无新情况；"
                                             "或 排查 村 人数 事由 [动向]")
    assert not any("【日排查】" in b for b in texts_to(sms_out, OTHER_UNIT))   # it had reported
    clock.set(at(17, 12))
    assert "第2次（17:00）日排查报告：无新情况" in peer.text_sms(LIAISON, "排查 无新情况")
    # 17:30: the daily 访情 says who did not report and what was found; 详情 has the finding
    tick(services, at(17, 30), DIGEST + CHECKS)
    county = [b for b in texts_to(sms_out, LEADER) if b.startswith("【每日访情】")][-1]
    assert "日排查22个乡镇，2个未按时报告（磙子营乡、鲁阳街道），排查发现1起3人（拟越级或到县1起）" in county, county
    silent = [b for b in texts_to(sms_out, "+8613710002002") if b.startswith("【每日访情·磙子营乡】")]   # 白玉洁
    assert len(silent) == 1 and "日排查第1次（11:30）、第2次（17:00）未报告" in silent[0], silent
    assert not any(b.startswith("【每日访情") for b in texts_to(sms_out, HEAD))   # 下汤镇 had nothing to be told
    clock.set(at(17, 40))
    details = peer.text_sms(LEADER, "详情")
    while "下一页" in details and "预警 尧山镇" not in details:
        details += peer.text_sms(LEADER, "下一页")
    assert "预警 尧山镇 上坪村3人：征地补偿款一直没到位，扬言明天去省里上访（拟赴省）" in details, details
    # the misses are in the month's score
    db.rollback()
    assert sorted(db.scalars(select(ScoreEvent.note).where(ScoreEvent.kind == "check_missed"))) == [
        "11月23日第1次日排查未报告", "11月23日第1次日排查未报告", "11月23日第2次日排查未报告", "11月23日第2次日排查未报告"]
    ranked = {u.unit: u for u in month_scores(db, 2026, 11, ScoreRules())}
    assert ranked["磙子营乡人民政府"].by_kind == {"check_missed": -2} and ranked["下汤镇人民政府"].score == 100
    # a report made after the day's last round counts for tomorrow's first
    clock.set(at(20, 15))
    assert "已收到下汤镇11月24日第1次（11:30）" in peer.text_sms(LIAISON, "排查 林楼村 2 邻里宅基地纠纷，已调解")


def test_a_county_without_the_practice_is_not_asked_and_not_scored(peer, db, clock, services, sms_out):
    clock.set(at(10))
    assert "未实行日排查日报告" in peer.text_sms(LIAISON, "排查 无新情况")
    assert tick(services, at(12, 0), CHECKS) == []
    db.rollback()
    assert db.scalars(select(ScoreEvent)).all() == [] and db.scalars(select(DailyCheck)).all() == []


@pytest.mark.parametrize("body, message", [('report_at = ["17:00", "11:30"]', "in order"),
                                           ('report_at = "11:30"', "a list"),
                                           ("grace_minutes = -5", "grace_minutes"),
                                           ("when = 1", "unknown setting when")])
def test_the_county_s_daily_checks_table_is_checked(tmp_path, body, message):
    with pytest.raises(CountyFileError, match=message):
        parse_county_file(county_file_with(tmp_path, "daily_checks", body))


def test_cadres_report_in_their_own_words(checking, peer, db, clock):
    """What a township cadre actually sends: an all-clear in dialect, a family with no count, a
    worry that is not an all-clear."""
    clock.set(at(9))
    assert "无新情况。谢谢！" in peer.text_sms(LIAISON, "排查：俺村没啥事")
    assert "无新情况。谢谢！" in peer.text_sms(OTHER_UNIT, "排查 今天一切平稳，无异常")
    reply = peer.text_sms(LIAISON, "排查 林楼村 张三家 要去县里讨说法")
    assert "林楼村，张三家 要去县里讨说法（拟到县上访）" in reply, reply
    assert "请这样报告" in peer.text_sms(LIAISON, "排查 林楼村")                    # nothing said about it
    reply = peer.text_sms(LIAISON, "排查 林楼村 有不稳定苗头")                       # not an all-clear
    assert "无新情况" not in reply and "林楼村，有不稳定苗头" in reply, reply
    db.rollback()
    rows = db.scalars(select(DailyCheck).order_by(DailyCheck.id)).all()
    assert [(r.nothing_new, r.people, r.movement) for r in rows] == [(True, None, None), (True, None, None),
                                                                      (False, None, "county"), (False, None, None)]
