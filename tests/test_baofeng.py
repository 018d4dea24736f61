"""宝丰县's county file (examples/baofeng.toml, issue 31's second county of 平顶山市): it parses and
loads, every unit can be reached, a petition goes where its words say, the 信访工作条例's own
deadlines, and the three reports (三个报告, seed 001) at their times. Every moment is explicit."""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from pathlib import Path

import chinese_calendar
import pytest
from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.cli import main
from bot.cli.county import init_database
from core.cases import audience
from core.cases.lifecycle import default_unit, route_for
from core.clock import SHANGHAI
from core.county import parse_county_file
from core.directory.lookup import find_unit, unreachable_units
from core.directory.places import Gazetteer
from core.reports.digest import readers
from core.store.db import make_engine
from core.store.models import County, Person, Petition, Township, Village
from core.timelines import CaseFacts, Policy
from core.workdays import WorkCalendar
from tests.conftest import EXAMPLE

BAOFENG = Path(__file__).resolve().parents[1] / "examples" / "baofeng.toml"
TOWNSHIPS = {"城关镇", "周庄镇", "闹店镇", "石桥镇", "商酒务镇", "大营镇", "张八桥镇", "杨庄镇", "赵庄镇",
             "前营乡", "李庄乡", "肖旗乡", "观音堂林业生态旅游示范区"}
DEPARTMENTS = {"zhujian", "ziranziyuan", "renshe", "minzheng", "gongan", "jiaotong", "shuili", "nongye", "jiaoyu",
               "weijian", "shichang", "chengshiguanli", "huanjing", "yibao", "tuiyijunren"}


@pytest.fixture(scope="module")
def data() -> dict:
    return parse_county_file(BAOFENG)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """A fresh database holding 宝丰县 alone (as `xinfang init examples/baofeng.toml` makes it)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('baofeng')}/bf.sqlite3"
    summary = init_database(url, BAOFENG, now=datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI))
    engine = make_engine(url, immediate=False)
    yield url, summary, engine
    engine.dispose()


def test_the_file_is_baofeng_s_with_its_own_policy(data):
    c = data["county"]
    assert (c["name"], c["prefix"], c["timezone"]) == ("宝丰县", "BF", "Asia/Shanghai")
    assert {t["name"] for t in data["townships"]} == TOWNSHIPS
    assert all(t["villages"] for t in data["townships"])          # a sample of villages, each
    assert "清凉寺村" in next(t for t in data["townships"] if t["name"] == "大营镇")["villages"]
    assert "马街村" in next(t for t in data["townships"] if t["name"] == "杨庄镇")["villages"]
    options = c["options"]
    assert Policy.from_options(options).name == "statutory"
    assert options["reports"] == {"daily_at": "17:00", "weekly_on": "monday", "weekly_at": "08:30",
                                  "monthly_at": "08:30", "reminders_at": "09:00"}
    assert options["contact"]["hotline"].startswith("0375-")
    assert "sms" not in options                                   # the demo's 宝丰 sends by Twilio or the console
    lushan = parse_county_file(EXAMPLE)
    assert lushan["county"]["prefix"] != c["prefix"]


def test_no_number_or_name_is_lushan_s_or_given_twice(data):
    lushan = parse_county_file(EXAMPLE)
    phones = [p["phone"] for p in data["people"]]
    assert len(set(phones)) == len(phones)
    assert not set(phones) & {p["phone"] for p in lushan["people"]}
    assert all(p.startswith("+86137") and p[6] == "2" for p in phones), phones   # 137 2xxx xxxx: lushan's are 1370/1371
    names = [p["name"] for p in data["people"]]
    assert len(set(names)) == len(names)       # 包案 / 七晚 name people: each name is one person


def test_every_unit_is_reachable_and_every_route_names_a_unit(data):
    units = {u["code"]: u for u in data["units"]}
    assert [u["code"] for u in data["units"] if u["kind"] == "bureau"] == ["xfj"]
    assert {u["township"] for u in data["units"] if u["kind"] == "township"} == TOWNSHIPS
    assert {code for code, u in units.items() if u["kind"] == "department"} == DEPARTMENTS
    roles = {(p["unit"], p["role"]) for p in data["people"]}
    for code, unit in units.items():
        if unit["kind"] != "bureau":
            assert (code, "liaison") in roles and (code, "head") in roles, unit["name"]
    assert any(p["role"] == "staff" and p["unit"] == "xfj" for p in data["people"])
    # a route's unit is not checked by the parser: a misspelt code would send its petitions to the township
    for route in data["county"]["options"]["routes"]:
        assert route.get("unit") is None or route["unit"] in units, route
        assert route["keywords"] and route["category"]
    assert {r["unit"] for r in data["county"]["options"]["routes"] if r.get("unit")} == DEPARTMENTS


def test_init_loads_it_with_nobody_missing_and_twice_changes_nothing(loaded, tmp_path, monkeypatch):
    url, summary, engine = loaded
    assert "乡镇13" in summary and "单位29" in summary and "人员73" in summary
    with Session(engine) as s:
        assert unreachable_units(s) == []
        assert s.scalars(select(County)).one().prefix == "BF"
        assert len(s.scalars(select(Village)).all()) == sum(len(t["villages"]) for t in parse_county_file(BAOFENG)["townships"])
    assert init_database(url, BAOFENG) == "县情文件已载入：无变化"
    # and as the operator runs it, on a fresh database: no unit named as unreachable
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/cli.sqlite3")
    result = CliRunner().invoke(main, ["init", str(BAOFENG)])
    assert result.exit_code == 0 and "没有登记联络人" not in result.output, result.output


# (what a petitioner writes, where they live, the unit it goes to)
ROUTED = [
    ("我在工地干了半年活，老板欠了我们三个月工资一直不给", "石桥镇", "renshe"),
    ("我的养老保险交了十五年，现在养老金还办不下来", "城关镇", "renshe"),
    ("住院花了两万多，医保报销比例不对", "周庄镇", "yibao"),
    ("我是退伍老兵，优抚金好几个月没发", "赵庄镇", "tuiyijunren"),
    ("我家低保今年被取消了，家里实在困难", "前营乡", "minzheng"),
    ("村里把我家的承包地流转出去了，没跟我商量", "李庄乡", "nongye"),
    ("邻居盖房占了我家宅基地，村里不管", "肖旗乡", "ziranziyuan"),
    ("煤矿采空区塌陷，我家房子裂了", "大营镇", "ziranziyuan"),
    ("今年的种粮补贴到现在还没发", "张八桥镇", "nongye"),
    ("买的商品房开发商一直不给办房产证", "城关镇", "zhujian"),
    ("村边的厂子晚上偷排污水，气味很大", "商酒务镇", "huanjing"),
    ("河道里有人夜里采砂，堤都挖坏了", "闹店镇", "shuili"),
    ("村村通的路坏了两年没人修", "杨庄镇", "jiaotong"),
    ("孩子上学的学校要收补课费", "城关镇", "jiaoyu"),
    ("在乡卫生院看病，医生开错了药", "观音堂林业生态旅游示范区", "weijian"),
    ("超市卖过期食品，找商家不理", "城关镇", "shichang"),
    ("被人打伤了，报警后派出所一直没处理", "周庄镇", "gongan"),
    ("小区门口占道经营，堵得车过不去", "城关镇", "chengshiguanli"),
]
# a category without a unit, or no category at all: the township's own government (属地)
LOCAL = [
    ("村里的垃圾堆了一个月没人清运", "杨庄镇", "yangzhuang", "人居环境"),
    ("邻里因为一堵墙闹矛盾，希望村里调解", "观音堂林业生态旅游示范区", "guanyintang", None),
]


@pytest.mark.parametrize("text,township,code", ROUTED)
def test_a_petition_goes_to_the_unit_its_words_name(loaded, text, township, code):
    _, _, engine = loaded
    with Session(engine) as s:
        county = s.scalars(select(County)).one()
        tid = s.scalars(select(Township.id).where(Township.name == township)).one()
        p = Petition(content=text, township_id=tid, accusation=False)
        route = route_for(p, county)
        assert route is not None and route["unit"] == code, (text, route)
        assert default_unit(s, p, county).code == code


@pytest.mark.parametrize("text,township,code,category", LOCAL)
def test_a_petition_of_no_department_goes_to_its_township(loaded, text, township, code, category):
    _, _, engine = loaded
    with Session(engine) as s:
        county = s.scalars(select(County)).one()
        tid = s.scalars(select(Township.id).where(Township.name == township)).one()
        p = Petition(content=text, township_id=tid, accusation=False)
        route = route_for(p, county)
        assert (route["category"] if route else None) == category
        unit = default_unit(s, p, county)
        assert (unit.code, unit.kind) == (code, "township")


def test_units_by_the_names_people_write_and_the_zone_by_its_places(loaded):
    _, _, engine = loaded
    with Session(engine) as s:
        for written, code in [("住建局", "zhujian"), ("城管局", "chengshiguanli"), ("环保局", "huanjing"),
                              ("医保局", "yibao"), ("教体局", "jiaoyu"), ("卫健委", "weijian"),
                              ("闹店镇政府", "naodian"), ("观音堂管委会", "guanyintang"), ("宝丰县信访局", "xfj")]:
            unit = find_unit(s, written)
            assert unit is not None and unit.code == code, written
        places = Gazetteer.from_session(s)
    zone = "观音堂林业生态旅游示范区"
    for said, village in [(zone + "龙王沟村", "龙王沟村"), ("石板河村", "石板河村"), ("大营镇清凉寺村", "清凉寺村"),
                          ("马街村", "马街村")]:
        place = places.match(said).unique
        assert place is not None and place.village == village, said
    # the zone's own name is no township's (no 镇/乡 to leave off): said in full, or its start, it is the zone
    for said in (zone, "观音堂"):
        place = places.match(said).unique
        assert place is not None and (place.township, place.village) == (zone, None), said


# --- deadlines: the 信访工作条例's own, counted here from the law (Art. 22, 23, 34; Civil Code 201-203)

def _off(d: date) -> bool:
    return not chinese_calendar.is_workday(d)


def _period(start: date, days: int) -> date:
    d = start + timedelta(days=days)     # counted from the day after (Civil Code Art. 201)
    while _off(d):                       # a last day off moves to the next working day (Art. 203)
        d += timedelta(days=1)
    return d


def _at(d: date, hour: int = 10) -> datetime:
    return datetime.combine(d, time(hour), SHANGHAI)


@pytest.mark.parametrize("received,assigned,accepted,extension", [
    (date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 9), 0),
    (date(2026, 9, 16), date(2026, 9, 18), date(2026, 9, 30), 0),     # 交办 and 受理 run into 国庆
    (date(2026, 4, 20), date(2026, 4, 20), date(2026, 5, 6), 20),     # an extension of 20 days (Art. 34)
    (date(2026, 6, 1), date(2026, 6, 2), date(2026, 6, 3), 45),       # asked for 45: the law allows 30
])
def test_the_statutory_policy_gives_the_law_s_deadlines(data, received, assigned, accepted, extension):
    options = data["county"]["options"]
    policy, calendar = Policy.from_options(options), WorkCalendar.from_options(options)
    unaccepted = policy.deadlines(CaseFacts(_at(received), _at(assigned)), calendar)
    assert unaccepted.assign.date() == _period(received, 15)                            # Art. 22
    assert unaccepted.accept.date() == _period(assigned, 15)                            # Art. 23
    assert unaccepted.finish.date() == _period(_period(assigned, 15), 60)               # from the accept deadline
    assert unaccepted.meet is None                                                      # the 条例 sets no meeting day
    d = policy.deadlines(CaseFacts(_at(received), _at(assigned), _at(accepted), None, extension), calendar)
    finish = _period(accepted, 60 + min(extension, 30))                                 # Art. 34
    assert (d.finish.date(), d.reply.date(), d.meet) == (finish, finish, None)
    assert d.finish == datetime.combine(finish, time(23, 59, 59), SHANGHAI)
    assert not d.provisional
    # 鲁山's 当日工作法 would want it all the same day: 宝丰's own file says otherwise
    same_day = Policy("same_day").deadlines(CaseFacts(_at(received), _at(assigned)), calendar)
    assert same_day.assign < d.assign


# --- 三个报告 (seed 001): when each goes, and to whom

def test_the_three_reports_go_at_the_county_s_times(data):
    from notifications.schedule import BY_NAME

    options = data["county"]["options"]
    daily, weekly, monthly = BY_NAME["daily_digest"], BY_NAME["weekly_report"], BY_NAME["monthly_report"]
    monday = date(2026, 11, 23)
    assert daily.period(datetime.combine(monday, time(16, 59), SHANGHAI), options) is None
    assert daily.period(datetime.combine(monday, time(17, 0), SHANGHAI), options) == "2026-11-23"   # before 下班
    assert daily.period(datetime.combine(date(2026, 11, 28), time(17, 30), SHANGHAI), options) is None   # a Saturday
    assert weekly.period(datetime.combine(monday, time(8, 29), SHANGHAI), options) is None
    assert weekly.period(datetime.combine(monday, time(8, 30), SHANGHAI), options) == "2026-11-23"
    assert monthly.period(datetime.combine(date(2026, 12, 1), time(8, 30), SHANGHAI), options) == "2026-12"
    assert monthly.period(datetime.combine(date(2026, 10, 8), time(8, 30), SHANGHAI), options) == "2026-10"   # after 国庆


def test_the_leaders_read_the_three_reports_and_the_heads_the_daily_one(loaded, data):
    _, _, engine = loaded
    leaders = [p for p in data["people"] if p["role"] == "leader"]
    titles = [p["title"] for p in leaders]
    assert titles[:2] == ["县委书记", "县委副书记、县长"]                           # the main leaders
    standing = [t for t in titles if re.match(r"县委(书记|副书记|常委)", t)]
    assert len(standing) == 11                                                     # the 县委常委会
    assert {"县人大常委会主任", "县政协主席"} <= set(titles)                          # 包案 outside it
    with Session(engine) as s:
        daily = {p.phone for p in readers(s)}
        heads = {p.phone for p in s.scalars(select(Person).where(Person.role == "head"))}
        leader_phones = {p.phone for p in s.scalars(select(Person).where(Person.role == "leader"))}
        assert set(audience.leaders(s)) == leader_phones == {p["phone"] for p in leaders}   # weekly and monthly
    assert daily == leader_phones | heads
    assert len(heads) == 28                                                        # each township's and department's 一把手
