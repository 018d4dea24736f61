"""The console's search by words (issue 20) finds what the petitioners wrote — any word of two
characters or more through the bigram index (core/store/words.py), one character by the text
alone — and the index only narrows: the text decides. On both databases, for petitions that
came in through the signed webhooks (so the trigger and the expression index see real inserts)."""
from __future__ import annotations

import re

from sqlalchemy import select, text

from core.workplace import workbench
from core.store import words
from core.store.models import Person
from tests.test_cases import STAFF, submit


def test_grams_are_the_bigrams_of_each_run_of_word_characters():
    assert words.grams("村里停水，三天了！ATM机") == ["村里", "里停", "停水", "三天", "天了", "at", "tm", "m机"]
    assert words.grams("水") == [] and words.grams("，。") == [] and words.grams(None) == []


def test_the_words_a_petitioner_wrote_are_found_and_words_nobody_wrote_are_not(peer, db):
    pump = submit(peer)                                                   # 小区水泵坏了三天没水
    lamp = submit(peer, who="o_lisi", text="我是下汤镇林楼村的李四，村口路灯坏了一个月，晚上ATM机那里黑乎乎的")
    wages = submit(peer, who="o_wages", text="我是下汤镇林楼村的王五，老板拖欠工资三个月了")
    db.rollback()
    staff = db.scalars(select(Person).where(Person.phone == STAFF)).one()

    def found(q):
        return {p.tracking_no for p in workbench.search(db, staff, q).rows}

    assert found("水泵") == {pump}
    assert found("水泵坏了三天") == {pump}
    assert found("坏了") == {pump, lamp}
    assert found("停水") == set()                                         # a word nobody wrote
    assert found("泵坏水") == set()                                       # its bigrams apart, not the word: the text decides
    assert found("泵") == {pump}                                          # one character: the text alone
    assert found("atm机") == {lamp} or db.get_bind().dialect.name == "postgresql"   # SQLite's LIKE folds ASCII case
    assert found("ATM机") == {lamp}
    assert found("拖欠工资") == {wages}
    assert found("王五") == {wages}                                       # a name is a name, or a word of the text
    assert "petition_words" in str(words.says(db, "水泵")) or "xf_bigrams" in str(words.says(db, "水泵"))   # narrowed
    if db.get_bind().dialect.name == "sqlite":                            # every petition indexed by the trigger
        assert db.scalar(text("SELECT count(*) FROM petition_words WHERE petition_words MATCH '\"水泵\"'")) == 1


def test_what_people_type_into_the_search_box(peer, db):
    """Two words with a space, a percent sign, an underscore, a quote: found or not, never an error."""
    pump = submit(peer, text="我是下汤镇林楼村的张三，水费涨了100%，收费单上写着“二次_供水”")
    db.rollback()
    staff = db.scalars(select(Person).where(Person.phone == STAFF)).one()

    def found(q):
        return {p.tracking_no for p in workbench.search(db, staff, q).rows}

    assert found("100%") == {pump} and found("二次_供水") == {pump} and found("“二次") == {pump}
    assert found("水费 涨了") == {pump} and found("水费 降了") == set()    # words apart: each of them
    assert found('"水费" OR "x"') == set() and found("1%0") == set()      # no FTS or LIKE syntax gets through


def test_a_story_pasted_into_the_search_box_is_held_to_its_length_not_refused_by_the_server(peer, app, sms_out):
    """A clerk pastes a petitioner's whole story into 查找. The box takes at most 100 characters (a
    longer address would be refused by the proxy with a bare 414 before the console could say
    anything); sent past the box, the list says the search is too long."""
    from tests.test_recusal_matter import console

    submit(peer)
    clerk = console(app, sms_out, STAFF)
    for page in ("/console/", "/console/cases"):
        box = re.search(r'<input id="q" name="q"[^>]*>', clerk.get(page).get_data(as_text=True)).group(0)
        assert 'maxlength="100"' in box, box
    story = "我是下汤镇林楼村的张三，小区水泵坏了三天没水" * 8
    answer = clerk.get("/console/cases", query_string={"q": story})
    assert answer.status_code == 400 and "查找内容过长" in answer.get_data(as_text=True)   # said; nothing searched
