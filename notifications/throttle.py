"""Sends per second from one sender number, shared by every worker through Redis.

A fixed one-second window per sender: ``INCR`` the second's counter; over the rate, wait for the
next second. Time and sleep are injectable, so tests never sleep.
"""
from __future__ import annotations

import logging
import time
from typing import Callable

log = logging.getLogger(__name__)


class Throttle:
    def __init__(self, redis, rate: int, now: Callable[[], float] = time.time,
                 sleep: Callable[[float], None] = time.sleep):
        self.redis, self.rate, self.now, self.sleep = redis, rate, now, sleep

    def __call__(self, sender: str) -> None:
        if self.rate <= 0:
            return
        while True:
            t = self.now()
            second = int(t)
            key = f"xinfang:throttle:{sender}:{second}"
            try:
                pipe = self.redis.pipeline()
                pipe.incr(key)
                pipe.expire(key, 5)
                count = pipe.execute()[0]
            except Exception as exc:   # Redis away: send unthrottled rather than not at all
                log.warning("throttle unavailable (%s); sending without it", exc)
                return
            if count <= self.rate:
                return
            self.sleep(second + 1 - t)
