"""The measures (issue 3) from cases played through the webhooks, and `xinfang stats`."""
from datetime import datetime

import pytest
from click.testing import CliRunner

from bot.cli import main
from core.clock import SHANGHAI
from core.measures import measure
from tests.test_cases import LIAISON, STAFF, ZS, case, submit

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=SHANGHAI)
DAY = (datetime(2026, 11, 23, tzinfo=SHANGHAI), datetime(2026, 11, 24, tzinfo=SHANGHAI))


def handle_fully(peer, clock, who, text, rating, reason=None) -> str:
    no = submit(peer, who=who, text=text)
    clock.advance(minutes=30)
    peer.text_sms(LIAISON, f"受理 {no}")
    peer.text_sms(LIAISON, f"见面 {no}")
    peer.say(who, "1")
    peer.text_sms(LIAISON, f"答复 {no} 已处理")
    peer.say(who, rating)
    if reason:
        peer.say(who, reason)
    clock.advance(minutes=60)
    peer.text_sms(LIAISON, f"办结 {no}")
    return no


@pytest.fixture
def five_cases(peer, db, clock):
    """A handled well (满意); B never accepted; C and C2 a group visit registered twice (the second
    a repeat); D handled, rated 不满意, reviewed (复查) and so not resolved at once."""
    handle_fully(peer, clock, ZS, "我是下汤镇林楼村的张三，小区水泵坏了三天没水", "1")
    submit(peer, who="o_b", text="我是下汤镇社楼村的李四，路灯坏了一个月")
    peer.text_sms(STAFF, "登记 走访 下汤镇 王五 13900000001 3 三户人家宅基地界线纠纷")
    peer.text_sms(STAFF, "登记 走访 下汤镇 王五 13900000001 3 三户人家宅基地界线纠纷未解决")
    d = handle_fully(peer, clock, "o_d", "我是下汤镇下汤村的赵六，垃圾站臭味扰民", "3", "还是很臭")
    peer.say("o_d", f"申请复查 {d}")
    peer.text_sms(STAFF, f"复查答复 {d} 维持原答复")
    assert case(db, d).review_level == "review"
    db.rollback()


def test_measures_count_what_happened(five_cases, db):
    m = measure(db, *DAY, NOW)
    c = m.county
    assert (c.petitions, c.people, c.repeats) == (5, 9, 1)
    rates = c.rates()
    # B and C past their same-day deadline; C2, C's repeat, joined C (并案): no deadlines of its own
    assert rates["按期受理率"] == pytest.approx(2 / 4)
    assert rates["当日见面率"] == pytest.approx(2 / 4)
    assert rates["按期答复率"] == pytest.approx(1.0)       # the others' reply deadlines are still to come
    assert rates["一次性化解率"] == pytest.approx(1 / 2)   # D went to review
    assert rates["满意率"] == pytest.approx(1 / 2)
    assert rates["重复访率"] == pytest.approx(1 / 5)
    assert 0.05 < rates["平均办结时长"] < 0.2             # about 90 minutes, in days
    assert {k: (t.petitions, t.people) for k, t in m.channels.items()} == {"微信访": (3, 3), "走访": (2, 6)}
    assert {k: t.petitions for k, t in m.units.items()} == {"下汤镇人民政府": 3, "县自然资源局": 2}   # 宅基地 → 自然资源局
    assert {k: t.petitions for k, t in m.categories.items()} == {"城乡管理": 2, "土地": 2, "其他": 1}
    # an empty range has no rates rather than zeros
    empty = measure(db, datetime(2026, 1, 1, tzinfo=SHANGHAI), datetime(2026, 2, 1, tzinfo=SHANGHAI), NOW)
    assert empty.county.petitions == 0 and set(empty.county.rates().values()) == {None}


def test_stats_from_the_command_line(five_cases, db_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", db_url)
    runner = CliRunner()
    out = runner.invoke(main, ["stats", "--from", "2026-11-23", "--to", "2026-11-23", "--now", NOW.isoformat()])
    assert out.exit_code == 0, out.output
    assert "全县：5批 9人次" in out.output and "按期受理率：50%" in out.output
    assert "下汤镇人民政府 | 3 | 3" in out.output and "走访2批6人次" in out.output and "土地2批" in out.output
    bad = runner.invoke(main, ["stats", "--from", "2026-11-30", "--to", "2026-11-01"])
    assert bad.exit_code == 1 and "早于" in bad.output
    assert "应为日期" in runner.invoke(main, ["stats", "--from", "11/01", "--to", "2026-11-30"]).output
