"""Production settings: Django's deployment checks, secure cookies, HSTS, and password rules that hold."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

from django.conf import settings

from tests.factories import TEST_PASSWORD

TEST_ONLY = [
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "PASSWORD_HASHERS",
    "CHIME_STATIC_MANIFEST",
    "CHIME_REQUIRE_2FA",
    "HTTPS",
    "CHIME_DEMO_MODE",
]


def _production_env(**changes: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in TEST_ONLY}
    env.update(
        DJANGO_DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="chime.example.org",
        CSRF_TRUSTED_ORIGINS="https://chime.example.org",
        BEHIND_PROXY="true",
    )
    env.update(changes)
    return env


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, *args],
        env=env,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        timeout=120,
        check=False,
    )


def test_the_deployment_checks_pass_with_production_settings():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], _production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deployment_checks_fail_when_https_is_switched_off():
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], _production_env(HTTPS="false")
    )
    assert result.returncode != 0
    assert "security.W012" in result.stderr  # SESSION_COOKIE_SECURE


def test_production_turns_on_secure_cookies_hsts_and_two_factor():
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SECURE_HSTS_SECONDS, "
        "s.SECURE_SSL_REDIRECT, s.CHIME_REQUIRE_2FA, s.CHIME_IDLE_TIMEOUT_MINUTES, s.SESSION_COOKIE_AGE)"
    )
    result = _run(["-c", script], _production_env())
    assert result.stdout.split() == ["True", "True", "True", "31536000", "True", "True", "15", "36000"]


def test_pages_over_https_carry_hsts(client, db, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get("/login/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_a_weak_new_password_is_refused_and_the_old_one_still_works(client, practitioner):
    client.force_login(practitioner)
    for weak in ["short-pw", "123456789012345", "password1234", "practitioner-1"]:
        response = client.post(
            "/password/", {"old_password": TEST_PASSWORD, "new_password1": weak, "new_password2": weak}
        )
        assert response.status_code == 200, weak
        assert response.context["form"].errors["new_password2"], weak
    practitioner.refresh_from_db()
    assert practitioner.check_password(TEST_PASSWORD)


def test_changing_the_password_signs_out_the_other_sessions(client, practitioner):
    from django.test import Client

    elsewhere = Client()
    elsewhere.force_login(practitioner)
    client.force_login(practitioner)
    new = "a-brand-new-password-99"
    client.post("/password/", {"old_password": TEST_PASSWORD, "new_password1": new, "new_password2": new})
    assert client.get("/").status_code == 200
    assert elsewhere.get("/").status_code == 302
