"""月考评 (issue 5): misses and bonuses recorded by the other parts, weighed by the county's rule
table; the monthly ranking (first praised, last and under 80 named), the year's total, and the
ranking text on the first working day of the month."""
from datetime import datetime

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from bot.cli import main
from core.clock import SHANGHAI
from core.county import CountyFileError, parse_county_file
from core.store.db import transaction
from core.store.models import County, OutboundMessage, ScoreEvent, Unit
from core.scores import ScoreRules, month_scores
from notifications.report_text import ranking_text
from notifications.schedule import JOBS, tick
from tests.conftest import county_file_with
from tests.test_cases import STAFF, submit, sweep_at


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
    assert (by_unit["县水利局"].score, by_unit["县水利局"].rank) == (105, 1)
    assert (by_unit["尧山镇人民政府"].score, by_unit["尧山镇人民政府"].rank) == (85, len(ranked))
    assert by_unit["下汤镇人民政府"].score == 100 and by_unit["下汤镇人民政府"].year_total == 1100 - 2
    assert by_unit["尧山镇人民政府"].by_kind == {"late_finish": -3, "escalation_beijing": -10, "late_reply": -2}
    ties = [u for u in ranked if u.score == 100]
    assert len({u.rank for u in ties}) == 1 and ties[0].rank == 2        # equal scores share a place
    assert "鲁山县信访局" not in by_unit
    assert ranking_text(ranked, 2026, 11, rules) == (
        "【月考评】2026年11月：第一名县水利局（105分），予以表扬；末位尧山镇人民政府（85分）；80分以下：无。")
    strict = ScoreRules(start=100, warn_below=90)
    assert "90分以下：尧山镇人民政府（85分）" in ranking_text(ranked, 2026, 11, strict)


def test_scores_from_the_command_line(services, db, db_url, monkeypatch):
    add_points(services, [(unit_id(db, "yaoshan"), "late_finish", -3, at(2026, 11, 2))])
    monkeypatch.setenv("DATABASE_URL", db_url)
    out = CliRunner().invoke(main, ["scores", "--month", "2026-11"])
    assert out.exit_code == 0, out.output
    assert "尧山镇人民政府 | 97 | 1097 | 办结超期-3" in out.output and "末位尧山镇人民政府（97分）" in out.output
    assert "a month like" in CliRunner().invoke(main, ["scores", "--month", "2026-13"]).output


def test_the_ranking_goes_out_on_the_first_working_day_once(services, db, sms_out):
    add_points(services, [(unit_id(db, "yaoshan"), "late_finish", -3, at(2026, 11, 2))])
    job = tuple(j for j in JOBS if j.name == "monthly_scores")
    # a deployment first ticking on 30 November makes up November's run (October's ranking), once
    [(_, period, result)] = tick(services, at(2026, 11, 30, 9), job)
    assert (period, result) == ("2026-11", "月考评 2026-10：4条")
    assert tick(services, at(2026, 11, 30, 10), job) == []
    assert tick(services, at(2026, 12, 1, 8, 59), job) == []              # not yet 09:00
    [(name, period, result)] = tick(services, at(2026, 12, 1, 9, 0), job)
    assert (name, period, result) == ("monthly_scores", "2026-12", "月考评 2026-11：4条")
    assert tick(services, at(2026, 12, 2, 9, 0), job) == []               # once a month
    db.rollback()
    november = {(m.to, m.body) for m in db.scalars(select(OutboundMessage).where(
        OutboundMessage.purpose == "monthly_scores", OutboundMessage.body.contains("2026年11月")))}
    assert {to for to, _ in november} == {STAFF, "+8613700000012", "+8613700000101", "+8613700000102"}
    [body] = {b for _, b in november}
    assert body == "【月考评】2026年11月：并列第一：下汤镇人民政府等7个单位（100分），予以表扬；末位尧山镇人民政府（97分）；80分以下：无。"


@pytest.mark.parametrize("table, message", [('late_meet = "two"', "late_meet"), ("bonus = 3", "unknown rule bonus")])
def test_county_score_table_is_checked(tmp_path, table, message):
    path = county_file_with(tmp_path, "scores", table)
    with pytest.raises(CountyFileError, match=message):
        parse_county_file(path)
