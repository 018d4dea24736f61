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


def build(svc, export_id: int, now: datetime | None = None) -> str:
    """Build export ``export_id`` (queued → running → done | failed). Safe to call twice: one that
    is not queued is left as it is."""
    now = now or svc.clock.now()
    with transaction(svc.sessions) as s:
        row = s.get(LedgerExport, export_id, with_for_update=True)
        if row is None or row.status != "queued":
            return f"台账导出{export_id}：无需处理"
        row.status = "running"
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
            book = xlsxwriter.Workbook(str(path) + ".part", {"constant_memory": True,
                                                             "tmpdir": str(svc.settings.export_dir)})
            sheet = book.add_worksheet("台账")
            sheet.write_row(0, 0, workbench.LEDGER_COLUMNS)
            n = 0
            for n, values in enumerate(workbench.ledger(s, person, start, end), 1):
                sheet.write_row(n, 0, values)
                if n % EVERY == 0:
                    _progress(svc, export_id, rows_done=n)
            book.close()
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
        s.execute(update(LedgerExport).where(LedgerExport.id == export_id).values(**values))
