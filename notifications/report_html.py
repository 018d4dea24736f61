"""The analyses as HTML pages with charts (inline SVG, no scripts), and the signed, expiring links
that lead to them.

A link is ``/reports/<kind>/<first day>?exp=<unix time>&sig=<hmac>``: HMAC-SHA256 over kind, day
and expiry with the deployment's secret (``SECRET_KEY``; without it, a key generated once in the
instance directory). A link past its expiry, or with any part changed, is refused.
"""
from __future__ import annotations

import hashlib
import hmac
import html
import os
import secrets
from datetime import datetime, timedelta
from pathlib import Path

from core.analysis import KINDS, Analysis
from core.clock import SHANGHAI
from core.settings import DEFAULT_INSTANCE_DIR

VALID_FOR = {"daily": timedelta(days=7), "weekly": timedelta(days=30), "monthly": timedelta(days=90)}


def secret_key() -> bytes:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key.encode()
    path = Path(DEFAULT_INSTANCE_DIR) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    return path.read_text().strip().encode()


def sign(kind: str, day: str, expires: int, key: bytes | None = None) -> str:
    return hmac.new(key or secret_key(), f"{kind}|{day}|{expires}".encode(), hashlib.sha256).hexdigest()


def link(base: str, kind: str, day: str, now: datetime, key: bytes | None = None) -> str:
    expires = int((now + VALID_FOR[kind]).timestamp())
    return f"{base.rstrip('/')}/reports/{kind}/{day}?exp={expires}&sig={sign(kind, day, expires, key)}"


def check(kind: str, day: str, exp: str, sig: str, now: datetime, key: bytes | None = None) -> str | None:
    """None when the link is good; else why not."""
    if kind not in VALID_FOR or not exp.isdigit():
        return "bad link"
    if not hmac.compare_digest(sign(kind, day, int(exp), key), sig or ""):
        return "bad signature"
    if now.timestamp() > int(exp):
        return "link expired"
    return None


def _bars(title: str, items: list[tuple[str, int]], width: int = 560) -> str:
    """A horizontal bar chart as inline SVG."""
    if not items:
        return f"<h3>{html.escape(title)}</h3><p>无</p>"
    top = max(n for _, n in items) or 1
    row, label_w = 26, 150
    height = row * len(items) + 10
    bars = []
    for i, (label, n) in enumerate(items):
        y = 5 + i * row
        w = int((width - label_w - 50) * n / top)
        bars.append(f'<text x="{label_w - 6}" y="{y + 16}" text-anchor="end">{html.escape(label)}</text>'
                    f'<rect x="{label_w}" y="{y + 3}" width="{w}" height="18" fill="#b22222"/>'
                    f'<text x="{label_w + w + 6}" y="{y + 16}">{n}</text>')
    return (f"<h3>{html.escape(title)}</h3><svg role=\"img\" aria-label=\"{html.escape(title)}\" width=\"{width}\" "
            f"height=\"{height}\" font-size=\"13\">{''.join(bars)}</svg>")


def _pct(v: float | None, days: bool = False) -> str:
    if v is None:
        return "—"
    return f"{v:.1f}天" if days else f"{v:.1%}"


def render(a: Analysis, county: str) -> str:
    c, p, y = a.current.county, a.previous.county, a.year_before.county
    title = f"{county}{KINDS[a.period.kind]}（{a.period.label}）"
    rows = "".join(
        f"<tr><th>{html.escape(k)}</th><td>{_pct(v, k == '平均办结时长')}</td>"
        f"<td>{_pct(p.rates()[k], k == '平均办结时长')}</td><td>{_pct(y.rates()[k], k == '平均办结时长')}</td></tr>"
        for k, v in c.rates().items())
    beyond = "、".join(f"{w}{a.beyond.get(level, (0, 0))[0]}批{a.beyond.get(level, (0, 0))[1]}人"
                      for level, w in (("city", "到市"), ("province", "赴省"), ("beijing", "进京")))
    parts = [
        f"<h1>{html.escape(title)}</h1>",
        f"<p class=\"meta\">统计至 {a.now.astimezone(SHANGHAI).strftime('%Y-%m-%d %H:%M')}；环比为上一周期，同比为去年同期。</p>",
        "<h2>总量</h2><table><tr><th></th><th>本期</th><th>上期</th><th>去年同期</th></tr>"
        f"<tr><th>批次</th><td>{c.petitions}</td><td>{p.petitions}</td><td>{y.petitions}</td></tr>"
        f"<tr><th>人次</th><td>{c.people}</td><td>{p.people}</td><td>{y.people}</td></tr>"
        f"<tr><th>重复访（批）</th><td>{c.repeats}</td><td>{p.repeats}</td><td>{y.repeats}</td></tr></table>",
        f"<p>越级访：{beyond}（上期{sum(b for b, _ in a.beyond_previous.values())}批）。"
        f"环比{Analysis.change(c.petitions, p.petitions)}，同比{Analysis.change(c.petitions, y.petitions)}。</p>",
        _bars("涉及单位（批次）", [(k, t.petitions) for k, t in a.current.units.items()][:15]),
        _bars("问题类别（批次）", [(k, t.petitions) for k, t in a.current.categories.items()]),
        _bars("渠道（批次）", [(k, t.petitions) for k, t in a.current.channels.items()]),
        f"<h2>工作指标</h2><table><tr><th></th><th>本期</th><th>上期</th><th>去年同期</th></tr>{rows}</table>",
    ]
    if a.evenings is not None and a.evenings.cases:
        parts.append(f"<h2>七晚工作法</h2><p>{html.escape(a.evenings.render())}</p>")
    if a.sms:
        from core.analysis import AUDIENCE
        lines = "".join(f"<tr><th>{AUDIENCE[k]}</th><td>{n}</td><td>{parts}</td></tr>" for k, (n, parts) in sorted(a.sms.items()))
        parts.append("<h2>短信发送</h2><table><tr><th></th><th>条数</th><th>计费条数（段）</th></tr>"
                     f"{lines}</table>")
    if a.scores:
        table = "".join(f"<tr><td>{u.rank}</td><td>{html.escape(u.unit)}</td><td>{u.score}</td><td>{u.year_total}</td></tr>"
                        for u in a.scores)
        parts.append("<h2>月考评</h2><table><tr><th>名次</th><th>单位</th><th>本月</th><th>全年累计</th></tr>"
                     f"{table}</table>")
    style = ("body{font-family:sans-serif;max-width:760px;margin:2em auto;color:#222}table{border-collapse:collapse}"
             "td,th{border:1px solid #ccc;padding:4px 10px;text-align:right}th{text-align:left}.meta{color:#666}")
    return (f"<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title>"
            f"<meta name=\"viewport\" content=\"width=device-width\"><style>{style}</style></head>"
            f"<body>{''.join(parts)}</body></html>")
