"""The suite passes on any day of the year: no test file reads the clock when it is imported.

A date worked out at import (a module constant, a `parametrize` value, a default argument) is the real day, not the
day a test moves the clock to (`make test-dates`, time-machine), and it goes stale when a run crosses midnight.
Work it out inside the test, or pass a callable (`lambda: timezone.localdate() + ...`)."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).parent
CLOCK_READS = {"now", "today", "localdate", "localtime", "utcnow"}


class _ReadsAtImport(ast.NodeVisitor):
    """Collects clock reads in code that runs at import: not inside function bodies or lambdas."""

    def __init__(self) -> None:
        self.lines: list[int] = []

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        # Decorators and default values run when the function is defined, that is at import.
        for expression in [*node.decorator_list, *node.args.defaults, *node.args.kw_defaults]:
            if expression is not None:
                self.visit(expression)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node: ast.Lambda) -> None:
        return

    def visit_Call(self, node: ast.Call) -> None:
        if isinstance(node.func, ast.Attribute) and node.func.attr in CLOCK_READS:
            self.lines.append(node.lineno)
        self.generic_visit(node)


def _reads_at_import(path: Path) -> list[int]:
    reader = _ReadsAtImport()
    reader.visit(ast.parse(path.read_text(), filename=str(path)))
    return reader.lines


def test_no_test_file_reads_the_clock_when_it_is_imported():
    files = [*TESTS.rglob("test_*.py"), *TESTS.rglob("conftest.py"), TESTS / "factories.py"]
    found = {str(path.relative_to(TESTS)): lines for path in files if (lines := _reads_at_import(path))}
    assert found == {}


def test_the_check_finds_a_date_in_a_constant_and_in_parametrize_but_not_inside_a_test(tmp_path):
    sample = tmp_path / "test_sample.py"
    sample.write_text(
        "TODAY = timezone.localdate()\n"
        "@pytest.mark.parametrize('day', [dt.date.today()])\n"
        "def test_x(day, later=lambda: timezone.now()):\n"
        "    assert timezone.localdate()\n"
    )
    assert _reads_at_import(sample) == [1, 2]
