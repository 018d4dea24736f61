"""台账 exports built by a worker (the console's 生成Excel): the rows of core.workbench.ledger,
written by xlsxwriter in constant memory to EXPORT_DIR, the progress recorded every 2,000 rows
so the console can show it. Any worker that shares EXPORT_DIR with the web processes may build
one (mount one directory on every host, as for MEDIA_DIR)."""
from __future__ import annotations

import os
from datetime import datetime, timedelta

import xlsxwriter
from sqlalchemy import update

from core import workbench
from core.clock import day_start
from core.store.db import reading, transaction
from core.store.models import LedgerExport, Person

EVERY = 2000
LOST_AFTER = timedelta(minutes=10)   # a running export not touched this long lost its worker


def lost(row: LedgerExport, now: datetime) -> bool:
    """A running export whose worker died (killed, its host gone): it may be built again."""
    return row.status == "running" and (row.touched_at is None or row.touched_at < now - LOST_AFTER)


def write_xlsx(path: str, rows, tmpdir: str, progress=None) -> int:
    """The 台账 rows (core.workbench.ledger) as an Excel file at ``path``, in constant memory:
    each row goes to disk as it is written. ``progress(n)`` every 2,000 rows. The rows written."""
    book = xlsxwriter.Workbook(path, {"constant_memory": True, "tmpdir": tmpdir})
    sheet = book.add_worksheet("台账")
    sheet.write_row(0, 0, workbench.LEDGER_COLUMNS)
    n = 0
    for n, values in enumerate(rows, 1):
        sheet.write_row(n, 0, values)
        if progress is not None and n % EVERY == 0:
            progress(n)
    book.close()
    return n


def build(svc, export_id: int, now: datetime | None = None) -> str:
    """Build export ``export_id`` (queued → running → done | failed). Safe to call twice: one that
    is running (and alive) or finished is left as it is; one whose worker died is built again."""
    now = now or svc.clock.now()
    with transaction(svc.sessions) as s:
        row = s.get(LedgerExport, export_id, with_for_update=True)
        if row is None or not (row.status == "queued" or lost(row, now)):
            return f"台账导出{export_id}：无需处理"
        row.status, row.touched_at, row.rows_done = "running", now, 0
        person_id, first, last = row.person_id, row.first, row.last
    start, end = day_start(first), day_start(last + timedelta(days=1))
    name = f"ledger-{export_id}.xlsx"
    svc.settings.export_dir.mkdir(parents=True, exist_ok=True)
    path = svc.settings.export_dir / name
    try:
        with reading(svc.sessions) as s:
            person = s.get(Person, person_id)
            total = workbench.ledger_count(s, person, start, end)
            _progress(svc, export_id, rows_total=total)
            n = write_xlsx(str(path) + ".part", workbench.ledger(s, person, start, end), str(svc.settings.export_dir),
                           lambda done: _progress(svc, export_id, rows_done=done))
        os.replace(str(path) + ".part", path)
        _progress(svc, export_id, rows_done=n, status="done", file=name, finished_at=svc.clock.now())
        return f"台账导出{export_id}：{n}行"
    except Exception as exc:   # recorded on the row for the person who asked; the file is not kept
        for stale in (path, str(path) + ".part"):
            try:
                os.unlink(stale)
            except OSError:
                pass
        _progress(svc, export_id, status="failed", error=f"{type(exc).__name__}: {exc}"[:500],
                  finished_at=svc.clock.now())
        raise


def _progress(svc, export_id: int, **values) -> None:
    with transaction(svc.sessions) as s:
        s.execute(update(LedgerExport).where(LedgerExport.id == export_id)
                  .values(touched_at=svc.clock.now(), **values))
