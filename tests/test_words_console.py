"""The console's two texts (core.words.console) go as their sentence and as their registered
template from the same values: the sign-in code and the WeChat binding code an administrator
sends — through the console as a browser without JavaScript uses it (the Flask test client)."""
from __future__ import annotations

import re

from click.testing import CliRunner
from sqlalchemy import select

from core.store.models import OutboundMessage, Person
from core.words import console as words
from core.words import templates
from tests.test_cases import STAFF
from tests.test_console_security import flash_of, sign_in, token_of


def test_the_sign_in_code_is_its_template_word_for_word_after_the_signature():
    said = words.sign_in_code("鲁山县", "123456")
    assert said.params == {"t": "console_code", "v": ["123456"]}
    assert said.startswith("【鲁山县信访局】")
    assert templates.OWN["console_code"].render(list(said.values)) == said.removeprefix("【鲁山县信访局】")
    assert templates.problems(said.key, list(said.values)) == []


def test_an_administrator_sends_a_binding_code_its_template_carries(app, sms_out, db, db_url, monkeypatch):
    """周敏 of the bureau, an administrator, sends 李建国 a binding code from his page: the text he gets
    and the row's template values are the same code and days."""
    from bot.cli import main
    monkeypatch.setenv("DATABASE_URL", db_url)
    assert CliRunner().invoke(main, ["admin", STAFF[3:]]).exit_code == 0
    browser = app.test_client()
    sign_in(browser, sms_out, STAFF)
    li = db.scalars(select(Person).where(Person.name == "李建国")).one()
    page = browser.get(f"/console/admin/people/{li.id}")
    got = browser.post(f"/console/admin/people/{li.id}", data={"action": "bind_code", "csrf_token": token_of(page.text)},
                       follow_redirects=True)
    assert flash_of(got.text) == "绑定码已发送到李建国的手机（137****0011），3天内有效。"
    [body] = [b for to, b in sms_out.sent if to == li.phone]
    code = re.search(r"绑定 ([A-Z0-9]{8})$", body).group(1)
    db.rollback()
    row = db.scalars(select(OutboundMessage).where(OutboundMessage.purpose == "bind_code")).one()
    assert row.body == body and row.params == [code, "3"]
    assert templates.problems("bind_code", row.params) == []
    assert code in templates.OWN["bind_code"].render(row.params)
