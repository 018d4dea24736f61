"""No English word reaches a page, a text or the operator's CLI output (issue 32, done when): every
console page rendered for the bureau's staff, a unit's head and a county leader (the Flask test
client on a county with a few days of cases), the analysis page a leader's link opens, the
catalogue's sentences (core.words) and what the main commands print. A word is a run of ASCII
letters in the visible text — not in a tag, an attribute, a script or a style; what must stay is
allowed by name below (the tracking number's prefix, the export formats, a command or setting the
operator types)."""
from __future__ import annotations

import ast
import re
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from core.clock import SHANGHAI
from tests.test_case_paths import HEAD, LEADER
from tests.test_cases import LIAISON, STAFF, ZS, submit
from tests.test_console_security import sign_in

WORD = re.compile(r"[A-Za-z]+")
# what stays in Latin letters: the tracking number's prefix (LS-20261123-0001), the export
# formats the bureau chooses between, a template's ID on the provider's console, the programs
# the operator runs by their names
ALLOWED = {"LS", "Excel", "CSV", "ID", "nginx", "gunicorn", "Redis", "Word", "docx",   # names of programs and files
           "SDK", "AppID", "SID", "MG", "EncodingAESKey", "AgentId"}   # and of what the providers' consoles show
# what the operator types, said as it is typed: a setting (WECHAT_TOKEN), a command (xinfang
# init …, apt install nginx, Ctrl-D), an option (--from), a county file's table, key or value
# ([county.sms] param_limit = "none"), a template's key before its words (sms-templates), a path
# or address, a file name
TYPED = re.compile(r"\b[a-z]+://\S*|[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|\bxinfang(?: [a-z-]+)*|\bapt(?:-get)? install [\w-]+|Ctrl-[A-Z]"
                   r"|--[a-z-]+|\[[a-z_.]+\](?: [a-z_]+)?|\b[a-z]+(?:_[a-z]+)+\b|\b[a-z_]+ = \S+|\"[a-z]+\"|^[a-z_]+(?=\t)"
                   r"|\d{4}-\d\d-\d\dT\d\d:\d\d|https?://\S+|(?:\.{0,2}/)?[\w.-]+(?:/[\w.-]+)+/?|[\w-]+\.(?:toml|sqlite3|html|csv|xlsx|conf|db)\b",
                   re.M)


def english(text: str) -> set[str]:
    return {w for w in WORD.findall(TYPED.sub(" ", text)) if w not in ALLOWED}


class Visible(HTMLParser):
    """The text a reader sees: text nodes outside scripts and styles, and the few attributes a
    browser shows (a placeholder, a tooltip, an image's alternative, a button's value)."""

    HIDDEN = {"script", "style", "template"}
    SHOWN = ("placeholder", "title", "alt", "aria-label")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth, self.parts = 0, []

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.depth += 1
        a = dict(attrs)
        self.parts += [a[k] for k in self.SHOWN if a.get(k)]
        if tag == "input" and a.get("type") in ("submit", "button") and a.get("value"):
            self.parts.append(a["value"])

    def handle_endtag(self, tag):
        if tag in self.HIDDEN:
            self.depth -= 1

    def handle_data(self, data):
        if not self.depth:
            self.parts.append(data)


def visible(html: str) -> str:
    v = Visible()
    v.feed(html)
    return "\n".join(v.parts)


def at(hh, mm=0, day=23):
    return datetime(2026, 11, day, hh, mm, tzinfo=SHANGHAI)


@pytest.fixture
def county_at_work(peer, clock):
    """A few days of 鲁山县: a WeChat petition handled to its rating, one waiting, a walk-in of
    twelve, a 进京; the analysis, 统计 and the case files then have something in every part."""
    clock.set(at(9, day=20))
    no = submit(peer)
    for command in ("受理", "见面"):
        peer.text_sms(LIAISON, f"{command} {no}")
    peer.say(ZS, "1")
    peer.text_sms(LIAISON, f"答复 {no} 已联系物业更换水泵")
    peer.say(ZS, "3")
    peer.say(ZS, "还是没水")
    clock.set(at(10))
    peer.text_sms(STAFF, "登记 走访 下汤镇林楼村 王五 13912340000 12 十二户村民反映排水沟堵塞积水")
    peer.text_sms(STAFF, "登记 进京 下汤镇 3 拆迁补偿多年未落实")
    clock.set(at(16))
    waiting = submit(peer, who="o_lisi_english", text="我是下汤镇社楼村的李四，路灯坏了一个月")
    clock.set(at(17, 40))
    return no, waiting


def pages_of(client, no: str, paths: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for path in paths:
        got = client.get(path.format(no=no))
        assert got.status_code in (200, 404), (path, got.status_code)
        out[path] = got.text
    return out


STAFF_PAGES = ("/console/", "/console/cases", "/console/cases?q=水泵", "/console/cases/{no}", "/console/cases/{no}/events",
               "/console/stats", "/console/stats?from=2026-11-01&to=2026-11-30", "/console/evenings",
               "/console/follow-ups", "/console/register", "/console/reception", "/console/analysis?kind=weekly",
               "/console/analysis?kind=monthly&day=2026-11-01", "/console/cases/LS-20260101-9999")
UNIT_PAGES = ("/console/", "/console/cases", "/console/cases/{no}", "/console/stats", "/console/evenings",
              "/console/follow-ups")
LEADER_PAGES = ("/console/", "/console/cases/{no}", "/console/stats", "/console/analysis?kind=weekly")


def test_no_console_page_shows_an_english_word(county_at_work, app, sms_out):
    no, _ = county_at_work
    found = {}
    login = app.test_client().get("/console/login")
    found["/console/login"] = english(visible(login.text))
    for who, phone, paths in (("staff", STAFF, STAFF_PAGES), ("head", HEAD, UNIT_PAGES), ("leader", LEADER, LEADER_PAGES)):
        client = app.test_client()
        sign_in(client, sms_out, phone)
        for path, html in pages_of(client, no, paths).items():
            found[f"{who} {path}"] = english(visible(html))
    assert {k: v for k, v in found.items() if v} == {}


def test_the_analysis_page_a_leader_opens_shows_no_english_word(county_at_work, db_url, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", db_url)
    found = {}
    for kind in ("daily", "weekly", "monthly"):
        out = CliRunner().invoke(main, ["report", kind, "--date", "2026-11-23", "--now", at(17, 40).isoformat(),
                                        "--out", str(tmp_path / f"{kind}.html")])
        assert out.exit_code == 0, out.output
        found[kind] = english(visible((tmp_path / f"{kind}.html").read_text(encoding="utf-8"))) | english(out.output)
    assert {k: v for k, v in found.items() if v} == {}


COMMANDS = (["stats", "--from", "2026-11-20", "--to", "2026-11-23", "--now", "2026-11-23T17:40+08:00"],
            ["scores", "--month", "2026-11"], ["evenings", "report"], ["follow-ups"], ["failures"],
            ["sms-templates"], ["tick", "--now", "2026-11-23T17:40+08:00"],
            ["sweep", "--now", "2026-11-23T17:40+08:00"])


MISTYPED = (["stats", "--from", "2026-11-20", "--to", "2026-11-23", "--now", "tomorrow"],
            ["report", "daily", "--date", "23/11/2026"], ["scores", "--month", "November"])


def test_the_operator_s_commands_print_no_english_word(county_at_work, db_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", db_url)
    found = {}
    for args in COMMANDS:
        out = CliRunner().invoke(main, args)
        assert out.exit_code == 0, (args, out.output)
        found[" ".join(args[:1])] = english(out.output)
    for args in MISTYPED:                  # refused, in words, with what was typed quoted back
        out = CliRunner().invoke(main, args)
        assert out.exit_code == 1 and "应为" in out.output, (args, out.output)
        found[" ".join(args)] = english(out.output.replace(args[-1], " "))
    assert {k: v for k, v in found.items() if v} == {}


def sentences() -> dict[str, str]:
    """Every sentence of the catalogue (core/words): its strings with a Chinese character in them,
    a formatted one with its placeholders left out — not the docstrings and comments, which are
    the code's."""
    out = {}
    for path in sorted(Path("core/words").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docs = {id(n.body[0].value) for n in ast.walk(tree)
                if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef)) and n.body
                and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
        parts = {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values}
        for node in ast.walk(tree):
            if isinstance(node, ast.JoinedStr):
                text = "".join(v.value if isinstance(v, ast.Constant) else " " for v in node.values)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs | parts:
                text = node.value
            else:
                continue
            text = re.sub(r"\{[^{}]*\}|%[a-zA-Z]", " ", text)   # a placeholder, a date's format
            if re.search(r"[\u4e00-\u9fff]", text):
                out[f"{path.name}:{node.lineno}"] = text
    return out


def test_no_sentence_of_the_catalogue_has_an_english_word():
    found = {where: english(text) for where, text in sentences().items()}
    assert {k: v for k, v in found.items() if v} == {}


def test_the_check_sees_english_and_lets_what_must_stay_pass():
    assert english(visible('<p class="late">挂牌 overdue</p><script>var x = "no";</script>')) == {"overdue"}
    assert english(visible('<input placeholder="Search">')) == {"Search"}
    assert english("编号 LS-20261123-0001，导出 Excel 或 CSV，请运行 xinfang init examples/lushan.toml") == set()
    assert english("未设置环境变量 WECHAT_TOKEN ；--to 早于 --from") == set()
    assert english('县文件未说明（[county.sms] param_limit），请写明 param_limit = 12 或 "none"') == set()
    assert english("第N晚") == {"N"} and english("按期 rate") == {"rate"}
