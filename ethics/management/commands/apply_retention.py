from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from ethics.services.rights import apply_retention


class Command(BaseCommand):
    help = "Anonymise or remove records past their retention period. Never touches records under a hold."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would happen; change nothing."
        )

    def handle(self, *args: object, dry_run: bool, **options: object) -> None:
        due, held = apply_retention(dry_run=dry_run)
        verb = "Would" if dry_run else "Did"
        for action in due:
            self.stdout.write(f"{verb} {action.action} {action.kind} {action.object_id}: {action.why}")
            for kept in action.kept:
                self.stdout.write(f"  kept under a safeguarding hold: {kept}")
        for action in held:
            self.stdout.write(f"Kept {action.kind} {action.object_id}: {action.why}")
        partly = sum(1 for action in due if action.kept)
        self.stdout.write(
            f"{len(due)} {'due' if dry_run else 'done'} ({partly} with safeguarding records kept under a hold), "
            f"{len(held)} kept whole under a hold."
        )
