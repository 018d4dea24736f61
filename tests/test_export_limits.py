"""Issue 29, items 4 and 11: a signed-in official cannot stall the bureau, and exports leave
nothing behind.

- A 台账 is built only by the reports' worker (its own RQ queue and process): never in a web
  request, never on the texts' queue — real Redis and real ``rq worker`` processes, as
  ``xinfang serve`` runs them; the weekly analysis is handed there too.
- One export at a time per person, a few a day, a few in the county at once: a refusal is said,
  and writes nothing — not even the audit row.
- What a request may ask is bounded: a search of 500 words, a day in the year 9999 or 0001, a unit
  or an id of 20 digits get a sentence, never a 500.
- Files: nothing in the system's temporary directory; a failed export's files removed at once; a
  killed one's by the sweep; a finished file kept seven days.
"""
from __future__ import annotations

import dataclasses
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from core.clock import SHANGHAI
from core.store.models import AuditEvent, LedgerExport, OutboundMessage, Person, ScheduledRun
from notifications import exports
from notifications.queue import QUEUE, REPORTS, WORKER_CLASS, unix_url
from tests.test_cases import LIAISON, STAFF
from tests.test_workers import worker_env

LEADER = "+8613700000101"     # 陈国栋, county leader
WATER = "+8613700000031"      # 孙丽, 县水利局
HEAD = "+8613710000802"       # 雷新华, head of 尧山镇
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


class Console:
    """One person signed in to the console through its real forms (CSRF and all)."""

    def __init__(self, app, sms_out, phone: str):
        self.client = app.test_client()
        self.phone = phone
        token = self._token("/console/login")
        self.client.post("/console/login", data={"phone": phone[3:], "csrf_token": token})
        code = re.search(r"验证码(\d{6})", [b for to, b in sms_out.sent if to == phone][-1]).group(1)
        signed = self.client.post("/console/login/code", data={"phone": phone, "code": code, "csrf_token": token})
        assert signed.status_code == 302, signed.get_data(as_text=True)[:500]
        self.token = self._token("/console/stats")

    def _token(self, path: str) -> str:
        return TOKEN.search(self.client.get(path).get_data(as_text=True)).group(1)

    def get(self, path: str, **params):
        return self.client.get(path, query_string=params)

    def post(self, path: str, **form):
        return self.client.post(path, data={**form, "csrf_token": self.token})

    def export(self, first="2026-11-01", last="2026-11-23", fmt="xlsx"):
        return self.post("/console/exports", **{"from": first, "to": last, "format": fmt})

    def said(self, response) -> str:
        """The page a response leads to (following a redirect), as text."""
        if response.status_code == 302:
            response = self.client.get(response.headers["Location"])
        return response.get_data(as_text=True)


def queue_mode(services, lite):
    services.settings = dataclasses.replace(services.settings, outbox_delivery="queue", sms_rate=0)
    services._redis = lite
    return services


def audited(db, action="export") -> int:
    db.rollback()
    return db.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action))


def rows(db) -> list[LedgerExport]:
    db.rollback()
    db.expire_all()
    return list(db.scalars(select(LedgerExport).order_by(LedgerExport.id)))


def rq_worker(env, queue_name: str, burst: bool = True) -> subprocess.Popen:
    """A worker as the Procfile and ``xinfang serve`` run it (this worktree's code: PYTHONPATH)."""
    cmd = [sys.executable, "-c", "from rq.cli import main; main()", "worker", "--worker-class", WORKER_CLASS,
           "--url", env["REDIS_URL"], queue_name] + (["--burst"] if burst else [])
    return subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)


def finished(proc: subprocess.Popen, timeout: float = 120) -> str:
    """Wait for a burst worker to finish; its output (a worker still running then is killed)."""
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        left = subprocess.run(["ps", "-o", "pid,stat,args", "-g", str(proc.pid)], capture_output=True, text=True).stdout
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)
        raise AssertionError(f"the worker did not finish: {proc.stdout.read().decode(errors='replace')[-3000:]}"
                             f"\n{left}") from None
    out = proc.stdout.read().decode(errors="replace")
    assert proc.returncode == 0, out[-3000:]
    return out


def job_names(lite, name: str) -> list[str]:
    from rq import Queue
    return [job.func_name for job in Queue(name, connection=lite).jobs]


@pytest.fixture
def registered(peer):
    for i in range(3):
        peer.text_sms(STAFF, f"登记 走访 下汤镇林楼村 王五{i} 无 1 村里路灯坏了第{i}盏")


# --- exports only by the reports' worker ----------------------------------------------------------

def test_an_export_is_built_by_the_reports_worker_never_on_the_texts_queue(app, services, sms_out, lite, stub, db,
                                                                           db_url, registered, tmp_path):
    staff = Console(app, sms_out, STAFF)
    queue_mode(services, lite)
    r = staff.export("2016-11-24", "2026-11-23")          # ten years
    assert r.status_code == 302 and "/console/exports/" in r.headers["Location"]
    [row] = rows(db)
    assert row.status == "queued"                          # the web request built nothing
    assert job_names(lite, REPORTS) == ["notifications.jobs.build_export"]
    assert "notifications.jobs.build_export" not in job_names(lite, QUEUE)
    env = dict(worker_env(db_url, lite, stub), EXPORT_DIR=str(services.settings.export_dir))
    finished(rq_worker(env, QUEUE))                        # the texts' worker leaves it alone
    assert rows(db)[0].status == "queued"
    finished(rq_worker(env, REPORTS))
    [row] = rows(db)
    assert (row.status, row.rows_done, row.file) == ("done", 3, f"ledger-{row.id}.xlsx")
    assert os.listdir(services.settings.export_dir) == [row.file]
    page = staff.said(staff.get(f"/console/exports/{row.id}"))
    assert "已完成，共3行" in page and "下载Excel" in page
    got = staff.get(f"/console/exports/{row.id}/file")
    assert got.status_code == 200 and got.data[:2] == b"PK"
    got.close()


def test_queued_exports_do_not_hold_a_sign_in_code(app, services, sms_out, lite, stub, db, db_url, registered):
    """Two ten-year exports queued, then someone asks for a sign-in code: the texts' worker sends
    the code and has built no export (on the one queue it built both first)."""
    staff, liaison = Console(app, sms_out, STAFF), Console(app, sms_out, LIAISON)
    queue_mode(services, lite)
    assert staff.export("2016-11-24", "2026-11-23").status_code == 302
    assert liaison.export("2016-11-24", "2026-11-23").status_code == 302
    leader = app.test_client()
    token = TOKEN.search(leader.get("/console/login").get_data(as_text=True)).group(1)
    asked = leader.post("/console/login", data={"phone": LEADER[3:], "csrf_token": token})
    assert "验证码已发送" in asked.get_data(as_text=True)
    asked.close()                                   # the code's text is written once the answer has left
    env = dict(worker_env(db_url, lite, stub), EXPORT_DIR=str(services.settings.export_dir))
    finished(rq_worker(env, QUEUE))
    db.rollback()
    code = db.scalars(select(OutboundMessage).where(OutboundMessage.purpose == "console_code",
                                                    OutboundMessage.to == LEADER)).one()
    assert code.status == "sent" and any(m["To"] == LEADER for m in stub.received)
    assert [r.status for r in rows(db)] == ["queued", "queued"]     # still waiting for their own worker
    assert len(job_names(lite, REPORTS)) == 2


def test_the_weekly_analysis_is_handed_to_the_reports_worker(services, lite, stub, db, db_url):
    from notifications.schedule import tick
    queue_mode(services, lite)
    monday = datetime(2026, 11, 23, 9, 5, tzinfo=SHANGHAI)
    ran = {name: result for name, _, result in tick(services, monday, hand_off=services.report_later)}
    assert ran["weekly_report"] == "handed to the reports worker" and "outbox" in ran
    from rq import Queue
    handed = {job.args[0] for job in Queue(REPORTS, connection=lite).jobs}
    assert handed == {"weekly_report", "monthly_report", "exports"}    # November's made up, the hourly sweep
    assert all(ran[name] == "handed to the reports worker" for name in handed)
    db.rollback()
    run = db.scalars(select(ScheduledRun).where(ScheduledRun.name == "weekly_report")).one()
    assert run.finished_at is None
    finished(rq_worker(worker_env(db_url, lite, stub), REPORTS))
    db.rollback()
    db.expire_all()
    run = db.get(ScheduledRun, run.id)
    assert run.finished_at is not None and run.result.startswith("周分析 2026-11-16"), run.result


def test_the_procfile_and_serve_run_the_reports_worker():
    from pathlib import Path
    procfile = (Path(__file__).resolve().parent.parent / "Procfile").read_text()
    [line] = [x for x in procfile.splitlines() if x.startswith("reports:")]
    assert line.split()[-1] == REPORTS and f"--worker-class {WORKER_CLASS}" in line
    [texts] = [x for x in procfile.splitlines() if x.startswith("worker:")]
    assert texts.split()[-1] == QUEUE


# --- bounds ---------------------------------------------------------------------------------------

def test_a_second_export_by_the_same_person_is_refused_and_not_recorded(app, services, sms_out, lite, db, registered):
    staff = Console(app, sms_out, STAFF)
    queue_mode(services, lite)
    first = staff.export()
    assert first.status_code == 302 and audited(db) == 1
    again = staff.export("2016-11-24", "2026-11-23")
    assert again.headers["Location"] == first.headers["Location"]     # to the one under way
    assert "您有一份台账正在生成，请等它完成后再导出。" in staff.said(again)
    assert len(rows(db)) == 1 and audited(db) == 1                      # nothing of the refused one
    assert job_names(lite, REPORTS) == ["notifications.jobs.build_export"]


def test_a_person_has_ten_exports_a_day_and_the_county_three_at_once(app, services, sms_out, lite, db, clock,
                                                                     registered):
    staff = Console(app, sms_out, STAFF)
    for _ in range(exports.PER_DAY):                       # inline: each built at once
        assert staff.export().status_code == 302
    assert [r.status for r in rows(db)] == ["done"] * exports.PER_DAY and audited(db) == exports.PER_DAY
    refused = staff.export()
    assert "您今天已导出10次台账，已达每日上限，请明天再试。" in staff.said(refused)
    assert len(rows(db)) == exports.PER_DAY and audited(db) == exports.PER_DAY
    clock.set(datetime(2026, 11, 24, 8, 0, tzinfo=SHANGHAI))               # a new county day
    staff = Console(app, sms_out, STAFF)                                    # (signed in again: idle all night)
    assert staff.export().status_code == 302 and len(rows(db)) == exports.PER_DAY + 1
    # three others queue one each: the fourth waits for the county's turn
    others = [Console(app, sms_out, p) for p in (LIAISON, WATER, HEAD, LEADER)]
    queue_mode(services, lite)
    for person in others[:3]:
        assert person.export().status_code == 302
    fourth = others[3].export()
    assert "后台正在生成的台账较多（同时最多3份），请几分钟后再试。" in others[3].said(fourth)
    assert audited(db) == exports.PER_DAY + 1 + 3


def test_the_old_download_addresses_build_nothing_in_the_request(app, services, sms_out, db, registered, tmp_path,
                                                                  monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "sys-tmp"))
    (tmp_path / "sys-tmp").mkdir()
    staff = Console(app, sms_out, STAFF)
    for path, fmt in (("/console/export", "Excel"), ("/console/export.csv", "CSV")):
        r = staff.get(path, **{"from": "2016-11-24", "to": "2026-11-23"})
        assert r.status_code == 302 and "/console/stats" in r.headers["Location"]
        assert f"台账改为后台生成：请点击“生成台账”（{fmt}）" in staff.said(r)
    assert rows(db) == [] and audited(db) == 0
    assert os.listdir(tmp_path / "sys-tmp") == []


# --- inputs ---------------------------------------------------------------------------------------

HUGE = "99999999999999999999"


@pytest.mark.parametrize("path, params, said", [
    ("/console/cases", {"q": " ".join(["水费"] * 500)}, "查找内容过长：最多10个词、100个字"),
    ("/console/cases", {"q": "涨" * 101}, "查找内容过长"),
    ("/console/cases", {"until": "9999-12-31"}, "日期应在2000年1月1日至2027年11月24日之间"),
    ("/console/cases", {"since": "0001-01-01"}, "日期应在2000年1月1日"),
    ("/console/cases", {"since": "2026-13-45"}, "日期格式不对"),
    ("/console/cases", {"unit": HUGE}, "请从列表中选择责任单位"),
    ("/console/cases", {"unit": "-1"}, "请从列表中选择责任单位"),
    ("/console/stats", {"from": "0001-01-01"}, "日期应在2000年1月1日"),
    ("/console/stats", {"to": "9999-12-31"}, "日期应在2000年1月1日"),
    ("/console/stats", {"from": "2016-11-24", "to": "2026-11-23"}, "统计期间最长366天"),
    ("/console/export.csv", {"from": "2026-11-01", "to": "9999-12-31"}, "日期应在2000年1月1日"),
    ("/console/export", {"from": "0001-01-01"}, "日期应在2000年1月1日"),
    ("/console/analysis", {"kind": "weekly", "day": "9999-12-31"}, "日期应在2000年1月1日"),
    ("/console/analysis", {"kind": "monthly", "day": "0001-01-01"}, "日期应在2000年1月1日"),
])
def test_a_request_out_of_bounds_gets_a_sentence_not_a_500(app, sms_out, db, path, params, said):
    staff = Console(app, sms_out, STAFF)
    started = time.monotonic()
    r = staff.get(path, **params)
    assert r.status_code in (200, 302, 400), r.status_code
    assert said in staff.said(r)
    assert time.monotonic() - started < 5
    assert audited(db) == 0 and rows(db) == []             # nothing recorded, nothing started


@pytest.mark.parametrize("form, said", [
    ({"from": "2026-11-01", "to": "9999-12-31"}, "日期应在2000年1月1日"),
    ({"from": "0001-01-01", "to": "2026-11-23"}, "日期应在2000年1月1日"),
    ({"from": "2026-11-01", "to": "十一月"}, "日期格式不对"),
])
def test_an_export_of_days_out_of_bounds_is_refused_with_a_sentence(app, sms_out, db, form, said):
    staff = Console(app, sms_out, STAFF)
    r = staff.post("/console/exports", **form)
    assert r.status_code == 302 and said in staff.said(r)
    assert audited(db) == 0 and rows(db) == []


def test_ids_out_of_range_are_not_found_or_said(app, sms_out, peer, db):
    staff = Console(app, sms_out, STAFF)
    for path in (f"/console/exports/{HUGE}", f"/console/exports/{HUGE}/state", f"/console/exports/{HUGE}/file"):
        assert staff.get(path).status_code == 404
    reply = peer.text_sms(STAFF, "登记 走访 下汤镇林楼村 王五 无 1 村里路灯坏了半年")
    no = re.search(r"LS-\d{8}-\d{4}", reply).group(0)
    r = staff.post(f"/console/cases/{no}/act", action="lead", lead=HUGE)
    assert "请选择包案领导" in staff.said(r)
    r = staff.post("/console/reception", leader=HUGE, day="2026-12-05", hours="9:00-12:00", place="县信访局")
    assert "请选择接访的领导" in staff.said(r)
    r = staff.post("/console/reception", cancel=HUGE)
    assert "没有找到该场接访" in staff.said(r)


# --- files ----------------------------------------------------------------------------------------

def test_no_file_is_left_after_an_export_nor_after_a_failed_one(app, services, sms_out, db, registered, tmp_path,
                                                                monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "sys-tmp"))
    (tmp_path / "sys-tmp").mkdir()
    export_dir = services.settings.export_dir
    staff = Console(app, sms_out, STAFF)
    assert staff.export().status_code == 302
    [done] = rows(db)
    assert done.status == "done" and os.listdir(export_dir) == [done.file]       # the file alone: no .part, no tmp
    from core.workplace import workbench
    real = workbench.ledger

    def failing(*args, **kwargs):                          # the database goes away after 2,500 rows
        for i, row in enumerate(real(*args, **kwargs)):
            yield row
        for i in range(2500):
            yield row
        raise OSError("disk full")
    monkeypatch.setattr(workbench, "ledger", failing)
    for fmt in ("xlsx", "csv"):
        assert staff.export(fmt=fmt).status_code == 302
        failed = rows(db)[-1]
        assert failed.status == "failed" and "disk full" in failed.error
        assert "导出失败" in staff.said(staff.get(f"/console/exports/{failed.id}"))
        assert sorted(os.listdir(export_dir)) == [done.file]
    assert os.listdir(tmp_path / "sys-tmp") == []


def test_what_a_killed_export_left_is_removed_and_old_files_expire(services, db, clock, tmp_path, monkeypatch):
    from notifications.schedule import tick
    now = clock.now()
    staff = db.scalars(select(Person).where(Person.phone == STAFF)).one()
    export_dir = services.settings.export_dir
    export_dir.mkdir(parents=True)

    def export(status, **values):
        row = LedgerExport(person_id=staff.id, first=date(2026, 11, 1), last=date(2026, 11, 23), status=status,
                           rows_done=0, created_at=now - timedelta(days=8), **values)
        db.add(row)
        db.flush()
        return row
    killed = export("running", touched_at=now - timedelta(minutes=20), file="x")   # its worker was killed
    killed.file = f"ledger-{killed.id}.xlsx"
    alive = export("running", touched_at=now - timedelta(minutes=1))
    old = export("done", finished_at=now - timedelta(days=8))
    recent = export("done", finished_at=now - timedelta(days=1))
    old.file, recent.file, alive.file = f"ledger-{old.id}.xlsx", f"ledger-{recent.id}.csv", f"ledger-{alive.id}.xlsx"
    db.commit()
    (export_dir / f"ledger-{killed.id}.xlsx.part").write_bytes(b"PK")
    (export_dir / f"ledger-{killed.id}.tmp").mkdir()
    (export_dir / f"ledger-{killed.id}.tmp" / "tmpab12cd").write_bytes(b"<row/>")
    (export_dir / f"ledger-{alive.id}.xlsx.part").write_bytes(b"PK")
    (export_dir / old.file).write_bytes(b"PK")
    (export_dir / recent.file).write_bytes(b"\xef\xbb\xbf")
    (export_dir / "ledger-999.csv").write_bytes(b"")       # no export of that number
    # what the old in-request export left in the system's temporary directory
    legacy = tmp_path / "sys-tmp"
    legacy.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(legacy))
    (legacy / "xinfang-export-abc.xlsx").write_bytes(b"PK")
    written = (legacy / "xinfang-export-abc.xlsx").stat().st_mtime           # the file system's clock
    os.utime(legacy / "xinfang-export-abc.xlsx", (written - 7200, written - 7200))   # two hours old
    (legacy / "xinfang-export-new.xlsx").write_bytes(b"PK")           # one being written right now
    (legacy / "other.txt").write_bytes(b"")
    ran = {name: result for name, _, result in tick(services, now)}   # by hand: no queue, runs here
    assert ran["exports"] == "台账导出：过期1份，中断1份，删除文件5个", ran
    assert sorted(os.listdir(export_dir)) == sorted([f"ledger-{alive.id}.xlsx.part", recent.file])
    assert sorted(os.listdir(legacy)) == ["other.txt", "xinfang-export-new.xlsx"]
    statuses = {r.id: (r.status, r.error) for r in rows(db)}
    assert statuses[killed.id] == ("failed", "interrupted") and statuses[old.id] == ("expired", None)
    assert statuses[alive.id] == ("running", None) and statuses[recent.id] == ("done", None)


def test_an_interrupted_export_built_again_leaves_only_its_file(app, services, sms_out, db, clock, registered):
    staff = Console(app, sms_out, STAFF)
    me = db.scalars(select(Person).where(Person.phone == STAFF)).one()
    export_dir = services.settings.export_dir
    export_dir.mkdir(parents=True)
    now = clock.now()
    dead = LedgerExport(person_id=me.id, first=date(2026, 11, 1), last=date(2026, 11, 23), status="running",
                        rows_done=2000, created_at=now, touched_at=now - timedelta(minutes=20))
    db.add(dead)
    db.commit()
    (export_dir / f"ledger-{dead.id}.xlsx.part").write_bytes(b"PK")
    (export_dir / f"ledger-{dead.id}.tmp").mkdir()
    page = staff.said(staff.get(f"/console/exports/{dead.id}"))
    assert "生成中断" in page
    # its turn is over: a new export is not refused because of it
    r = staff.post(f"/console/exports/{dead.id}/again")
    assert "已完成，共3行" in staff.said(r)
    assert os.listdir(export_dir) == [f"ledger-{dead.id}.xlsx"]
    assert audited(db) == 1


def test_an_expired_file_is_said_not_served(app, services, sms_out, db, registered):
    staff = Console(app, sms_out, STAFF)
    staff.export(fmt="csv")
    [row] = rows(db)
    assert row.file.endswith(".csv")
    got = staff.get(f"/console/exports/{row.id}/file")
    assert got.status_code == 200 and got.data.startswith("\ufeff编号,渠道".encode())
    assert got.headers["Content-Type"].startswith("text/csv")
    got.close()
    assert audited(db, "export_download") == 1
    (services.settings.export_dir / row.file).unlink()
    r = staff.get(f"/console/exports/{row.id}/file")
    page = staff.said(r)
    assert "该台账文件已超过保留期限（7天）被删除，请重新生成" in page and "重新生成" in page
    assert rows(db)[0].status == "expired"
    assert "已完成，共3行" in staff.said(staff.post(f"/console/exports/{row.id}/again"))   # built again


def test_the_case_file_says_every_step_in_chinese(app, sms_out, peer, db):
    """周敏 registers a visit, 下汤镇's liaison accepts it by text, she names the 包案 leader and adds a
    note in the console: the history and the record read 受理（李建国） 一般, 包案, 备注 — not the
    stored codes ("normal", "lead", "note") that showed before."""
    staff = Console(app, sms_out, STAFF)
    reply = peer.text_sms(STAFF, "登记 走访 下汤镇林楼村 王五 无 1 村里路灯坏了半年")
    no = re.search(r"LS-\d{8}-\d{4}", reply).group(0)
    peer.text_sms(LIAISON, f"受理 {no}")
    page = staff.said(staff.get(f"/console/cases/{no}"))
    lead = re.search(r"<option value=\"(\d+)\"[^>]*>[^<]*陈国栋", page).group(1)
    staff.post(f"/console/cases/{no}/act", action="lead", lead=lead)
    staff.post(f"/console/cases/{no}/act", action="note", text="已电话联系村委")
    page = staff.said(staff.get(f"/console/cases/{no}"))
    shown = re.sub(r"<script.*?</script>|<style.*?</style>|<[^>]+>", " ", page, flags=re.S)
    assert "受理" in shown and "一般" in shown and "包案" in shown and "备注" in shown
    codes = set(re.findall(r"(?<![A-Za-z0-9_./-])[a-z][a-z_]{3,}(?![A-Za-z0-9_./-])", shown))
    assert codes == set(), codes
