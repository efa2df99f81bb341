#!/usr/bin/env python
"""Django's command-line utility for Chime."""

import os
import sys
from pathlib import Path

DEVELOPMENT_ENV = Path(__file__).resolve().parent / ".env"


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chime.settings")
    # `make run` writes .env (git-ignored) with the development values, so that commands typed by hand in a
    # development checkout need nothing exported. An environment that says DJANGO_DEBUG itself is configured on
    # purpose (production, the benchmarks, the tests) and takes nothing from the file. gunicorn never reads it.
    if "DJANGO_DEBUG" not in os.environ and DEVELOPMENT_ENV.exists():
        import environ

        environ.Env.read_env(DEVELOPMENT_ENV)
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
