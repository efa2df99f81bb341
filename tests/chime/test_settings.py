from __future__ import annotations

import os
import subprocess
import sys

from django.conf import settings


def _setup_with(
    env_changes: dict[str, str | None], code: str = "import django; django.setup()"
) -> subprocess.CompletedProcess:
    env = {**os.environ}
    for key, value in env_changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run(
        [sys.executable, "-c", code],
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


def test_refuses_to_start_without_an_audit_checkpoint_key_when_debug_is_off():
    result = _setup_with({"DJANGO_DEBUG": "false", "CHIME_AUDIT_CHECKPOINT_KEY": None})
    assert result.returncode != 0
    assert "Chime needs CHIME_AUDIT_CHECKPOINT_KEY, at least 32 characters long" in result.stderr


def test_development_makes_its_own_checkpoint_key_once_in_a_private_file_beside_the_checkpoints(tmp_path):
    checkpoints = tmp_path / "checkpoints" / "audit-chain.jsonl"
    env = {
        "DJANGO_DEBUG": "true",
        "CHIME_AUDIT_CHECKPOINT_KEY": None,
        "CHIME_AUDIT_CHECKPOINT_FILE": str(checkpoints),
    }
    show_key = "import django; django.setup(); from django.conf import settings; print(settings.CHIME_AUDIT_CHECKPOINT_KEY)"
    first, second = (_setup_with(env, show_key).stdout.strip() for _ in range(2))
    key_file = checkpoints.parent / "key"
    assert first == second == key_file.read_text()
    assert len(first) == 64
    assert key_file.stat().st_mode & 0o777 == 0o600


def test_refuses_a_database_that_is_not_postgresql():
    result = _setup_with({"DATABASE_URL": "sqlite:////tmp/chime.sqlite3"})
    assert result.returncode != 0
    assert "PostgreSQL only" in result.stderr


def test_debug_is_off_unless_asked_for():
    assert settings.DEBUG is False


def test_the_tests_run_on_postgresql():
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
