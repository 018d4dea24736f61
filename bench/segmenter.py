"""jieba (a segmenter with part-of-speech tags, offline) against handlers/extract.py's patterns on the
tuned corpus (tests/corpus.py; never the held-back set): names, whether a message says a matter,
and what each costs (issue 28, 5).

    pip install jieba==0.42.1 && python3 bench/segmenter.py [--runs 5]

- names: each message of the corpus that holds its writer's name (as the case files it); right when
  the name read is that name. jieba reads the first word it tags as a person's name (nr) that
  handlers.extract.plausible_name accepts, or a surname it tags alone joined to the word after it
  (吕/红梅); its user dictionary is the county file's townships, villages (ns), units (nt) and people
  (nr). "patterns then jieba": jieba only where the patterns find no name.
- a matter: a message that holds a whole fragment of its case's story says a matter; the opening
  of a conversation that only announces one (asks_matter) says none. The patterns say a matter
  when extract() gives content; jieba when a clause keeps a noun, verb or adjective that is not
  one of extract's words about petitioning (ABOUT_PETITIONING), a place or a name.
- cost, in CPU time (the machine is shared: not the wall clock): jieba's import and dictionary
  load in a fresh interpreter (what a web worker would pay once) and the memory it adds there,
  and each reader's time over all the corpus's messages; medians of --runs runs.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LOAD = """
import time, sys
t = time.process_time()
import jieba, jieba.posseg
jieba.setLogLevel(60)
from core.county import parse_county_file
data = parse_county_file(sys.argv[1])
for t_ in data["townships"]:
    jieba.add_word(t_["name"], 1000, "ns")
    for v in t_["villages"]:
        jieba.add_word(v, 1000, "ns")
for u in data.get("units", []):
    jieba.add_word(u["name"], 1000, "nt")
for p in data.get("people", []):
    jieba.add_word(p["name"], 1000, "nr")
jieba.initialize()
list(jieba.posseg.cut("俺是下汤镇林楼村的张三"))
import resource
print(time.process_time() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""

BARE = """
import resource, sys
from core.county import parse_county_file
parse_county_file(sys.argv[1])
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def load_jieba(county: dict):
    import jieba
    import jieba.posseg
    jieba.setLogLevel(60)
    for t in county["townships"]:
        jieba.add_word(t["name"], 1000, "ns")
        for v in t["villages"]:
            jieba.add_word(v, 1000, "ns")
    for u in county.get("units", []):
        jieba.add_word(u["name"], 1000, "nt")
    for p in county.get("people", []):
        jieba.add_word(p["name"], 1000, "nr")
    jieba.initialize()
    return jieba.posseg


def jieba_name(pseg, text: str) -> str | None:
    from handlers.extract import SURNAMES, plausible_name
    words = list(pseg.cut(text))
    for i, (word, flag) in enumerate(words):
        if flag == "nr" and plausible_name(word):
            return word
        if flag == "nr" and word in SURNAMES and i + 1 < len(words):
            joined = word + words[i + 1].word
            if 2 <= len(joined) <= 4 and plausible_name(joined):
                return joined
    return None


def jieba_says_matter(pseg, text: str, gazetteer) -> bool:
    from handlers.extract import ABOUT_PETITIONING, clauses_of
    about = set(ABOUT_PETITIONING)
    for clause in clauses_of(text):
        for word, flag in pseg.cut(clause):
            if flag[:1] in ("n", "v", "a") and flag not in ("nr", "ns", "nt") and word not in about \
                    and not gazetteer.match(word).places:
                return True
    return False


def median_time(fn, items, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.process_time()
        for item in items:
            fn(item)
        times.append((time.process_time() - start) / len(items))
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("-v", action="store_true", help="also the names only the patterns read")
    args = ap.parse_args()
    from core.county import parse_county_file
    from core.directory.places import Gazetteer
    from handlers.extract import extract
    from tests.conftest import EXAMPLE
    from tests.corpus import CASES

    county = parse_county_file(EXAMPLE)
    townships = [(i, t["name"]) for i, t in enumerate(county["townships"], 1)]
    villages = [(i * 100 + k, i, v) for i, t in enumerate(county["townships"], 1) for k, v in enumerate(t["villages"])]
    gaz = Gazetteer(townships, villages)

    loads = [subprocess.run([sys.executable, "-c", LOAD, str(EXAMPLE)], cwd=ROOT, capture_output=True,
                            text=True, check=True).stdout.split() for _ in range(args.runs)]
    bare = subprocess.run([sys.executable, "-c", BARE, str(EXAMPLE)], cwd=ROOT, capture_output=True, text=True,
                          check=True).stdout
    pseg = load_jieba(county)

    named = [(c.name, text) for c in CASES for text in c.says if not c.name.endswith("某") and c.name in text]
    by_patterns = [extract(text, gaz).name for _, text in named]
    by_jieba = [jieba_name(pseg, text) for _, text in named]
    right = lambda found: sum(f == name for f, (name, _) in zip(found, named))  # noqa: E731
    both = [p or j for p, j in zip(by_patterns, by_jieba)]

    labelled = [(True, text) for c in CASES for text in c.says if any(f in text for f in c.story)]
    labelled += [(False, c.says[0]) for c in CASES if c.asks_matter]
    patterns_matter = sum((extract(t, gaz).content is not None) == says for says, t in labelled)
    jieba_matter = sum(jieba_says_matter(pseg, t, gaz) == says for says, t in labelled)

    messages = [text for c in CASES for text in c.says]
    t_extract = median_time(lambda t: extract(t, gaz), messages, args.runs)
    t_cut = median_time(lambda t: list(pseg.cut(t)), messages, args.runs)

    print(f"tuned corpus: {len(CASES)} conversations, {len(messages)} messages; medians of {args.runs} runs")
    print(f"names ({len(named)} messages holding the writer's name): patterns {right(by_patterns)}, "
          f"jieba {right(by_jieba)}, patterns then jieba {right(both)}")
    for (name, text), p, j in zip(named, by_patterns, by_jieba):
        if p != name and j == name:
            print(f"  jieba only: {name} in {text[:40]!r} (patterns: {p})")
        elif j != name and p == name and args.v:
            print(f"  patterns only: {name} in {text[:40]!r} (jieba: {j})")
    print(f"a matter or none ({len(labelled)} labelled messages): patterns {patterns_matter}, jieba {jieba_matter}")
    print(f"jieba import + dictionary load, fresh interpreter: {statistics.median(float(s) for s, _ in loads) * 1000:.0f} ms"
          f" CPU, peak memory {statistics.median(int(m) for _, m in loads) / 1024:.0f} MB"
          f" (the county file read without it: {int(bare) / 1024:.0f} MB)")
    print(f"per message: extract {t_extract * 1e6:.1f} µs, jieba posseg.cut alone {t_cut * 1e6:.1f} µs")


if __name__ == "__main__":
    main()
