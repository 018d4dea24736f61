"""The citizen's conversation is one table (handlers.conversation): every state has its node and
can be reached from idle, every move leads to a state, a handler that moves where the table does
not say fails, docs/conversation.md draws the table as it is, and the intake's reading of a
message (handlers.intake.fold) stays a pure function."""
from __future__ import annotations

import ast
import inspect
from types import SimpleNamespace

import pytest

from core.county import parse_county_file
from core.directory.places import Gazetteer
from handlers import conversation, intake
from handlers.conversation import DOC, TABLE, Handler, UndeclaredMove, mermaid, moves
from handlers.registry import CITIZEN
from handlers.states import INTAKE, State
from tests.conftest import EXAMPLE


def test_every_state_has_its_node_and_is_reached_from_idle():
    assert set(TABLE) == {s.value for s in State}
    reached, frontier = {State.IDLE}, [State.IDLE]
    while frontier:
        here = frontier.pop()
        for a, b, _ in moves():
            if a is here and b not in reached:
                reached.add(b)
                frontier.append(b)
    assert reached == set(State)


def test_every_move_leads_to_a_state_and_says_why():
    for a, b, words in moves():
        assert isinstance(a, State) and isinstance(b, State) and words.strip(), (a, b, words)
    # and a command a state gives a meaning of its own is one of the citizen's commands
    for node in TABLE.values():
        assert set(node.commands) <= set(CITIZEN.verbs)


def test_every_state_answers_whatever_arrives():
    for value, node in TABLE.items():
        for kind in conversation.KINDS:
            handlers = getattr(node, kind)
            assert handlers, (value, kind)
            assert handlers[-1] is not conversation.COMMANDS, (value, kind)   # something answers last


def test_a_move_the_table_does_not_declare_is_refused():
    ctx = SimpleNamespace(conv=SimpleNamespace(state=State.IDLE.value))

    def to_withdraw(ctx, text):
        ctx.conv.state = State.WITHDRAW.value
        return "好的"

    with pytest.raises(UndeclaredMove):
        conversation._run(ctx, Handler(to_withdraw, {State.SUPPLEMENT: "补充 编号"}), "撤回")
    ctx.conv.state = State.IDLE.value
    assert conversation._run(ctx, Handler(to_withdraw, {State.WITHDRAW: "撤回 编号"}), "撤回") == "好的"


def test_in_service_an_undeclared_move_is_logged_and_the_message_still_answered(monkeypatch, caplog):
    """A gap in the table must not lose what a citizen wrote: outside the tests the move is logged."""
    monkeypatch.setattr(conversation, "STRICT", False)
    ctx = SimpleNamespace(conv=SimpleNamespace(state=State.IDLE.value))

    def to_withdraw(ctx, text):
        ctx.conv.state = State.WITHDRAW.value
        return "好的"

    assert conversation._run(ctx, Handler(to_withdraw, {State.SUPPLEMENT: "补充 编号"}), "撤回") == "好的"
    assert "undeclared move" in caplog.text and ctx.conv.state == State.WITHDRAW.value


def test_the_doc_draws_the_table():
    drawn = mermaid()
    assert drawn in DOC.read_text(encoding="utf-8"), "run: python3 -m handlers.conversation --write"
    # the intake's cancel and timeout are drawn once, from its first step
    assert "    name --> idle: 取消 (from any intake state)" in drawn
    assert sum(line.startswith("    confirm --> idle: 取消") for line in drawn.splitlines()) == 0


def test_the_timeout_is_the_drafts_expiry_and_only_an_intake_has_one():
    assert conversation.TIMEOUT.after == intake.DRAFT_TTL
    assert conversation.TIMEOUT.states == INTAKE and conversation.TIMEOUT.to is State.IDLE


# --- fold stays pure ------------------------------------------------------------------------------

IMPURE = {"ctx", "session", "conn", "petitions", "media", "usecases", "notify", "officials", "verify",
          "open", "print", "datetime", "secrets", "local"}


def _names_reached(fn) -> set[str]:
    """Every name fold's code uses, following the functions of handlers.intake it calls."""
    seen, names, todo = set(), set(), [fn.__name__]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        tree = ast.parse(inspect.getsource(getattr(intake, name)))
        for node in ast.walk(tree):
            if isinstance(node, ast.Name):
                names.add(node.id)
                if inspect.isfunction(getattr(intake, node.id, None)) \
                        and getattr(intake, node.id).__module__ == intake.__name__:
                    todo.append(node.id)
    return names


def test_fold_reads_no_database_and_writes_nothing_but_the_draft():
    """fold (handlers.intake) is a function of the draft, the step, the text and the county's
    places: it names no context, session, connection or store, and gives the same answer to the
    same question."""
    assert list(inspect.signature(intake.fold).parameters) == ["draft", "step", "text", "gazetteer", "channel"]
    assert _names_reached(intake.fold) & IMPURE == set()
    data = parse_county_file(EXAMPLE)
    gazetteer = Gazetteer([(i, t["name"]) for i, t in enumerate(data["townships"], 1)],
                          [(i * 100 + k, i, v) for i, t in enumerate(data["townships"], 1)
                           for k, v in enumerate(t["villages"])])
    drafts = [{}, {}]
    told = [intake.fold(d, State.NAME, "我是下汤镇的张三，小区水泵坏了三天没水", gazetteer, "wechat") for d in drafts]
    assert drafts[0] == drafts[1] and told[0] == told[1]
    assert drafts[0]["name"] == "张三" and drafts[0]["township"] == "下汤镇" and "水泵" in drafts[0]["content"]
