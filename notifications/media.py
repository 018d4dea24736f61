"""Copies of the media people send, before WeChat forgets them (three days).

After the message's commit a worker job downloads each image, voice and video recorded by
core.store.media through WeChat's media API (wechatpy: ``media/get``; a video answers with a
``video_url`` fetched next) and stores it content-addressed: the file is named by its SHA-256,
under ``MEDIA_DIR`` (default ``instance/media``), so the same photo sent twice is one file and
a copy can be checked against its name. A failed download is tried again (1, 5, 15 minutes, 1,
3, 6 hours …) for a day from receipt; then — or at once when WeChat says it no longer has the
file — it is marked failed, and the bureau's staff get one text naming the cases. Every minute
the schedule takes what is due (notifications.schedule), so nothing waits on a lost job.
"""
from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from core.cases import audience
from core.clock import local
from core.phones import redact
from core.store import media, scope
from core.store.db import transaction, write
from core.store.models import OutboundMessage
from core.words import jobs as words
from notifications.sms import SendError

log = logging.getLogger(__name__)
RETRY_AFTER = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15), timedelta(hours=1),
               timedelta(hours=3), timedelta(hours=6))     # then every 6 hours, until GIVE_UP_AFTER
GIVE_UP_AFTER = timedelta(days=1)       # WeChat keeps a follower's media three days
LEASE = timedelta(minutes=5)            # a claimed download not finished by then is due again (its worker died)
BATCH = 50


class MediaFiles:
    """The content-addressed store on disk: ``root/ab/abcdef…`` (the SHA-256 in hex)."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def put(self, data: bytes) -> str:
        """Store the bytes (once, however often they come); their SHA-256. Written to a temporary
        file, flushed to disk and renamed: a crash never leaves a half file under a hash's name."""
        sha256 = hashlib.sha256(data).hexdigest()
        target = self.path(sha256)
        if target.exists() and target.stat().st_size == len(data):
            return sha256
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".part-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return sha256

    def read(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()


# what the bytes themselves say they are (their first bytes), never what a response claimed: the
# console serves a file inline only as one of these; anything else is a download (sniff)
SIGNATURES = (
    (0, b"\xff\xd8\xff", "image/jpeg"), (0, b"\x89PNG\r\n\x1a\n", "image/png"), (0, b"GIF87a", "image/gif"),
    (0, b"GIF89a", "image/gif"), (0, b"#!AMR\n", "audio/amr"), (0, b"#!AMR-WB\n", "audio/amr-wb"),
    (0, b"ID3", "audio/mpeg"), (0, b"\xff\xfb", "audio/mpeg"), (0, b"\xff\xf3", "audio/mpeg"), (0, b"\xff\xf2", "audio/mpeg"),
    (4, b"ftyp", "video/mp4"),
)
INLINE = frozenset(kind for _, _, kind in SIGNATURES)
DOWNLOAD = "application/octet-stream"


def sniff(head: bytes) -> str:
    """The type of a stored file from its first bytes: one of the few kinds people send (JPEG,
    PNG, GIF, WebP, AMR, MP3, MP4), else application/octet-stream (an HTML page, an SVG, a script
    stay bytes to download, whatever WeChat's response called them)."""
    for at, magic, kind in SIGNATURES:
        if head[at:at + len(magic)] == magic:
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return DOWNLOAD


@dataclass
class MediaReport:
    stored: int = 0
    retried: int = 0
    failed: int = 0
    told: list[int] = field(default_factory=list)     # outbox rows: staff told of what failed

    def summary(self) -> str:
        return words.media_summary(self.stored, self.retried, self.failed)


def fetch(svc, now: datetime, ids: list[int] | None = None, limit: int = BATCH) -> MediaReport:
    """Download the media due (``ids``: only these), each claimed first so that two workers never
    fetch one twice; record what became of each; tell staff of those that finally failed."""
    report = MediaReport()
    with write(svc.engine) as conn:
        claimed = [row for row in media.due(conn, now, ids, limit) if media.claim(conn, row, now + LEASE)]
    if not claimed:
        return report
    files, given_up = MediaFiles(svc.settings.media_dir), []
    own = svc.counties_own_accounts   # a city's counties: each medium from its county's account (docs/city.md)
    for row in claimed:
        wechat = svc.wechat_of(row.county_id) if own else svc.wechat
        try:
            if wechat is None:
                raise SendError("WECHAT_APP_ID / WECHAT_APP_SECRET not set: media cannot be fetched", permanent=False)
            data, content_type = wechat.download(row.media_id)
            sha256 = files.put(data)
        except (SendError, OSError) as exc:
            error = redact(f"{type(exc).__name__}: {exc}")
            attempt = row.fetch_attempts + 1
            deadline = local(row.at) + GIVE_UP_AFTER
            again = now + RETRY_AFTER[min(attempt - 1, len(RETRY_AFTER) - 1)]
            if getattr(exc, "permanent", False) or now >= deadline:
                log.warning("attachment %s: %s, given up after %s tries", row.id, error, attempt)
                with write(svc.engine) as conn:
                    media.failed(conn, row.id, error)
                report.failed += 1
                given_up.append((row.id, row.county_id))
            else:
                with write(svc.engine) as conn:
                    media.retry(conn, row.id, error, min(again, deadline))
                report.retried += 1
            continue
        with write(svc.engine) as conn:
            media.stored(conn, row.id, sha256, len(data), sniff(data[:16]), now)   # not the response's word
        report.stored += 1
    for county_id in sorted({county for _, county in given_up}):   # each county's bureau, of its own
        report.told += _tell_staff(svc, [i for i, county in given_up if county == county_id], now, county_id)
    return report


def _tell_staff(svc, attachment_ids: list[int], now: datetime, county_id: int | None = None) -> list[int]:
    """One text to the county's bureau's staff (``county_id``; None: the deployment's only county):
    how many could not be kept, and the cases they belong to."""
    with transaction(svc.sessions) as s:
        if county_id is not None:
            scope.bind(s, county_id)
        numbers = media.tracking_numbers(s.connection(), attachment_ids)
        said = words.media_failed(len(attachment_ids), numbers)
        ids = OutboundMessage.enqueue_many(s, [(to, said, "media_failed", None, list(said.values))
                                               for to in audience.staff(s)], now)
    svc.send_later(ids, now)
    return ids
