"""The WeChat webhook, driven with XML signed and AES-sealed as WeChat's servers send it."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select, text

from bot.app import create_app
from peers.webhooks import PeerClient, WeChatServer
from notifications.services import build_services
from core.store.models import InboundMessage, Petition
from core.settings import load_settings
from tests.conftest import APP_ID, TOKEN, killed_while_handling, make_env

ZS = "o_zhangsan_0001"


def count(db, model, *where) -> int:
    db.rollback()
    return db.scalar(select(func.count()).select_from(model).where(*where))


def submit_all_at_once(peer, openid=ZS, text="我是下汤镇林楼村的张三，小区水泵坏了三天没水") -> str:
    peer.say(openid, text)
    peer.say(openid, "13812345678")
    return peer.say(openid, "确认")


def test_handshake_echoes_echostr(peer, wechat):
    resp = peer.client.get("/wechat", query_string=wechat.handshake(peer.now_ts(), "hello-42"))
    assert resp.status_code == 200 and resp.get_data(as_text=True) == "hello-42"


def test_handshake_with_bad_signature_is_refused(peer, wechat):
    query = wechat.handshake(peer.now_ts())
    query["signature"] = "f" * 40
    assert peer.client.get("/wechat", query_string=query).status_code == 403


def test_safe_mode_reply_is_sealed_for_wechat(peer, wechat):
    resp = peer.post_wechat(wechat.text(ZS, "你好", peer.now_ts()))
    assert resp.status_code == 200
    assert b"<Encrypt>" in resp.get_data() and "请问您怎么称呼" not in resp.get_data(as_text=True)
    assert "请问您怎么称呼" in peer.reply_of(resp)  # opened and checked the way WeChat does


def test_tampered_signature_gets_403_and_nothing_is_stored(peer, wechat, db):
    query, body = wechat.seal(wechat.text(ZS, "你好", peer.now_ts()), peer.now_ts())
    query["msg_signature"] = "0" * 40
    assert peer.client.post("/wechat", query_string=query, data=body).status_code == 403
    query, body = wechat.seal(wechat.text(ZS, "你好", peer.now_ts()), peer.now_ts())
    query["signature"] = "0" * 40
    assert peer.client.post("/wechat", query_string=query, data=body).status_code == 403
    assert count(db, InboundMessage) == 0


def test_message_sealed_with_another_key_is_refused(peer, db):
    other = WeChatServer(token=TOKEN, app_id=APP_ID, aes_key="A" * 42 + "E")
    query, body = other.seal(other.text(ZS, "你好", peer.now_ts()), peer.now_ts())
    assert peer.client.post("/wechat", query_string=query, data=body).status_code in (400, 403)
    assert count(db, InboundMessage) == 0


def test_message_for_another_app_id_is_refused(peer, db):
    other = WeChatServer(token=TOKEN, app_id="wxSOMEONEELSE", aes_key=peer.wechat.aes_key)
    query, body = other.seal(other.text(ZS, "你好", peer.now_ts()), peer.now_ts())
    assert peer.client.post("/wechat", query_string=query, data=body).status_code == 403
    assert count(db, InboundMessage) == 0


def test_stale_request_is_refused(peer, wechat, clock, db):
    old = peer.now_ts() - 301
    resp = peer.post_wechat(wechat.text(ZS, "你好", old), timestamp=old)
    assert resp.status_code == 403
    fresh = peer.now_ts() - 299
    assert peer.post_wechat(wechat.text(ZS, "你好", fresh), timestamp=fresh).status_code == 200
    assert count(db, InboundMessage) == 1


def test_plaintext_request_refused_when_account_is_in_safe_mode(peer, db):
    plain = WeChatServer(token=TOKEN)
    query, body = plain.seal(plain.text(ZS, "你好", peer.now_ts()), peer.now_ts())
    assert peer.client.post("/wechat", query_string=query, data=body).status_code == 403
    assert count(db, InboundMessage) == 0


def test_plaintext_mode(db_url, clock, sms_out, db):
    app = create_app({"SERVICES": build_services(load_settings(make_env(db_url, safe_mode=False)), clock=clock,
                                                 sms=sms_out)})
    plain = WeChatServer(token=TOKEN)
    peer = PeerClient(app.test_client(), clock, plain, None)
    resp = peer.post_wechat(plain.text(ZS, "你好", peer.now_ts()))
    assert b"<Content><![CDATA[" in resp.get_data()
    assert "请问您怎么称呼" in peer.reply_of(resp)


def test_a_logged_plaintext_query_reused_with_another_body_is_refused(db_url, clock, sms_out, db):
    """In plaintext mode the signature covers only timestamp and nonce. 张三 writes; someone who saw
    the request's query string (an access log, a proxy) posts it again within the five minutes with
    his own body, as another sender sending 受理: refused, nothing stored. WeChat's own retry of 张三's
    message, the same query and body, still gets 张三's reply."""
    app = create_app({"SERVICES": build_services(load_settings(make_env(db_url, safe_mode=False)), clock=clock,
                                                 sms=sms_out)})
    plain = WeChatServer(token=TOKEN)
    peer = PeerClient(app.test_client(), clock, plain, None)
    query, body = plain.seal(plain.text(ZS, "你好", peer.now_ts()), peer.now_ts())
    first = peer.client.post("/wechat", query_string=query, data=body, content_type="text/xml")
    assert "请问您怎么称呼" in peer.reply_of(first)

    clock.advance(minutes=2)
    forged = plain.text("o_forger_0001", "受理 LS-20261201-000001", peer.now_ts())
    refused = peer.client.post("/wechat", query_string=query, data=forged.encode(), content_type="text/xml")
    assert refused.status_code == 403
    assert count(db, InboundMessage) == 1
    assert count(db, InboundMessage, InboundMessage.sender == "o_forger_0001") == 0

    retry = peer.client.post("/wechat", query_string=query, data=body, content_type="text/xml")
    assert peer.reply_of(retry) == peer.reply_of(first)
    assert count(db, InboundMessage) == 1
    # a new message, newly signed, is handled as ever
    assert peer.say(ZS, "我是下汤镇林楼村的张三") != ""
    assert count(db, InboundMessage) == 2


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<xml><ToUserName>gh</ToUserName><FromUserName>o_evil</FromUserName><CreateTime>1</CreateTime>
<MsgType>text</MsgType><Content>&lol3;</Content><MsgId>1</MsgId></xml>"""

XXE = """<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>
<xml><FromUserName>o_evil</FromUserName><MsgType>text</MsgType><Content>&e;</Content><MsgId>2</MsgId></xml>"""


def test_hostile_xml_is_refused_before_parsing(db_url, clock, sms_out, db):
    app = create_app({"SERVICES": build_services(load_settings(make_env(db_url, safe_mode=False)), clock=clock,
                                                 sms=sms_out)})
    plain = WeChatServer(token=TOKEN)
    client = app.test_client()
    for body in (BILLION_LAUGHS, XXE, "<xml><unclosed>", "not xml at all", "", "<xml></xml>"):
        query, _ = plain.seal("<xml/>", int(clock.now().timestamp()))
        resp = client.post("/wechat", query_string=query, data=body.encode())
        assert resp.status_code == 400, body
    assert count(db, InboundMessage) == 0


def test_hostile_xml_inside_the_encrypted_envelope_is_refused(peer, wechat, db):
    query, body = wechat.seal(BILLION_LAUGHS, peer.now_ts())
    assert peer.client.post("/wechat", query_string=query, data=body).status_code == 400
    assert count(db, InboundMessage) == 0


def test_retry_returns_the_same_reply_and_never_a_second_petition(peer, wechat, db):
    peer.say(ZS, "我是下汤镇林楼村的张三，小区水泵坏了三天没水")
    peer.say(ZS, "13812345678")
    xml = wechat.text(ZS, "确认", peer.now_ts())
    first = peer.reply_of(peer.post_wechat(xml))
    retries = [peer.reply_of(peer.post_wechat(xml)) for _ in range(3)]
    assert "受理编号" in first and retries == [first] * 3
    assert count(db, Petition) == 1
    assert count(db, InboundMessage, InboundMessage.msg_type == "text") == 3


def test_retry_arriving_while_the_first_is_still_handled(peer, wechat, services, db):
    peer.say(ZS, "我是下汤镇林楼村的张三，小区水泵坏了三天没水")
    peer.say(ZS, "13812345678")
    xml = wechat.text(ZS, "确认", peer.now_ts())
    entered, release = threading.Event(), threading.Event()

    def hold(msg, _session):
        if msg.text == "确认" and not entered.is_set():
            entered.set()
            release.wait(5)
    services.before_handle = hold
    results = {}

    def first():
        results["first"] = peer.post_wechat(xml)
    t = threading.Thread(target=first)
    t.start()
    assert entered.wait(5)
    retry_result = {}

    def retry():
        retry_result["r"] = PeerClient(peer.client.application.test_client(), peer.clock, wechat, None) \
            .post_wechat(xml)
    r = threading.Thread(target=retry)
    r.start()
    r.join(0.3)  # the retry is now waiting on the first delivery
    release.set()
    t.join(10)
    r.join(10)
    first_reply = peer.reply_of(results["first"])
    assert "受理编号" in first_reply
    assert peer.reply_of(retry_result["r"]) == first_reply
    assert count(db, Petition) == 1


@pytest.mark.parametrize("first_message", [False, True], ids=["known-sender", "first-message"])
def test_a_waiting_retry_is_woken_by_the_first_reply_not_by_polling(peer, wechat, services, db, monkeypatch,
                                                                     first_message):
    """A retry waits for the first delivery's transaction itself (the writers' turn on SQLite, the
    sender's conversation row on PostgreSQL — also when the first is creating it): having found the
    first still being handled, it reads the stored message once more, when the first has its reply
    — however long the first takes."""
    import bot.inbound
    if first_message:
        xml = wechat.text(ZS, "我是下汤镇林楼村的张三，小区水泵坏了三天没水", peer.now_ts())
    else:
        peer.say(ZS, "我是下汤镇林楼村的张三，小区水泵坏了三天没水")
        xml = wechat.text(ZS, "13812345678", peer.now_ts())
    entered, release, seen_processing = threading.Event(), threading.Event(), threading.Event()
    reads_after = []
    find = bot.inbound._find

    await_handler = bot.inbound._await_handler

    def counted(*args):
        row = find(*args)
        if seen_processing.is_set():
            reads_after.append(row.status)
        return row

    def waiting(*args):     # the retry found the first still being handled
        if threading.current_thread().name == "retry":
            seen_processing.set()
        return await_handler(*args)
    monkeypatch.setattr(bot.inbound, "_find", counted)
    monkeypatch.setattr(bot.inbound, "_await_handler", waiting)

    def hold(msg, _session):
        if not entered.is_set():
            entered.set()
            release.wait(10)
    services.before_handle = hold
    results = {}
    first = threading.Thread(target=lambda: results.setdefault("first", peer.post_wechat(xml)))
    first.start()
    assert entered.wait(5)
    retry = threading.Thread(name="retry", target=lambda: results.setdefault("retry", PeerClient(
        peer.client.application.test_client(), peer.clock, wechat, None).post_wechat(xml)))
    retry.start()
    assert seen_processing.wait(5)
    retry.join(0.5)
    assert retry.is_alive() and reads_after == []   # waiting, not looking again
    release.set()
    first.join(10)
    retry.join(10)
    assert reads_after == ["done"]
    assert peer.reply_of(results["retry"]) == peer.reply_of(results["first"]) != ""


def test_a_retry_of_an_answered_message_is_one_statement(peer, wechat, services):
    """WeChat retries when a reply is late, that is under load: a retry of a message already
    answered is one round trip to the database (SQLite: the read before queueing with the
    writers; PostgreSQL: the insert that finds the row stored before)."""
    from sqlalchemy import event
    xml = wechat.text(ZS, "我要反映", peer.now_ts())
    first = peer.reply_of(peer.post_wechat(xml))
    statements = []
    listener = lambda *args: statements.append(args[2])    # noqa: E731
    event.listen(services.engine, "before_cursor_execute", listener)
    try:
        assert peer.reply_of(peer.post_wechat(xml)) == first
    finally:
        event.remove(services.engine, "before_cursor_execute", listener)
    assert len(statements) == 1, statements


def test_a_waiting_retry_leaves_the_prepared_statements_of_its_connection(peer, wechat, services, db_url):
    """On PostgreSQL a retry waits in a transaction of its own; psycopg drops every statement it
    has prepared on a connection when a transaction there rolls back, and the web connections then
    parse and plan their statements anew. The wait changes nothing, so it commits."""
    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite: a retry waits on the writers' turn, not in a transaction")
    import bot.inbound
    engine = services.engine
    engine.dispose()
    for n in range(6):   # a statement is prepared at its fifth run on a connection
        peer.say(ZS, f"查询{n}")
    assert engine.pool.checkedin() == 1     # one pooled connection: the one the wait will use

    def prepared() -> int:
        with engine.begin() as conn:     # commits: a rollback here would drop them too
            return conn.scalar(text("SELECT count(*) FROM pg_prepared_statements"))
    before = prepared()
    assert before >= 3
    bot.inbound._await_handler(services, "wechat", ZS, 1.0)
    assert prepared() == before


def test_retry_of_an_event_is_recognised_by_sender_and_time(peer, wechat, db):
    xml = wechat.event(ZS, "subscribe", peer.now_ts())
    first = peer.reply_of(peer.post_wechat(xml))
    assert "欢迎关注鲁山县信访局" in first
    assert peer.reply_of(peer.post_wechat(xml)) == first
    assert count(db, InboundMessage) == 1


def test_subscribe_unsubscribe_and_menu_clicks(peer, wechat, db):
    from core.store.models import Conversation
    ts = peer.now_ts
    assert "欢迎关注" in peer.reply_of(peer.post_wechat(wechat.event(ZS, "subscribe", ts())))
    peer.clock.advance(seconds=1)
    assert "请问您怎么称呼" in peer.reply_of(peer.post_wechat(wechat.event(ZS, "CLICK", ts(), key="XF_REPORT")))
    peer.clock.advance(seconds=1)
    assert "还没有反映过" in peer.reply_of(peer.post_wechat(wechat.event(ZS, "CLICK", ts(), key="XF_QUERY")))
    peer.clock.advance(seconds=1)
    assert "查询" in peer.reply_of(peer.post_wechat(wechat.event(ZS, "CLICK", ts(), key="XF_HELP")))
    peer.clock.advance(seconds=1)
    assert peer.reply_of(peer.post_wechat(wechat.event(ZS, "unsubscribe", ts()))) == ""
    db.rollback()
    conv = db.scalars(select(Conversation).where(Conversation.sender == ZS)).one()
    assert conv.subscribed is False and conv.unsubscribed_at is not None
    assert count(db, InboundMessage) == 5  # every event recorded


def test_unknown_message_types_get_a_short_help_reply(peer, wechat):
    for msg_type, fields in (("link", {"Title": "t", "Description": "d", "Url": "http://x"}),
                             ("somethingnew", {"Foo": "bar"})):
        reply = peer.reply_of(peer.post_wechat(wechat.xml(ZS, msg_type, peer.now_ts(), wechat.next_msg_id(),
                                                          **fields)))
        assert "只能接收文字、图片、语音、视频和位置" in reply
    reply = peer.reply_of(peer.post_wechat(wechat.event(ZS, "VIEW", peer.now_ts(), key="http://x")))
    assert "查询" in reply


def test_voice_uses_recognition_or_asks_to_type(peer, wechat):
    reply = peer.reply_of(peer.post_wechat(wechat.voice(ZS, peer.now_ts())))
    assert "语音已收到并保存，但暂时无法识别" in reply
    reply = peer.reply_of(peer.post_wechat(wechat.voice(ZS, peer.now_ts(), recognition="我是尧山镇的王五")))
    assert "手机号码" in reply  # name and place understood from the recognised speech


def test_images_and_location_are_kept_with_the_petition(peer, wechat, db):
    from core.store.models import Attachment
    peer.say(ZS, "我是下汤镇林楼村的张三，小区水泵坏了三天没水")
    peer.say(ZS, "13812345678")
    assert "共1张" in peer.reply_of(peer.post_wechat(wechat.image(ZS, peer.now_ts(), media_id="M1")))
    assert "共2张" in peer.reply_of(peer.post_wechat(wechat.image(ZS, peer.now_ts(), media_id="M2")))
    reply = peer.reply_of(peer.post_wechat(wechat.location(ZS, peer.now_ts(), 33.69, 112.90, "下汤镇林楼村")))
    assert "位置已收到" in reply
    assert "受理编号" in peer.say(ZS, "确认")
    db.rollback()
    p = db.scalars(select(Petition)).one()
    assert [a.media_id for a in db.scalars(select(Attachment).order_by(Attachment.id))] == ["M1", "M2"]
    assert p.location["label"] == "下汤镇林楼村"


def test_empty_emoji_and_very_long_text(peer, wechat, db):
    assert "我要反映" in peer.say(ZS, "")           # nothing said: how to use the service
    assert "请问您怎么称呼" in peer.say(ZS, "😀😀")   # something said: the conversation starts
    assert "请问您怎么称呼" in peer.say(ZS, "")       # and an empty message re-asks the step
    reply = peer.say(ZS, "我" * 6000)
    assert "内容过长" in reply
    submit_all_at_once(peer, ZS, "我是下汤镇林楼村的张三，水泵坏了😭三天没水💧")
    db.rollback()
    assert "💧" in db.scalars(select(Petition)).one().content
    raw = db.scalars(select(InboundMessage).where(InboundMessage.raw.contains("我我我我"))).one()
    assert len(raw.raw) > 6000  # the over-long message is kept, not interpreted


def test_long_lists_are_paged_under_wechat_limit(peer, db):
    for i in range(40):
        submit = submit_all_at_once if i == 0 else None
        if submit:
            submit(peer)
        else:
            peer.say(ZS, f"我是下汤镇林楼村的张三，第{i}件事情：道路{'破损' * 20}编号{i}")
            reply = peer.say(ZS, "确认")
            if "是否为同一事项" in reply:
                reply = peer.say(ZS, "2")
        peer.clock.advance(seconds=70)  # stay under the flood limit (30 messages in 10 minutes)
    first = peer.say(ZS, "查询")
    assert "共40件" in first and "下一页" in first
    pages = [first]
    while "下一页" in pages[-1]:
        pages.append(peer.say(ZS, "下一页"))
    assert all(len(p.encode("utf-8")) <= 2048 for p in pages)
    listed = sum(p.count("LS-2026") for p in pages)
    assert listed == 40
    assert "没有更多" in peer.say(ZS, "下一页")


def test_channel_off_answers_503_naming_the_variable(db_url, clock, sms_out):
    app = create_app({"SERVICES": build_services(load_settings({"DATABASE_URL": db_url}), clock=clock, sms=sms_out)})
    client = app.test_client()
    resp = client.post("/wechat", data=b"<xml/>")
    assert resp.status_code == 503 and "WECHAT_TOKEN" in resp.get_data(as_text=True)
    resp = client.post("/sms", data={"From": "+8613800000000"})
    assert resp.status_code == 503 and "TWILIO_AUTH_TOKEN" in resp.get_data(as_text=True)


def test_a_huge_body_is_refused_before_it_is_read(peer, wechat, db):
    """Issue 17, loss 11: 200 MB sent at the webhook is refused by its length (413), and a body
    without a length is cut off while it streams in — never read whole into memory."""
    import io

    from sqlalchemy import func, select

    from core.store.models import InboundMessage
    from urllib.parse import urlencode
    query, _ = wechat.seal(wechat.text(ZS, "你好", peer.now_ts()), peer.now_ts())
    query = urlencode(query)
    big = b"<xml>" + b"x" * (2 * 1024 * 1024) + b"</xml>"
    assert peer.client.post(f"/wechat?{query}", data=big, content_type="text/xml").status_code == 413
    stream = io.BytesIO(big)
    resp = peer.client.post(f"/wechat?{query}", input_stream=stream, content_type="text/xml",
                            environ_overrides={"wsgi.input_terminated": True})
    assert resp.status_code == 413 and stream.tell() < len(big)
    db.rollback()
    assert db.scalar(select(func.count()).select_from(InboundMessage)) == 0


def test_a_message_whose_worker_died_is_handled_by_the_retry_exactly_once(peer, wechat, services, clock, db):
    """Issue 17, loss 6: the raw row stays "processing" when its worker is killed; WeChat's retry a
    few seconds later takes it over and handles it — once, however many retries come."""
    peer.say(ZS, "我是下汤镇林楼村的张三，小区水泵坏了三天没水")
    xml = wechat.text(ZS, "13812345678", peer.now_ts())

    with killed_while_handling(services):
        peer.post_wechat(xml)
    db.rollback()
    row = db.scalars(select(InboundMessage).order_by(InboundMessage.id.desc())).first()
    assert row.status == "processing"                       # stored, never handled
    clock.advance(seconds=10)                                # WeChat's retries come 5 s apart
    reply = peer.reply_of(peer.post_wechat(xml))
    assert "验证码" in reply or "乡镇" in reply or "核对" in reply   # the step after the phone, as if nothing happened
    again = peer.reply_of(peer.post_wechat(xml))
    assert again == reply                                    # a later retry: the same reply, not handled twice
    db.rollback()
    row = db.get(InboundMessage, row.id)
    assert row.status == "done" and row.attempts == 2
