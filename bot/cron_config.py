"""``rq cron bot.cron_config``: every minute, the schedule's tick (notifications.cron_config) and
the redelivery of stored messages nobody is handling (bot.redeliver) — the web edge's job, so
the workers' schedule need not import it."""
from rq import cron

import notifications.cron_config  # noqa: F401  (registers the tick)
from bot.redeliver import job
from notifications.queue import QUEUE

cron.register(job, queue_name=QUEUE, interval=60)
