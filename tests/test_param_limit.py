"""Tencent's variable length (issue 33): the county file says how long one template variable may be
on its account — none for an account verified as an organisation, 12 characters for a personal
one (Tencent's TemplateParameterLengthLimit) — every send cuts what a cut leaves true and refuses
the rest, and ``xinfang sms-templates --county`` says beforehand which template would exceed."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from bot.cli import main
from peers.apis import TencentSmsApiStub
from core.county import CountyFileError, parse_county_file
from core.store.models import County, OutboundMessage
from core.words import templates
from notifications.sms import TencentSms
from tests.test_cases import LIAISON, STAFF
from tests.test_sms_tencent import WANG

ROOT = Path(__file__).resolve().parents[1]
LUSHAN = (ROOT / "examples" / "lushan.toml").read_text(encoding="utf-8")


@pytest.fixture
def personal_account(services, db):
    """鲁山's Tencent account verified personally: 12 characters a variable, as its file says."""
    stub = TencentSmsApiStub(param_limit=12)
    services.sms = TencentSms(stub.secret_id, stub.secret_key, stub.app_id, api_base=stub.base_url, timeout=3)
    county = db.scalars(select(County)).one()
    county.options = {**county.options, "sms": {**county.options["sms"], "param_limit": 12}}
    db.commit()
    yield stub
    stub.close()


def test_a_personal_account_gets_what_can_be_cut_and_never_a_number_cut(tencent, personal_account, db, clock):
    """王大爷 petitions by text on a personally verified account. The places offered as examples are
    cut to whole places; his tracking number cannot be cut, so its answer says where to read it
    rather than nothing; the 交办 to 下汤镇, whose number cannot go either, is refused before
    Tencent sees it, and the bureau's staff are told why."""
    ids = parse_county_file(ROOT / "examples" / "lushan.toml")["county"]["options"]["sms"]["templates"]
    for i, words in enumerate(("你好", "王有田", "下汤镇林楼村", "村口那座桥裂了条大缝，拖拉机都不敢过", "确认")):
        tencent(WANG, words, at=1764560000 + i)
    db.rollback()
    rows = list(db.scalars(select(OutboundMessage).order_by(OutboundMessage.id)))
    answers = {m.params["t"]: m for m in rows if m.purpose == "reply" and m.to == "+86" + WANG}
    got = {r["TemplateId"]: r["TemplateParamSet"] for r in personal_account.received}

    ask_place = answers["ask_place"]
    [examples] = ask_place.params["v"]
    assert ask_place.status == "sent" and len(examples) > 12                   # the sentence has them all …
    [cut] = got[ids["ask_place"]]
    assert len(cut) <= 12 and cut.rstrip("等") == "、".join(examples.split("、")[:len(cut.split("、"))])
    assert cut.endswith("等")                                                  # … the text whole places, then 等

    submitted = answers["submitted"]
    assert submitted.status == "sent" and len(submitted.params["v"][0]) == 16   # LS-20261123-0001
    assert ids["submitted"] not in got and got[ids["reply_other"]] == []       # where to read it, not nothing

    [assigned] = [m for m in rows if m.purpose == "case_assigned"]
    assert assigned.to == LIAISON and assigned.status == "failed"
    assert "over the account's variable length 12" in assigned.error and "param_limit" in assigned.error
    assert ids["case_assigned"] not in got                                     # Tencent never saw it
    told = [m for m in rows if m.purpose == "send_failed" and m.to == STAFF]
    assert told and "模板变量超过账号字数限制" in told[0].body
    assert all(len(v) <= 12 for values in got.values() for v in values)       # nothing the account refuses


def test_a_value_is_cut_only_where_the_cut_still_says_something_true():
    assert templates.fit("LS-20261123-0001", 12) is None                      # a number: never cut
    assert templates.fit("于12月17日（周四）前", 6) is None                     # a date: never cut
    assert templates.fit("12月7日（周一）", 6) == "12月7日"                      # … but its weekday may go
    assert templates.fit("企业微信拒收（不在应用可见范围或账号有误）", 12) == "企业微信拒收"
    assert templates.fit("下汤镇林楼村、磙子营乡三官庙村、赵村镇", 12) == "下汤镇林楼村等"
    assert templates.fit("1.下汤镇林楼村 2.磙子营乡三官庙村", 12) == "1.下汤镇林楼村"
    assert templates.fit("鲁山县人力资源和社会保障局", 12) == "鲁山县人力资源和社会保…"
    assert templates.fit("鲁山县人力资源和社会保障局", None) == "鲁山县人力资源和社会保障局"
    assert templates.problems("case_closed", ["一" * 200], None) == []
    assert templates.problems("case_closed", ["一" * 13], 12) == ["case_closed {1}: 13 characters, over 12"]


def county_file(tmp_path, setting: str | None) -> Path:
    text = LUSHAN.replace('param_limit = "none"\n', f"{setting}\n" if setting else "")
    assert text != LUSHAN or setting == 'param_limit = "none"'
    path = tmp_path / "county.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("setting, limit", [('param_limit = "none"', None), ("param_limit = 12", 12),
                                            ("param_max = 20", 20), (None, None)])
def test_the_county_file_states_the_accounts_limit(tmp_path, setting, limit):
    from core.county import sms_param_limit
    options = parse_county_file(county_file(tmp_path, setting))["county"]["options"]
    assert sms_param_limit(options) == limit


@pytest.mark.parametrize("setting", ['param_limit = "12"', "param_limit = 0", 'param_limit = "unlimited"',
                                     "param_limit = 12\nparam_max = 20"])
def test_a_limit_that_is_none_is_refused_naming_the_key(tmp_path, setting):
    with pytest.raises(CountyFileError, match=r"sms\.param_limit"):
        parse_county_file(county_file(tmp_path, setting))


def test_an_operator_sees_which_template_a_personal_account_would_refuse(tmp_path):
    """Before the first text: on 鲁山's organisation account nothing exceeds; on a personal one (12)
    every tracking number would, and the command says which templates and fails; the older
    param_max = 20 is still read; a file that says nothing is told to say."""
    run = lambda setting: CliRunner().invoke(main, ["sms-templates", "--county", str(county_file(tmp_path, setting))])  # noqa: E731
    none = run('param_limit = "none"')
    assert none.exit_code == 0 and "账号不限单个变量字数" in none.output
    personal = run("param_limit = 12")
    assert personal.exit_code == 1, personal.output
    assert "账号每个变量最多12字" in personal.output
    [numbers] = [line for line in personal.output.splitlines() if line.split()[:1] == ["LS-20261230-1234"]]
    assert "（16字，超过12字）：无法截短" in numbers and "case_accepted {1}, " in numbers and "submitted {1}" in numbers
    assert "发送时截为 企业微信拒收 。涉及 send_failed {3}" in personal.output
    old = run("param_max = 20")
    assert old.exit_code == 0 and "账号每个变量最多20字" in old.output and "均可截短发送" in old.output
    silent = run(None)
    assert silent.exit_code == 0 and "未说明账号的变量字数限制" in silent.output


def test_the_start_under_tencent_asks_a_file_that_says_nothing_to_say(services, caplog):
    from sqlalchemy import update

    from bot.app import create_app
    services.sms = TencentSms("AKIDstub", "key", "1400000001", api_base="http://127.0.0.1:9")
    with caplog.at_level("WARNING"):
        create_app({"SERVICES": services, "TESTING": True})
    assert "variable length" not in caplog.text                               # 鲁山 says "none"
    with services.engine.begin() as conn:
        options = conn.scalar(select(County.options))
        conn.execute(update(County).values(options={**options, "sms": {k: v for k, v in options["sms"].items()
                                                                        if k != "param_limit"}}))
    caplog.clear()
    with caplog.at_level("WARNING"):
        create_app({"SERVICES": services, "TESTING": True})
    assert "does not say its Tencent account's variable length ([county.sms] param_limit" in caplog.text
