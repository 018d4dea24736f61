"""The functions RQ workers run. Each worker process builds its services once, from the
environment (the same settings as the web processes)."""
from __future__ import annotations

import logging
import os
import time
from datetime import datetime

from core.settings import load_settings
from notifications.media import fetch
from notifications.outbox import BATCH, DeliveryReport
from notifications import exports
from notifications.queue import KICK, KICK_LEASE, KICK_TTL, QUEUED, enqueue_kicked, promise
from notifications.schedule import flush_outbox, run_named
from notifications.schedule import tick as run
from notifications.services import build_services

log = logging.getLogger(__name__)
_services = None


def services():
    global _services
    if _services is None:

        _services = build_services(load_settings())
        # a work horse forked from a worker that built these must not use the worker's pooled
        # connections (notifications.worker): each child starts with an empty pool
        os.register_at_fork(after_in_child=lambda: _services.engine.dispose(close=False))
    return _services


def deliver_outbox(ids: list[int] | None = None, now: str | None = None, kicked: bool = False) -> str:
    """Send these outbox rows, or (``ids`` None) everything due. ``kicked``: the job a web process
    enqueued after its commit (notifications.queue.kick_delivery) — see :func:`deliver_kicked`."""
    svc = services()
    if kicked:
        return deliver_kicked(svc).summary()
    at = datetime.fromisoformat(now) if now else svc.clock.now()
    if ids is None:
        return flush_outbox(svc, at)
    return svc.deliver(ids, at).summary()


def deliver_kicked(svc, pause: float = 0.2, max_seconds: float = 60.0, lease: float | None = None,
                   clock=time.time, sleep=time.sleep):
    """The kicked deliverer: it holds the kick (so web processes enqueue nothing more) and sends
    what is due, batch after batch, while texts keep coming — a short pause lets a small batch
    fill. Each time it finds texts it promises in the kick a claim after ``lease`` seconds from
    now (notifications.queue.KICK_LEASE), so web processes that read the promise need not ask
    Redis again until it nears. When texts stop it keeps that promise (claiming on until the
    promised moment has passed), then lets go of the kick and claims once more, for rows whose
    web process found the kick held. Rows committed after it let go kick a new job. After
    ``max_seconds`` of steady traffic it hands over to a fresh job. The promise is read by other
    processes, so it is in real time (``clock``, epoch seconds; ``sleep`` waits on it), not the
    services' clock."""

    lease = KICK_LEASE if lease is None else lease
    r = svc.redis
    total = DeliveryReport()
    started = time.monotonic()
    promised, renew = 0.0, True
    while True:
        if renew:
            promised = clock() + lease
            promise(r, promised)
        got = svc.deliver(None, svc.clock.now(), limit=BATCH)
        total.add(got)
        in_time = time.monotonic() - started < max_seconds
        renew = bool(got.claimed) and in_time
        if got.claimed >= BATCH:
            continue
        if got.claimed and in_time:
            sleep(pause)
            continue
        left = promised - clock()
        if left > 0:                  # a web process may be relying on a claim after the promise
            sleep(min(max(pause, 0.05), left))
            continue
        r.delete(KICK)
        last = svc.deliver(None, svc.clock.now(), limit=BATCH)
        total.add(last)
        if not last.claimed or not r.set(KICK, QUEUED, nx=True, ex=KICK_TTL):
            return total          # nothing left, or a new job is queued and takes the rest
        if time.monotonic() - started >= max_seconds:
            enqueue_kicked(r)     # it holds the kick we took back
            return total
        renew = True


def fetch_media(ids: list[int] | None = None, now: str | None = None) -> str:
    """Download the media a web process just recorded (``ids``), or everything due."""
    svc = services()
    at = datetime.fromisoformat(now) if now else svc.clock.now()
    return fetch(svc, at, ids).summary()


def build_export(export_id: int) -> str:
    """A 台账 export the console asked for (notifications.exports), on the reports' queue."""
    return exports.build(services(), export_id)


def run_report(name: str, run_id: int, now: str) -> str:
    """A slow scheduled job the tick handed to the reports' queue (its run already claimed)."""
    return run_named(services(), name, run_id, datetime.fromisoformat(now))


def tick(now: str | None = None) -> str:
    """Enqueued every minute by ``rq cron`` on the texts' queue: whatever is due
    (notifications.schedule); the slow jobs are handed to the reports' queue."""

    svc = services()
    at = datetime.fromisoformat(now) if now else svc.clock.now()
    return "; ".join(f"{name} {period}: {result}"
                     for name, period, result in run(svc, at, hand_off=svc.report_later)) or "nothing due"
