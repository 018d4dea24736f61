"""What the bureau's staff and the operator read about reaching a citizen (issue 33): a notice that
failed and waits to be sent again, and the start-up's warning when WeChat has no template."""
from __future__ import annotations

RESEND_AWAITED = "对方下次留言时将自动重发一次"
RESENT_FAILED = "已在对方留言时重发一次，仍未送达，请电话联系"

NO_WECHAT_TEMPLATE = ("提示：微信公众号已开启，但县文件未配置模板消息（[county.wechat_templates] notice）："
                      "群众最后一次留言48小时后，受理、答复、评价等通知只能以短信发往其验证过的手机号，"
                      "未验证手机号的待其下次留言时补发。请向微信公众平台申请模板消息后填入县文件。")


def resend_note(awaited: bool) -> str:
    """The note on a failed notice to a citizen: it will go again when they write, or it did and failed."""
    return RESEND_AWAITED if awaited else RESENT_FAILED
