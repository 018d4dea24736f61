"""The command registries, without HTTP: every declared word reaches its verb, help comes from
the declarations, and a citizen's words are a command only in the forms declared."""
import pytest

import handlers.dispatch  # noqa: F401  (declares every command)
from handlers.registry import CITIZEN, COMMANDS, Command, Registry, Verb


def test_every_officials_word_reaches_its_own_verb():
    for verb in COMMANDS.verbs.values():
        for word in verb.words:
            assert COMMANDS.match(f"{word} LS-20261123-0001 内容")[0] is verb
            assert COMMANDS.match(f"{word}LS-20261123-0001")[0] is verb
    assert COMMANDS.match("批准延期 LS-20261123-0001")[0].name == "approve"   # the longer word wins
    assert COMMANDS.match("不予受理 LS-20261123-0001 理由")[0].name == "not_accept"
    assert COMMANDS.match("你好") is None


def test_help_is_generated_from_the_declarations():
    cadre, staff, leader = COMMANDS.help("cadre"), COMMANDS.help("staff"), COMMANDS.help("leader")
    assert cadre.startswith("可用指令：受理 编号 [简单/一般/复杂]｜见面 编号 [备注]")
    assert "不予受理 编号 理由" in cadre and staff.startswith(cadre + "｜")
    assert "交办 编号 单位" in staff and "交办" not in cadre
    assert leader == "可用指令：详情（今日访情要点）｜批示 编号 内容｜七晚（查看七晚进行情况）｜化解 编号｜未化解 编号 理由。每日访情将按时发送。"
    assert COMMANDS.help("head") == COMMANDS.help("liaison") == cadre


def test_a_word_cannot_belong_to_two_verbs():
    r = Registry()
    r.add(Verb("a", ("受理",), lambda *a: ""))
    with pytest.raises(ValueError):
        r.add(Verb("b", ("受理", "接收"), lambda *a: ""))


@pytest.mark.parametrize("text, expected", [
    ("帮助", Command("help")),
    ("取消。", Command("cancel")),
    ("HELP", Command("help")),
    ("123456", Command("code", rest="123456")),
    ("查询", Command("query")),
    ("查询 LS-20261123-0007", Command("query", "LS-20261123-0007")),
    ("查询LS-20261123-0007", Command("query", "LS-20261123-0007")),
    ("补充 LS-20261123-0007 水又停了", Command("supplement", "LS-20261123-0007", "水又停了")),
    ("补充 水又停了", Command("supplement", None, "水又停了")),   # 补充 keeps its text without a number
    ("申请复核 LS-20261123-0007", Command("re_review", "LS-20261123-0007")),
    ("查询一下我的低保", None),    # words after 查询 but no number: a story, not a command
    ("撤回我的申请", None),
    ("我村的水渠堵了", None),
])
def test_what_a_citizen_writes_is_a_command_only_in_the_declared_forms(text, expected):
    assert CITIZEN.parse(text) == expected


def test_the_wechat_menu_keys_are_declared_on_their_commands():
    assert CITIZEN.clicked("XF_REPORT") == Command("report")
    assert CITIZEN.clicked("XF_QUERY") == Command("query")
    assert CITIZEN.clicked("XF_HELP") == Command("help")
    assert CITIZEN.clicked("XF_UNKNOWN") is None


def test_every_refusal_core_raises_has_its_sentence():
    """A code raised in core (CaseError, EveningError) with no sentence would reach a cadre as a
    crash: every code in the source has one in core.words.refusals."""
    import re
    from pathlib import Path

    from core.words.refusals import SENTENCES

    root = Path(__file__).resolve().parents[1] / "core"
    raised = {m for path in root.rglob("*.py")
              for m in re.findall(r"(?:CaseError|EveningError)\(\s*\"(\w+)\"", path.read_text(encoding="utf-8"))}
    raised |= {"review_first", "re_review_next"}   # raised through a conditional expression
    assert raised and raised <= set(SENTENCES)
