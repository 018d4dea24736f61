"""The share of tests/corpus.py's conversations handled right (issue 18): runs tests/test_corpus.py
and counts — a case is right when the filed petition holds the person's name, place and every part
of their story, and nothing that was only a greeting or an answer to our question.

    python3 bench/corpus.py

Cases still handled wrong are marked known_wrong in the corpus (an expected failure); they are
named here with why.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    from tests.corpus import CASES

    out = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_corpus.py"],
                         cwd=ROOT, capture_output=True, text=True).stdout
    passed = int(m.group(1)) if (m := re.search(r"(\d+) passed", out)) else 0
    wrong = [c for c in CASES if c.known_wrong]
    failed = int(m.group(1)) if (m := re.search(r"(\d+) failed", out)) else 0
    print(f"corpus: {len(CASES)} conversations ({sum(c.channel == 'sms' for c in CASES)} by SMS through Twilio, "
          f"{sum(c.channel == 'tencent' for c in CASES)} through Tencent, {sum(c.channel == 'wechat' for c in CASES)} by WeChat)")
    print(f"handled right: {passed} of {len(CASES)} = {passed / len(CASES):.0%}"
          + (f"; {failed} UNEXPECTED FAILURES" if failed else ""))
    for c in wrong:
        print(f"- still wrong: {c.id} — {c.known_wrong} ({' / '.join(c.says)})")


if __name__ == "__main__":
    main()
