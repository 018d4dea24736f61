"""The read models in words, for the terminal and the texts: the measures (`xinfang stats`), the
月考评 (`xinfang scores`, the monthly ranking text) and the 七晚 figures. The values are core's
(core.measures, core.scores, core.evenings.figures)."""
from __future__ import annotations

from collections import Counter
from datetime import timedelta

from core.clock import SHANGHAI
from core.evenings import Figures
from core.measures import Measures
from core.scores import COLOUR_WORDS, GAMING, GROUPS, KIND_WORDS, ScoreRules, UnitScore


def measures_text(m: Measures) -> str:
    """Plain text for the terminal (``xinfang stats``)."""
    def fmt(name, value):
        if value is None:
            return "—"
        return f"{value:.1f}天" if name == "平均办结时长" else f"{value * 100:.1f}%"

    last = (m.end - timedelta(seconds=1)).astimezone(SHANGHAI)
    lines = [f"信访工作指标 {m.start.astimezone(SHANGHAI):%Y-%m-%d} 至 {last:%Y-%m-%d}"
             f"（截至 {m.now.astimezone(SHANGHAI):%Y-%m-%d %H:%M}）", ""]
    c = m.county
    lines.append(f"全县：{c.petitions}批 {c.people}人次，挂牌超期{c.overdue}件")
    lines += [f"  {k}：{fmt(k, v)}" for k, v in c.rates().items()]
    lines.append("")
    header = ["单位", "批次", "人次", *c.rates().keys()]
    lines.append(" | ".join(header))
    for name, t in m.units.items():
        lines.append(" | ".join([name, str(t.petitions), str(t.people), *(fmt(k, v) for k, v in t.rates().items())]))
    lines.append("")
    lines.append("按渠道：" + "，".join(f"{k}{t.petitions}批{t.people}人次" for k, t in m.channels.items()))
    lines.append("按类别：" + "，".join(f"{k}{t.petitions}批" for k, t in m.categories.items()))
    return "\n".join(lines)


def ranking_text(scores: list[UnitScore], year: int, month: int, rules: ScoreRules) -> str:
    """The monthly report's 月考评 part (seed 000): the first township and the first department
    praised when they earned it, every unit under the line criticised, the colours (一旗四色) and
    the ways units played the clock."""
    if not scores:
        return f"【月考评】{year}年{month}月：无参评单位。"

    def names(units: list[UnitScore], most: int = 3) -> str:
        if len(units) > most and len({u.score for u in units}) == 1:
            return f"{units[0].unit}等{len(units)}个单位（{units[0].score}分）"
        shown = "、".join(f"{u.unit}（{u.score}分）" for u in units[:most])
        return shown + (f"等{len(units)}个单位" if len(units) > most else "")

    parts = []
    for group, word in GROUPS.items():
        ranked = [u for u in scores if u.group == group]
        if not ranked:
            continue
        flagged = [u for u in ranked if u.flag]
        if flagged:
            parts.append(f"{word}{'并列第一' if len(flagged) > 1 else '第一名'}{names(flagged)}，予以表扬（红旗）")
        elif not any(u.cases for u in ranked):
            parts.append(f"{word}本月无办理事项，不评先进")
        else:
            parts.append(f"{word}无达标单位，不予表扬")
    under = [u for u in scores if u.score < rules.warn_below]
    parts.append(f"{rules.warn_below}分以下：" + (names(under, 5) + "，通报批评" if under else "无"))
    colours = Counter(u.colour for u in scores)
    if set(colours) - {"green"}:
        parts.append("预警：" + "、".join(f"{COLOUR_WORDS[c]}色{colours[c]}个"
                                         for c in ("yellow", "orange", "red") if colours[c]))
    gaming = Counter()
    for u in scores:
        gaming.update(u.gaming)
    if gaming:
        parts.append("、".join(f"{KIND_WORDS[k]}{gaming[k]}次" for k in GAMING if gaming[k]))
    return f"【月考评】{year}年{month}月：" + "；".join(parts) + "。"


def scores_table(scores: list[UnitScore], year: int, month: int, rules: ScoreRules | None = None) -> str:
    start = rules.start if rules else 100
    lines = [f"{year}年{month}月 月考评（每月起评{start}分）", "组别 | 名次 | 单位 | 本月 | 全年累计 | 预警 | 办理 | 加减分"]
    for u in scores:
        detail = "，".join(f"{KIND_WORDS.get(k, k)}{v:+d}" for k, v in sorted(u.by_kind.items()))
        signals = "，".join(f"{KIND_WORDS[k]}{n}次" for k, n in u.gaming.items() if k not in u.by_kind)
        colour = ("红旗 " if u.flag else "") + COLOUR_WORDS[u.colour]
        lines.append(f"{GROUPS[u.group]} | {u.rank} | {u.unit} | {u.score} | {u.year_total} | {colour} | "
                     f"{u.cases}件 | {'，'.join(x for x in (detail, signals) if x) or '—'}")
    return "\n".join(lines)


def evenings_text(fig: Figures) -> str:
    """七晚 figures in one line (the reports, `xinfang evenings report`)."""
    rate = f"{fig.rate:.1%}" if fig.rate is not None else "—"
    return (f"七晚{('（' + fig.campaign + '）') if fig.campaign else ''}：{fig.cases}件，进行中{fig.running}件，"
            f"走访计入{fig.evenings_done}晚，未计入{fig.evenings_missed}晚（重新计数{fig.restarts}次），"
            f"化解{fig.resolved}件（签协议{fig.agreements}件），未化解{fig.unresolved}件，停访息诉率{rate}")
