"""The corpus of tests/corpus.py through the real webhooks (signed Twilio posts, sealed WeChat
XML): each person's messages as they wrote them, then "确认" at the summary as they would; the
filed petition must hold their name, their place and every part of their story, and nothing that
was only a greeting or an answer to our question. A conversation by Tencent Cloud SMS posts its
reply callbacks and reads the answers from the outbox. One that opens by only announcing a matter
must be asked what it is before the summary, and what it said is kept on the case as a note; a
question after the number must be answered from the case, never start a petition. A case named known_wrong is expected to fail
(strict: when it starts passing, the mark must go). The share handled right is in BENCHMARKS.md."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from core.store.models import OutboundMessage, Petition, PetitionEvent
from core.words.citizens import ASK_MATTER
from tests.corpus import CASES

NUMBER = re.compile(r"[A-Z]+-\d{8}-\d{4,}")


def params():
    for case in CASES:
        marks = [pytest.mark.xfail(reason=case.known_wrong, strict=True)] if case.known_wrong else []
        yield pytest.param(case, id=case.id, marks=marks)


@pytest.mark.parametrize("case", params())
def test_the_petition_holds_what_the_person_said(case, peer, db, request):
    drive(case, peer, db, request)


def drive(case, peer, db, request):
    """One case through the webhooks, asserting what the filed petition holds (also the held-back
    set's driver, tests/test_corpus_heldout.py)."""
    send = _sender(case, peer, db, request)
    transcript = []
    for text in case.says:
        transcript.append((text, send(text)))
    for i, words in case.replies:
        assert words in transcript[i][1], _told(transcript)
    for _ in range(2):
        reply = transcript[-1][1]
        if NUMBER.search(reply):
            break
        assert "请核对" in reply or "回复“确认”提交" in reply, _told(transcript)          # the bot still asks: something said was lost
        transcript.append(("确认", send("确认")))
    assert NUMBER.search(transcript[-1][1]), _told(transcript)
    if case.asks_matter:
        asked = next((i for i, (_, reply) in enumerate(transcript) if ASK_MATTER in reply), None)
        summary = next(i for i, (_, reply) in enumerate(transcript) if "请核对" in reply)
        assert asked is not None and asked < summary, _told(transcript)
    for text, words in case.after:
        reply = send(text)
        transcript.append((text, reply))
        assert words in reply and "怎么称呼" not in reply, _told(transcript)
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
    if case.people:     # a group's 人次 as said; 1 where many are only mentioned (issue 32)
        assert p.people == case.people, f"{p.people} 人次\n" + _told(transcript)
    notes = " ".join(e.text or "" for e in db.scalars(select(PetitionEvent).where(
        PetitionEvent.petition_id == p.id, PetitionEvent.kind == "note")))
    for words in case.heard:
        assert words in notes, f"{words!r} not kept: {notes!r}"
    if case.heard or case.not_in_story:
        assert "13838765432" not in notes and "410423196502143326" not in notes


def _sender(case, peer, db, request):
    """What the person's phone or WeChat does: send one message, give back the bureau's answer."""
    if case.channel == "sms":
        return lambda text: peer.text_sms("+8613700009999", text)
    if case.channel == "wechat":
        return lambda text: peer.say(f"o_corpus_{case.id}", text)
    tencent, mobile, sent = request.getfixturevalue("tencent"), "13700009998", []
    start = int(request.getfixturevalue("clock").now().timestamp())

    def text_by_tencent(text: str) -> str:
        sent.append(text)
        assert tencent(mobile, text, at=start + len(sent)).status_code == 200
        db.rollback()
        return db.scalars(select(OutboundMessage.body).where(OutboundMessage.to == "+86" + mobile,
                                                             OutboundMessage.purpose == "reply")
                          .order_by(OutboundMessage.id.desc()).limit(1)).one()
    return text_by_tencent


def _told(transcript) -> str:
    return "\n".join(f"  > {said}\n  < {reply}" for said, reply in transcript)
