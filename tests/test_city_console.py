"""The console in a city's deployment (issue 31, 1; docs/city.md): 平顶山市 over 鲁山县 and 宝丰县
in one database. Each person signs in with their number as before, and every request of theirs is
their county's: a 鲁山 clerk's pages — 工作台, lists, search, the case file, 统计, the export —
show 鲁山's cases and never 宝丰's (a 宝丰 number is "not found", as if it did not exist), and the
other way round; the city's clerk signs in too."""
from __future__ import annotations

import re
import shutil
from datetime import date, datetime

import pytest
from sqlalchemy.orm import Session
from sqlalchemy import select

from bot.app import create_app
from bot.cli.county import init_database
from core.clock import SHANGHAI, FixedClock
from core.settings import load_settings
from core.store import scope
from core.store.models import (AnalysisNote, AuditEvent, CityFigures, County, Escalation, LedgerExport, Person, Petition, PetitionEvent, ReceptionSlot,
                               Supervision, Township, Unit)
from notifications.services import build_services
from notifications.sms import ConsoleSms
from tests.conftest import ROOT, make_env
from tests.test_console_security import sign_in
from tests.test_export_limits import Console

CITY = ROOT / "examples" / "pingdingshan.toml"
AT = datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)
LS_CLERK, BF_CLERK, CITY_CLERK = "+8613700000001", "+8613720000001", "+8613730000001"


@pytest.fixture(scope="module")
def city_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("cityconsole") / "city.sqlite3"
    init_database(f"sqlite:///{path}", CITY, now=datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI))
    return path


def _case(s: Session, county: County, no: str, township: str, content: str, at: datetime | None = None) -> None:
    AT = at or globals()["AT"]
    scope.bind(s, county.id)
    t = s.scalars(select(Township).where(Township.name == township)).one()
    unit = s.scalars(select(Unit).where(Unit.township_id == t.id)).first()
    p = Petition(tracking_no=no, channel="wechat", phone="+8613800000009", name="张三", township_id=t.id,
                 content=content, received_at=AT, updated_at=AT, unit_id=unit.id, assigned_at=AT, status="assigned")
    s.add(p)
    s.flush()
    s.add(PetitionEvent(petition_id=p.id, at=AT, kind="received", actor="citizen"))


def city_app(city_file, tmp_path, at: datetime, **env):
    """The city's file on a fresh copy, a case of each county on the 23rd, the app: (app, services, sms)."""
    path = tmp_path / "city.sqlite3"
    shutil.copy(city_file, path)
    sms = ConsoleSms(quiet=True)
    svc = build_services(load_settings(make_env(f"sqlite:///{path}", EXPORT_DIR=str(tmp_path / "exports"), **env)),
                         clock=FixedClock(at), sms=sms)
    with Session(svc.engine) as s:
        counties = {c.prefix: c for c in s.scalars(select(County))}
        _case(s, counties["LS"], "LS-20261123-0001", "下汤镇", "鲁山下汤镇的水井坏了")
        _case(s, counties["BF"], "BF-20261123-0001", "杨庄镇", "宝丰杨庄镇的路坏了")
        s.commit()
    return create_app({"SERVICES": svc, "TESTING": True}), svc, sms


@pytest.fixture
def city(city_file, tmp_path):
    app, svc, sms = city_app(city_file, tmp_path, datetime(2026, 11, 23, 15, 0, tzinfo=SHANGHAI))
    yield app, sms
    svc.engine.dispose()


PAGES = ("/console/", "/console/cases", "/console/cases?q=坏了", "/console/cases?status=assigned", "/console/stats",
         "/console/evenings", "/console/follow-ups", "/console/analysis", "/console/register", "/console/reception")


def test_each_countys_clerk_sees_only_their_county(city):
    app, sms = city
    for phone, mine, other, words, not_words in ((LS_CLERK, "LS-20261123-0001", "BF-20261123-0001", "水井", "杨庄镇的路"),
                                                 (BF_CLERK, "BF-20261123-0001", "LS-20261123-0001", "杨庄镇的路", "水井")):
        client = app.test_client()
        sign_in(client, sms, phone)
        for page in PAGES:
            got = client.get(page)
            assert got.status_code == 200, (phone, page, got.status_code)
            assert other not in got.text and not_words not in got.text, (phone, page)
        listed = client.get("/console/cases").text
        assert mine in listed and words in listed
        assert client.get(f"/console/cases/{mine}").status_code == 200
        assert client.get(f"/console/cases/{other}").status_code == 404      # as if it did not exist
        found = client.get(f"/console/cases?q={other}")        # asked for by number: nothing found
        assert found.status_code == 200 and f"/console/cases/{other}" not in found.text


def test_the_citys_clerk_signs_in_and_every_sign_in_is_recorded_in_its_county(city):
    app, sms = city
    client = app.test_client()
    sign_in(client, sms, CITY_CLERK)
    home = client.get("/console/")
    assert home.status_code == 200 and "LS-20261123-0001" not in home.text and "BF-20261123-0001" not in home.text
    sign_in(app.test_client(), sms, LS_CLERK)
    svc = app.extensions["xinfang"]
    with Session(svc.engine) as s:
        prefixes = dict(s.execute(select(County.id, County.prefix)).all())
        recorded = [(prefixes[c], kind) for c, kind in s.execute(select(AuditEvent.county_id, AuditEvent.action)
                                                                  .order_by(AuditEvent.id))]
    assert ("PDS", "sign_in") in recorded and ("LS", "sign_in") in recorded
    assert ("PDS", "code_sent") in recorded and ("LS", "code_sent") in recorded
    # a number nobody has: answered as any, audited at the city's door
    client = app.test_client()
    page = client.get("/console/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    assert client.post("/console/login", data={"phone": "13999999999", "csrf_token": token}).status_code == 200


def test_a_countys_台账_holds_its_cases_only(city):
    """The export is built outside the request (the reports' worker; here inline), as the county of
    the one who asked for it."""
    app, sms = city
    for phone, mine, other in ((LS_CLERK, "LS-20261123-0001", "BF-20261123-0001"),
                               (BF_CLERK, "BF-20261123-0001", "LS-20261123-0001")):
        clerk = Console(app, sms, phone)
        asked = clerk.export(fmt="csv")
        assert asked.status_code == 302 and "/console/exports/" in asked.headers["Location"]
        got = clerk.get(asked.headers["Location"] + "/file")
        text = got.get_data().decode("utf-8-sig")
        assert got.status_code == 200 and mine in text and other not in text


def test_the_city_sees_each_county_and_the_sum_looks_into_one_and_supervises_there(city):
    app, sms = city
    clerk = Console(app, sms, CITY_CLERK)
    page = clerk.get("/console/city")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "各县概况" in html

    def row(prefix: str) -> dict[str, str]:
        line = re.search(rf'<tr id="county-{prefix}">(.*?)</tr>', html, re.S).group(1)
        return {k: re.sub(r"<[^>]+>", "", v) for k, v in re.findall(r'data-shelf="(\w+)">(.*?)</td>', line)}

    ls, bf, total = row("LS"), row("BF"), row("total")
    # last month's ranking on its own page, as the monthly text tells it: nothing in October, each county at 100
    assert "/console/city/ranking" in html and 'id="ranking"' not in html
    page = clerk.get("/console/city/ranking").get_data(as_text=True)
    ranking = re.search(r'<table id="ranking">(.*?)</table>', page, re.S).group(1)
    assert "2026年10月各县（市、区）排名" in page and "鲁山县" in ranking and "宝丰县" in ranking
    assert [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td>(.*?)</td>", ranking)][:4] == ["1", "100", "0", "—"]
    # a month that has not ended, or is no month: said, nothing ranked
    for month in ("2026-11", "2026-13", "去年", "1999-12"):
        wrong = clerk.get("/console/city/ranking", month=month)
        assert wrong.status_code == 400 and "月份请选择已结束的月份" in wrong.get_data(as_text=True)
    assert "2026年9月各县（市、区）排名" in clerk.get("/console/city/ranking", month="2026-09").get_data(as_text=True)
    assert ls["to_accept"] == bf["to_accept"] == "1"
    assert all(int(total[k]) == int(ls[k]) + int(bf[k]) for k in total)      # the city's line is the sum
    # into 宝丰: its list, its case file — and the city's 督办 is what the city may do there
    listed = clerk.get("/console/cases", county="BF").get_data(as_text=True)
    assert "/console/cases/BF-20261123-0001" in listed and "/console/cases/LS-20261123-0001" not in listed
    case = clerk.get("/console/cases/BF-20261123-0001").get_data(as_text=True)
    assert 'value="supervise"' in case and 'value="assign"' not in case and 'value="urge"' not in case
    bad = clerk.post("/console/cases/BF-20261123-0001/act", action="supervise", days="五", text="请督促")
    assert "督办期限请填1至30个工作日。" in clerk.said(bad)
    done = clerk.post("/console/cases/BF-20261123-0001/act", action="supervise", days="5",
                      text="群众反映三次未见面，请督促当面答复")
    assert "已对BF-20261123-0001挂牌督办" in clerk.said(done)
    svc = app.extensions["xinfang"]
    with Session(svc.engine) as s:
        [(county, reason)] = s.execute(select(County.prefix, Supervision.reason).join(
            County, County.id == Supervision.county_id)).all()
        bf_staff = set(s.scalars(select(Person.phone).join(County, County.id == Person.county_id).where(
            County.prefix == "BF", Person.role == "staff")))
        ls_people = set(s.scalars(select(Person.phone).join(County, County.id == Person.county_id).where(
            County.prefix == "LS")))
    assert (county, reason) == ("BF", "群众反映三次未见面，请督促当面答复")
    told = {to for to, body in sms.sent if "【挂牌督办】平顶山市信访局挂牌督办事项BF-20261123-0001" in body}
    assert bf_staff <= told and not told & ls_people
    # a county's clerk has no city page, and cannot look into another county
    ls_clerk = Console(app, sms, LS_CLERK)
    assert ls_clerk.get("/console/city").status_code == 404
    theirs = ls_clerk.get("/console/cases", county="BF").get_data(as_text=True)
    assert "/console/cases/BF-20261123-0001" not in theirs and "/console/cases/LS-20261123-0001" in theirs


def test_the_city_registers_a_visit_for_a_county_whose_answer_comes_back(city):
    """到市访: 赵六 of 宝丰's 马街村 comes to the city's reception; the city's clerk registers it for
    宝丰 — 宝丰's case from the first moment, its bureau told (【市交办】); 宝丰 accepts and answers,
    and the city's bureau hears the answer."""
    app, sms = city
    app.extensions["xinfang"].clock.advance(days=1)     # Tuesday: the day's numbers are the counters'
    clerk = Console(app, sms, CITY_CLERK)
    choose = clerk.get("/console/register").get_data(as_text=True)
    assert "宝丰县" in choose and "鲁山县" in choose and 'name="place"' not in choose
    form = clerk.get("/console/register", county="BF").get_data(as_text=True)
    assert 'name="county" value="BF"' in form and "杨庄镇" in form and "下汤镇" not in form
    done = clerk.post("/console/register", county="BF", kind="visit", place="杨庄镇马街村", name="赵六",
                      phone="13912340066", people="1", content="俺家宅基地被邻居占了，村里镇里协调多次都没结果")
    assert done.status_code == 302 and "/console/cases/BF-" in done.headers["Location"]
    no = done.headers["Location"].rsplit("/", 1)[1]
    svc = app.extensions["xinfang"]
    with Session(svc.engine) as s:
        p = s.scalars(select(Petition).where(Petition.tracking_no == no)).one()
        prefixes = dict(s.execute(select(County.id, County.prefix)).all())
        assert (prefixes[p.county_id], prefixes[p.from_city_id], p.name) == ("BF", "PDS", "赵六")
        assert "平顶山市信访局登记，交本县办理" in " ".join(
            s.scalars(select(PetitionEvent.text).where(PetitionEvent.petition_id == p.id, PetitionEvent.text.is_not(None))))
    with Session(svc.engine) as s:   # routed by its matter (宅基地: 国土资源) to 宝丰's own unit of that code
        bf_people = set(s.scalars(select(Person.phone).where(Person.county_id == p.county_id)))
    assert next(to for to, body in sms.sent if body.startswith(f"【交办】{no}")) in bf_people
    told = [to for to, body in sms.sent if body.startswith(f"【市交办】平顶山市信访局登记的事项{no}（杨庄镇马街村）")]
    assert BF_CLERK in told and LS_CLERK not in told
    # 宝丰's bureau works it in its own console; the answer goes back to the city's bureau
    bf = Console(app, sms, BF_CLERK)
    assert no in bf.get("/console/cases").get_data(as_text=True)
    for action, fields, said in (("accept", {"complexity": ""}, f"已受理{no}"),
                                 ("reply", {"text": "已组织双方现场勘界，邻居退还占用部分"}, "答复已转给信访人")):
        got = bf.said(bf.post(f"/console/cases/{no}/act", action=action, **fields))
        assert said in re.search(r'<div class="flash" role="status">([^<]*)</div>', got).group(1)
    answered = [to for to, body in sms.sent if body.startswith(f"【市交办件答复】宝丰县") and no in body]
    assert CITY_CLERK in answered and LS_CLERK not in answered
    # the case file's texts say to whom by name, the number masked: 宝丰's own people and the city's
    texts = re.search(r'<table id="texts">(.*?)</table>', bf.get(f"/console/cases/{no}").get_data(as_text=True), re.S).group(1)
    assert "孟晓燕<br>137****0001" in texts and "13730000001" not in texts
    assert "<td>郑雅静<br>137****0001</td>" in texts      # 宝丰's bureau (told of the 市交办), by name too


def test_the_city_registering_a_village_of_another_county_is_told_it_is_not_found(city):
    """The city's clerk chose 鲁山 and typed a 宝丰 village: the form says the place is not found there
    (鲁山's places are its own), and nothing is registered."""
    app, sms = city
    clerk = Console(app, sms, CITY_CLERK)
    got = clerk.post("/console/register", county="LS", kind="visit", place="杨庄镇马街村", name="赵六",
                     phone="13912340066", people="1", content="俺家宅基地被邻居占了")
    assert got.status_code == 400 and "杨庄镇马街村" in re.search(r'<div class="flash" role="status">([^<]*)</div>',
                                                                got.get_data(as_text=True)).group(1)
    with Session(app.extensions["xinfang"].engine) as s:
        assert s.scalars(select(Petition).where(Petition.name == "赵六")).all() == []


def test_what_is_not_there_is_said_in_chinese_with_its_status(city):
    """A clerk who follows an old link, types an address, or sends a form from a page left open
    overnight reads what happened in words — not Werkzeug's English page; the webhooks keep theirs."""
    app, sms = city
    clerk = Console(app, sms, CITY_CLERK)
    # a county the city has not (a typo, another city's prefix): 没有找到, not the city's own list
    for prefix in ("ZZ", "bf1", "平顶山"):
        page = clerk.get("/console/cases", county=prefix)
        assert page.status_code == 404 and "没有找到" in page.get_data(as_text=True)
    assert "/console/cases/BF-20261123-0001" in clerk.get("/console/cases", county="bf").get_data(as_text=True)
    ls = Console(app, sms, LS_CLERK)
    for path, status, words in (("/console/city", 404, "没有找到"), ("/console/no-such-page", 404, "没有找到"),
                                ("/console/city/ranking", 404, "没有找到")):
        page = ls.get(path)
        html = page.get_data(as_text=True)
        assert page.status_code == status and words in html and "Not Found" not in html, path
        assert 'lang="zh-CN"' in html and "返回工作台" in html
    # a form whose page was open too long (its CSRF token gone): 页面已过期, nothing done
    stale = ls.client.post("/console/cases/LS-20261123-0001/act", data={"action": "urge", "text": "请尽快"})
    assert stale.status_code == 400 and "页面已过期" in stale.get_data(as_text=True)
    with Session(app.extensions["xinfang"].engine) as s:
        assert s.scalar(select(PetitionEvent.id).where(PetitionEvent.kind == "urged")) is None
    # a webhook's error is its peer's: plain, not a console page
    hook = app.test_client().get("/county/zz/wechat")
    assert hook.status_code == 404 and "信访工作台" not in hook.get_data(as_text=True)


def test_a_city_leader_reads_a_county_as_its_bureau_and_does_nothing_there(city):
    """副市长 袁立新 opens the city's page and looks into 宝丰: its lists and its case file, as 宝丰's
    bureau reads them — but 督办 is the city's bureau's, and a petitioner's number is for those who
    handle the case."""
    app, sms = city
    leader = Console(app, sms, "+8613730000102")
    assert leader.get("/console/city").status_code == 200
    listed = leader.get("/console/cases", county="BF").get_data(as_text=True)
    assert "/console/cases/BF-20261123-0001" in listed and "LS-20261123-0001" not in listed
    case = leader.get("/console/cases/BF-20261123-0001")
    html = case.get_data(as_text=True)
    assert case.status_code == 200 and "宝丰" in html and 'value="supervise"' not in html and 'name="action"' not in html
    refused = leader.post("/console/cases/BF-20261123-0001/act", action="supervise", days="5", text="请督促")
    assert refused.status_code == 422 and "您无权对此事项进行该操作" in refused.get_data(as_text=True)
    assert leader.client.post("/console/cases/BF-20261123-0001/reveal",
                              data={"csrf_token": leader.token}).status_code == 404
    with Session(app.extensions["xinfang"].engine) as s:
        assert s.scalar(select(Supervision.id)) is None


def test_looking_into_a_county_the_city_stays_there_link_after_link(city):
    """The city's clerk opens 宝丰's 工作台 from the city's page: it says whose it is, its shelves'
    counts lead to 宝丰's lists (not the city's own, empty), and no 批量交办 is offered — the city
    交办s nothing of a county's; 督办 is one case's."""
    app, sms = city
    clerk = Console(app, sms, CITY_CLERK)
    home = clerk.get("/console/", county="BF").get_data(as_text=True)
    assert '<p class="banner" id="looked-into"' in home and "正在查看<strong>宝丰县</strong>" in home
    shelf = re.search(r'href="([^"]*shelf=to_accept[^"]*)"', home).group(1).replace("&amp;", "&")
    assert "county=BF" in shelf
    listed = clerk.client.get(shelf).get_data(as_text=True)
    assert "/console/cases/BF-20261123-0001" in listed and 'id="bulk"' not in listed
    assert 'id="looked-into"' not in clerk.get("/console/city").get_data(as_text=True)
    # 宝丰's own clerk: their list with its 批量 form, and no banner
    own = Console(app, sms, BF_CLERK).get("/console/cases").get_data(as_text=True)
    assert 'id="bulk"' in own and 'id="looked-into"' not in own


def test_looking_into_a_county_the_city_writes_none_of_its_own(city):
    """The city's clerk reads 鲁山's 分析 and 接访 as 鲁山's bureau does, but what 鲁山 writes there —
    the notes its leaders read, its leaders' 接访 days, a 批量 of its cases — is 鲁山's: no form is
    offered, and a note sent anyway is refused in Chinese and nothing written. 督办 and 登记 stay
    the city's (above)."""
    app, sms = city
    clerk = Console(app, sms, CITY_CLERK)
    engine = app.extensions["xinfang"].engine
    analysis = clerk.get("/console/analysis", county="LS", kind="weekly")
    assert analysis.status_code == 200 and 'name="outlook"' not in analysis.get_data(as_text=True)
    reception = clerk.get("/console/reception", county="LS").get_data(as_text=True)
    assert '<form method="post">' not in reception and 'name="cancel"' not in reception
    for path, form in (("/console/analysis", {"kind": "weekly", "day": "2026-11-16", "outlook": "市局替县里写的预判"}),
                       ("/console/reception", {"day": "2026-11-30", "hours": "9:00-12:00", "place": "县信访局"}),
                       ("/console/cases/bulk", {"action": "assign", "nos": "LS-20261123-0001", "unit": "下汤镇"})):
        refused = clerk.client.post(path, query_string={"county": "LS"}, data={**form, "csrf_token": clerk.token})
        page = refused.get_data(as_text=True)
        assert refused.status_code == 403 and "由县（市、区）信访局办理" in page and "督办" in page, path
    # nor a 文书 issued in 鲁山's name and recorded in its case, nor its ledger from its own page
    case = clerk.get("/console/cases/LS-20261123-0001").get_data(as_text=True)
    assert 'id="documents"' not in case
    document = clerk.get("/console/cases/LS-20261123-0001/documents/assignment")
    assert document.status_code == 403 and "由县（市、区）信访局办理" in document.get_data(as_text=True)
    assert 'id="export-at-city"' in clerk.get("/console/stats", county="LS").get_data(as_text=True)
    export = clerk.client.post("/console/exports", query_string={"county": "LS"},
                               data={"from": "2026-11-01", "to": "2026-11-23", "format": "csv", "csrf_token": clerk.token})
    assert export.status_code == 403
    with Session(engine) as s:
        assert s.scalar(select(AnalysisNote.id)) is None and s.scalar(select(ReceptionSlot.id)) is None
        assert s.scalar(select(LedgerExport.id)) is None
        assert not s.scalars(select(PetitionEvent).where(PetitionEvent.kind == "document")).all()
    # a city department's people (市住建局) work their own unit's cases: no county, no city pages
    head = Console(app, sms, "+8613730000011")
    for path, params in (("/console/", {"county": "LS"}), ("/console/stats", {"county": "LS"}),
                         ("/console/city", {}), ("/console/city/day", {}), ("/console/city/ranking", {})):
        assert head.get(path, **params).status_code == 404, path
    # 鲁山's own clerk writes the note as before
    own = Console(app, sms, LS_CLERK)
    assert own.post("/console/analysis", kind="weekly", day="2026-11-16", outlook="下周注意征地补偿").status_code == 302
    with Session(engine) as s:
        assert s.scalars(select(AnalysisNote.text)).one() == "下周注意征地补偿"


def test_the_citys_day_by_county_is_each_countys_own_and_their_sum(city):
    """The 每日访情's 各县情况请在工作台查看: the city's leader opens today's page — each county's line as
    its own 每日访情 counts it, a 越级访 赴省 registered in 宝丰 in its column, the city's line the sum;
    a day to come is today; a county's line leads into its 工作台."""
    from core.reports.digest import gather_all
    app, sms = city
    svc = app.extensions["xinfang"]
    with Session(svc.engine) as s:
        bf = s.scalars(select(County).where(County.prefix == "BF")).one()
        scope.bind(s, bf.id)
        s.add(Escalation(level="province", occurred_on=date(2026, 11, 23), people=3, matter="征地补偿",
                         registered_at=AT, actor="staff"))
        s.commit()
    leader = Console(app, sms, "+8613730000102")
    assert "/console/city/day" in leader.get("/console/city").get_data(as_text=True)
    page = leader.get("/console/city/day").get_data(as_text=True)
    assert "11月23日（今天，截至现在）" in page
    cells = {k: _cells(page, f"county-{k}") for k in ("LS", "BF", "total")}
    with Session(svc.engine) as s:
        for prefix in ("LS", "BF"):
            scope.bind(s, s.scalars(select(County.id).where(County.prefix == prefix)).one())
            d = gather_all(s, date(2026, 11, 23), svc.clock.now()).view()
            assert cells[prefix][:6] == [str(d.batches), str(d.people), str(d.beyond.get("city", (0, 0))[0]),
                                         str(d.beyond.get("province", (0, 0))[0]), "0", str(d.groups)], prefix
    assert cells["BF"][3] == "1" and cells["LS"][0] == cells["BF"][0] == "1"
    assert [int(x) for x in cells["total"]] == [int(a) + int(b) for a, b in zip(cells["LS"], cells["BF"])]
    assert "11月23日" in leader.get("/console/city/day", day="2026-12-25").get_data(as_text=True)
    assert 'role="alert"' in leader.get("/console/city/day", day="昨天").get_data(as_text=True)
    assert 'href="/console/?county=BF"' in page


def _cells(page: str, row_id: str) -> list[str]:
    row = re.search(rf'<tr id="{row_id}">(.*?)</tr>', page, re.S).group(1)
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def test_the_citys_pages_show_what_its_texts_said(city):
    """At 17:30 the city's 每日访情 goes to its leaders; the day's page then shows the figures it
    sent, saying when, though a 鲁山 case came in at 17:40 — and counts again when asked. On the
    first working day of December the ranking of November is 通报ed; its page shows that ranking."""
    from notifications.schedule import tick
    app, sms = city
    svc = app.extensions["xinfang"]
    leader = Console(app, sms, "+8613730000102")
    assert 'id="sent-at"' not in leader.get("/console/city/day").get_data(as_text=True)   # counted now
    ran = {name for name, _, _ in tick(svc, datetime(2026, 11, 23, 17, 30, tzinfo=SHANGHAI))}
    assert "PDS:city_digest" in ran
    with Session(svc.engine) as s:
        ls = s.scalars(select(County).where(County.prefix == "LS")).one()
        _case(s, ls, "LS-20261123-0002", "下汤镇", "鲁山下汤镇又一户停水了")
        s.commit()
    page = leader.get("/console/city/day").get_data(as_text=True)
    assert "11月23日17:30每日访情短信发出时的数字" in page and _cells(page, "county-LS")[0] == "1"
    # the city's page is the city's whatever the address says
    into = leader.get("/console/city/day", county="LS").get_data(as_text=True)
    assert 'id="sent-at"' in into and 'id="looked-into"' not in into
    again = leader.get("/console/city/day", day="2026-11-23", live="1").get_data(as_text=True)
    assert 'id="sent-at"' not in again and _cells(again, "county-LS")[0] == "2"
    # November's ranking as 通报ed on 12月1日
    tick(svc, datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI))
    with Session(svc.engine) as s:
        assert s.scalars(select(CityFigures.kind).where(CityFigures.period == "2026-11")).all() == ["ranking"]
    svc.clock.set(datetime(2026, 12, 2, 10, 0, tzinfo=SHANGHAI))
    leader = Console(app, sms, "+8613730000102")            # a day later: signed in again
    ranking = leader.get("/console/city/ranking").get_data(as_text=True)
    assert "2026年11月各县（市、区）排名" in ranking and "12月1日09:00排名通报时的数字" in ranking
    assert "鲁山县" in ranking and "宝丰县" in ranking


def test_mondays_city_text_counts_the_weekend_as_each_countys_own_does(city):
    """A 鲁山 villager petitioned on Saturday the 21st; Monday's 17:30 texts count it — 鲁山's own
    每日访情 (11月21日至23日) and the city's, which keeps those figures for its page."""
    from notifications.schedule import tick
    app, sms = city
    svc = app.extensions["xinfang"]
    with Session(svc.engine) as s:
        ls = s.scalars(select(County).where(County.prefix == "LS")).one()
        _case(s, ls, "LS-20261121-0001", "下汤镇", "周六来反映的低保问题", at=datetime(2026, 11, 21, 10, 0, tzinfo=SHANGHAI))
        s.commit()
    ran = {name for name, _, _ in tick(svc, datetime(2026, 11, 23, 17, 30, tzinfo=SHANGHAI))}
    assert {"LS:daily_digest", "PDS:city_digest"} <= ran
    with Session(svc.engine) as s:
        kept = s.scalars(select(CityFigures).where(CityFigures.kind == "daily")).one()
    assert kept.figures["since"] == "2026-11-21"
    assert {c["prefix"]: c["batches"] for c in kept.figures["counties"]} == {"LS": 2, "BF": 1}
    leader = Console(app, sms, "+8613730000102")
    assert "11月21日至11月23日" in leader.get("/console/city/day").get_data(as_text=True)
