"""月考评 (issue 5): misses and bonuses recorded by the other parts, weighed by the county's rule
table; the monthly ranking (first praised, last and under 80 named), the year's total, and the
ranking text on the first working day of the month."""
from datetime import datetime

import pytest
from click.testing import CliRunner
from sqlalchemy import select, update

from bot.cli import main
from core.clock import SHANGHAI
from core.county import CountyFileError, parse_county_file
from core.store.db import transaction
from core.store.models import County, OutboundMessage, Person, Petition, ScoreEvent, Unit
from core.reports.scores import month_scores
from core.rules import ScoreRules
from notifications.report_text import ranking_text
from notifications.schedule import JOBS, tick
from tests.conftest import county_file_with
from tests.test_cases import LIAISON, STAFF, submit, sweep_at


def at(y, m, d, hh=10, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)


def unit_id(db, code) -> int:
    db.rollback()
    return db.scalar(select(Unit.id).where(Unit.code == code))


def add_points(services, rows) -> None:
    with transaction(services.sessions) as s:
        for unit, kind, points, when in rows:
            s.add(ScoreEvent(unit_id=unit, kind=kind, points=points, at=when, note="test"))


def test_the_sweep_weighs_a_miss_by_the_county_s_table(peer, db, services, clock):
    db.rollback()
    county = db.scalars(select(County)).one()
    county.options = {**county.options, "scores": {"late_meet": -4, "late_accept": -1}}
    db.commit()
    services._gazetteer = None
    submit(peer)                                       # Monday 10:00, 下汤镇: accept and meet due today
    sweep_at(services, at(2026, 11, 24, 9))
    db.rollback()
    got = dict(db.execute(select(ScoreEvent.kind, ScoreEvent.points)).all())
    assert got == {"late_accept": -1, "late_meet": -4}


def test_an_escalation_costs_the_township_s_unit(peer, db):
    peer.text_sms(STAFF, "登记 进京 下汤镇 3 拆迁补偿")
    peer.text_sms(STAFF, "登记 到市 2 欠薪")                 # no township: nobody's score
    db.rollback()
    [e] = db.scalars(select(ScoreEvent)).all()
    assert (e.kind, e.points, e.unit_id) == ("escalation_beijing", -10, unit_id(db, "xiatang"))


def test_monthly_ranking_ties_year_total_and_text(services, db):
    xiatang, yaoshan, shuili = unit_id(db, "xiatang"), unit_id(db, "yaoshan"), unit_id(db, "shuili")
    add_points(services, [
        (xiatang, "late_meet", -2, at(2026, 10, 15)),               # October: counts for the year only
        (yaoshan, "late_finish", -3, at(2026, 11, 2)),
        (yaoshan, "escalation_beijing", -10, at(2026, 11, 20)),
        (yaoshan, "late_reply", -2, at(2026, 11, 30, 23, 59)),
        (shuili, "evening_resolved", 5, at(2026, 11, 25)),
        (xiatang, "late_accept", -2, at(2026, 12, 1, 0, 1)),       # December: not November's
    ])
    rules = ScoreRules()
    db.rollback()
    ranked = month_scores(db, 2026, 11, rules)
    by_unit = {u.unit: u for u in ranked}
    assert (by_unit["县水利局"].score, by_unit["县水利局"].rank, by_unit["县水利局"].group) == (105, 1, "department")
    townships = [u for u in ranked if u.group == "township"]
    assert (by_unit["尧山镇人民政府"].score, by_unit["尧山镇人民政府"].rank) == (85, len(townships))
    # in use since October (the first thing recorded): two months in the year, not eleven
    assert by_unit["下汤镇人民政府"].score == 100 and by_unit["下汤镇人民政府"].year_total == 200 - 2
    assert by_unit["尧山镇人民政府"].by_kind == {"late_finish": -3, "escalation_beijing": -10, "late_reply": -2}
    ties = [u for u in townships if u.score == 100]
    assert len({u.rank for u in ties}) == 1 and ties[0].rank == 1        # equal scores share a place
    assert "鲁山县信访局" not in by_unit
    assert (by_unit["县水利局"].colour, by_unit["尧山镇人民政府"].colour) == ("green", "orange")
    # nobody handled a case: nobody is praised for it
    assert not any(u.flag for u in ranked)
    assert ranking_text(ranked, 2026, 11, rules) == (
        "【月考评】2026年11月：乡镇（街道）本月无办理事项，不评先进；县直单位本月无办理事项，不评先进；"
        "80分以下：无；预警：橙色1个。")
    strict = ScoreRules(start=100, warn_below=90)
    assert "90分以下：尧山镇人民政府（85分），通报批评" in ranking_text(ranked, 2026, 11, strict)


def test_the_first_of_each_group_is_praised_for_work_done_and_the_year_counts_months_in_use(
        peer, services, db, clock):
    """Issue 19, 15: the first month of use counted January–November at 100 each (全年累计 1200),
    and "8个单位（100分）予以表扬" praised units that had no cases."""
    clock.set(at(2026, 11, 23))
    submit(peer)                                                    # 下汤镇's case, handled on time
    peer.text_sms(LIAISON, f"受理 {case_no(db)}")
    peer.text_sms(LIAISON, f"见面 {case_no(db)}")
    yaoshan = unit_id(db, "yaoshan")
    add_points(services, [(yaoshan, "escalation_beijing", -10, at(2026, 11, 20)),
                          (yaoshan, "escalation_beijing", -10, at(2026, 11, 21)),
                          (unit_id(db, "shuili"), "late_reply", -2, at(2026, 11, 24))])
    rules = ScoreRules()
    db.rollback()
    ranked = month_scores(db, 2026, 11, rules)
    by_unit = {u.unit: u for u in ranked}
    assert (by_unit["下汤镇人民政府"].cases, by_unit["下汤镇人民政府"].flag) == (1, True)
    assert [u.unit for u in ranked if u.flag] == ["下汤镇人民政府"]        # the tied townships had nothing to do
    assert by_unit["下汤镇人民政府"].year_total == 100                      # November is the first month
    assert (by_unit["尧山镇人民政府"].score, by_unit["尧山镇人民政府"].colour) == (80, "orange")
    assert by_unit["县水利局"].colour == "green"                              # 98
    assert ranking_text(ranked, 2026, 11, rules) == (
        "【月考评】2026年11月：乡镇（街道）第一名下汤镇人民政府（100分），予以表扬（红旗）；"
        "县直单位本月无办理事项，不评先进；80分以下：无；预警：橙色1个。")
    # a county that started using it in September says so; December's ranking counts three months
    county = db.scalars(select(County)).one()
    county.options = {**county.options, "scores": {"in_use_from": "2026-09-01"}}
    db.commit()
    assert {u.unit: u for u in month_scores(db, 2026, 11, ScoreRules.from_options(county.options))}[
        "下汤镇人民政府"].year_total == 300


def case_no(db) -> str:
    db.rollback()
    return db.scalars(select(Petition.tracking_no).order_by(Petition.id.desc())).first()


def test_units_that_play_the_clock_are_counted_shown_and_weighed(peer, services, db, clock, sms_out):
    """Issue 19, 16: a case sent back twice by the same unit, a 延期, an answer at the last
    minute: counted (even when the county gives them no points) and in the monthly ranking."""
    db.rollback()
    county = db.scalars(select(County)).one()
    county.options = {**county.options, "scores": {"extension": -3}}   # this county weighs a 延期
    db.commit()
    services._gazetteer = None
    clock.set(at(2026, 11, 23, 9))
    no = submit(peer)                                               # 下汤镇
    assert "退回" in peer.text_sms(LIAISON, f"退回 {no} 不属于本镇管辖")
    peer.text_sms(STAFF, f"交办 {no} 下汤镇")
    assert "退回" in peer.text_sms(LIAISON, f"退回 {no} 还是不归我们管")   # the same unit again
    peer.text_sms(STAFF, f"交办 {no} 下汤镇")
    peer.text_sms(LIAISON, f"受理 {no}")
    peer.text_sms(LIAISON, f"见面 {no}")
    peer.text_sms(LIAISON, f"延期 {no} 10 需要勘测")
    clock.set(at(2026, 11, 30, 22))                                 # 7 days allowed; 2 hours left
    assert "答复" in peer.text_sms(LIAISON, f"答复 {no} 已协调解决")
    db.rollback()
    kinds = sorted(db.scalars(select(ScoreEvent.kind).where(ScoreEvent.unit_id == unit_id(db, "xiatang"))))
    assert kinds == ["extension", "last_minute", "repeat_return"]
    rules = ScoreRules.from_options(county.options)
    ranked = {u.unit: u for u in month_scores(db, 2026, 11, rules)}
    x = ranked["下汤镇人民政府"]
    assert x.gaming == {"repeat_return": 1, "extension": 1, "last_minute": 1}
    assert x.by_kind == {"repeat_return": -2, "extension": -3, "last_minute": -1}   # defaults, and the county's −3
    assert x.score == 94 and x.colour == "yellow"
    text = ranking_text(list(ranked.values()), 2026, 11, rules)
    assert "重复退回1次、申请延期1次、临期答复1次" in text, text
    # at 0 points (the default for a 延期) it is still counted and shown
    db.execute(update(ScoreEvent).where(ScoreEvent.kind == "extension").values(points=0))
    db.commit()
    ranked = month_scores(db, 2026, 11, ScoreRules())
    from notifications.report_text import scores_table
    line = next(x for x in scores_table(ranked, 2026, 11).splitlines() if "下汤镇" in x)
    assert "重复退回-2" in line and "申请延期1次" in line and "临期答复-1" in line, line


def test_scores_from_the_command_line(services, db, db_url, monkeypatch):
    add_points(services, [(unit_id(db, "yaoshan"), "late_finish", -3, at(2026, 11, 2))])
    monkeypatch.setenv("DATABASE_URL", db_url)
    out = CliRunner().invoke(main, ["scores", "--month", "2026-11"])
    assert out.exit_code == 0, out.output
    assert "| 尧山镇人民政府 | 97 | 97 | 绿 | 0件 | 办结超期-3" in out.output, out.output
    assert "乡镇（街道）本月无办理事项" in out.output
    assert "应为月份" in CliRunner().invoke(main, ["scores", "--month", "2026-13"]).output


def test_the_ranking_goes_out_on_the_first_working_day_once(services, db, sms_out):
    add_points(services, [(unit_id(db, "yaoshan"), "late_finish", -3, at(2026, 11, 2))])
    job = tuple(j for j in JOBS if j.name == "monthly_scores")
    # a deployment first ticking on 30 November makes up November's run (October's ranking), once:
    # nothing was kept in October (its first score is of 2 November), so no ranking is sent for it
    [(_, period, result)] = tick(services, at(2026, 11, 30, 9), job)
    assert (period, result) == ("2026-11", "月考评 2026-10：系统尚未启用（此前没有任何信访件），不发送")
    assert not db.scalars(select(OutboundMessage).where(OutboundMessage.purpose == "monthly_scores")).all()
    assert tick(services, at(2026, 11, 30, 10), job) == []
    assert tick(services, at(2026, 12, 1, 8, 59), job) == []              # not yet 09:00
    [(name, period, result)] = tick(services, at(2026, 12, 1, 9, 0), job)
    assert (name, period, result) == ("monthly_scores", "2026-12", "月考评 2026-11：29条")
    assert tick(services, at(2026, 12, 2, 9, 0), job) == []               # once a month
    db.rollback()
    november = {(m.to, m.body) for m in db.scalars(select(OutboundMessage).where(
        OutboundMessage.purpose == "monthly_scores", OutboundMessage.body.contains("2026年11月")))}
    # every leader, the bureau's staff and the head of every unit (2 + 1 + 26)
    heads = set(db.scalars(select(Person.phone).where(Person.role.in_(("head", "leader", "staff")))))
    assert {to for to, _ in november} == heads and len(heads) == 29 and STAFF in heads
    [body] = {b for _, b in november}
    assert body == "【月考评】2026年11月：乡镇（街道）本月无办理事项，不评先进；县直单位本月无办理事项，不评先进；80分以下：无。"


@pytest.mark.parametrize("table, message", [('late_meet = "two"', "late_meet"), ("bonus = 3", "unknown rule bonus")])
def test_county_score_table_is_checked(tmp_path, table, message):
    path = county_file_with(tmp_path, "scores", table)
    with pytest.raises(CountyFileError, match=message):
        parse_county_file(path)
