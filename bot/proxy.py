"""nginx in front of the web processes: the config (bot/templates/nginx.conf) rendered for a
Debian nginx (``xinfang nginx-config``) or for ``xinfang serve`` to start as its own process.

gunicorn's sync workers give one worker to one connection for as long as it lasts, so a slow
client holds a worker (issue 17, 10). nginx reads each request whole first — as gunicorn's own
deployment guide asks — so the workers only ever see complete requests (bench/slow_clients.py).
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

TEMPLATE = Path(__file__).resolve().parent / "templates"


def render(listen: str, upstream: str, *, standalone: bool, run_dir: Path | None = None,
           max_body_bytes: int = 64 * 1024, access_log: str = "/dev/stdout", nginx_workers: int = 1) -> str:
    """The config: ``listen`` ("0.0.0.0:80", "127.0.0.1:8000"), ``upstream`` ("unix:/path.sock",
    "127.0.0.1:8001"). ``standalone``: a whole nginx.conf (for ``xinfang serve``), else the
    ``http`` block's part for /etc/nginx/conf.d/xinfang.conf."""
    env = Environment(loader=FileSystemLoader(TEMPLATE), undefined=StrictUndefined, keep_trailing_newline=True,
                      trim_blocks=True, lstrip_blocks=True)
    return env.get_template("nginx.conf").render(
        listen=listen, upstream=upstream, standalone=standalone, run_dir=str(run_dir or ""),
        max_body=f"{max(1, max_body_bytes // 1024)}k", access_log=access_log, nginx_workers=nginx_workers,
        as_root=os.geteuid() == 0)


def nginx_binary() -> str | None:
    """The nginx on this machine (Debian's package puts it in /usr/sbin), or None."""
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx")
                                          if os.access(p, os.X_OK)), None)


def command(nginx: str, listen: str, upstream: str, run_dir: Path, max_body_bytes: int) -> list[str]:
    """Write the standalone config under ``run_dir`` and the command that runs nginx on it in the
    foreground (``-e stderr``: no log file outside run_dir, also before the config is read)."""
    run_dir.mkdir(parents=True, exist_ok=True)
    conf = run_dir / "nginx.conf"
    conf.write_text(render(listen, upstream, standalone=True, run_dir=run_dir, max_body_bytes=max_body_bytes),
                    encoding="utf-8")
    return [nginx, "-e", "stderr", "-p", str(run_dir), "-c", str(conf)]
