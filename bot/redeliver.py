"""Stored messages nobody will handle unless asked: those whose handler died with no retry to
take them over (an SMS: Twilio sends once), and those that failed and are due to be tried again
(core.store.inbox.pending). Each is claimed (one taker wins), rebuilt from its raw record by its
channel's adapter, handled as on arrival, and its reply sent to the sender as a text, since the
request that would have carried it is long gone. Run every minute by the workers
(bot.cron_config) and by ``xinfang tick``."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from bot import sms, wechat, wecom
from bot.inbound import take_over
from core.store import inbox
from core.store.db import read, write
from core.store.models import OutboundMessage, Person
from core.words import jobs as words
from handlers.dispatch import REPLY_OTHER
from notifications.jobs import services as worker_services
from notifications.services import Services

DEAD_AFTER = timedelta(seconds=60)   # longer than any web worker lives with a request (gunicorn: 30 s)
REBUILD = {"wechat": wechat.inbound_from_raw, "sms": sms.inbound_from_raw, "wecom": wecom.inbound_from_raw}


def redeliver(svc: Services, now: datetime) -> str:
    with read(svc.engine) as conn:
        rows = inbox.pending(conn, now, DEAD_AFTER)
    handled = 0
    for row in rows:
        rebuild = REBUILD.get(row.channel)
        if rebuild is None:
            continue

        def build(inbound_id, at, raw=row.raw, rebuild=rebuild):
            return rebuild(raw, inbound_id, at)

        got = take_over(svc, row, row.channel, row.sender, build, row.county_id)   # its entrance's county
        if got is None:
            continue
        handled += 1
        if got.reply:   # the sender's answer, late: by text on their channel
            channel, to = row.channel, row.sender
            with write(svc.engine) as conn:
                if channel == "wecom" and svc.wecom is None:   # the app's callback, but no sending to it: by SMS
                    phone = conn.scalar(select(Person.phone).where(func.lower(Person.wecom_userid) == to.lower(),
                                                                   Person.active.is_(True)))
                    channel, to = ("sms", phone) if phone else (channel, to)
                ids = [OutboundMessage.enqueue(conn, channel, to, got.reply, "late_reply", now,
                                               params=(got.params or REPLY_OTHER)
                                               if channel == "sms" else None, county_id=row.county_id)]
            svc.send_later(ids, now)
    return words.redelivered(len(rows), handled)


def job(now: str | None = None) -> str:
    """The RQ job (bot.cron_config): the worker's services, this minute."""
    svc = worker_services()   # built once per worker (notifications.jobs)
    return redeliver(svc, datetime.fromisoformat(now) if now else svc.clock.now())
