"""Issue 17, loss 8: photos, voice and video outlive WeChat's three days. Each is recorded when
its message arrives, downloaded after the commit through WeChat's media API (wechatpy against a
local stub of it, on loopback) and stored under its SHA-256; what WeChat will not give is tried
again for a day, then the bureau's staff are told."""
from __future__ import annotations

import dataclasses
import os
import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.store.models import Attachment, OutboundMessage, Petition
from notifications.media import MediaFiles, fetch
from notifications.wechat import WeChatSender

LAO_LI = "o_laoli_media"
JPEG = b"\xff\xd8\xff\xe0" + b"photo of the cracked wall" * 40
JPEG_2 = b"\xff\xd8\xff\xe0" + b"the bill for the repair" * 40
AMR = b"#!AMR\n" + b"\x3c" * 300
STORY = "我是下汤镇林楼村的李大山，俺家房子墙裂了"
MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 500


@pytest.fixture
def fetching(services, wx, lite, tmp_path):
    """The services as a worker has them: WeChat's API (the stub) and a media directory."""
    services.settings = dataclasses.replace(services.settings, media_dir=tmp_path / "media")
    services._wechat = WeChatSender(wx.app_id, wx.secret, lite, api_base=wx.base_url, timeout=2)
    return services


def attachments(db) -> list[Attachment]:
    db.rollback()
    return list(db.scalars(select(Attachment).order_by(Attachment.id)))


def staff_told(db) -> list[OutboundMessage]:
    db.rollback()
    return list(db.scalars(select(OutboundMessage).where(OutboundMessage.purpose == "media_failed")))


def test_photos_and_a_voice_sent_while_telling_the_story_are_kept_with_the_petition(peer, wechat, wx, fetching, db,
                                                                                   clock):
    """李大山 tells his story, sends two photos of his wall, says the rest by voice (WeChat
    recognised it) and submits. After the commit every file is fetched and kept under its hash, with the case."""
    wx.media.update({"IMG-wall": (JPEG, "image/jpeg"), "IMG-bill": (JPEG_2, "image/jpeg"),
                     "VOICE-1": (AMR, "audio/amr")})
    peer.say(LAO_LI, STORY)
    peer.say(LAO_LI, "13812345678")
    assert "共1张" in peer.reply_of(peer.post_wechat(wechat.image(LAO_LI, peer.now_ts(), media_id="IMG-wall")))
    assert "共2张" in peer.reply_of(peer.post_wechat(wechat.image(LAO_LI, peer.now_ts(), media_id="IMG-bill")))
    peer.post_wechat(wechat.voice(LAO_LI, peer.now_ts(), recognition="隔壁工地放炮震的，找了好几回没人管",
                                  media_id="VOICE-1"))
    assert "受理编号" in peer.say(LAO_LI, "确认")
    before = attachments(db)
    assert [(a.kind, a.fetch_status) for a in before] == [("image", "pending")] * 2 + [("voice", "pending")]
    assert wx.fetched == []                              # nothing fetched inside the web request

    report = fetch(fetching, clock.now())
    assert (report.stored, report.retried, report.failed) == (3, 0, 0)
    p = db.scalars(select(Petition)).one()
    assert "放炮" in p.content                          # the recognised words are in the story …
    files = MediaFiles(fetching.settings.media_dir)
    for a, data, kind in zip(attachments(db), (JPEG, JPEG_2, AMR), ("image/jpeg", "image/jpeg", "audio/amr")):
        assert a.petition_id == p.id and a.fetch_status == "stored"
        assert a.sha256 == hashlib.sha256(data).hexdigest() and a.size == len(data) and a.content_type == kind
        assert files.read(a.sha256) == data
        assert files.path(a.sha256).relative_to(fetching.settings.media_dir).parts == (a.sha256[:2], a.sha256)
    # … and the recording itself is kept too
    assert sorted(wx.fetched) == ["IMG-bill", "IMG-wall", "VOICE-1"]
    assert fetch(fetching, clock.now() + timedelta(hours=1)).stored == 0     # done once


def test_a_photo_sent_out_of_any_conversation_is_kept_too(peer, wechat, wx, fetching, db, clock):
    wx.media["IMG-x"] = (JPEG, "image/jpeg")
    reply = peer.reply_of(peer.post_wechat(wechat.image(LAO_LI, peer.now_ts(), media_id="IMG-x")))
    assert "已收到并保存" in reply
    assert fetch(fetching, clock.now()).stored == 1
    [a] = attachments(db)
    assert a.petition_id is None and a.fetch_status == "stored" and a.size == len(JPEG)


def test_the_same_photo_twice_is_one_file(peer, wechat, wx, fetching, db, clock):
    wx.media.update({"IMG-a": (JPEG, "image/jpeg"), "IMG-b": (JPEG, "image/jpeg")})
    for media_id in ("IMG-a", "IMG-b"):
        peer.post_wechat(wechat.image(LAO_LI, peer.now_ts(), media_id=media_id))
    fetch(fetching, clock.now())
    a, b = attachments(db)
    assert a.sha256 == b.sha256
    assert [p.name for p in fetching.settings.media_dir.rglob("*") if p.is_file()] == [a.sha256]


def test_a_video_is_fetched_from_the_address_wechat_gives(peer, wechat, wx, fetching, db, clock):
    wx.media["VID-1"] = (MP4, "video/mp4")
    peer.say(LAO_LI, STORY)
    assert "视频已收到" in peer.reply_of(peer.post_wechat(wechat.video(LAO_LI, peer.now_ts(), media_id="VID-1")))
    assert fetch(fetching, clock.now()).stored == 1
    [a] = attachments(db)
    assert a.kind == "video" and a.content_type == "video/mp4" and a.size == len(MP4)


def test_a_supplement_photo_joins_its_case(peer, wechat, wx, fetching, db, clock):
    wx.media["IMG-later"] = (JPEG_2, "image/jpeg")
    peer.say(LAO_LI, STORY)
    peer.say(LAO_LI, "13812345678")
    assert "受理编号" in peer.say(LAO_LI, "确认")
    p = db.scalars(select(Petition)).one()
    assert "补充" in peer.say(LAO_LI, f"补充 {p.tracking_no}")
    reply = peer.reply_of(peer.post_wechat(wechat.image(LAO_LI, peer.now_ts(), media_id="IMG-later")))
    assert "已补充到" in reply
    fetch(fetching, clock.now())
    [a] = attachments(db)
    assert a.petition_id == p.id and a.fetch_status == "stored"


def test_wechat_busy_is_tried_again_and_a_day_of_failures_tells_staff_once(peer, wechat, wx, fetching, db, clock):
    wx.media["IMG-busy"] = (JPEG, "image/jpeg")
    peer.say(LAO_LI, STORY)
    peer.post_wechat(wechat.image(LAO_LI, peer.now_ts(), media_id="IMG-busy"))
    peer.say(LAO_LI, "13812345678")
    peer.say(LAO_LI, "确认")
    p = db.scalars(select(Petition)).one()
    start = clock.now()
    wx.media_script.extend([-1] * 100)                 # WeChat busy, again and again
    assert fetch(fetching, start).retried == 1
    [a] = attachments(db)
    assert a.fetch_status == "pending" and "-1" in a.fetch_error
    assert fetch(fetching, start + timedelta(seconds=30)).retried == 0           # not before its time
    at, tries = start, 1
    while attachments(db)[0].fetch_status == "pending":
        at = attachments(db)[0].fetch_next_at
        fetch(fetching, at)
        tries += 1
        assert tries < 20
    a = attachments(db)[0]
    assert a.fetch_status == "failed" and at - start <= timedelta(days=1, minutes=1)
    [told] = staff_told(db)                       # one text to the one staff member, naming the case
    assert p.tracking_no in told.body and "补发" in told.body and "138" not in told.body
    assert fetch(fetching, at + timedelta(days=1)).failed == 0 and len(staff_told(db)) == 1


def test_a_file_wechat_no_longer_has_fails_at_once(peer, wechat, wx, fetching, db, clock):
    peer.post_wechat(wechat.image(LAO_LI, peer.now_ts(), media_id="IMG-gone"))   # not in the stub: 40007
    report = fetch(fetching, clock.now())
    assert report.failed == 1 and "40007" in attachments(db)[0].fetch_error
    [told] = staff_told(db)
    assert "1件" in told.body and "尚未形成事项" in told.body


def test_healthz_says_how_many_media_wait(peer, wechat, wx, fetching, db, clock):
    wx.media["IMG-h"] = (JPEG, "image/jpeg")
    peer.post_wechat(wechat.image(LAO_LI, peer.now_ts(), media_id="IMG-h"))
    clock.advance(minutes=3)
    body = peer.client.get("/healthz").get_json()
    assert body["media"] == {"not_stored": 1, "oldest_s": 180}
    fetch(fetching, clock.now())
    assert peer.client.get("/healthz").get_json()["media"] == {"not_stored": 0, "oldest_s": None}


def test_a_real_rq_worker_fetches_what_the_web_recorded(services, peer, wechat, wx, lite, db, db_url, tmp_path):
    """As deployed: the web process hands the download to RQ after its commit (never doing it
    itself); a real ``rq worker`` process fetches from WeChat's API (the stub) and stores it."""
    from rq import Queue
    from tests.test_workers import rq_worker
    from notifications.queue import QUEUE, unix_url
    services.settings = dataclasses.replace(services.settings, outbox_delivery="queue", sms_rate=0)
    services._redis = lite
    wx.media["IMG-rq"] = (JPEG, "image/jpeg")
    peer.post_wechat(wechat.image(LAO_LI, peer.now_ts(), media_id="IMG-rq"))
    assert Queue(QUEUE, connection=lite).count == 1 and wx.fetched == []
    media_dir = tmp_path / "worker-media"
    env = dict(os.environ, DATABASE_URL=db_url, REDIS_URL=unix_url(lite), WECHAT_APP_ID=wx.app_id,
               WECHAT_APP_SECRET=wx.secret, WECHAT_API_BASE=wx.base_url, MEDIA_DIR=str(media_dir))
    out = rq_worker(env)
    assert out.wait(60) == 0, out.stdout.read().decode()[-2000:]
    [a] = attachments(db)
    assert a.fetch_status == "stored" and MediaFiles(media_dir).read(a.sha256) == JPEG


def test_the_operator_sees_what_failed_for_good(peer, wechat, wx, fetching, db, db_url, clock, monkeypatch):
    """`xinfang failures`: the photo WeChat no longer had, and a text the provider refused — the
    citizen's number masked, in the list and in its error."""
    from click.testing import CliRunner

    from bot.cli import main
    from core.store.db import transaction
    peer.post_wechat(wechat.image(LAO_LI, peer.now_ts(), media_id="IMG-gone"))
    fetch(fetching, clock.now())
    with transaction(fetching.sessions) as s:
        mid = OutboundMessage.enqueue(s, "sms", "+8613812345678", "您好", "receipt", clock.now())
        s.get(OutboundMessage, mid).status = "failed"
        s.get(OutboundMessage, mid).error = "twilio 21211: The 'To' number +8613812345678 is not valid"
    monkeypatch.setenv("DATABASE_URL", db_url)
    got = CliRunner().invoke(main, ["failures"])
    assert got.exit_code == 0, got.output
    assert "未能保存的图片/语音/视频：1件" in got.output and "（尚未形成事项）" in got.output and "40007" in got.output
    assert "未送达的短信/微信：1条" in got.output and "21211" in got.output
    assert "13812345678" not in got.output and "138****5678" in got.output
