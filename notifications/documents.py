"""A case's document (core.cases.documents.Document) as a Word file (.docx), written with python-docx:
pure Python, no system library, and a file the bureau can still edit and seal before printing.

The layout follows a government notice's (GB/T 9704 in spirit, not to the millimetre): the
issuing body and the title centred, the number under them, the addressee, the body in
仿宋 at 三号 (16 pt) with a two-character indent, the legal basis, then the issuer, the date and
the place of the seal on the right. Word substitutes a font the machine lacks; the file names
the East Asian font so Chinese text never falls back to a Latin one.
"""
from __future__ import annotations

import io

from docx import Document as new_docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from core.cases.documents import Document
from core.words import documents as W

BODY_FONT, TITLE_FONT = "仿宋", "宋体"
BODY_SIZE, TITLE_SIZE = Pt(16), Pt(22)          # 三号, 二号
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _font(run, name: str, size, bold: bool = False) -> None:
    run.font.name, run.font.size, run.font.bold = name, size, bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _line(doc, text: str, align=None, size=BODY_SIZE, bold: bool = False, font: str = BODY_FONT, indent: bool = False):
    para = doc.add_paragraph()
    if align is not None:
        para.alignment = align
    if indent:
        para.paragraph_format.first_line_indent = size * 2
    _font(para.add_run(text), font, size, bold)
    return para


def _table(doc, rows: list[tuple[str, str]]) -> None:
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for label, value in rows:
        cells = table.add_row().cells
        _font(cells[0].paragraphs[0].add_run(label), BODY_FONT, Pt(14), bold=True)
        _font(cells[1].paragraphs[0].add_run(value), BODY_FONT, Pt(14))


def docx_bytes(d: Document) -> bytes:
    """The document as the bytes of a .docx file."""
    doc = new_docx()
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = BODY_FONT, BODY_SIZE
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    doc.core_properties.title = f"{d.title} {d.number}"
    _line(doc, d.issuer, WD_ALIGN_PARAGRAPH.CENTER, TITLE_SIZE, True, TITLE_FONT)
    _line(doc, d.title, WD_ALIGN_PARAGRAPH.CENTER, TITLE_SIZE, True, TITLE_FONT)
    _line(doc, d.number, WD_ALIGN_PARAGRAPH.CENTER)
    if d.rows:   # the 交办单: its opening to the unit, then the facts and deadlines as tables
        _line(doc, d.paragraphs[0], indent=True)
        _table(doc, d.rows)
        _line(doc, W.DEADLINES_LABEL, bold=True)
        _table(doc, d.deadlines)
        _line(doc, W.COPY, indent=True)
    else:
        _line(doc, W.addressed(d.addressee))
        for text in d.paragraphs:
            _line(doc, text, indent=True)
    _line(doc, W.BASIS_LABEL + d.basis, indent=True)
    _line(doc, W.NUMBER_LABEL + d.tracking_no, indent=True)
    for text in (d.issuer, W.SEAL, W.day(d.dated)):
        _line(doc, text, WD_ALIGN_PARAGRAPH.RIGHT)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def file_name(d: Document) -> str:
    return f"{d.tracking_no}-{d.title}.docx"
