"""``rq cron notifications.cron_config``: one tick a minute; what is due is decided by
``notifications.schedule`` in county time (RQ's cron strings would use the server's timezone)."""
from rq import cron

from notifications.jobs import tick
from notifications.queue import QUEUE

cron.register(tick, queue_name=QUEUE, interval=60)
