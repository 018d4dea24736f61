"""The functions RQ workers run. Each worker process builds its services once, from the
environment (the same settings as the web processes)."""
from __future__ import annotations

import logging
from datetime import datetime

log = logging.getLogger(__name__)
_services = None


def services():
    global _services
    if _services is None:
        from bot.services import build_services
        from core.settings import load_settings

        _services = build_services(load_settings())
    return _services


def deliver_outbox(ids: list[int] | None = None, now: str | None = None) -> str:
    """Send these outbox rows (after the commit that wrote them)."""
    svc = services()
    at = datetime.fromisoformat(now) if now else svc.clock.now()
    return svc.deliver(ids, at).summary()


def tick(now: str | None = None) -> str:
    """Enqueued every minute by ``rq cron``: whatever is due (notifications.schedule)."""
    from notifications.schedule import tick as run

    svc = services()
    at = datetime.fromisoformat(now) if now else svc.clock.now()
    return "; ".join(f"{name} {period}: {result}" for name, period, result in run(svc, at)) or "nothing due"
