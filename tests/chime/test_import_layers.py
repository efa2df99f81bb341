"""The apps are layered: chime (the core) imports no app; sessions may import chime; ethics may import both.

Nothing imports upward, so there are no import cycles. Higher apps plug into lower ones through registries that they
fill from their AppConfig.ready() (chime.access.register_visibility, sessions.hooks.register).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = {"chime": {"sessions", "ethics"}, "sessions": {"ethics"}, "ethics": set()}


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """Every module a file imports, at the top or inside a function, with its line number."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def upward_imports(app: str) -> list[str]:
    problems = []
    for path in sorted((ROOT / app).rglob("*.py")):
        for line, module in imported_modules(path):
            if module.split(".")[0] in FORBIDDEN[app]:
                problems.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    return problems


@pytest.mark.parametrize("app", sorted(FORBIDDEN))
def test_no_app_imports_a_layer_above_it(app):
    assert upward_imports(app) == []


def test_the_check_finds_an_import_hidden_inside_a_function(tmp_path):
    module = tmp_path / "late.py"
    module.write_text("def f():\n    from ethics.models import Concern\n    import sessions.models\n")
    assert imported_modules(module) == [(2, "ethics.models"), (3, "sessions.models")]
