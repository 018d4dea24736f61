"""The command line in a city's deployment (issue 31; docs/city.md, "The command line"): 平顶山市
over 鲁山县 and 宝丰县 in one database. A command that reads one county (stats, report, scores,
follow-ups, bind, chat, evenings …) works for the county said with ``xinfang --county PREFIX``
(or XINFANG_COUNTY) and for none other; not said, it stops with one Chinese line naming the
counties to choose from — never a traceback. ``sweep``, ``tick`` and ``failures`` run for every
county (or the one said). A deployment of one county runs every command as before."""
from __future__ import annotations

import re
import shutil

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, select

from bot.cli import main
from bot.cli.county import init_database
from core.store import scope
from core.store.models import County, Petition
from tests.conftest import ROOT

LUSHAN = ROOT / "examples" / "lushan.toml"
MONDAY = "2026-11-23T10:00"


@pytest.fixture
def city(city_template, tmp_path, monkeypatch):
    path = tmp_path / "city.sqlite3"
    shutil.copy(city_template, path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.delenv("XINFANG_COUNTY", raising=False)
    yield path
    scope.choose(None)


def petitions(path) -> dict[str, str]:
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        rows = conn.execute(select(Petition.tracking_no, County.prefix).join(County, County.id == Petition.county_id))
        got = {no: prefix for no, prefix in rows}
    engine.dispose()
    return got


def refused_in_chinese(result, *words) -> None:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and not isinstance(result.exception, scope.ScopeError), result.output
    for w in words:
        assert w in result.output, result.output


def test_the_citys_operator_says_which_county_and_each_countys_citizen_stays_in_it(city):
    """The city's operator tries the commands they used in 鲁山 alone: each asks which county.
    They chat as a 宝丰 villager (the county said), then as the same number writing to 鲁山: two
    cases, each numbered and routed by its county; each county's 统计 counts its own."""
    runner = CliRunner()
    for args in (["stats"], ["follow-ups"], ["scores", "--month", "2026-11"], ["bind", "张三"],
                 ["report", "daily", "--date", "2026-11-23"], ["evenings", "report"], ["chat", "--sms", "13912345678"]):
        refused_in_chinese(runner.invoke(main, args, input="你好\n"), "鲁山县（LS）", "宝丰县（BF）", "--county")
    assert petitions(city) == {}                                   # nothing was written by any of them
    refused_in_chinese(runner.invoke(main, ["--county", "ZK", "stats"]), "没有编号前缀为 ZK", "宝丰县（BF）")
    refused_in_chinese(runner.invoke(main, ["--county", "PDS", "stats"]), "没有编号前缀为 PDS")   # the city is no county

    # 刘桂兰 of 宝丰's 周庄镇苗李村, one long message with her complaint, then 确认
    said = runner.invoke(main, ["--county", "bf", "chat", "--sms", "13912345678"],
                         input="俺是周庄镇苗李村的刘桂兰，村东头那条路叫拉石头的大车压坏了，好几个月了没人管，下雨天娃们上学都没法走\n确认\n查询\n")
    assert said.exit_code == 0, said.output
    bf_no = re.search(r"编号(BF-\d{8}-\d{4})", said.output).group(1)
    assert "共1件" in said.output
    # the same number texts about 鲁山's 尧山镇: a conversation and a case of 鲁山's, not a continuation of 宝丰's
    said = runner.invoke(main, ["--county", "LS", "chat", "--sms", "13912345678"],
                         input="我是尧山镇上坪村的，山体滑坡把路堵了\n姓王\n确认\n查询\n", env={"XINFANG_COUNTY": "BF"})
    assert said.exit_code == 0, said.output                        # the option wins over the environment
    ls_no = re.search(r"编号(LS-\d{8}-\d{4})", said.output).group(1)
    assert bf_no not in said.output and "共1件" in said.output     # 鲁山's 查询 knows nothing of 宝丰's case
    assert petitions(city) == {bf_no: "BF", ls_no: "LS"}

    for prefix, env in (("BF", {}), ("LS", {}), (None, {"XINFANG_COUNTY": "BF"})):
        args = (["--county", prefix] if prefix else []) + ["stats", "--from", "2000-01-01", "--to", "2100-12-31"]
        result = runner.invoke(main, args, env=env)
        assert result.exit_code == 0, result.output
        assert "全县：1批 1人次" in result.output, result.output   # its own case, not the other county's

    page = city.parent / "bf-daily.html"
    day = f"{bf_no[3:7]}-{bf_no[7:9]}-{bf_no[9:11]}"
    result = runner.invoke(main, ["--county", "BF", "report", "monthly", "--date", day, "--out", str(page)])
    assert result.exit_code == 0, result.output
    html = page.read_text(encoding="utf-8")
    assert "宝丰县" in html and "鲁山县" not in html


def test_sweep_tick_and_failures_run_for_every_county_or_the_one_said(city):
    runner = CliRunner()
    result = runner.invoke(main, ["sweep", "--now", MONDAY])
    assert result.exit_code == 0, result.output
    assert [line.split("：")[0] for line in result.output.splitlines()] == ["LS", "LS", "BF", "BF"]
    result = runner.invoke(main, ["--county", "BF", "sweep", "--now", MONDAY])
    assert result.exit_code == 0 and "LS" not in result.output and "巡检" in result.output, result.output
    result = runner.invoke(main, ["tick", "--now", MONDAY])
    assert result.exit_code == 0 and "Traceback" not in result.output, result.output
    for args in (["failures"], ["--county", "LS", "failures"]):
        result = runner.invoke(main, args)
        assert result.exit_code == 0 and "未送达的短信/微信：0条" in result.output, result.output


def test_a_county_alone_runs_as_before_and_refuses_another_countys_prefix(tmp_path, monkeypatch):
    db = tmp_path / "one.sqlite3"
    init_database(f"sqlite:///{db}", LUSHAN)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{db}")
    monkeypatch.delenv("XINFANG_COUNTY", raising=False)
    runner = CliRunner()
    assert runner.invoke(main, ["stats", "--now", MONDAY]).exit_code == 0
    assert runner.invoke(main, ["--county", "LS", "stats", "--now", MONDAY]).exit_code == 0
    refused_in_chinese(runner.invoke(main, ["--county", "BF", "stats"]), "没有编号前缀为 BF", "鲁山县（LS）")
    result = runner.invoke(main, ["sweep", "--now", MONDAY])
    assert result.exit_code == 0 and not result.output.startswith("LS："), result.output   # one county: no prefix
