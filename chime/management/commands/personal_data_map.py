from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandParser

from chime import personal_data

COLUMNS = [("table", "Table"), ("column", "Column"), ("kind", "Kind"), ("on_erasure", "On erasure")]


class Command(BaseCommand):
    help = (
        "Print the personal-data map: every column of Chime's own tables, what it holds and what erasure of a "
        "person supported does with it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="A list of objects, one per column.")

    def handle(self, *args: object, json: bool, **options: object) -> None:
        rows = personal_data.map_rows()
        if json:
            self.stdout.write(_as_json(rows))
            return
        self.stdout.write(_as_table(rows))
        self.stdout.write("\nNot Chime's own tables, so outside this map:")
        for tables, note in personal_data.OUTSIDE_THE_PROJECT.items():
            self.stdout.write(f"  {tables}: {note}")


def _as_json(rows: list[dict[str, object]]) -> str:
    return json.dumps(rows, indent=2)


def _as_table(rows: list[dict[str, object]]) -> str:
    headers = [*COLUMNS, ("concerns", "Concerns"), ("when_held", "Rows under a hold")]
    cells = [[_cell(row, key) for key, _ in headers] for row in rows]
    widths = [max(len(title), *(len(c[i]) for c in cells)) for i, (_, title) in enumerate(headers)]
    lines = [_line([title for _, title in headers], widths), _line(["-" * w for w in widths], widths)]
    lines += [_line(c, widths) for c in cells]
    return "\n".join(lines)


def _cell(row: dict[str, object], key: str) -> str:
    if key == "on_erasure" and row["anonymised_to"] is not None:
        return f"anonymise to {row['anonymised_to']}"
    if key == "when_held":
        return "kept intact" if row[key] else ""
    return str(row[key])


def _line(cells: list[str], widths: list[int]) -> str:
    return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()
