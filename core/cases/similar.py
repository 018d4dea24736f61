"""The same matter again (重复访, DOMAIN.md: "same person and matter: link it, do not double-count"):
how similar two petitions' texts are."""
from __future__ import annotations

import re


def most_similar(candidates, content: str):
    """The candidate petition on the same matter as ``content``, if any is similar enough."""
    best, best_score = None, 0.0
    for p in candidates:
        score = similarity(p.content, content)
        if score > best_score:
            best, best_score = p, score
    return best if best_score >= SIMILAR else None


SIMILAR = 0.35


def similarity(a: str, b: str) -> float:
    """Dice coefficient over character bigrams of the Han/alphanumeric characters."""
    def grams(s: str) -> set[str]:
        s = re.sub(r"[^\w]", "", s)
        return {s[i:i + 2] for i in range(len(s) - 1)} or ({s} if s else set())
    ga, gb = grams(a), grams(b)
    if not ga or not gb:
        return 0.0
    return 2 * len(ga & gb) / (len(ga) + len(gb))
