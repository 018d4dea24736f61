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
        """Called once, as the worker process ends (RQ's teardown). RQ's own sends UNSUBSCRIBE and
        waits, without a time-out, for its pubsub thread — which, with redis-py 8.2 (what pip
        installs now), sits in a read of up to 60 s holding the pubsub's lock, or (under faketime)
        in a timed wait that never ends: a burst worker that was done, or a worker asked to stop,
        hung for a minute or for good. The thread is a daemon and the subscription is the
        connection's: both end with the process, which is ending. So: nothing to wait for."""
        if self.pubsub_thread is not None:
            self.log.info("Worker %s: leaving channel %s", self.name, self.pubsub_channel_name)
