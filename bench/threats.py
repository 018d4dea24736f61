"""扬言 heard in what petitioners write (issue 28, 2): core.cases.threats measured on
tests/threat_sentences.py — the threats as a rural county's petitioners write them, each with the
kind it must be heard as, and sentences that only sound like one (a poisoned cow, a 跳楼价, a
father who died last year, a trip to see a daughter).

    python3 bench/threats.py [--baseline]

Recall: the threats heard, and heard as their kind (a miss or a wrong kind both count against
it). False alarms: the lookalikes heard as any threat. ``--baseline`` measures the rule before
issue 28 instead (announced trips only: handlers.extract's TRIP and TRIP_INTENT at 03cb220).
Misses and false alarms are listed by sentence.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# the rule before issue 28, item 2 (handlers/extract.py at 03cb220): a trip, no other threat
OLD_TRIP = re.compile(r"(?:去|到|上|赴|进)(县里|县城|县上|县政府|县委|市里|市上|市政府|平顶山|省里|省城|省政府|郑州|北京|中央|京)")
OLD_INTENT = re.compile(r"上访|告状|讨说法|讨个说法|反映|集体|聚集|明天|后天|过几天|下周|准备|打算|要去|想去|一起去")
OLD_CLAUSES = re.compile(r"[，,。；;！!？?\n\r]")


def baseline(text: str) -> str | None:
    return "trip" if any(OLD_TRIP.search(c) and OLD_INTENT.search(c) for c in OLD_CLAUSES.split(text)) else None


def current(text: str) -> str | None:
    from core.cases import threats
    found = threats.heard(text)
    return found.kind if found else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", action="store_true", help="the rule before issue 28 (trips only)")
    args = parser.parse_args()
    from tests.threat_sentences import LOOKALIKES, THREATS

    hear = baseline if args.baseline else current
    missed = [(text, kind, hear(text)) for text, kind in THREATS if hear(text) != kind]
    alarms = [(text, hear(text)) for text in LOOKALIKES if hear(text) is not None]
    by_kind: dict[str, list[int]] = {}
    for text, kind in THREATS:
        got = by_kind.setdefault(kind, [0, 0])
        got[0] += hear(text) == kind
        got[1] += 1
    heard = len(THREATS) - len(missed)
    print(f"{'baseline (trips only, 03cb220)' if args.baseline else 'core.cases.threats'}: "
          f"{len(THREATS)} threats, {len(LOOKALIKES)} lookalikes")
    print(f"recall: {heard}/{len(THREATS)} = {heard / len(THREATS):.1%}  ("
          + ", ".join(f"{k} {a}/{n}" for k, (a, n) in by_kind.items()) + ")")
    print(f"false alarms: {len(alarms)}/{len(LOOKALIKES)} = {len(alarms) / len(LOOKALIKES):.1%}")
    for text, kind, got in missed:
        print(f"- missed: {text} (want {kind}, heard {got})")
    for text, got in alarms:
        print(f"- false alarm: {text} (heard {got})")


if __name__ == "__main__":
    main()
