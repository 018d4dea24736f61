"""What an operator reads of the county's SMS account's variable length (``xinfang sms-templates
--county``, notifications.template_lengths) and the reason the bureau's staff are told when a text
is refused for it (notifications.outbox)."""
from __future__ import annotations

REFUSED_REASON = "模板变量超过账号字数限制"


def limit_head(limit: int | None, stated: bool) -> str:
    if limit is not None:
        return f"变量长度：账号每个变量最多{limit}字（[county.sms] param_limit）。"
    if stated:
        return "变量长度：账号不限单个变量字数（param_limit = \"none\"，企业实名认证账号）。"
    return ("变量长度：县情文件未说明账号的变量字数限制（[county.sms] param_limit），按不限计算；"
            "个人认证账号每个变量最多12字，请写明 param_limit = 12 或 \"none\"。")


def over_head(count: int, refused: int) -> str:
    return f"可能超长的变量（{count}个，" + (f"其中{refused}个无法截短）：" if refused else "均可截短发送）：")


def value_line(value: str, cut: str | None, limit: int, where: list[str]) -> str:
    """One value too long, what is sent instead or that it cannot be, and the template variables
    that carry it — each value apart from the punctuation (a space after it), for awk or grep."""
    what = (f"发送时截为 {cut} 。" if cut is not None
            else "无法截短（编号、日期或数字），这些短信将被拒发，信访局工作人员会收到发送失败通知。")
    return f"  {value} （{len(value)}字，超过{limit}字）：{what}涉及 {', '.join(where)}"


ALL_FIT = "每个模板的变量都在限制之内。"


def whole_too_long(total: int, keys: list[str]) -> str:
    return f"整条短信可能超过{total}字：" + ", ".join(keys)


# a city's name in a county's texts (督办): a county file does not say its city — a short one and
# the longest kind
CITY_NAMES = ["平顶山市", "黔东南苗族侗族自治州"]
# a city's counties as place_not_in_city names them, at their longest (平顶山市's ten)
PLACE_SAID = ["河南省郑州市金水区"]   # a place outside the city as a citizen writes it (cut to ten)
COUNTIES_SAID = ["鲁山县、宝丰县、郏县、叶县、舞钢市、汝州市、卫东区、新华区、湛河区、石龙区"]
