"""Reading who / where / what from free text (pure functions)."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.county import parse_county_file
from core.places import Gazetteer
from handlers.commands import parse
from handlers.extract import clean_name, extract, is_greeting
from core.similar import similarity
from tests.conftest import EXAMPLE


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    data = parse_county_file(EXAMPLE)
    townships = [(i, t["name"]) for i, t in enumerate(data["townships"], 1)]
    villages = [(i * 100 + k, i, v) for i, t in enumerate(data["townships"], 1) for k, v in enumerate(t["villages"])]
    return Gazetteer(townships, villages)


@pytest.mark.parametrize("text,place", [
    ("下汤", "下汤镇"), ("下汤镇", "下汤镇"), ("林楼", "下汤镇林楼村"), ("下汤村", "下汤镇下汤村"),
    ("尧山镇上坪村", "尧山镇上坪村"), ("三官庙", "磙子营乡三官庙村"), ("鲁阳", "鲁阳街道"),
])
def test_places_tolerate_partial_names(gaz, text, place):
    assert gaz.match(text).unique.label() == place


def test_ambiguous_and_unknown_places(gaz):
    assert [p.label() for p in gaz.match("张").places] == ["张官营镇", "张良镇"]
    assert gaz.match("北京").places == []
    assert gaz.match("").places == []


def test_everything_at_once(gaz):
    found = extract("我是下汤镇的张三，小区水泵坏了三天没水", gaz)
    assert (found.name, found.place.unique.label(), found.content) == ("张三", "下汤镇", "小区水泵坏了三天没水")
    found = extract("我叫李四，电话138 1234 5678，住在尧山镇上坪村，村里的路坏了没人修", gaz)
    assert (found.name, found.phone, found.place.unique.label(), found.content) == \
        ("李四", "+8613812345678", "尧山镇上坪村", "村里的路坏了没人修")
    found = extract("我是下汤镇村民，水泵坏了", gaz)
    assert found.name is None and found.content == "水泵坏了"


def test_names_and_greetings():
    assert clean_name("张三") == "张三" and clean_name("我叫欧阳小明。") == "欧阳小明"
    assert clean_name("村民") is None and clean_name("13812345678") is None
    assert is_greeting("你好！") and not is_greeting("你好，水泵坏了")


def test_commands():
    assert parse("查询").name == "query" and parse("查询 LS-20261122-0001").tracking_no == "LS-20261122-0001"
    cmd = parse("补充 LS-20261122-0001 又停水了")
    assert (cmd.name, cmd.tracking_no, cmd.rest) == ("supplement", "LS-20261122-0001", "又停水了")
    assert parse("查询一下我的低保怎么还没发") is None  # a sentence, not a command
    assert parse("123456").name == "code" and parse("1234567") is None


def test_similarity():
    assert similarity("小区水泵坏了三天没水", "小区水泵还是坏的，一直没水") > 0.35
    assert similarity("小区水泵坏了三天没水", "村里道路塌陷无法通行") < 0.2


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_extraction_never_crashes_and_content_comes_from_the_text(gaz, text):
    found = extract(text, gaz)
    if found.content:
        for clause in found.content.split("，"):
            assert clause in text
