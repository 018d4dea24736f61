"""The second held-back set (tests/corpus_heldout2.py, issue 28 item 5: written after the first set's
failures were shared with those tuning the product, by a hand that read neither the conversation's
code nor the first set, and of the tuned corpus only its header, its Case and its first few lines)
through the same driver as tests/corpus.py's (tests.test_corpus.drive: the real webhooks, 确认 at the summary, the filed
petition read back), each on a fresh copy of the example county's database. One test: at least 90 %
must be handled right; the ones that are not are printed with the reason, so what is measured here
can be reported by kind without anyone tuning on the sentences.

Beyond the driver's checks, two that the Case fields say and the driver does not test: a case
tagged "not-group" (many people mentioned, one writing) must stay one person (人次 1), and a case
tagged "threat" must be marked as one (扬言). Run with -s to see the figure and the failures."""
from __future__ import annotations

import pytest

from tests.corpus_heldout2 import HELD_BACK_2
from tests.test_corpus_heldout import measure


@pytest.mark.xfail(strict=False, reason="measured when the set was written (cf8f1d5): 106/136 handled right (77.9%), "
                                       "under 90%; the conversations are not to be changed to pass")
def test_the_second_held_back_conversations_are_handled_right(sqlite_template, tmp_path):
    measure(HELD_BACK_2, "held back (2)", sqlite_template, tmp_path)
