"""`make run`: the development server and the background worker, side by side, on one database.

This process starts (or joins) the embedded PostgreSQL and exports DATABASE_URL before anything else runs, so the
worker it starts and runserver's reloader both use the same database. The worker stops when the server stops.
"""

from __future__ import annotations

import os
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV


class Command(BaseCommand):
    help = "Run the development server with the background task worker (db_worker) beside it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args: object, addrport: str, **options: object) -> None:
        if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
            # runserver's reloader runs this command again in a child process: only serve there.
            call_command("runserver", addrport)
            return
        worker = subprocess.Popen(  # noqa: S603 - our own manage.py, no user input
            [sys.executable, "manage.py", "db_worker", "--no-reload", "--interval", "2"],
            env=os.environ.copy(),
            start_new_session=True,  # Ctrl+C reaches the server; the worker is stopped below
        )
        self.stdout.write(f"Background worker started (pid {worker.pid}).")
        try:
            call_command("runserver", addrport)
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()
            self.stdout.write("Background worker stopped.")
