"""What the reports say: the daily 访情 and its 详情 lines (notifications.digest_text, the values
core.reports.digest's), the weekly and monthly analyses' text for leaders (core.reports.analysis), the measures,
the 月考评 and 七晚's figures (notifications.report_text), and the lines the 台账 exports, the
county file's loading and a refused report link answer with.

A text that goes to the outbox with a registered template (the daily 访情, the analyses, the
月考评: their template words in core.words.jobs) is a :class:`Said` whose values are the
template's, in order: the caller hands ``said.params`` (or ``said.values``) to the outbox. The
rest are plain lines. This module imports nothing of the product's but core.text's ``fit`` and
the catalogue's :class:`Said`: the read models it serves import it, never the other way round.
"""
from __future__ import annotations

from core.text import fit
from core.words.jobs import THREAT_WORDS
from core.words.said import Said


def more(names: list[str], most: int = 3) -> str:
    """"甲、乙、丙等": the first ``most`` of a list, and 等 when there are more."""
    return "、".join(names[:most]) + ("等" if len(names) > most else "")


# 每日访情 (notifications.digest_text): its parts, most important first, fitted to three segments
DETAILS = "回复“详情”查看要点"


def daily_volume(unit_view: bool, batches: int, people: int, by_channel: list[tuple[str, int]]) -> str:
    """"到县访3批5人次（微信访2、短信访1）" — or, for a unit, "新交办…"."""
    channels = "、".join(f"{word}{n}" for word, n in by_channel)
    return ((f"新交办{batches}批{people}人次" if unit_view else f"到县访{batches}批{people}人次")
            + (f"（{channels}）" if channels else ""))


def daily_warnings(warned: list[tuple[str, str]]) -> str:
    """"预警2件（LS-20261123-0001 扬言轻生、LS-20261123-0004 扬言越级上访）": the cases marked 扬言 that day."""
    return f"预警{len(warned)}件（{more([f'{no} 扬言{THREAT_WORDS.get(kind, kind)}' for no, kind in warned])}）"


def daily_groups(groups: int) -> str:
    return f"其中集体访{groups}批"


def daily_beyond(levels: list[tuple[str, int, int]]) -> str:
    """越级访 by level: (word, 批, 人)."""
    beyond = "、".join(f"{word}{batches}批{people}人" for word, batches, people in levels)
    return f"越级访：{beyond}" if beyond else "无越级访"


def percent(value: float | None) -> str:
    """A rate as every report shows it (统计, 看板, ``xinfang stats``, the texts, the analyses):
    whole when it is ("100%", "25%"), else to a tenth ("16.7%"); "—" when nothing was due."""
    if value is None:
        return "—"
    tenths = round(value * 1000)
    return f"{tenths // 10}%" if tenths % 10 == 0 else f"{tenths / 10:.1f}%"


def figure(name: str, value: float | None) -> str:
    """One measure's value: 平均办结时长 in days, the rates in per cent (core.reports.measures.Tally.rates)."""
    if value is None:
        return "—"
    return days(value) if name == "平均办结时长" else percent(value)


def daily_met(met: int, due: int, waiting: int = 0) -> str:
    """"当日见面率100%（1/1），3件待见面": the rate over the meetings due or held (core.reports.measures),
    and those whose deadline is still to come."""
    rate = f"当日见面率{percent(met / due)}（{met}/{due}）" if due else ""
    return "，".join(x for x in (rate, meet_waiting(waiting) if waiting else "") if x)


def meet_waiting(cases: int) -> str:
    """Meetings whose deadline is still to come (core.reports.measures.Tally.meet_waiting)."""
    return f"{cases}件待见面"


def daily_overdue(count: int, shown: list[str]) -> str:
    """挂牌督办: how many, and the first (numbers for a unit, "下汤2" by unit for the county)."""
    return f"挂牌督办{count}件（{more(shown)}）" if count else "无挂牌督办"


def daily_evenings(plans: int, started: int) -> str:
    return f"七晚进行中{plans}件，今晚已开始{started}件"


def checks_found(found: int, people: int, moving: int) -> str:
    """What 日排查 found that day (after who reported): "，排查发现2起7人（拟越级或到县1起）"."""
    return (f"，排查发现{found}起{people}人" if found else "") + (f"（拟越级或到县{moving}起）" if moving else "")


def checks_unit(missing: list[str]) -> str:
    """A township's own 日排查: the rounds it missed, or on time."""
    return ("日排查" + "、".join(missing) + "未报告") if missing else "日排查已按时报告"


def checks_county(due: int, missing: list[str]) -> str:
    """The county's 日排查: how many townships, which did not report (the first three)."""
    if missing:
        return f"日排查{due}个乡镇，{len(missing)}个未按时报告（{more(missing)}）"
    return f"日排查{due}个乡镇均已报告"


def lead(lines: list[str]) -> str:
    """What a 包案 leader reads first."""
    return "您包案" + "、".join(lines)


def lead_line(count: int, flagged: list[str]) -> str:
    """A 包案 leader's cases: how many, and which are flagged (the first two)."""
    return f"{count}件" + (f"，挂牌{len(flagged)}件（{more(flagged, 2)}）" if flagged else "，均在期限内")


def daily(day: str, county: str, parts: list[str], batches: int, people: int, beyond: int, overdue: int,
          warnings: int) -> Said:
    """The county's 每日访情 (its template: the day's figures)."""
    return Said(fit(f"【每日访情】{day}{county}：", parts, DETAILS), "daily_digest",
                day, batches, people, beyond, overdue, warnings)


def daily_unit(unit: str, day: str, parts: list[str], batches: int, people: int, overdue: int,
               warnings: int) -> Said:
    """A unit's 每日访情 (its template: the unit and the day's figures)."""
    return Said(fit(f"【每日访情·{unit}】{day}：", parts, DETAILS), "daily_digest_unit",
                unit, day, batches, people, overdue, warnings)


# the city's 每日访情 (notifications.digest_text.city_text; core.reports.city): each figure, then the counties it came from
def county_short(name: str) -> str:
    """"鲁山县" → "鲁山" (a name of two characters, "郏县", stays whole)."""
    return name[:-1] if len(name) > 2 and name[-1] in "县市区" else name


def by_counties(counts: list[tuple[str, int]]) -> str:
    """"（鲁山2、宝丰1）": which counties a figure came from, most first (the first five, then 等)."""
    return f"（{more([f'{county_short(name)}{n}' for name, n in counts], 5)}）" if counts else ""


def city_volume(batches: int, people: int, counts: list[tuple[str, int]]) -> str:
    return f"各县到县访{batches}批{people}人次" + by_counties(counts)


def city_warnings(warned: int, counts: list[tuple[str, int]]) -> str:
    return f"扬言预警{warned}件" + by_counties(counts)


def city_beyond(word: str, batches: int, people: int, counts: list[tuple[str, int]]) -> str:
    """One level of 越级访 by county: "到市访2批5人（鲁山1、宝丰1）"."""
    return f"{word}访{batches}批{people}人" + by_counties(counts)


def city_groups(groups: int, counts: list[tuple[str, int]]) -> str:
    return f"集体访{groups}批" + by_counties(counts)


def city_overdue(overdue: int, counts: list[tuple[str, int]]) -> str:
    return f"挂牌督办{overdue}件" + by_counties(counts) if overdue else "无挂牌督办"


def city_supervised(marked: int, counts: list[tuple[str, int]]) -> str:
    """The 督办 the city marked that day: "市督办新增2件（宝丰2）"."""
    return f"市督办新增{marked}件" + by_counties(counts)


def city_supervision_missed(missed: int, counts: list[tuple[str, int]]) -> str:
    """The city's 督办 missed that day: "督办逾期1件（鲁山1）"."""
    return f"督办逾期{missed}件" + by_counties(counts)


def city_daily(day: str, city: str, parts: list[str], batches: int, people: int, beyond: int, overdue: int,
               warnings: int) -> Said:
    """The city's 每日访情 (its template: the day's figures of every county)."""
    return Said(fit(f"【每日访情】{day}{city}：", parts, ""), "city_digest", day, batches, people, beyond, overdue,
                warnings)


# "详情": one line an item, names masked by the caller
def detail_new(tracking_no: str, name: str, township: str, people: int, story: str) -> str:
    return f"{tracking_no} {name} {township}{'（' + str(people) + '人）' if people > 1 else ''}：{story}"


def detail_flagged(tracking_no: str, unit: str | None, name: str, story: str) -> str:
    return f"挂牌 {tracking_no} {unit or '未交办'} {name}：{story}"


def detail_check(warned: bool, unit: str, village: str, people: int, matter: str, planned: str) -> str:
    """A 日排查 report: 预警 when the group plans to go somewhere (``planned``: "拟赴省")."""
    return (f"{'预警' if warned else '排查'} {unit} {village}{str(people) + '人' if people else ''}：{matter}"
            + (f"（{planned}）" if planned else ""))


def detail_evening(tracking_no: str, unit: str, name: str, tonight: str) -> str:
    return f"七晚 {tracking_no} {unit} {name}：{tonight}"


def escalation_note(level: str, people: int, matter: str) -> str:
    """The 月考评 line of a 越级访 registered by staff: "进京3人：…"."""
    return f"{level}{people}人：{matter}"


# 每周访情分析 and 月信访形势分析 (core.reports.analysis): the leaders' text; the whole is a page
ANALYSES = {"weekly": "每周访情分析", "monthly": "月信访形势分析", "daily": "每日访情"}
AUDIENCE = {"citizens": "群众", "officials": "干部和领导"}       # the texts' cost, by whom they went to
NOTE_SECTIONS = {"outlook": "舆情预判", "next": "下一步工作"}   # what staff write in an analysis


def change(now: int, before: int) -> str:
    """"+50%", "持平", "新增" or "—" (nothing either time)."""
    if not before:
        return "—" if not now else "新增"
    pct = (now - before) / before
    return f"{pct:+.0%}".replace("+0%", "持平")


def analysis_volume(petitions: int, people: int, monthly: bool, previous: str, year_before: str) -> str:
    return f"到县访{petitions}批{people}人次，{'较上月' if monthly else '环比'}{previous}，同比{year_before}"


def analysis_beyond(batches: int) -> str:
    return f"越级访{batches}批" if batches else "无越级访"


def analysis_mainly(top: list[tuple[str, int]]) -> str:
    return "主要为" + "、".join(f"{k}{n}批" for k, n in top)


def analysis_rate(name: str, value: float) -> str:
    return f"{name}{percent(value)}"


def analysis_evenings(resolved: int) -> str:
    return f"七晚化解{resolved}件"


def analysis(kind: str, label: str, parts: list[str], link: str | None, limit: int,
             petitions: int, people: int, beyond: int) -> Said:
    """The analysis' text for leaders, with its signed link (its template: the period and the
    figures; the page is the console's)."""
    return Said(fit(f"【{ANALYSES[kind]}】{label}：", parts, f"详见：{link}" if link else "", limit), f"{kind}_report",
                label, petitions, people, beyond)


def city_analysis_total(petitions: int, people: int, monthly: bool, previous: str, year_before: str,
                        counts: list[tuple[str, int]]) -> str:
    """The city's line: "各县到县访3批8人次（鲁山2、宝丰1），环比+50%，同比—"."""
    return (f"各县到县访{petitions}批{people}人次" + by_counties(counts)
            + f"，{'较上月' if monthly else '环比'}{previous}，同比{year_before}")


LEDGER_COUNTY = "县（市、区）"    # the city's 台账 across counties: each row's county, first


def county_volume(petitions: int, people: int, monthly: bool, previous: str) -> str:
    """A county's 到县访 in the city's analysis: "到县访2批2人次，环比持平"."""
    return f"到县访{petitions}批{people}人次，{'较上月' if monthly else '环比'}{previous}"


def city_analysis_county(county: str, parts: list[str]) -> str:
    """A county's line, its own analysis' figures: "鲁山：到县访2批2人次，环比持平，越级访1批，满意率75%"."""
    return f"{county_short(county)}：" + "，".join(parts)


def city_analysis(kind: str, label: str, city: str, parts: list[str], limit: int,
                  petitions: int, people: int, beyond: int) -> Said:
    """The city's analysis for its leaders (its template: the period and the city's figures)."""
    return Said(fit(f"【{ANALYSES[kind]}】{label}{city}：", parts, "", limit), f"city_{kind}_report",
                label, petitions, people, beyond)


# the charts of 统计 and of the analyses (notifications.charts): short labels; each one saved as a picture
CHARTS = {"trend": "批次与人次", "groups": "集体访与越级访", "units": "各单位批次", "categories": "问题类别（批次）",
          "townships": "各乡镇批次", "channels": "渠道（批次）", "scores": "月考评得分"}
SERIES = {"petitions": "批次", "people": "人次", "groups": "集体访", "city": "到市", "province": "赴省",
          "beijing": "进京", "score": "本月得分"}
EVERY = {"day": "每日", "week": "每周"}
AXIS = {"trend": "日期", "groups": "日期", "units": "单位", "categories": "类别", "townships": "乡镇（街道）",
        "channels": "渠道", "scores": "单位"}                # the first column of each chart's table
SAVE_AS_IMAGE = "保存为图片"
DATA_TABLE = "数据表"
NO_TOWNSHIP = "未注明乡镇"


def chart_day(first, last=None) -> str:
    """"11月3日", or a week: "11月3日–9日", "11月28日–12月4日"."""
    if last is None or last == first:
        return f"{first.month}月{first.day}日"
    return f"{first.month}月{first.day}日–" + (f"{last.day}日" if last.month == first.month else f"{last.month}月{last.day}日")


def chart_caption(title: str, first, last) -> str:
    """A chart's title in its picture: "每日批次与人次（2026年11月1日–30日）"."""
    return f"{title}（{first.year}年{chart_day(first, last)}）" if first.year == last.year \
        else f"{title}（{first.year}年{chart_day(first)}–{last.year}年{chart_day(last)}）"


# the measures (notifications.report_text.measures_text, `xinfang stats`)
MEASURES_COLUMNS = ("单位", "批次", "人次")


def days(value: float) -> str:
    return f"{value:.1f}天"


def measures_head(first: str, last: str, as_of: str) -> str:
    return f"信访工作指标 {first} 至 {last}（截至 {as_of}）"


def measures_county(petitions: int, people: int, overdue: int) -> str:
    return f"全县：{petitions}批 {people}人次，挂牌超期{overdue}件"


def measures_also(parts: list[str]) -> str:
    """集体访, 越级访 and the meetings waiting, under the county's line (the daily 访情's words)."""
    return "  " + "；".join(parts)


def measures_rate(name: str, value: str) -> str:
    return f"  {name}：{value}"


def by_channel(rows: list[tuple[str, int, int]]) -> str:
    return "按渠道：" + "，".join(f"{k}{petitions}批{people}人次" for k, petitions, people in rows)


def by_category(rows: list[tuple[str, int]]) -> str:
    return "按类别：" + "，".join(f"{k}{petitions}批" for k, petitions in rows)


# 月考评 (notifications.report_text.ranking_text, scores_table)
def scored(unit: str, score) -> str:
    return f"{unit}（{score}分）"


def tied(unit: str, units: int, score) -> str:
    """Many units on the same score: "下汤镇等5个单位（95分）"."""
    return f"{unit}等{units}个单位（{score}分）"


def and_more(units: int) -> str:
    return f"等{units}个单位"


def praised(group: str, tie: bool, names: str) -> str:
    return f"{group}{'并列第一' if tie else '第一名'}{names}，予以表扬（红旗）"


def no_cases(group: str) -> str:
    return f"{group}本月无办理事项，不评先进"


def none_praised(group: str) -> str:
    return f"{group}无达标单位，不予表扬"


def criticised(line, names: str | None) -> str:
    """The units under the line (``line``: the county's warn_below), or 无."""
    return f"{line}分以下：" + (names + "，通报批评" if names else "无")


def colours(counts: list[tuple[str, int]]) -> str:
    """预警 by colour: [("黄", 2), …]."""
    return "预警：" + "、".join(f"{word}色{n}个" for word, n in counts)


def times(counts: list[tuple[str, int]], sep: str = "、") -> str:
    """"临期答复2次、再次退回1次"."""
    return sep.join(f"{word}{n}次" for word, n in counts)


def ranking(year: int, month: int, parts: list[str], under: int, warn_below) -> Said:
    """The 月考评 text (its template: the month, how many under the line, the line)."""
    said = f"【月考评】{year}年{month}月：" + ("；".join(parts) + "。" if parts else "无参评单位。")
    return Said(said, "monthly_scores", year, month, under, f"{warn_below:g}")


# the city's ranking of its counties (notifications.report_text.county_ranking_text; core.reports.ranking)
COUNTY_RANKING_COLUMNS = ("名次", "县（市、区）", "得分", "批次", "按期受理率", "按期答复率", "满意率", "重复访率", "越级访（批）",
                          "失分")


def county_scored(county: str, score) -> str:
    return f"{county}（{score:g}分）"


def county_first(names: str, tie: bool) -> str:
    return f"{'并列第一' if tie else '第一名'}{names}"


def county_last(names: str) -> str:
    return f"末位{names}"


def county_no_petitions() -> str:
    return "本月各县均无信访事项，不排名次"


def county_warned(line, names: str | None) -> str:
    """The counties under the city's line, or 无."""
    return f"{line:g}分以下：" + (names + "，予以通报" if names else "无")


RANKING_MONTH = "月份请选择已结束的月份（如2026-10）。"   # the city's ranking page asked for a month it cannot show


def county_lost(lost: dict[str, float]) -> str:
    """What each measure cost a county: "按期受理率扣3分、越级访扣4分", or 无."""
    return "、".join(f"{k}扣{v:g}分" for k, v in lost.items()) or "无"


def county_ranking(year: int, month: int, parts: list[str], under: int, warn_below) -> Said:
    """The city's monthly ranking of its counties (its template: the month, how many under the line, the line)."""
    said = f"【县区排名】{year}年{month}月：" + ("；".join(parts) + "。" if parts else "无参评县区。")
    return Said(said, "county_ranking", year, month, under, f"{warn_below:g}")


def county_ranking_title(year: int, month: int, start) -> str:
    return f"{year}年{month}月各县（市、区）信访工作排名（满分{start:g}分）"


def scores_title(year: int, month: int, start) -> str:
    return f"{year}年{month}月 月考评（每月起评{start}分）"


SCORES_COLUMNS = "组别 | 名次 | 单位 | 本月 | 全年累计 | 预警 | 办理 | 加减分"
FLAG = "红旗 "


def cases(n: int) -> str:
    return f"{n}件"


# 七晚's figures (notifications.report_text.evenings_text: the reports, `xinfang evenings report`)
def evenings_figures(campaign: str | None, cases: int, running: int, done: int, missed: int, restarts: int,
                     resolved: int, agreements: int, unresolved: int, rate: str) -> str:
    return (f"七晚{('（' + campaign + '）') if campaign else ''}：{cases}件，进行中{running}件，"
            f"走访计入{done}晚，未计入{missed}晚（重新计数{restarts}次），"
            f"化解{resolved}件（签协议{agreements}件），未化解{unresolved}件，停访息诉率{rate}")


# 台账 exports (notifications.exports): what a build and the sweep answer the worker's log
def export_idle(export_id: int) -> str:
    return f"台账导出{export_id}：无需处理"


def export_done(export_id: int, rows: int) -> str:
    return f"台账导出{export_id}：{rows}行"


def export_refused(export_id: int) -> str:
    return f"台账导出{export_id}：不能导出所选的县（市、区）"


def export_too_many(export_id: int) -> str:
    return f"台账导出{export_id}：超过Excel行数上限"


def exports_swept(expired: int, failed: int, removed: int) -> str:
    return f"台账导出：过期{expired}份，中断{failed}份，删除文件{removed}个"


# the county file's loading (core.county.LoadReport: `xinfang init`, the console's 管理 page)
LOADED_KINDS = {"county": "县", "townships": "乡镇", "villages": "村（社区）", "units": "单位", "people": "人员"}
LOAD_CHANGES = (("created", "新建"), ("updated", "更新"), ("deactivated", "停用"))


def loaded(changes: list[tuple[str, dict[str, int]]]) -> str:
    """What a load changed: [("created", {"people": 3}), …], in LOAD_CHANGES' order; none: 无变化."""
    words = dict(LOAD_CHANGES)
    parts = [words[change] + "、".join(f"{LOADED_KINDS.get(k, k)}{n}" for k, n in sorted(bucket.items()))
             for change, bucket in changes if bucket]
    return "县情文件已载入：" + ("；".join(parts) if parts else "无变化")


def loaded_for(name: str, summary: str) -> str:
    """One file's load of a city's (the city's own, each county's): "鲁山县：县情文件已载入：无变化"."""
    return f"{name}：{summary}"


def kept(people: int) -> str:
    """People an administrator changed in the console, whom the file leaves be."""
    return f"（{people}人由管理员在工作台维护，未按文件改动）" if people else ""


# a report's page behind a bad or expired link (bot/reports.py)
def link_refused(problem: str) -> str:
    return f"报告链接无效或已过期（{problem}），请向信访局索取新的链接。"


def days_covered(first, last) -> str:
    """The daily 访情's days when it is the first after rest days (or after a stop):
    "11月21日至23日（周一）", "11月28日至12月1日（周二）" (a template's variable: 20 characters at most)."""
    end = f"{last.day}日" if (first.year, first.month) == (last.year, last.month) else f"{last.month}月{last.day}日"
    return f"{first.month}月{first.day}日至{end}（周{'一二三四五六日'[last.weekday()]}）"
