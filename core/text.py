"""Short forms of free text for notices and lists."""
from __future__ import annotations

import re

# the lengths every text is fitted to (a Chinese SMS segment holds 67 UCS-2 characters)
SMS_TWO_SEGMENTS = 134     # replies to citizens
SMS_THREE_SEGMENTS = 201   # notices to officials, the daily 访情 (they need the details)
WECHAT_LIMIT_BYTES = 2048  # WeChat's passive text reply (UTF-8 bytes)

# how a petition came, in the words of the reports (微信访, 短信访 …)
CHANNEL_LABELS = {"wechat": "微信访", "sms": "短信访", "visit": "走访", "letter": "来信", "phone": "电话访", "console": "终端",
                  "wecom": "企业微信"}


def storable(text: str) -> str:
    """``text`` as every database stores it: without NUL characters and lone surrogates (what a
    broken phone can send; PostgreSQL refuses both). The raw record keeps them, escaped."""
    if not text:
        return text
    text = text.replace("\x00", "")
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:   # a lone surrogate
        return text.encode("utf-8", "ignore").decode("utf-8")


def escaped(raw: str) -> str:
    """A raw record fit to store whole: lone surrogates written as \\udxxx, NUL as \\x00."""
    return raw.replace("\x00", "\\x00").encode("utf-8", "backslashreplace").decode("utf-8")


def fit(head: str, parts: list[str], tail: str, limit: int = SMS_THREE_SEGMENTS) -> str:
    """head + as many parts as fit + tail, within ``limit`` characters (parts in order of weight)."""
    text = head
    for part in parts:
        candidate = text + ("；" if text != head else "") + part
        if len(candidate) + len(tail) + 1 > limit:
            break
        text = candidate
    return text + "。" + tail


def gist(text: str, n: int = 12) -> str:
    """The text on one line, cut to ``n`` characters with "…" when longer, without the person's own
    closing punctuation (the sentence around it puts its own: never "。。" or "！。")."""
    text = " ".join(text.split()).rstrip(CLOSING)
    return text if len(text) <= n else text[: n - 1] + "…"


CLOSING = "。.，,；;：:！!？?、～~ "


# a tracking number (PREFIX-YYYYMMDD-NNNN) written straight before a digit or a character:
# "LS-20261201-000112月1日" reads as case …000112. Every text we send is given a space there.
_RUN_ON_NUMBER = re.compile(r"(?<![A-Za-z])([A-Z]{1,6}-\d{8}-\d{4})(?=[\u4e00-\u9fff\d])")


def spaced_numbers(text: str) -> str:
    """``text`` with a space after every tracking number that runs into what follows."""
    return _RUN_ON_NUMBER.sub(r"\1 ", text) if "-" in text else text
