"""The console at a phone's width (issue 32, small ones): a table's column names never wrap one
character a line (环/节, 渠/道) and a date or time never breaks mid-number (12-/04) — 统计, the
search list and a case file at 390 px, in Debian's chromium."""
from __future__ import annotations

import pytest

from tests.test_cases import LIAISON, STAFF, submit
from tests.test_console import CHROMIUM, browser, live, sign_in  # noqa: F401  (fixtures)
from tests.test_measures import a_monday, at  # noqa: F401  (the Monday's cases)

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (apt install chromium)")

# each header and date cell whose text takes more than one line box (a Range's client rects, one per line)
BROKEN = """() => [...document.querySelectorAll('th, td.when')].filter(el => {
  const r = document.createRange(); r.selectNodeContents(el);
  const tops = new Set([...r.getClientRects()].filter(x => x.width > 0).map(x => Math.round(x.top)));
  return tops.size > 1;
}).map(el => el.textContent.trim())"""


def test_headers_and_dates_stay_whole_on_a_phone(a_monday, live, browser, sms_out, clock):
    clock.set(at(17, 40))
    page = sign_in(browser, live, sms_out, STAFF, mobile=True)
    for path in ("/console/stats?from=2026-11-23&to=2026-11-23", "/console/cases", "/console/cases?q=路灯"):
        page.goto(f"{live}{path}")
        assert page.evaluate(BROKEN) == [], path
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path   # the page never sideways
    page.get_by_role("link", name=page.locator("td a").first.inner_text()).click()
    assert page.locator("th", has_text="环节").count() == 1
    assert page.evaluate(BROKEN) == []
