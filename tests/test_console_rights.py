"""What an administrator and a stored file can no longer do (issue 29, 9 and 10), in a real
browser: an administrator does not widen their own rights — another administrator must, and can
set them back; a file a petitioner "sent" is served as what its bytes are, never as a page that
runs on the console's origin."""
from __future__ import annotations

import dataclasses
import re

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from core.store.models import Attachment, Person
from tests.test_cases import STAFF
from tests.test_console import CHROMIUM, _png, browser, live, sign_in  # noqa: F401  (fixtures)

pytestmark = pytest.mark.skipif(CHROMIUM is None and not __import__("os").environ.get("CI"),
                                reason="Debian's chromium is not installed (apt install chromium; CI installs it)")
ZHANG = "+8613900007777"     # 张工, the bureau's IT man: an administrator who sees no case


def person(db, name: str) -> Person:
    db.rollback()
    return db.scalars(select(Person).where(Person.name == name)).one()


def test_an_administrator_cannot_make_himself_staff_but_another_can_and_back(live, browser, db, db_url, sms_out,
                                                                              monkeypatch):
    from bot.cli import main
    monkeypatch.setenv("DATABASE_URL", db_url)
    assert CliRunner().invoke(main, ["admin", ZHANG[3:], "--name", "张工"]).exit_code == 0
    it = sign_in(browser, live, sms_out, ZHANG, lands="/console/admin")
    it.goto(f"{live}/console/admin/people/{person(db, '张工').id}")
    it.get_by_label("身份").select_option("staff")                     # 信访局: every case would be his
    it.get_by_role("button", name="保存").click()
    assert "请由另一位管理员修改" in it.locator(".flash").inner_text()
    assert person(db, "张工").role == "admin"
    assert it.goto(f"{live}/console/").url.endswith("/console/admin")        # still no cases for him

    # 周敏 of the bureau is made an administrator too; she may change him, and set him back
    assert CliRunner().invoke(main, ["admin", STAFF[3:]]).exit_code == 0
    zhou = sign_in(browser, live, sms_out, STAFF)
    zhou.goto(f"{live}/console/admin/people/{person(db, '张工').id}")
    zhou.get_by_label("身份").select_option("staff")
    zhou.get_by_role("button", name="保存").click()
    assert "已保存" in zhou.locator(".flash").inner_text() and person(db, "张工").role == "staff"
    zhou.get_by_label("身份").select_option("admin")                   # the page offers 管理员 again
    zhou.get_by_role("button", name="保存").click()
    assert "已保存" in zhou.locator(".flash").inner_text() and person(db, "张工").role == "admin"
    # nor does she move herself to another unit, or change her own number (where codes go)
    zhou.goto(f"{live}/console/admin/people/{person(db, '周敏').id}")
    zhou.get_by_label("手机号码").fill("13900009999")
    zhou.get_by_role("button", name="保存").click()
    assert "请由另一位管理员修改" in zhou.locator(".flash").inner_text()
    assert person(db, "周敏").phone == STAFF


def test_a_file_sent_as_a_web_page_is_served_as_bytes_to_download(live, browser, peer, wechat, wx, lite, services,
                                                                  db, clock, sms_out, tmp_path):
    """Someone sends an "image" whose bytes are an HTML page with a script, and WeChat's response
    calls it text/html. The console serves it as bytes to download (nosniff, sandboxed), so it
    never runs as the bureau; a real photo still shows in the case file."""
    from notifications.media import fetch
    from notifications.wechat import WeChatSender
    services.settings = dataclasses.replace(services.settings, media_dir=tmp_path / "media")
    services._wechat = WeChatSender(wx.app_id, wx.secret, lite, api_base=wx.base_url, timeout=2)
    page = b"<html><script>document.title='pwned';fetch('/console/cases')</script></html>"
    wx.media.update({"IMG-page": (page, "text/html"), "IMG-wall": (_png(), "image/png")})
    who = "o_sends_a_page"
    peer.say(who, "我是下汤镇林楼村的李大山，俺家房子墙裂了")
    peer.say(who, "13812345678")
    peer.post_wechat(wechat.image(who, peer.now_ts(), media_id="IMG-page"))
    peer.post_wechat(wechat.image(who, peer.now_ts(), media_id="IMG-wall"))
    no = re.search(r"LS-\d{8}-\d{4}", peer.say(who, "确认")).group(0)
    assert fetch(services, clock.now()).stored == 2
    db.rollback()
    stored = {a.media_id: a for a in db.scalars(select(Attachment))}
    assert stored["IMG-page"].content_type == "application/octet-stream"   # the bytes' word, not the response's
    assert stored["IMG-wall"].content_type == "image/png"

    staff = sign_in(browser, live, sms_out, STAFF)
    staff.goto(f"{live}/console/cases/{no}")
    bad = staff.request.get(f"{live}/console/media/{stored['IMG-page'].id}")
    assert bad.status == 200 and bad.headers["content-type"] == "application/octet-stream"
    assert bad.headers["x-content-type-options"] == "nosniff"
    assert bad.headers["content-disposition"].startswith("attachment")
    assert "sandbox" in bad.headers["content-security-policy"]
    good = staff.request.get(f"{live}/console/media/{stored['IMG-wall'].id}")
    assert good.headers["content-type"] == "image/png" and good.headers["content-disposition"].startswith("inline")

    # a row stored before this change, still saying text/html, is served by its bytes all the same
    with services.sessions() as s:
        s.get(Attachment, stored["IMG-page"].id).content_type = "text/html"
        s.commit()
    opened = staff.context.new_page()
    with opened.expect_download():
        try:
            opened.goto(f"{live}/console/media/{stored['IMG-page'].id}")
        except Exception:   # chromium reports a navigation that became a download as aborted
            pass
    assert opened.title() != "pwned"


def test_ids_no_row_can_have_are_not_found_not_a_500(app, db_url, sms_out, monkeypatch):
    """A 20-digit id in a media or 管理 address, or a unit filter, was a 500 (the database refuses
    the number); now it is nothing found, or no filter."""
    from bot.cli import main
    from tests.test_recusal_matter import console
    monkeypatch.setenv("DATABASE_URL", db_url)
    assert CliRunner().invoke(main, ["admin", STAFF[3:]]).exit_code == 0
    zhou = console(app, sms_out, STAFF)
    huge = "9" * 20
    assert zhou.get(f"/console/media/{huge}").status_code == 404
    assert zhou.get(f"/console/admin/people/{huge}").status_code == 404
    got = zhou.get(f"/console/admin?unit={huge}")
    assert got.status_code == 200 and "下汤镇人民政府" in got.get_data(as_text=True)
