"""Every word on one path (issue 33): the sentences a person reads are written in the catalogue,
core/words/, and nowhere else. This counts, module by module, the sentences still written outside
it — a string with Chinese in it that reads as a sentence (a full-width stop, comma, colon or mark,
or eight Chinese characters running) — and holds each module to its count: a module may only
lose sentences to the catalogue, never gain them. The word lists that read what people write
(names of commands, places, kinds of matter, threats) are not sentences and are not counted.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CJK = re.compile(r"[\u4e00-\u9fff]")
SENTENCE = re.compile(r"[，。！？：；]|[\u4e00-\u9fff]{8}")
PACKAGES = ("bot", "handlers", "core", "notifications")
CATALOGUE = ROOT / "core" / "words"
NOT_SAID = {   # what people send, not what we say: the demo's and the stand-ins' citizens and cadres,
    "bot/demo.py",
    "bot/demo_city.py",
    "handlers/extract.py",   # and the parser's word lists (names, places, greetings, thanks)
}
REGEX = re.compile(r"\(\?[:=!<]|\[\^|\\[dswbS]|^\^|\$$|\|")   # a pattern that reads what people write

# where sentences are still written outside the catalogue: each count may only go down
BUDGET = {
    # none left: every sentence is in the catalogue
}


def _strings(tree: ast.AST) -> list[str]:
    """The module's string literals (an f-string as one, its fixed parts joined), docstrings left out."""
    docs = {id(node.body[0].value) for node in ast.walk(tree)
            if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
            and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    inside_f = {id(part) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for part in node.values}
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            out.append("".join(p.value for p in node.values if isinstance(p, ast.Constant)))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs | inside_f:
            out.append(node.value)
    return out


def sentences_outside() -> dict[str, int]:
    counts = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            name = path.relative_to(ROOT).as_posix()
            if path.is_relative_to(CATALOGUE) or "migrations" in path.parts or name in NOT_SAID:
                continue
            n = sum(1 for s in _strings(ast.parse(path.read_text(encoding="utf-8")))
                    if CJK.search(s) and SENTENCE.search(s) and not REGEX.search(s))
            if n:
                counts[name] = n
    return counts


def test_no_module_writes_more_sentences_outside_the_catalogue_than_it_did():
    counts = sentences_outside()
    grown = {name: (n, BUDGET.get(name, 0)) for name, n in counts.items() if n > BUDGET.get(name, 0)}
    assert grown == {}, "sentences belong in core/words/ (module: (now, allowed))"


def test_the_budget_follows_the_sentences_moved():
    """A module that moved its sentences has its budget lowered with it (so none can creep back)."""
    counts = sentences_outside()
    slack = {name: (counts.get(name, 0), allowed) for name, allowed in BUDGET.items() if counts.get(name, 0) < allowed}
    assert slack == {}, "lower BUDGET to the counts now (python3 -m tests.test_words prints them)"


def write_budget() -> None:
    """BUDGET set to the counts now (after sentences moved into the catalogue)."""
    lines = [f'    "{name}": {n},' for name, n in sorted(sentences_outside().items(), key=lambda kv: (-kv[1], kv[0]))]
    path = Path(__file__)
    path.write_text(re.sub(r"BUDGET = \{\n.*?\n\}", lambda m: "BUDGET = {\n" + "\n".join(lines) + "\n}",
                           path.read_text(encoding="utf-8"), count=1, flags=re.S), encoding="utf-8")


if __name__ == "__main__":   # python3 -m tests.test_words [--write]
    import sys
    if "--write" in sys.argv:
        write_budget()
    for name, n in sorted(sentences_outside().items(), key=lambda kv: -kv[1]):
        print(f'    "{name}": {n},')
    print(sum(sentences_outside().values()))
