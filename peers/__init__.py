"""The provider stand-ins: what WeChat, WeCom, Twilio and Tencent Cloud SMS do to the app
(``peers.webhooks``) and what their APIs answer when the app calls them (``peers.apis``), written
from the public protocol descriptions. The tests, the benches and ``xinfang demo`` use them; the
running service never does (issue 30: outside the runtime path).
"""
