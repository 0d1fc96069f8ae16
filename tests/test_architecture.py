"""The package's shape (docs/architecture.md): no function-local import of a frappe_api module hides a cycle.

The layers themselves are checked by import-linter (``lint-imports``, run by ``make test`` after pytest).
"""

import ast
from pathlib import Path

import pytest

import frappe_api

PACKAGE = Path(frappe_api.__file__).parent

# Where a function may import a frappe_api module: the app configs' ready(), the lazy package __init__ and the
# system checks (they run once models are loaded); urls.py's optional-app wiring is an `if` at module level.
ALLOWED = {
    ("apps.py", "ready"),
    ("oauth/apps.py", "ready"),
    ("realtime/apps.py", "ready"),
    ("__init__.py", "register"),
    ("__init__.py", "unregister"),
    ("__init__.py", "whitelist"),
    ("__init__.py", "rate_limit"),
    ("__init__.py", "publish_realtime"),
    ("__init__.py", "publish_progress"),
    ("oauth/checks.py", "check_provider_settings"),
}


def local_imports(path: Path) -> list[tuple[str, int]]:
    """(function, line) of every import of a frappe_api module inside a function of ``path``."""
    found = []
    for function in ast.walk(ast.parse(path.read_text())):
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for node in ast.walk(function):
            internal = (isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("frappe_api"))
                        or isinstance(node, ast.Import) and any(a.name.startswith("frappe_api") for a in node.names))
            if internal:
                found.append((function.name, node.lineno))
    return found


def test_no_function_local_imports_of_the_package():
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if relative.split("/")[-2:-1] == ["migrations"]:
            continue
        offenders += [f"{relative}:{line} in {name}()" for name, line in local_imports(path)
                      if (relative, name) not in ALLOWED]
    assert offenders == []


def test_the_check_sees_a_local_import(tmp_path):
    module = tmp_path / "module.py"
    module.write_text("def f():\n    from .registry import registry\n    import frappe_api.meta\n    import json\n")
    assert local_imports(module) == [("f", 2), ("f", 3)]
