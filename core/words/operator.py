"""What the operator reads at the command line (``xinfang …``): the start's notes, the lists of
what is waiting or failed, the answers of the commands that change something. Lines a machine
reads keep their values apart from full-width punctuation (a space after each)."""
from __future__ import annotations

UNREACHABLE_UNITS = "注意：以下单位没有登记联络人、干部或负责人，交办给它们的事项无人收到，请补充名录："
NO_NGINX = "提示：未安装 nginx，gunicorn 直接面对客户端，慢速连接可能占满工作进程（安装：apt install nginx ）。"
NOTHING_DUE = "本时段没有到期的任务（每项任务本时段均已运行）"
NO_PHONE, UNSATISFIED, UNRATED, NO_CASE_YET = "无电话", "不满意", "未评价", "（尚未形成事项）"


def unreachable_units(names: list[str]) -> str:
    return UNREACHABLE_UNITS + "、".join(names)


def templates_missing(keys: list[str]) -> str:
    return f"\n尚无模板（{len(keys)}）：" + "、".join(keys)


def template_ids(county_file: str, lacking: list[str], stray: list[str]) -> str:
    """Which templates the county file gives no ID, and which IDs it gives no template."""
    return (f"\n{county_file} ：" + (f"缺少模板ID（{len(lacking)}，这些短信将发送失败）：" + "、".join(lacking)
                                   if lacking else "每个模板都有ID。")
            + (f"\n无对应模板的ID（{len(stray)}）：" + "、".join(stray) if stray else ""))


def admin_set(name: str, created: bool) -> str:
    return (f"已新增管理员{name}" if created else f"{name}已设为管理员") + "。请用该手机号码登录工作台 /console（短信验证码）。"


CHANNEL_NAMES = {"wechat": "微信", "sms": "短信"}


def channel_off(channel: str, variable: str, needed_by: str | None = None) -> str:
    """A channel off at start: which setting it lacks (the name apart, for a machine to read)."""
    why = f"设置了 {needed_by} 时还须设置 {variable} 。" if needed_by else f"未设置环境变量 {variable} 。"
    return f"提示：{CHANNEL_NAMES.get(channel, channel)}渠道未开启，{why}"


def embedded_redis(url: str) -> str:
    return f"内置 Redis：{url}"   # the address apart, for a machine to read


def trusted_proxy(value: str, host: str, port: int) -> str:
    return (f"提示：XINFANG_TRUSTED_PROXY={value} ，gunicorn 直接监听 {host}:{port} ："
            "请确认只有您的代理能连接到它，否则客户端可伪造来源地址。")


def to_phone(count: int) -> str:
    return f"回访待电话联系：{count}件"


def failed_messages(count: int) -> str:
    return f"多次处理仍失败的群众消息：{count}条"


# `xinfang failures`' lines: the channel, the tries, a text's state in words (the error itself is the
# provider's or the code's, as stored)
CHANNELS = {"wechat": "微信", "sms": "短信", "wecom": "企业微信", "console": "终端"}
STATES = {"failed": "发送失败", "undelivered": "未送达", "queued": "待发送", "sending": "发送中"}


def tries(n: int) -> str:
    return f"尝试{n}次"


def failed_texts(count: int) -> str:
    return f"未送达的短信/微信：{count}条"


def failed_media(count: int) -> str:
    return f"未能保存的图片/语音/视频：{count}件"


def chat_as(channel: str, sender: str) -> str:
    return f"以 {channel}:{sender} 的身份对话，按 Ctrl-D 退出。"


def bind_code(name: str, days: int, code: str) -> str:
    return f"{name}：请在{days}天内向县信访微信公众号发送：绑定 {code}"   # the code ends the line


def evenings_selected(name: str, selected: int, kept: int) -> str:
    return f"{name}：选定{selected}件，{kept}件已在本轮；已请各单位报备工作专班。"


def demo_console(database: str) -> str:
    return (f"\n在浏览器中办理这些事项：DATABASE_URL={database} xinfang serve\n"
            "然后打开 http://127.0.0.1:8000/console/ ，以信访局周敏的号码 13700000001 登录；"
            "未配置短信服务商时，验证码短信打印在 xinfang serve 的输出中。")


def no_county(database_url: str) -> str:
    return (f"数据库中还没有县的资料（{database_url} ）。请先运行 xinfang init 县配置文件.toml "
            "（例如 xinfang init examples/lushan.toml），或运行 xinfang demo 体验。")


def _listed(counties: list[tuple[str, str]]) -> str:
    return "、".join(f"{name}（{prefix}）" for name, prefix in counties)


def which_county(counties: list[tuple[str, str]]) -> str:
    return (f"本系统有{len(counties)}个县（市、区）：{_listed(counties)}。请说明为哪个县运行，"
            f"例如 xinfang --county {counties[0][1]} 命令 …（或设置 XINFANG_COUNTY）。")


def no_such_county(given: str, counties: list[tuple[str, str]]) -> str:
    return f"本系统没有编号前缀为 {given} 的县（市、区）；可选：{_listed(counties)}。"


def bad_date(option: str, given: str) -> str:
    return f"--{option} 应为日期，例如 2026-11-01；收到的是 {given} 。"


def no_nginx() -> str:
    return "--proxy nginx：未安装 nginx（安装：apt install nginx ）。"


def chat_who() -> str:
    return "请给出 --wechat 微信用户标识 或 --sms 手机号 中的一个。"


CHAT_REPLY = "答复> "


def not_one_person(name: str, count: int) -> str:
    return f"县名录中有{count}位在职人员名叫{name}，请给出唯一的姓名。" if count else f"县名录中没有名叫{name}的在职人员。"


def campaign_no_name(path) -> str:
    return f"{path}：缺少 name = \"…\"（七晚批次的名称）。"


def campaign_bad_first(path) -> str:
    return f"{path}：first_evening 应为日期，例如 2026-12-03 。"


def campaign_no_cases(path) -> str:
    return f"{path}：缺少 [[cases]]，每件写明 no = \"LS-…\"、unit = \"单位代码\"、lead = \"包案领导\"。"


def campaign_unknown(i: int, no: str, what: str) -> str:
    return f"cases[{i}] {no}：{ {'case': '没有这个编号的事项', 'unit': '没有这个单位', 'lead': '没有这位包案领导'}[what] }"


def campaign_refused(i: int, no: str, why: str) -> str:
    return f"cases[{i}] {no}：{why}"


def nothing_selected(problems: list[str]) -> str:
    return "未选入任何事项：\n" + "\n".join(problems)


def bad_moment(given: str) -> str:
    return f"--now 应为日期和时间，例如 2026-11-23T17:30；收到的是 {given} 。"


def bad_month(given: str) -> str:
    return f"--month 应为月份，例如 2026-11；收到的是 {given} 。"


def dates_reversed(first, last) -> str:
    return f"--to {last} 早于 --from {first} 。"


# a setting (an environment variable) that cannot be used: what the operator is told, by kind
SETTING_WORDS = {
    "int": "{name} 应为整数，现为 {raw!r}",
    "min": "{name} 不能小于 {minimum}，现为 {value}",
    "flag": "{name} 应为 1 或 0，现为 {raw!r}",
    "url": "{name} 应为以 {schemes} 开头的地址，现为 {value!r}",
    "database": "{name} 应为 sqlite:// 或 postgresql:// 地址，现为 {scheme}://…",
    "delivery": "{name} 应为 \"queue\" 或 \"inline\"，现为 {value!r}",
    "callback_secret": "{name} 应为至少24个字母、数字、- 或 _ 的随机串（它是回调地址的一部分）",
    "provider": "{name} 应为 \"twilio\"、\"tencent\" 或 \"console\"，现为 {value!r}",
    "tencent_missing": "未设置 {name}（SMS_PROVIDER=\"tencent\" 需要 TENCENT_SECRET_ID、TENCENT_SECRET_KEY 和 TENCENT_SMS_APP_ID）",
    "tencent_app": "{name} 应为腾讯云短信控制台的 SDK AppID（数字，1400…）",
    "twilio_from": "{name} 应为国际格式的号码（+86…）或消息服务的 SID（MG…）",
    "aes_length": "{name} 应为后台的43位 EncodingAESKey",
    "aes_base64": "{name} 不是有效的密钥（解码后应为32字节）",
    "wecom_missing": ("未设置 {name}（企业微信发送需要 WECOM_CORP_ID、WECOM_AGENT_ID 和 WECOM_SECRET，"
                      "回调需要 WECOM_TOKEN、WECOM_AES_KEY 和 WECOM_CORP_ID）"),
    "wecom_agent": "{name} 应为企业微信管理后台中应用的 AgentId（数字）",
}


def setting(error) -> str:
    """A setting that cannot be used (core.settings.SettingsError), in words."""
    values = dict(error.values)
    if "schemes" in values:
        values["schemes"] = " 或 ".join(f"{s}://" for s in values["schemes"])
    return SETTING_WORDS[error.code].format(name=error.name, **values)


def bad_setting(error) -> str:
    """How the command line and the web entry say a setting stops them."""
    return f"配置有误：{setting(error)}"
