"""Proving a phone number on WeChat: a WeChat citizen who gives a number is texted a six-digit
code, and answering it proves the number is theirs (查询 then shows the petitions filed under it;
an SMS sender's own number is proven by the message itself).

Nobody may make the bureau text a number at will: one code a minute and CODES_A_DAY a day to a
number, CODES_A_DAY a day for a sender, none more today once a number's codes were answered
wrong CODE_MAX_ATTEMPTS times; a code lasts CODE_TTL. Codes are stored hashed with the OpenID.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from core.clock import day_start, local
from core.phones import mask_phone
from core.store import petitions
from core.store.models import PetitionEvent, PhoneVerification
from core.words import citizens as texts
from handlers.context import Context

CODE_TTL = timedelta(minutes=30)
CODE_MAX_ATTEMPTS = 5          # wrong answers a number's codes take in a day, across resends
CODES_A_DAY = 5                # codes a day to one number, and for one sender
CODE_EVERY = timedelta(minutes=1)   # at most one code a minute to a number


def prove(ctx: Context, phone: str) -> tuple[bool, str | None]:
    """A number the sender gave: (already proven?, the news for them — texts.code_sent, or why no
    code went; None when it is proven)."""
    if phone in ctx.verified_phones():
        return True, None
    return False, send_code(ctx, phone)


def send_code(ctx: Context, phone: str) -> str:
    """Text a code to ``phone`` unless the limits say wait; what to tell the sender."""
    held = code_limit(ctx, phone)
    if held is not None:
        return held
    code = f"{secrets.randbelow(10**6):06d}"
    petitions.new_code(ctx.conn, dict(openid=ctx.msg.sender, phone=phone, code_hash=_hash(ctx.msg.sender, code),
                                     sent_at=ctx.now, attempts=0, county_id=ctx.entrance_id))
    ctx.queue_sms(phone, texts.verification_sms(ctx.county.name, code), purpose="verify_phone", params=[code])
    return texts.code_sent(mask_phone(phone))


def code_limit(ctx: Context, phone: str) -> str | None:
    """Why no code may be sent to ``phone`` now; None: send."""
    today = day_start(local(ctx.now).date())
    used = petitions.code_usage(ctx.conn, ctx.msg.sender, phone, today)
    if used.number_wrong >= CODE_MAX_ATTEMPTS or used.number_sent >= CODES_A_DAY or used.sender_sent >= CODES_A_DAY:
        return texts.CODE_LIMIT_TODAY
    if used.number_last is not None and ctx.now - local(used.number_last) < CODE_EVERY:
        wait = CODE_EVERY - (ctx.now - local(used.number_last))
        return texts.code_wait(max(1, int(wait.total_seconds() + 0.999)))
    return None


def _hash(openid: str, code: str) -> str:
    return hashlib.sha256(f"{openid}:{code}".encode()).hexdigest()


def pending_verification(ctx: Context) -> PhoneVerification | None:
    if ctx.channel != "wechat":
        return None
    return petitions.pending_code(ctx.session, ctx.msg.sender)


def answer_code(ctx: Context, code: str) -> tuple[str, bool] | None:
    """Six digits from a WeChat sender with a code pending: (what to say, whether the number is
    now proven — its petitions' and the draft's). None: no code is pending, the digits are an
    ordinary answer."""
    pv = pending_verification(ctx)
    if pv is None:
        return None
    if ctx.now - pv.sent_at > CODE_TTL or pv.attempts >= CODE_MAX_ATTEMPTS:
        return texts.CODE_EXPIRED, False
    used = petitions.code_usage(ctx.conn, ctx.msg.sender, pv.phone, day_start(local(ctx.now).date()))
    if used.number_wrong >= CODE_MAX_ATTEMPTS:   # wrong answers count across resends
        return texts.CODE_LIMIT_TODAY, False
    if _hash(ctx.msg.sender, code) != pv.code_hash:
        pv.attempts += 1
        return texts.CODE_WRONG, False
    pv.verified_at = ctx.now
    for p in petitions.unproven_with(ctx.session, ctx.msg.sender, pv.phone):
        p.phone_verified = True
        p.updated_at = ctx.now
        ctx.session.add(PetitionEvent(petition_id=p.id, at=ctx.now, kind="phone_verified",
                                      actor="wechat:citizen", inbound_id=ctx.msg.inbound_id))
    draft = ctx.draft()
    if draft.get("phone") == pv.phone:
        draft["phone_verified"] = True
        ctx.save_draft(draft)
    return texts.code_ok(mask_phone(pv.phone)), True


def resend_code(ctx: Context) -> str | None:
    """验证: the pending code's number gets a new one (WeChat only; None elsewhere: ordinary text)."""
    if ctx.channel != "wechat":
        return None
    pv = pending_verification(ctx)
    if pv is None:
        return texts.NO_CODE_PENDING
    return prove(ctx, pv.phone)[1]
