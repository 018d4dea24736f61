"""The county file: `xinfang init FILE` loads idempotently, updates on edit, never deletes."""
from __future__ import annotations


import json
import re

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from bot.cli import main
from bot.cli.county import init_database
from core.county import CountyFileError, parse_county_file
from core.store.db import make_engine
from core.store.models import Person, Township, Unit, Village
from sqlalchemy.orm import Session
from tests.conftest import EXAMPLE


def test_example_county_is_valid_and_real():
    data = parse_county_file(EXAMPLE)
    names = {t["name"] for t in data["townships"]}
    assert {"下汤镇", "尧山镇", "鲁阳街道", "磙子营乡", "张良镇", "张官营镇"} <= names
    assert data["county"]["prefix"] == "LS"


def test_init_twice_changes_nothing_then_edits_update(tmp_path, db_url):
    assert init_database(db_url, EXAMPLE) == "县情文件已载入：无变化"
    edited = tmp_path / "edited.toml"
    text = EXAMPLE.read_text(encoding="utf-8")
    text = text.replace('villages = ["团城村", "煤场村"]', 'villages = ["团城村", "煤场村", "后沟村"]')
    text = text.replace('name = "孙丽"', 'name = "孙丽华"')
    text = text.replace('[[townships]]\nname = "辛集乡"\nvillages = ["辛集村", "新庄村"]\n', "")
    # 辛集乡 merged away: its unit and its two cadres go with it
    text = re.sub(r'\[\[units\]\]\ncode = "xinji"\n(?:[^\[\n][^\n]*\n)*', "", text)
    text = re.sub(r'\[\[cadres\]\]\nname = "[^"]+"\nphone = "[^"]+"\nunit = "xinji"\n(?:[^\[\n][^\n]*\n)*', "", text)
    edited.write_text(text, encoding="utf-8")
    summary = init_database(db_url, edited)
    assert "新建村（社区）1" in summary and "更新人员1" in summary
    assert "停用人员2、乡镇1、单位1、村（社区）2" in summary
    assert init_database(db_url, edited) == "县情文件已载入：无变化"
    engine = make_engine(db_url, immediate=False)
    with Session(engine) as s:
        xinji = s.scalars(select(Township).where(Township.name == "辛集乡")).one()
        assert xinji.active is False  # kept, with its history, not deleted
        assert s.scalars(select(Person).where(Person.phone == "+8613700000031")).one().name == "孙丽华"
        assert s.scalars(select(Village).where(Village.name == "后沟村")).one().active
        assert s.scalars(select(Unit).where(Unit.code == "xiatang")).one().active
    engine.dispose()


@pytest.mark.parametrize("edit,message", [
    (lambda t: t.replace('prefix = "LS"', 'prefix = "ls-1"'), "county.prefix"),
    (lambda t: t.replace('phone = "13700000011"', 'phone = "12345"'), "cadres[0].phone"),
    (lambda t: t.replace('unit = "yaoshan"', 'unit = "nowhere"'), "cadres[2].unit"),
    (lambda t: t.replace('township = "尧山镇"', 'township = "火星镇"'), "units[2].township"),
    (lambda t: t.replace('name = "鲁山县"', 'name = ""'), "county.name"),
    (lambda t: t + "\n[[townships]]\nname = \"下汤镇\"\n", "appears twice"),
    (lambda t: t.replace('timezone = "Asia/Shanghai"', 'timezone = "Mars/Olympus"'), "county.timezone"),
    # issue 19, 5: validated but ignored before; China's deadlines are Asia/Shanghai's
    (lambda t: t.replace('timezone = "Asia/Shanghai"', 'timezone = "Asia/Urumqi"'), "only Asia/Shanghai"),
    (lambda t: t + "\n[[[broken", "not valid TOML"),
])
def test_bad_county_file_says_where(tmp_path, edit, message):
    path = tmp_path / "bad.toml"
    path.write_text(edit(EXAMPLE.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(CountyFileError) as err:
        parse_county_file(path)
    assert message in str(err.value)


def test_cli_init_reports_and_refuses_bad_files(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/cli.sqlite3")
    runner = CliRunner()
    first = runner.invoke(main, ["init", str(EXAMPLE)])
    assert first.exit_code == 0 and "新建县1" in first.output
    second = runner.invoke(main, ["init", str(EXAMPLE)])
    assert second.exit_code == 0 and "无变化" in second.output
    bad = runner.invoke(main, ["init", str(tmp_path / "missing.toml")])
    assert bad.exit_code != 0 and "no such file" in bad.output
    monkeypatch.setenv("WECHAT_AES_KEY", "short")
    assert "WECHAT_AES_KEY" in runner.invoke(main, ["init", str(EXAMPLE)]).output


def test_demo_plays_the_whole_loop(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("core.settings.DEFAULT_INSTANCE_DIR", tmp_path / "instance")
    result = CliRunner().invoke(main, ["demo", "--at", "2026-11-23T10:00"])
    assert result.exit_code == 0, result.output
    out = result.output
    # the data stays, for the console (issue 20)
    assert (tmp_path / "instance" / "demo.sqlite3").exists() and "http://127.0.0.1:8000/console/" in out
    # the last line lists every petition the day made (walk-in, letter and the 进京 warning too)
    assert "受理编号（6件）：" + ", ".join(f"LS-20261123-{i:04d}" for i in range(1, 7)) in out
    assert "验证成功" in out and "相同回复、只记录一次：True" in out
    assert "HTTP 403" in out and "已撤回" in out
    # issue 18: a petitioner who answers the wrong question, answers in words, a group petition
    assert "您说的情况已记下。" in out and "姓名：牛满仓" in out and "庄稼浇不上水" in out
    assert "见面属实" in out and "评价“基本满意”" in out
    assert "【预警】" in out and "30人" in out and "【回电】" in out
    assert_no_text_to_a_citizen_carries_another_number(tmp_path / "instance" / "demo.sqlite3")


def test_demo_plays_on_tencents_stub_and_wecoms(tmp_path, monkeypatch):
    """The same loop with the county's domestic channels: every text through a stub of Tencent's
    API as its registered template, 赵志强 in the WeCom app (issue 21)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("core.settings.DEFAULT_INSTANCE_DIR", tmp_path / "instance")
    result = CliRunner().invoke(main, ["demo", "--sms", "tencent", "--wecom", "--at", "2026-11-23T10:00"])   # a Monday
    assert result.exit_code == 0, result.output
    out = result.output
    # the last line lists every petition the day made (walk-in, letter and the 进京 warning too)
    assert "受理编号（6件）：" + ", ".join(f"LS-20261123-{i:04d}" for i in range(1, 7)) in out
    assert "验证成功" in out and "腾讯云回复短信回调" in out
    assert "（模板2100007）" in out and "【鲁山县信访局】交办：" in out               # 交办 by template, no number
    assert "[企业微信 ZhaoZhiQiang] 报备" in out and "企业微信应用消息发往 ZhaoZhiQiang ：【交办】" in out
    assert "信访人电话：+8613912340000" in out                                      # … and by WeCom, with it
    assert "已受理，请按期见面" in out and "模板2100040" in out                        # answers as templates too
    assert_no_text_to_a_citizen_carries_another_number(tmp_path / "instance" / "demo.sqlite3")


def assert_no_text_to_a_citizen_carries_another_number(path) -> None:
    """Every text the demo's day wrote to someone outside the directory (a petitioner, a 七晚
    member from the village) carries no phone number but their own and the bureau's (issue 21)."""
    import sqlite3

    from handlers.commands import contact_of
    from core.words.templates import PHONE
    db = sqlite3.connect(path)
    directory = {row[0] for row in db.execute("select phone from person")}
    options = json.loads(db.execute("select options from county").fetchone()[0])
    bureau = {re.sub(r"\D", "", v) for v in contact_of(options).values() if isinstance(v, str)}
    rows = db.execute("select \"to\", body from outbound_message where channel = 'sms'").fetchall()
    to_citizens = [(to, body) for to, body in rows if to not in directory]
    assert len(to_citizens) > 5
    for to, body in to_citizens:
        for number in PHONE.findall(body):
            digits = re.sub(r"\D", "", number)
            assert to.endswith(digits[-11:]) or digits in bureau or any(b.endswith(digits) for b in bureau), (to, body)


def test_chat_in_a_terminal_goes_through_the_same_handlers(tmp_path, monkeypatch):
    db = f"sqlite:///{tmp_path}/chat.sqlite3"
    init_database(db, EXAMPLE)
    monkeypatch.setenv("DATABASE_URL", db)
    runner = CliRunner()
    lines = "我是尧山镇上坪村的王五，山体滑坡堵了路\n确认\n查询\n"
    result = runner.invoke(main, ["chat", "--sms", "13912345678"], input=lines)
    assert result.exit_code == 0, result.output
    assert "请核对" in result.output and "编号LS-" in result.output and "共1件" in result.output
    assert runner.invoke(main, ["chat"]).exit_code != 0  # one of --wechat / --sms is required


def test_a_newcomer_who_chats_before_init_is_told_what_to_run_and_nothing_is_created(tmp_path, monkeypatch):
    """Someone new types `xinfang chat --sms …` and `xinfang stats` before loading a county: each
    stops at once with one Chinese line naming `xinfang init` (exit code 1) — no traceback per
    line, no empty database left behind. After init, `xinfang stats` alone gives this month."""
    db = tmp_path / "first.sqlite3"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{db}")
    runner = CliRunner()
    for args in (["chat", "--sms", "13912345678"], ["stats"], ["tick"], ["failures"]):
        result = runner.invoke(main, args, input="你好\n")
        assert result.exit_code == 1, (args, result.output)
        assert "请先运行 xinfang init" in result.output and "Traceback" not in result.output, result.output
        assert not re.search(r"[A-Za-z]{3,} [a-z]{3,}", result.output.split("（")[0]), result.output  # no English
    assert not db.exists()
    init_database(f"sqlite:///{db}", EXAMPLE)
    result = runner.invoke(main, ["stats", "--now", "2026-12-05T10:00"])
    assert result.exit_code == 0, result.output
    assert "2026-12-01 至 2026-12-05" in result.output
    result = runner.invoke(main, ["stats", "--from", "2026-13-01"])
    assert result.exit_code == 1 and "应为日期" in result.output


def test_bind_and_sweep_from_the_command_line(tmp_path, monkeypatch):
    db = f"sqlite:///{tmp_path}/ops.sqlite3"
    monkeypatch.setenv("DATABASE_URL", db)
    runner = CliRunner()
    assert runner.invoke(main, ["init", str(EXAMPLE)]).exit_code == 0
    result = runner.invoke(main, ["bind", "赵志强"])
    assert result.exit_code == 0 and "绑定 " in result.output
    code = result.output.split()[-1]                       # the code apart, as awk '{print $NF}' takes it
    assert len(code) == 8 and code.isalnum() and code.isupper(), result.output
    assert runner.invoke(main, ["bind", "无此人"]).exit_code != 0
    result = runner.invoke(main, ["sweep", "--now", "2026-11-24T08:00"])
    assert result.exit_code == 0 and "巡检0件" in result.output
    assert runner.invoke(main, ["sweep", "--now", "yesterday"]).exit_code != 0


def test_init_names_the_units_no_text_can_reach(tmp_path, monkeypatch):
    """Issue 19, 14b: a unit with nobody in the directory would receive petitions nobody reads;
    `xinfang init` names them (the load still stands). The example county has none: every
    township and department has a liaison and a head."""
    db = f"sqlite:///{tmp_path}/x.sqlite3"
    monkeypatch.setenv("DATABASE_URL", db)
    result = CliRunner().invoke(main, ["init", str(EXAMPLE)])
    assert result.exit_code == 0 and "没有登记联络人" not in result.output, result.output
    county = parse_county_file(EXAMPLE)
    roles = {(p["unit"], p["role"]) for p in county["people"]}
    for unit in county["units"]:
        if unit["kind"] != "bureau":
            assert (unit["code"], "liaison") in roles and (unit["code"], "head") in roles, unit["name"]
    assert {u["township"] for u in county["units"] if u["kind"] == "township"} == {t["name"] for t in county["townships"]}
    # a county file whose 人社局 has nobody is loaded, with the unit named
    edited = tmp_path / "edited.toml"
    edited.write_text(re.sub(r'\[\[cadres\]\]\nname = "[^"]+"\nphone = "[^"]+"\nunit = "renshe"\n(?:[^\[\n][^\n]*\n)*', "",
                             EXAMPLE.read_text(encoding="utf-8")), encoding="utf-8")
    result = CliRunner().invoke(main, ["init", str(edited)])
    assert result.exit_code == 0
    assert "没有登记联络人" in result.output and "县人力资源和社会保障局" in result.output
    assert "下汤镇人民政府" not in result.output.split("请补充名录：")[1]


@pytest.mark.parametrize("body, message", [
    ("day = 0", "sms.per_number.day"),
    ("hour = \"5\"", "sms.per_number.hour"),
    ("minute = 1", "unknown setting minute"),
])
def test_the_providers_limits_per_number_are_checked(tmp_path, body, message):
    from tests.conftest import county_file_with
    with pytest.raises(CountyFileError, match=message):
        parse_county_file(county_file_with(tmp_path, "sms.per_number", body))


def test_a_wecom_member_id_is_checked_and_given_to_one_person(tmp_path):
    text = EXAMPLE.read_text(encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace('wecom = "ZhaoZhiQiang"', 'wecom = "赵 志强"'), encoding="utf-8")
    with pytest.raises(CountyFileError, match=r"cadres\[\d+\]\.wecom: a WeCom user id"):
        parse_county_file(bad)
    twice = tmp_path / "twice.toml"
    twice.write_text(text.replace('wecom = "LiuWeiDong"', 'wecom = "zhaozhiqiang"'), encoding="utf-8")
    with pytest.raises(CountyFileError, match="given to two people"):
        parse_county_file(twice)


def test_a_tencent_petitioner_after_hours_still_gets_the_tracking_number(tmp_path, monkeypatch):
    """Issue 33: at 19:40 the confirmation says when the case will be handed on; under Tencent it
    went as reply_other, with no number. It goes as its own template, the number in it."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("core.settings.DEFAULT_INSTANCE_DIR", tmp_path / "instance")
    result = CliRunner().invoke(main, ["demo", "--sms", "tencent", "--at", "2026-11-27T19:40"])   # a Friday evening
    assert result.exit_code == 0, result.output
    import sqlite3
    with sqlite3.connect(tmp_path / "instance" / "demo.sqlite3") as db:
        answers = [json.loads(params) for (params,) in db.execute(
            "SELECT params FROM outbound_message WHERE purpose = 'reply' AND params IS NOT NULL ORDER BY id")]
    later = [a for a in answers if a["t"] == "submitted_later"]
    assert later and re.fullmatch(r"LS-20261127-\d{4}", later[0]["v"][0])
    assert later[0]["v"][1:] == ["今天已过工作时间", "11月30日（周一）"]
    assert "（模板2100099）" in result.output


def test_demo_plays_a_city_over_two_counties(tmp_path, monkeypatch):
    """`xinfang demo --city` (issue 31): 平顶山市's file, each county's citizen on its own Official
    Account, a 到市访 registered by the city's clerk for 宝丰 and handed down, 宝丰's cadres on its
    own number, the city's 挂牌督办 and the answer back to the city, the 17:30 texts of each county
    and of the city."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("core.settings.DEFAULT_INSTANCE_DIR", tmp_path / "instance")
    result = CliRunner().invoke(main, ["demo", "--city", "--at", "2026-11-23T10:00"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "平顶山市：县情文件已载入" in out and "宝丰县：县情文件已载入" in out
    assert "受理编号：LS-20261123-0001" in out and "受理编号：BF-20261123-0001" in out
    # the 到市访: 宝丰's case from the first moment, its bureau told, routed to 宝丰's own unit
    assert "登记为宝丰县的事项 BF-20261123-0002（市交办件）" in out
    assert "【市交办】平顶山市信访局登记的事项BF-20261123-0002（杨庄镇马街村）交本县办理" in out
    assert "已受理BF-20261123-0002" in out and "已由县自然资源局受理" in out
    # 各县概况 (待交办, 待受理, 待见面, 挂牌, 即将到期, 预警, 本周越级访)
    # (the 到市访 handed down is 宝丰's 越级访 this week: docs/city.md, "Figures up")
    assert "  鲁山县 | 0 | 1 | 0 | 0 | 1 | 0 | 0\n  宝丰县 | 0 | 0 | 0 | 0 | 0 | 0 | 1\n  合计 | 0 | 1 | 0 | 0 | 1 | 0 | 1" in out
    assert "已对BF-20261123-0002挂牌督办" in out and "【挂牌督办】平顶山市信访局挂牌督办事项BF-20261123-0002" in out
    assert "【市交办件答复】宝丰县县自然资源局已答复市交办事项BF-20261123-0002" in out
    assert "【每日访情】11月21日至23日（周一）平顶山市：各县到县访2批2人次（鲁山1、宝丰1）；到市访1批1人（宝丰1）" in out
    assert "市督办新增1件（宝丰1）" in out
    assert "鲁山县：到县访1批1人次" in out and "宝丰县：到县访1批1人次（微信访1）；越级访：到市1批1人" in out
    assert "受理编号：LS-20261123-0001, BF-20261123-0001, BF-20261123-0002（市交办）；市督办：BF-20261123-0002" in out
