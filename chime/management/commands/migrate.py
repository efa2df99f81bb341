"""`manage.py migrate`, run as the role that owns the tables (DATABASE_OWNER_URL), never as the app's role.

Django's own command does the work; this one only switches the connection to the owner for its run (and so for
pytest-django's test database too). After the migrations, `chime.apps` grants the app's role what it may do.
"""

from __future__ import annotations

from django.core.management.commands import migrate

from chime.dbroles import as_owner


class Command(migrate.Command):
    help = f"{migrate.Command.help} Runs as the owning database role (DATABASE_OWNER_URL)."

    def handle(self, *args: object, **options: object) -> None:
        with as_owner(options["database"]):
            super().handle(*args, **options)
