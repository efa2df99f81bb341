"""The demo organisation. It lives in ethics, the top app, because it seeds every app's data: sessions never
imports ethics."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from chime.services import in_app_only
from ethics import demo as ethics_demo
from sessions import demo


class Command(BaseCommand):
    help = "Load the fictional demo organisation (idempotent). With --scale N, add N practitioners' worth of bulk data."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            type=int,
            default=0,
            help="Add N practitioners × 50 people × 20 sessions (with their audit rows).",
        )
        parser.add_argument("--people-per-practitioner", type=int, default=50)
        parser.add_argument("--sessions-per-person", type=int, default=20)
        parser.add_argument("--logins", action="store_true", help="Print the demo logins afterwards.")

    def handle(
        self,
        *args: object,
        scale: int,
        people_per_practitioner: int,
        sessions_per_person: int,
        logins: bool,
        **options: object,
    ) -> None:
        with in_app_only():  # the demo's staff are fictional: notify them in the app, email nobody
            users = demo.ensure_demo_accounts()
            added = demo.ensure_demo_people(users)
            consents = ethics_demo.ensure_demo_consents(users)
            demo.ensure_demo_supervision(users)
            concerns = ethics_demo.ensure_demo_concerns(users)
            ethics_demo.ensure_demo_access_requests(users)
            dee_link = ethics_demo.ensure_demo_online_access(users)
            meetings = demo.ensure_demo_groups(users)
        self.stdout.write(
            f"Demo organisation ready ({added} new demo sessions, {consents} new demo consents, "
            f"{concerns} new safeguarding concerns, {meetings} new group meetings)."
        )
        if scale:
            self.stdout.write(f"Adding bulk data: {scale} practitioners …")
            counts = ethics_demo.seed_scale(
                scale,
                people_per_practitioner=people_per_practitioner,
                sessions_per_person=sessions_per_person,
                log=self.stdout.write,
            )
            self.stdout.write(
                f"Added {counts['practitioners']:,} practitioners, {counts['people']:,} people, "
                f"{counts['sessions']:,} sessions, {counts['areas']:,} area notes, {counts.get('consents', 0):,} "
                f"consents, {counts.get('concerns', 0):,} safeguarding concerns, {counts['groups']:,} groups with "
                f"{counts['meetings']:,} meetings and {counts['attendances']:,} attendances, and {counts['audit']:,} audit rows "
                f"in {counts['seconds']} s."
            )
        if logins:
            self.stdout.write(f"\nDemo logins (password for all: {demo.DEMO_PASSWORD}):")
            for account in demo.DEMO_ACCOUNTS:
                self.stdout.write(
                    f"  {account.username:<8} {account.first_name} {account.last_name}, {account.about}"
                )
            if dee_link:
                self.stdout.write(
                    "\nDee reads her own record online (no password): open this one-time sign-in link in another "
                    f"browser or a private window. It works once, for {settings.CHIME_INVITATION_HOURS} hours, "
                    f"and `make run` makes a new one each time:\n  {dee_link}"
                )
