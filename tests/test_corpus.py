"""The corpus of tests/corpus.py through the real webhooks (signed Twilio posts, sealed WeChat
XML): each person's messages as they wrote them, then "确认" at the summary as they would; the
filed petition must hold their name, their place and every part of their story, and nothing that
was only a greeting or an answer to our question. A case named known_wrong is expected to fail
(strict: when it starts passing, the mark must go). The share handled right is in BENCHMARKS.md."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from core.store.models import Petition
from tests.corpus import CASES

NUMBER = re.compile(r"[A-Z]+-\d{8}-\d{4,}")


def params():
    for case in CASES:
        marks = [pytest.mark.xfail(reason=case.known_wrong, strict=True)] if case.known_wrong else []
        yield pytest.param(case, id=case.id, marks=marks)


@pytest.mark.parametrize("case", params())
def test_the_petition_holds_what_the_person_said(case, peer, db):
    sender = "+8613700009999" if case.channel == "sms" else f"o_corpus_{case.id}"
    send = (lambda text: peer.text_sms(sender, text)) if case.channel == "sms" else (lambda text: peer.say(sender, text))
    transcript = []
    for text in case.says:
        transcript.append((text, send(text)))
    for _ in range(2):
        reply = transcript[-1][1]
        if NUMBER.search(reply):
            break
        assert "请核对" in reply or "回复“确认”提交" in reply, _told(transcript)          # the bot still asks: something said was lost
        transcript.append(("确认", send("确认")))
    assert NUMBER.search(transcript[-1][1]), _told(transcript)
    db.rollback()
    p = db.scalars(select(Petition)).one()
    assert p.name == case.name, _told(transcript)
    assert p.township is not None and p.township.name == case.township, _told(transcript)
    if case.village:
        assert (p.village.name if p.village else p.content) and case.village in (
            (p.village.name if p.village else "") + p.content), _told(transcript)
    for words in case.story:
        assert words in p.content, f"{words!r} lost: {p.content!r}\n" + _told(transcript)
    for words in case.not_in_story:
        assert words not in p.content, f"{words!r} in the story: {p.content!r}"
    if case.people:
        assert p.people >= case.people, _told(transcript)


def _told(transcript) -> str:
    return "\n".join(f"  > {said}\n  < {reply}" for said, reply in transcript)
