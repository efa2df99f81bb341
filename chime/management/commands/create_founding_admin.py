"""Make one of a new organisation's first two admins: every later admin is asked for and approved on the staff pages."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from chime.accounts.staff import StaffError, create_founding_admin


class Command(BaseCommand):
    help = (
        "Make one of the organisation's first two admins (refused once there are two). They get a one-time "
        "set-up link by email to choose their password and set up two-factor sign-in."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("email")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")

    def handle(self, *args: object, **options: str) -> None:
        try:
            account = create_founding_admin(
                username=options["username"],
                email=options["email"],
                first_name=options["first_name"],
                last_name=options["last_name"],
            )
        except StaffError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Admin {account.username} made; a one-time set-up link was emailed to {account.email}."
        )
