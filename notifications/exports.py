"""台账 exports, built only by a worker on the reports' queue (notifications.queue.REPORTS, the
Procfile's ``reports`` process) — never in a web request, never on the texts' queue (issue 29):
the rows of core.workplace.workbench.ledger as Excel (xlsxwriter, constant memory) or CSV (UTF-8 with a
BOM, which Excel opens as Chinese), the progress recorded every 2,000 rows so the console can
show it. Any worker that shares EXPORT_DIR with the web processes may build one (mount one
directory on every host, as for MEDIA_DIR).

Bounds (:func:`ask`): one export at a time per person, :data:`PER_DAY` a county day, and
:data:`AT_ONCE` in the whole county queued or running — a refusal writes nothing.

Files (docs/operations.md): everything an export writes is under EXPORT_DIR and named by its id —
``ledger-<id>.<xlsx|csv>`` once finished, ``….part`` while written, ``ledger-<id>.tmp/`` for
xlsxwriter's own temporary files. A failed export's files are removed at once; a killed worker's
(no ``except`` runs) are removed by the next build of that export or by :func:`sweep` once the
export counts as lost; a finished file is kept :data:`RETENTION`, then removed and its row marked
``expired``.
"""
from __future__ import annotations

import csv
import os
import re
import shutil
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

import xlsxwriter
from sqlalchemy import func, select, update

from core.workplace import workbench
from core.clock import SHANGHAI, day_start
from core.store.db import reading, transaction
from core.store import scope
from core.store.models import County, LedgerExport, Person
from core.words import reports as words
from notifications.bound import owner_of

EVERY = 2000
FORMATS = ("xlsx", "csv")
MIMETYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "csv": "text/csv; charset=utf-8"}
XLSX_ROWS = 1_048_575         # an Excel sheet's rows, less the header: a larger 台账 goes as CSV
LOST_AFTER = timedelta(minutes=10)    # a running export not touched this long lost its worker
QUEUED_LOST_AFTER = timedelta(hours=1)  # a queued one whose job never started (Redis lost it)
PER_DAY = 10                  # exports a person may ask for in a county day
AT_ONCE = 3                   # exports queued or running in the county at once
RETENTION = timedelta(days=7)         # a finished file is kept this long for its owner to download
LEGACY_AGE = 3600             # seconds: the old web export's temp files older than this are removed
NAME = re.compile(r"^ledger-(\d+)\.")
UNFINISHED = ("queued", "running")


class Refused(Exception):
    """An export not accepted: ``code`` says why (``running``, ``per_day``, ``busy``); nothing was written."""

    def __init__(self, code: str, **values):
        super().__init__(code)
        self.code, self.values = code, values


def lost(row: LedgerExport, now: datetime) -> bool:
    """An export whose worker died (killed, its host gone) or whose job never started: it may be
    built again."""
    if row.status == "running":
        return row.touched_at is None or row.touched_at < now - LOST_AFTER
    return row.status == "queued" and (row.touched_at or row.created_at) < now - QUEUED_LOST_AFTER


def file_name(export_id: int, fmt: str) -> str:
    return f"ledger-{export_id}.{fmt}"


def fmt_of(row: LedgerExport) -> str:
    """The format asked for: the suffix of the file's name, given when the export is accepted
    (exports from before CSV was built here have none: Excel)."""
    return "csv" if (row.file or "").endswith(".csv") else "xlsx"


def counties_of(s, person: Person, prefixes: list[str] | None) -> list[tuple[int, str, str]]:
    """The counties of ``person``'s city a 台账 across counties is of (issue 31, 4): (id, prefix,
    name) of each prefix chosen, in the city's order — every county when none is chosen. Refused
    (``counties``) for a person who is not the city's, or a prefix not of its counties: a county's
    clerk exports their own county, never another."""
    home = s.get(County, person.county_id)
    if home is None or home.kind != "city":
        raise Refused("counties")
    rows = [(c.id, c.prefix, c.name) for c in s.scalars(select(County).where(
        County.parent_id == home.id, County.kind == "county").order_by(County.id))]
    wanted = [p.strip().upper() for p in prefixes or () if p.strip()]
    if any(p not in {prefix for _, prefix, _ in rows} for p in wanted):
        raise Refused("counties")
    return [r for r in rows if not wanted or r[1] in wanted]


def ask(s, person: Person, first, last, fmt: str, now: datetime,
        counties: list[tuple[int, str, str]] | None = None) -> LedgerExport:
    """Accept an export of the 台账 of ``first``–``last`` (county days) for ``person``, or raise
    :class:`Refused`. ``counties``: the city's export of these counties (:func:`counties_of`).
    The caller commits, then hands it to the worker (Services.export_later)."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    # one request of a person at a time: on PostgreSQL the person's row is the lock (SQLite's
    # writers take turns anyway), so two clicks at once cannot both pass the checks below
    s.execute(select(Person.id).where(Person.id == person.id).with_for_update())
    mine = list(s.scalars(select(LedgerExport).where(LedgerExport.person_id == person.id,
                                                     LedgerExport.status.in_(UNFINISHED))))
    running = [r for r in mine if not lost(r, now)]
    if running:
        raise Refused("running", export_id=running[0].id)
    today = day_start(now.astimezone(SHANGHAI).date())
    asked = s.scalar(select(func.count()).select_from(LedgerExport).where(
        LedgerExport.person_id == person.id, LedgerExport.created_at >= today)) or 0
    if asked >= PER_DAY:
        raise Refused("per_day", limit=PER_DAY)
    busy = [r for r in s.scalars(select(LedgerExport).where(LedgerExport.status.in_(UNFINISHED)))
            if not lost(r, now)]
    if len(busy) >= AT_ONCE:
        raise Refused("busy", limit=AT_ONCE)
    for r in mine:   # a lost one of theirs is over: it no longer holds their turn
        r.status, r.error, r.finished_at = "failed", "interrupted", now
    row = LedgerExport(person_id=person.id, first=first, last=last, status="queued", rows_done=0, created_at=now,
                       counties=",".join(prefix for _, prefix, _ in counties) if counties else None)
    s.add(row)
    s.flush()
    row.file = file_name(row.id, fmt)
    return row


def again(s, person: Person, row: LedgerExport, now: datetime) -> bool:
    """Queue ``row`` again when it failed, lost its worker or expired (False: it needs nothing),
    within the same bounds as a new export but the day's count (it is the same export)."""
    if not (row.status in ("failed", "expired") or lost(row, now)):
        return False
    s.execute(select(Person.id).where(Person.id == person.id).with_for_update())
    others = [r for r in s.scalars(select(LedgerExport).where(LedgerExport.status.in_(UNFINISHED),
                                                              LedgerExport.id != row.id)) if not lost(r, now)]
    mine = [r for r in others if r.person_id == person.id]
    if mine:
        raise Refused("running", export_id=mine[0].id)
    if len(others) >= AT_ONCE:
        raise Refused("busy", limit=AT_ONCE)
    row.status, row.error, row.rows_done, row.touched_at, row.finished_at = "queued", None, 0, now, None
    row.file = file_name(row.id, fmt_of(row))
    return True


def write_xlsx(path: str, rows, tmpdir: str, progress=None, columns=workbench.LEDGER_COLUMNS) -> int:
    """The 台账 rows (core.workplace.workbench.ledger) as an Excel file at ``path``, in constant memory:
    each row goes to disk as it is written (xlsxwriter's temporary files in ``tmpdir``).
    ``progress(n)`` every 2,000 rows. The rows written."""
    book = xlsxwriter.Workbook(path, {"constant_memory": True, "tmpdir": tmpdir})
    sheet = book.add_worksheet("台账")
    sheet.write_row(0, 0, columns)
    n = 0
    for n, values in enumerate(rows, 1):
        sheet.write_row(n, 0, values)
        if progress is not None and n % EVERY == 0:
            progress(n)
    book.close()
    return n


def write_csv(path: str, rows, progress=None, columns=workbench.LEDGER_COLUMNS) -> int:
    """The same rows as CSV, UTF-8 with a BOM (Excel then opens it as Chinese)."""
    n = 0
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        out = csv.writer(f)
        out.writerow(columns)
        for n, values in enumerate(rows, 1):
            out.writerow(values)
            if progress is not None and n % EVERY == 0:
                progress(n)
    return n


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        try:
            path.unlink()
        except FileNotFoundError:
            pass


def _leftovers(directory: Path, export_id: int, keep: str | None = None) -> None:
    """Every file of this export but ``keep`` (a killed build's part file, xlsxwriter's temporary files)."""
    if not directory.is_dir():
        return
    for entry in directory.iterdir():
        m = NAME.match(entry.name)
        if m and int(m.group(1)) == export_id and entry.name != keep:
            _remove(entry)


def build(svc, export_id: int, now: datetime | None = None) -> str:
    """Build export ``export_id`` (queued → running → done | failed). Safe to call twice: one that
    is running (and alive) or finished is left as it is; one whose worker died is built again."""
    now = now or svc.clock.now()
    svc = owner_of(svc, LedgerExport, export_id)    # the export's county's, in a city
    with transaction(svc.sessions) as s:
        row = s.get(LedgerExport, export_id, with_for_update=True)
        if row is None or not (row.status == "queued" or (row.status == "running" and lost(row, now))):
            return words.export_idle(export_id)
        row.status, row.touched_at, row.rows_done = "running", now, 0
        person_id, first, last, fmt = row.person_id, row.first, row.last, fmt_of(row)
        chosen = row.counties.split(",") if row.counties else None
    start, end = day_start(first), day_start(last + timedelta(days=1))
    directory = svc.settings.export_dir
    directory.mkdir(parents=True, exist_ok=True)
    name = file_name(export_id, fmt)
    path, part, tmpdir = directory / name, directory / (name + ".part"), directory / f"ledger-{export_id}.tmp"
    _leftovers(directory, export_id)        # what a killed build of this export left
    try:
        with reading(svc.sessions) as s:
            person = s.get(Person, person_id)
            # the city's export of its counties: each county's rows read in the session bound to it
            counties = counties_of(s, person, chosen) if chosen is not None else None
            total = sum(workbench.ledger_count(s, person, start, end) for _ in _each(s, counties))
            if fmt == "xlsx" and total > XLSX_ROWS:
                raise Refused("too_many", rows=total)
            _progress(svc, export_id, rows_total=total)
            rows = _rows(s, person, start, end, counties)
            columns = workbench.LEDGER_COLUMNS if counties is None else (words.LEDGER_COUNTY, *workbench.LEDGER_COLUMNS)
            tick = lambda done: _progress(svc, export_id, rows_done=done)   # noqa: E731
            if fmt == "xlsx":
                tmpdir.mkdir(exist_ok=True)
                n = write_xlsx(str(part), rows, str(tmpdir), tick, columns)
            else:
                n = write_csv(str(part), rows, tick, columns)
        os.replace(part, path)
        _progress(svc, export_id, rows_done=n, status="done", file=name, finished_at=svc.clock.now())
        return words.export_done(export_id, n)
    except Exception as exc:   # recorded on the row for the person who asked; no file is kept
        _leftovers(directory, export_id)
        error = exc.code if isinstance(exc, Refused) else f"{type(exc).__name__}: {exc}"[:500]
        _progress(svc, export_id, status="failed", error=error, finished_at=svc.clock.now())
        if isinstance(exc, Refused):   # too many rows; or counties asked by a person not the city's
            return words.export_too_many(export_id) if exc.code == "too_many" else words.export_refused(export_id)
        raise
    finally:
        _remove(tmpdir)


def _each(s, counties: list[tuple[int, str, str]] | None):
    """``s`` bound to each of ``counties`` in turn, yielding its name (None: ``s`` as it is, once),
    and to what it was bound to again after."""
    if counties is None:
        yield None
        return
    bound = s.info.get(scope.COUNTY)
    try:
        for county_id, _, name in counties:
            scope.bind(s, county_id)
            yield name
    finally:
        scope.bind(s, bound)


def _rows(s, person: Person, start, end, counties):
    """The 台账 rows: the export's own county's, or each county's in turn with its name first."""
    for name in _each(s, counties):
        for values in workbench.ledger(s, person, start, end):
            yield values if name is None else (name, *values)


def _progress(svc, export_id: int, **values) -> None:
    with transaction(svc.sessions) as s:
        s.execute(update(LedgerExport).where(LedgerExport.id == export_id)
                  .values(touched_at=svc.clock.now(), **values))


def _file_system_now(directory: Path) -> float:
    """The time by the clock that stamps the files of ``directory`` (a file written there now):
    files that belong to no row are aged by it — neither the county's clock nor this process's
    (they may differ from the file server's, or be set by hand)."""
    with tempfile.NamedTemporaryFile(dir=directory, prefix=".xinfang-now-") as probe:
        return os.fstat(probe.fileno()).st_mtime


def sweep(svc, now: datetime, legacy_dir: str | Path | None = None) -> str:
    """What exports left behind: a lost export (its worker killed) is marked failed and its files
    removed; a finished file older than :data:`RETENTION` is removed and its row marked expired;
    any file under EXPORT_DIR named for an export that no longer needs it is removed. With
    ``legacy_dir`` (the system's temporary directory), the files the old in-request export left
    there (``xinfang-export-*.xlsx``) older than an hour are removed too (by their files' times:
    they belong to no row)."""
    directory = svc.settings.export_dir
    expired = failed = removed = 0
    with transaction(svc.sessions) as s:
        for row in s.scalars(select(LedgerExport).where(LedgerExport.status.in_(UNFINISHED))):
            if lost(row, now):
                row.status, row.error, row.finished_at = "failed", "interrupted", now
                failed += 1
        for row in s.scalars(select(LedgerExport).where(LedgerExport.status == "done",
                                                        LedgerExport.finished_at < now - RETENTION)):
            row.status = "expired"
            expired += 1
        keep: dict[int, str | None] = {}
        if directory.is_dir():
            ids = {int(m.group(1)) for e in directory.iterdir() if (m := NAME.match(e.name))}
            for row in s.scalars(select(LedgerExport).where(LedgerExport.id.in_(ids))) if ids else ():
                if row.status == "done":
                    keep[row.id] = row.file
                elif row.status in UNFINISHED:
                    keep[row.id] = "*"          # being built: all its files
    if directory.is_dir():
        for entry in directory.iterdir():
            m = NAME.match(entry.name)
            if m is None:
                continue
            wanted = keep.get(int(m.group(1)))
            if wanted == "*" or wanted == entry.name:
                continue
            _remove(entry)
            removed += 1
    if legacy_dir is not None and Path(legacy_dir).is_dir():
        now_there = _file_system_now(Path(legacy_dir))
        for entry in Path(legacy_dir).glob("xinfang-export-*.xlsx"):
            try:
                if now_there - entry.stat().st_mtime > LEGACY_AGE:   # a file's age, by the files' own clock
                    entry.unlink()
                    removed += 1
            except OSError:
                pass
    return words.exports_swept(expired, failed, removed)
