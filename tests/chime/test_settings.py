from __future__ import annotations

import os
import subprocess
import sys

from django.conf import settings


def _setup_with(env_changes: dict[str, str | None]) -> subprocess.CompletedProcess:
    env = {**os.environ}
    for key, value in env_changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        timeout=60,
        check=False,
    )


def test_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = _setup_with({"DJANGO_DEBUG": "false", "SECRET_KEY": None})
    assert result.returncode != 0
    assert "needs SECRET_KEY and ALLOWED_HOSTS" in result.stderr


def test_refuses_to_start_without_allowed_hosts_when_debug_is_off():
    result = _setup_with({"DJANGO_DEBUG": "false", "ALLOWED_HOSTS": None})
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_refuses_a_database_that_is_not_postgresql():
    result = _setup_with({"DATABASE_URL": "sqlite:////tmp/chime.sqlite3"})
    assert result.returncode != 0
    assert "PostgreSQL only" in result.stderr


def test_debug_is_off_unless_asked_for():
    assert settings.DEBUG is False


def test_the_tests_run_on_postgresql():
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
