"""The measures (issue 3) from cases played through the webhooks, and `xinfang stats`."""
import re
from datetime import datetime

import pytest
from click.testing import CliRunner

from bot.cli import main
from core.clock import SHANGHAI
from core.reports.measures import measure
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


# --- one number everywhere (issue 32, 5) ------------------------------------------------------------

LI = "o_lisi_measures"


def at(hh, mm=0, day=23):
    return datetime(2026, 11, day, hh, mm, tzinfo=SHANGHAI)


@pytest.fixture
def a_monday(peer, clock):
    """Monday 2026-11-23 in 鲁山县 (当日工作法): 张三 writes at 9:00 and is met at 9:30; the bureau
    registers a walk-in of twelve at 10:00 and a 进京 of three at 11:00; 李四 writes at 16:00 —
    his meeting is due by midnight, and nobody meets him or the twelve that day."""
    clock.set(at(9))
    zs = submit(peer)
    clock.set(at(9, 30))
    peer.text_sms(LIAISON, f"受理 {zs}")
    peer.text_sms(LIAISON, f"见面 {zs}")
    peer.say(ZS, "1")
    clock.set(at(10))
    peer.text_sms(STAFF, "登记 走访 下汤镇林楼村 王五 13912340000 12 十二户村民反映排水沟堵塞积水")
    clock.set(at(11))
    assert "已登记进京3人" in peer.text_sms(STAFF, "登记 进京 下汤镇 3 拆迁补偿多年未落实")
    clock.set(at(16))
    submit(peer, who=LI, text="我是下汤镇社楼村的李四，路灯坏了一个月")


def cli_stats(now: datetime) -> tuple[dict, str]:
    """`xinfang stats` for the Monday, read at ``now``: the county's figures by name, and its text."""
    out = CliRunner().invoke(main, ["stats", "--from", "2026-11-23", "--to", "2026-11-23", "--now", now.isoformat()])
    assert out.exit_code == 0, out.output
    batches, people = re.search(r"全县：(\d+)批 (\d+)人次", out.output).groups()
    figures = dict(re.findall(r"^  ([^\s：；]+)：(\S+)$", out.output, re.M))
    return {"批次": batches, "人次": people, **figures}, out.output


def console_stats(client) -> tuple[dict, str]:
    """统计 for the Monday as the county's staff see it: the 全县 row of the measures, and 今日访情."""
    page = client.get("/console/stats?from=2026-11-23&to=2026-11-23")
    assert page.status_code == 200
    table = re.search(r'<table id="measures">(.*?)</table>', page.text, re.S).group(1)
    head = re.findall(r"<th>([^<]+)</th>", re.search(r"<thead>(.*?)</thead>", table, re.S).group(1))
    row = re.search(r"<tr><th>全县</th>(.*?)</tr>", table, re.S).group(1)
    today = re.sub(r"<[^>]+>|\s", "", re.search(r'<p id="today">(.*?)</p>', page.text, re.S).group(1))
    return dict(zip(head[1:], re.findall(r"<td>([^<]*)</td>", row))), today


def test_every_report_shows_the_same_number_for_each_measure(a_monday, app, services, clock, sms_out, db,
                                                             db_url, monkeypatch, tmp_path):
    from notifications.schedule import JOBS, tick
    from tests.test_console_security import sign_in
    from tests.test_digest import digest_texts
    from tests.test_case_paths import LEADER
    monkeypatch.setenv("DATABASE_URL", db_url)

    # 17:35, the day's 访情: 张三 met on time; 李四 and the twelve are still to be met tonight
    [(name, _, _)] = tick(services, at(17, 35), tuple(j for j in JOBS if j.name == "daily_digest"))
    text = digest_texts(db)[LEADER]
    assert "到县访3批14人次" in text and "其中集体访1批" in text and "进京1批3人" in text
    assert "当日见面率100%（1/1），2件待见面" in text
    clock.set(at(17, 35))
    staff = app.test_client()
    sign_in(staff, sms_out, STAFF)
    console, today = console_stats(staff)
    cli, printed = cli_stats(at(17, 35))
    assert today == "到县访3批14人次；其中集体访1批；越级访：进京1批3人；当日见面率100%（1/1），2件待见面；挂牌督办0件"
    assert "  其中集体访1批；越级访：进京1批3人；当日见面率100%（1/1），2件待见面" in printed
    assert console == cli                                   # every measure, one number
    assert (cli["批次"], cli["人次"], cli["当日见面率"]) == ("3", "14", "100%")
    leader = app.test_client()
    sign_in(leader, sms_out, LEADER)
    board = leader.get("/console/").text
    assert "当日见面率100%（1/1），2件待见面" in re.search(r'<span id="b-met">(.*?)</span>', board).group(1)

    # Tuesday 9:00: midnight passed with two meetings not held — 1 of 3, wherever it is read
    clock.set(at(9, day=24))
    staff = app.test_client()                               # a new day's sign-in
    sign_in(staff, sms_out, STAFF)
    console, _ = console_stats(staff)
    cli, _ = cli_stats(at(9, day=24))
    assert console == cli and cli["当日见面率"] == "33.3%" and cli["按期受理率"] == console["按期受理率"]
    page = tmp_path / "day.html"
    out = CliRunner().invoke(main, ["report", "daily", "--date", "2026-11-23", "--now", at(9, day=24).isoformat(),
                                    "--out", str(page)])
    assert out.exit_code == 0, out.output
    analysed = dict(re.findall(r"<tr><th>([^<]+)</th><td>([^<]*)</td>", page.read_text(encoding="utf-8")))
    assert {k: analysed[k] for k in cli if k in analysed and k not in ("批次", "人次")} == \
        {k: v for k, v in cli.items() if k in analysed and k not in ("批次", "人次")}
    assert analysed["当日见面率"] == "33.3%" and (analysed["批次"], analysed["人次"]) == ("3", "14")
