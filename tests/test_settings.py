"""Settings: a malformed value stops the start and names its variable; missing ones turn a channel off."""
from __future__ import annotations

import subprocess
import sys

import pytest

from core.settings import SettingsError, load_settings


@pytest.mark.parametrize("name,value", [
    ("WECHAT_AES_KEY", "tooshort"),
    ("WECHAT_AES_KEY", "!" * 43),
    ("PUBLIC_BASE_URL", "xinfang.example.gov.cn"),
    ("REDIS_URL", "localhost:6379"),
    ("DATABASE_URL", "mysql://x/y"),
    ("WECHAT_MAX_AGE", "five minutes"),
    ("RATE_LIMIT_COUNT", "0"),
    ("TWILIO_FROM", "10690000"),
    ("TENCENT_SMS_CALLBACK_SECRET", "short"),                        # guessable in a URL
    ("TENCENT_SMS_CALLBACK_SECRET", "a secret with spaces and 中文 in it"),
])
def test_malformed_setting_names_the_variable(name, value, tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/x.db", name: value}
    with pytest.raises(SettingsError) as err:
        load_settings(env)
    assert name in str(err.value)


def test_defaults_and_channels(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    s = load_settings({"XINFANG_INSTANCE": "ignored"})
    assert s.database_url.startswith("sqlite:///") and s.database_url.endswith("instance/xinfang.sqlite3")
    assert s.wechat_problem() == "WECHAT_TOKEN is not set"
    assert s.sms_problem() == "TWILIO_AUTH_TOKEN is not set"
    assert not s.twilio_outbound
    # what `xinfang serve` prints at start: in Chinese, the setting's name apart (issue 32)
    from core.words.operator import channel_off
    assert channel_off("wechat", *s.wechat_missing()) == "提示：微信渠道未开启，未设置环境变量 WECHAT_TOKEN 。"
    s = load_settings({"WECHAT_TOKEN": "t", "WECHAT_AES_KEY": "a" * 43})
    assert "WECHAT_APP_ID" in s.wechat_problem()
    assert channel_off("wechat", *s.wechat_missing()) == \
        "提示：微信渠道未开启，设置了 WECHAT_AES_KEY 时还须设置 WECHAT_APP_ID 。"
    s = load_settings({"DATABASE_URL": "postgres://u@h/db"})
    assert s.database_url == "postgresql+psycopg://u@h/db"


def test_gunicorn_entry_refuses_to_start_on_a_bad_setting(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{tmp_path}/x.db", "WECHAT_AES_KEY": "bad"}
    proc = subprocess.run([sys.executable, "-c", "import bot.wsgi"], env=env, capture_output=True, text=True,
                          cwd=str(tmp_path.parent), timeout=60)
    assert proc.returncode == 2 and "WECHAT_AES_KEY" in proc.stderr
    assert "配置有误：WECHAT_AES_KEY 应为后台的43位 EncodingAESKey" in proc.stderr   # the operator reads Chinese


def test_the_command_line_says_a_bad_setting_in_chinese(tmp_path):
    """The operator types ``xinfang stats`` with a mistyped setting: told which and why, in Chinese."""
    from click.testing import CliRunner

    from bot.cli import main
    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/x.db", "RATE_LIMIT_COUNT": "十"}
    result = CliRunner().invoke(main, ["stats"], env=env)
    assert result.exit_code != 0 and "配置有误：RATE_LIMIT_COUNT 应为整数，现为 '十'" in result.output, result.output
