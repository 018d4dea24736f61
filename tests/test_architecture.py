"""The layers hold (docs/architecture.md): the import contracts of pyproject.toml, checked by
import-linter — bot → handlers → core, notifications → core, nothing imports bot, core knows no
front end, and no package's modules import each other in a cycle."""
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_are_kept():
    run = subprocess.run([sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; "
                          "sys.exit(lint_imports_command())"],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert "0 broken" in run.stdout


def test_every_dialect_branch_is_in_the_store():
    """SQLite and PostgreSQL differ in one package only (core/store): nowhere else is the
    database's dialect asked for."""
    outside = [str(path.relative_to(ROOT)) for package in ("bot", "handlers", "core", "notifications")
               for path in (ROOT / package).rglob("*.py")
               if "store" not in path.relative_to(ROOT).parts and ".dialect" in path.read_text(encoding="utf-8")]
    assert outside == []


def test_imports_inside_functions_say_why():
    """An import inside a function hides what a module depends on (and can hide a cycle): only
    modules that say why — a comment "# Imports inside functions: …" — have any."""
    import ast

    unexplained = []
    for package in ("bot", "handlers", "core", "notifications"):
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            source = path.read_text(encoding="utf-8")
            inner = [n for f in ast.walk(ast.parse(source)) if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
                     for n in ast.walk(f) if isinstance(n, (ast.Import, ast.ImportFrom))]
            if inner and "# Imports inside functions:" not in source:
                unexplained.append(f"{path.relative_to(ROOT)}:{inner[0].lineno}")
    assert unexplained == []


def test_handlers_build_no_sql():
    """Handlers call named functions of core (core/store/ for the hot path) and never build SQL:
    they import SQLAlchemy's types at most (a Session, a Connection), never its statements."""
    building = [str(path.relative_to(ROOT)) for path in (ROOT / "handlers").rglob("*.py")
                if re.search(r"^from sqlalchemy import |^import sqlalchemy", path.read_text(encoding="utf-8"), re.M)]
    assert building == []
