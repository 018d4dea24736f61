"""gunicorn entry point: ``gunicorn bot.wsgi:app`` (settings from the environment)."""
import logging
import sys

from core.settings import SettingsError
from core.words import operator as say

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
try:
    from bot.app import create_app

    app = create_app()
except SettingsError as exc:
    print("xinfang：" + say.bad_setting(exc), file=sys.stderr)
    raise SystemExit(2)
