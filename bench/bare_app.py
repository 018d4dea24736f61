"""The ceiling: a bare Flask endpoint that only checks the WeChat signature (no parsing, no DB)."""
import os

from flask import Flask, request
from wechatpy.exceptions import InvalidSignatureException
from wechatpy.utils import check_signature

app = Flask(__name__)
TOKEN = os.environ["WECHAT_TOKEN"]


@app.post("/wechat")
def wechat():
    try:
        check_signature(TOKEN, request.args["signature"], request.args["timestamp"], request.args["nonce"])
    except (InvalidSignatureException, KeyError):
        return "bad signature", 403
    request.get_data()
    return "success"
