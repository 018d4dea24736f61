"""``/console/cases/<no>/documents/<kind>``: a case's written notices as Word files (issue 32, 4;
core/cases/documents.py builds them, notifications/documents.py writes them). The case file lists what
its state allows (``console/_documents.html``); a download is for one who may open the case —
anyone else, an accused person or unit above all, gets 404 as for an unknown number — and is
recorded in the case's history (经过: who, which document, its number, when) and the audit trail.
"""
from __future__ import annotations

import io

from flask import Blueprint, abort, flash, redirect, send_file, url_for
from flask_login import login_required

from bot.console.common import client_address, clock_now, security_headers, services, signed_in
from core.cases import documents
from core.workplace import workbench
from core.cases.lifecycle import CaseError
from core.store.db import transaction
from core.words import documents as W
from core.words import refusals as errors
from notifications.documents import DOCX_TYPE, docx_bytes, file_name

bp = Blueprint("documents", __name__, url_prefix="/console")
bp.after_request(security_headers)   # the console's: CSP, no-store (a file with a petitioner's name in it)


@bp.app_context_processor
def _helpers():
    return {"documents_of": documents.available, "DOCUMENT_TITLES": W.TITLES, "DOCUMENT_WORDS": W}


@bp.get("/cases/<no>/documents/<kind>")
@login_required
def download(no: str, kind: str):
    svc, now = services(), clock_now()
    message = None
    with transaction(svc.sessions) as s:
        person = signed_in(s)
        p = workbench.find_case(s, person, no, lock=True)
        if p is None or kind not in W.TITLES:
            abort(404)
        try:
            doc = documents.issue(s, p, kind, now, f"{person.role}:{person.id}")
        except CaseError as exc:   # the state does not allow it (yet): said on the case file
            s.rollback()
            message = errors.say(exc)
        else:
            workbench.audit(s, person, now, documents.EVENT, p.id, detail=W.issued(doc.title, doc.number),
                            address=client_address())
            data = docx_bytes(doc)
    if message is not None:
        flash(message)
        return redirect(url_for("console.case", no=no))
    return send_file(io.BytesIO(data), as_attachment=True, download_name=file_name(doc), mimetype=DOCX_TYPE,
                     max_age=0)
