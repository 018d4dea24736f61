"""The RQ worker class the Procfile runs (``rq worker --worker-class notifications.worker.Worker``).

RQ's worker forks a work horse per job. A horse forked from a bare ``rq worker`` imports the job's
code and builds its services (settings, engine, SMS client) anew every time: about 0.4 s of CPU, for
a delivery job that sends a few texts in milliseconds (bench/inbound.py: the worker took as much
CPU as the web processes). This class imports the jobs and builds the services once, in the worker,
before it forks; every horse inherits them. The engine has not connected in the worker, and each
horse drops whatever pool it inherited (notifications.jobs.services), so no connection is shared.
"""
from __future__ import annotations

from rq.worker import Worker as RqWorker

from notifications import jobs, outbox, schedule  # noqa: F401  (imported once, here)


class Worker(RqWorker):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)

        jobs.services()

    def unsubscribe(self):
        """RQ's, with the wait for its pubsub thread bounded: with redis-py 8.2 the thread can stay
        in a read after the UNSUBSCRIBE, and RQ waits for it without a time-out — a worker asked to
        stop (or a burst worker done) never exited. Closing the pubsub after a second ends the read."""
        thread = self.pubsub_thread
        if thread is not None:
            stop = thread.stop
            thread.stop = lambda timeout=None: stop(1.0 if timeout is None else timeout)
        super().unsubscribe()
