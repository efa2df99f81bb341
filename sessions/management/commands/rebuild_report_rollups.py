"""`manage.py rebuild_report_rollups [--check | --cluster]`: prove the report's roll-ups equal a full recount.

Without an option, the roll-ups are replaced by a recount in one transaction (the records they count cannot change
meanwhile; reading goes on), and compared again afterwards. Exits 1 when the stored roll-ups differed from the
recount (they are then rebuilt), 0 when they were already equal. With --check nothing is written. With --cluster,
after the comparison (and any rebuild), the roll-up tables are rewritten in period order (`rollups.cluster`), as the
owning role: for after a bulk import.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from chime import dbroles
from sessions import rollups


class Command(BaseCommand):
    help = "Recount the commissioners' report's monthly roll-ups from every session, and rebuild them if they differ."

    def add_arguments(self, parser) -> None:
        choice = parser.add_mutually_exclusive_group()
        choice.add_argument(
            "--check", action="store_true", help="Compare only: print any differences, change nothing."
        )
        choice.add_argument(
            "--cluster",
            action="store_true",
            help="Then rewrite the roll-up tables in period order, so reports read fewer pages (after a bulk import).",
        )

    def handle(self, *args, check: bool, cluster: bool, **options) -> None:
        started = time.monotonic()
        if check:
            before, shown = rollups.differences(limit=20)
        else:
            before, shown = rollups.rebuild()
        if cluster:
            with dbroles.as_owner():
                rollups.cluster()
            self.stdout.write("The roll-up tables are rewritten in period order.")
        seconds = time.monotonic() - started
        for difference in shown:
            self.stdout.write(f"  {difference}")
        if before > len(shown):
            self.stdout.write(f"  … and {before - len(shown)} more")
        if not before:
            self.stdout.write(f"The roll-ups equal a full recount ({seconds:.1f} s).")
            return
        if check:
            raise CommandError(f"{before} roll-up rows differ from a full recount ({seconds:.1f} s).")
        raise CommandError(
            f"{before} roll-up rows differed from a full recount; rebuilt, and now equal to it ({seconds:.1f} s)."
        )
