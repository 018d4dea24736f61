"""Serving as deployed (issue 17, loss 10): `xinfang serve` puts nginx in front of gunicorn's sync
workers, so clients that send their requests a byte at a time hold no worker, and WeChat's signed
messages are answered meanwhile. Real processes, real sockets; the WeChat request signed and
sealed as WeChat's servers send it."""
from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request

import pytest

from peers.webhooks import WeChatServer, reply_text
from bot.proxy import nginx_binary, render
from tests.conftest import AES_KEY, APP_ID, TOKEN

NGINX = nginx_binary()
needs_nginx = pytest.mark.skipif(NGINX is None and not os.environ.get("CI"),
                                 reason="nginx is not installed (apt install nginx; CI installs it)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(tmp_path, sqlite_template, proxy: str, workers: int = 1):
    db = tmp_path / "xinfang.sqlite3"
    shutil.copy(sqlite_template, db)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "OUTBOX_DELIVERY")}
    env.update(DATABASE_URL=f"sqlite:///{db}", XINFANG_INSTANCE=str(tmp_path / "instance"), WECHAT_TOKEN=TOKEN,
               WECHAT_APP_ID=APP_ID, WECHAT_AES_KEY=AES_KEY)
    proc = subprocess.Popen([sys.executable, "-c", "from bot.cli import main; main()", "serve", "--web-only",
                             "--port", str(port), "--workers", str(workers), "--proxy", proxy],
                            env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).status == 200:
                return proc, port
        except OSError:
            time.sleep(0.2)
    raise AssertionError(stop(proc)[-3000:])


def stop(proc) -> str:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
    return proc.stdout.read().decode(errors="replace")


def slow_clients(port: int, n: int, done: threading.Event) -> list[threading.Thread]:
    """n connections that send a request's headers one byte every half second."""
    request = b"POST /wechat HTTP/1.1\r\nHost: localhost\r\nContent-Length: 10\r\n\r\n"

    def crawl():
        with socket.create_connection(("127.0.0.1", port)) as s:
            for byte in request:
                if done.wait(0.5):
                    return
                try:
                    s.send(bytes([byte]))
                except OSError:
                    return
    threads = [threading.Thread(target=crawl, daemon=True) for _ in range(n)]
    for t in threads:
        t.start()
    time.sleep(1.0)   # every one connected and under way
    return threads


def signed_message(port: int, timeout: float) -> str:
    wechat = WeChatServer(token=TOKEN, app_id=APP_ID, aes_key=AES_KEY)
    now = int(time.time())
    query, body = wechat.seal(wechat.text("o_wang_serve", "你好", now), now)
    req = urllib.request.Request(f"http://127.0.0.1:{port}/wechat?{urllib.parse.urlencode(query)}", data=body,
                                 headers={"Content-Type": "text/xml"})
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return reply_text(wechat.open_reply(resp.read(), query["timestamp"], query["nonce"]))


@needs_nginx
def test_slow_clients_hold_no_worker_behind_nginx(tmp_path, sqlite_template):
    proc, port = start(tmp_path, sqlite_template, "nginx", workers=2)
    done = threading.Event()
    try:
        slow_clients(port, 6, done)                   # three times the workers
        assert "请问您怎么称呼" in signed_message(port, timeout=5)    # WeChat's own deadline
        # nginx (one worker) logs a request as it finishes it: once it has answered the next
        # one, the line of the first is written
        urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5).read()
    finally:
        done.set()
        out = stop(proc)
    assert '"POST /wechat HTTP/1.1" 200' in out and "signature=" not in out and "nonce=" not in out


def test_without_the_proxy_two_slow_clients_stop_every_answer(tmp_path, sqlite_template):
    """What the proxy is for: gunicorn facing clients itself, two slow ones hold its two workers
    and a signed message waits past WeChat's deadline. (Its start-up also says, once, that the
    example county has WeChat on and no template message: issue 33.)"""
    from core.words.reach import NO_WECHAT_TEMPLATE

    proc, port = start(tmp_path, sqlite_template, "none", workers=2)
    done = threading.Event()
    try:
        slow_clients(port, 2, done)
        with pytest.raises(OSError):                  # urllib's time-out
            signed_message(port, timeout=3)
    finally:
        done.set()
        out = stop(proc)
    assert out.count(NO_WECHAT_TEMPLATE) == 1


@needs_nginx
def test_the_deployment_config_is_one_nginx_accepts(tmp_path):
    site = subprocess.run([sys.executable, "-c", "from bot.cli import main; main()", "nginx-config",
                           "--listen", "8080", "--upstream", "unix:/run/xinfang/web.sock"],
                          capture_output=True, text=True, check=True).stdout
    assert "client_header_timeout 10s" in site and "$uri" in site and "$request_uri" not in site
    site = site.replace("/var/log/nginx/xinfang.access.log", str(tmp_path / "access.log"))
    (tmp_path / "xinfang.conf").write_text(site)
    conf = tmp_path / "nginx.conf"
    conf.write_text(f"pid {tmp_path}/nginx.pid; error_log stderr;\nevents {{}}\n"
                    f"http {{ client_body_temp_path {tmp_path}/b; proxy_temp_path {tmp_path}/p; "
                    f"include {tmp_path}/xinfang.conf; }}\n")
    check = subprocess.run([NGINX, "-t", "-e", "stderr", "-p", str(tmp_path), "-c", str(conf)],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    assert render("80", "127.0.0.1:8000", standalone=False).count("{") == render(
        "80", "127.0.0.1:8000", standalone=False).count("}")


@pytest.mark.parametrize("proxy", [pytest.param("nginx", marks=needs_nginx), "none"])
def test_the_audit_keeps_the_clients_address_never_a_forged_one(tmp_path, sqlite_template, proxy):
    """Issue 29, 6: a client that sends X-Real-IP / X-Forwarded-For / -Proto of its own. Behind
    nginx (`serve` tells the app to believe its proxy), nginx overwrites them with what it saw;
    with gunicorn facing clients, none is believed. Either way the audit has the real address
    (loopback here), and a forged https through nginx does not make the cookie Secure."""
    proc, port = start(tmp_path, sqlite_template, proxy)
    forged = {"X-Real-IP": "8.8.8.8", "X-Forwarded-For": "8.8.8.8"}
    if proxy == "nginx":   # (gunicorn itself believes -Proto from its own host, loopback: not a client's to forge)
        forged["X-Forwarded-Proto"] = "https"
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    try:
        page = browser.open(urllib.request.Request(f"http://127.0.0.1:{port}/console/login", headers=forged),
                            timeout=10).read().decode()
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode({"phone": "13700000001", "csrf_token": token}).encode()
        with browser.open(urllib.request.Request(f"http://127.0.0.1:{port}/console/login", data=form,
                                                 headers=forged), timeout=10) as got:
            assert "如该号码已登记在名录中" in got.read().decode()
            cookies = got.headers.get_all("Set-Cookie") or []
    finally:
        stop(proc)
    assert cookies and not any("Secure" in c for c in cookies)
    with sqlite3.connect(tmp_path / "xinfang.sqlite3") as db:
        assert db.execute("SELECT action, address FROM audit_event").fetchall() == [("code_sent", "127.0.0.1")]
