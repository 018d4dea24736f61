"""Short forms of free text for notices and lists."""
from __future__ import annotations


def gist(text: str, n: int = 12) -> str:
    """The text on one line, cut to ``n`` characters with "…" when longer."""
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"
