from __future__ import annotations

import base64
import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from chime.models import AuditEvent
from tests.chime.conftest import NEW_PASSWORD, code_from
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.usefixtures("two_factor_on")


def test_staff_without_an_app_are_sent_to_set_one_up_before_any_page(client, practitioner, person):
    client.force_login(practitioner)
    for url in ["/", f"/people/{person.pk}/", "/notifications/", "/password/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/account/two-factor/?next=")


def test_the_set_up_page_shows_a_qr_code_drawn_here_and_the_key_to_type(client, practitioner, enrolling):
    enrolling(client, practitioner)
    response = client.get("/account/two-factor/")
    device = TOTPDevice.objects.get(user=practitioner, confirmed=False)
    assert response.status_code == 200
    assert b'src="data:image/svg+xml;base64,' in response.content
    typed = response.context["secret"].replace(" ", "")
    assert base64.b32decode(typed) == device.bin_key
    assert typed[:4].encode() in response.content


def test_visiting_the_set_up_page_again_keeps_the_same_key(client, practitioner, enrolling):
    enrolling(client, practitioner)
    first = client.get("/account/two-factor/").context["secret"]
    assert client.get("/account/two-factor/").context["secret"] == first
    assert TOTPDevice.objects.filter(user=practitioner).count() == 1


def test_a_code_from_the_new_app_confirms_it_shows_backup_codes_and_opens_chime(
    client, practitioner, enrolling
):
    enrolling(client, practitioner)
    client.get("/account/two-factor/")
    device = TOTPDevice.objects.get(user=practitioner)
    response = client.post("/account/two-factor/", {"code": code_from(device), "next": "/notifications/"})
    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == 10
    assert set(StaticToken.objects.filter(device__user=practitioner).values_list("token", flat=True)) == set(
        codes
    )
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(action="update", reason="two-factor sign-in set up").count() == 1


def test_a_wrong_code_at_set_up_is_refused_beside_the_field_and_confirms_nothing(
    client, practitioner, enrolling
):
    enrolling(client, practitioner)
    client.get("/account/two-factor/")
    response = client.post("/account/two-factor/", {"code": "000000"})
    assert response.status_code == 200
    assert "did not match" in response.context["form"].errors["code"][0]
    assert not TOTPDevice.objects.filter(user=practitioner, confirmed=True).exists()
    assert not StaticToken.objects.exists()
    assert client.get("/").status_code == 302


def test_knowing_the_password_is_never_enough_to_enrol_an_authenticator(client, practitioner):
    client.post("/login/", {"username": "practitioner", "password": TEST_PASSWORD})
    page = client.get("/account/two-factor/")
    assert page.status_code == 403
    assert b"Ask an admin for a set-up link" in page.content
    refused = client.post("/account/two-factor/", {"code": "123456"})
    assert refused.status_code == 403
    assert not TOTPDevice.objects.filter(user=practitioner).exists()
    assert client.get("/")["Location"].startswith("/account/two-factor/?next=")


def test_the_link_opens_enrolment_for_that_session_only_and_only_until_the_app_is_confirmed(
    client, practitioner, enrolling
):
    enrolling(client, practitioner)
    other_browser = Client()
    other_browser.post("/login/", {"username": "practitioner", "password": NEW_PASSWORD})
    assert other_browser.get("/account/two-factor/").status_code == 403
    client.get("/account/two-factor/")
    client.post("/account/two-factor/", {"code": code_from(TOTPDevice.objects.get(user=practitioner))})
    for model in (TOTPDevice, StaticDevice):  # as if the devices were removed straight after
        model.objects.filter(user=practitioner).delete()
    assert client.get("/account/two-factor/").status_code == 403


def test_each_log_in_asks_for_a_code_before_any_page(client, practitioner, app_of):
    app_of(practitioner)
    response = client.post("/login/", {"username": "practitioner", "password": TEST_PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/account/two-factor/verify/?next=%2F"
    assert b"Enter your code" in response.content
    assert client.get("/notifications/")["Location"].startswith("/account/two-factor/verify/")


def test_a_code_from_the_app_completes_the_log_in_and_is_audited(client, practitioner, app_of):
    device = app_of(practitioner)
    client.post("/login/", {"username": "practitioner", "password": TEST_PASSWORD})
    response = client.post(
        "/account/two-factor/verify/", {"code": code_from(device), "next": "/notifications/"}
    )
    assert response["Location"] == "/notifications/"
    assert client.get("/").status_code == 200
    event = AuditEvent.objects.filter(action="login").last()
    assert (event.actor, event.reason) == (practitioner, "second step: authenticator app")


def test_a_code_cannot_be_used_twice(client, practitioner, app_of):
    device = app_of(practitioner)
    code = code_from(device)
    client.force_login(practitioner)
    client.post("/account/two-factor/verify/", {"code": code})
    client.post("/logout/")
    client.force_login(practitioner)
    response = client.post("/account/two-factor/verify/", {"code": code})
    assert response.status_code == 200
    assert client.get("/").status_code == 302


def test_a_backup_code_works_once(client, practitioner, app_of):
    app_of(practitioner)
    client.force_login(practitioner)
    assert client.post("/account/two-factor/verify/", {"code": "ABCD 2345"}).status_code == 302
    assert client.get("/").status_code == 200
    assert not StaticToken.objects.filter(token="abcd2345").exists()
    client.post("/logout/")
    client.force_login(practitioner)
    response = client.post("/account/two-factor/verify/", {"code": "abcd2345"})
    assert "did not match" in response.context["form"].errors["code"][0]


def test_logging_in_with_a_backup_code_says_how_many_are_left_and_where_to_make_more(
    client, practitioner, app_of
):
    app_of(practitioner)
    client.force_login(practitioner)
    response = client.post("/account/two-factor/verify/", {"code": "abcd2345"}, follow=True)
    assert "You logged in with a backup code. You have 1 left: make new ones" in response.content.decode()


def _verified_with_a_backup_code(client, user) -> None:
    """Log in with a backup code, so the app's current code is still unused."""
    client.force_login(user)
    assert client.post("/account/two-factor/verify/", {"code": "abcd2345"}).status_code == 302


def test_new_backup_codes_replace_the_old_ones_after_a_code_from_the_app(client, practitioner, app_of):
    device = app_of(practitioner)
    _verified_with_a_backup_code(client, practitioner)
    page = client.get("/account/backup-codes/")
    assert page.context["left"] == 1 and "You have <strong>1</strong> unused" in page.content.decode()

    response = client.post("/account/backup-codes/", {"code": code_from(device)})
    codes = response.context["codes"]
    assert len(codes) == 10 and "efgh6723" not in codes
    assert set(StaticToken.objects.filter(device__user=practitioner).values_list("token", flat=True)) == set(
        codes
    )
    assert b"Your earlier backup codes no longer work" in response.content
    event = AuditEvent.objects.filter(object_type="account", action="update").last()
    assert (event.actor, event.outcome) == (practitioner, "success")
    assert event.reason == "new backup codes made; the earlier ones no longer work"
    assert not any(code in event.reason for code in codes)

    assert client.get("/").status_code == 200  # still verified: the backup-code device kept its id

    client.post("/logout/")
    client.force_login(practitioner)
    assert client.post("/account/two-factor/verify/", {"code": codes[0]}).status_code == 302
    client.post("/logout/")
    client.force_login(practitioner)
    refused = client.post("/account/two-factor/verify/", {"code": "efgh6723"})
    assert "did not match" in refused.context["form"].errors["code"][0]


def test_new_backup_codes_are_refused_without_the_apps_code_and_the_old_ones_stay(
    client, practitioner, app_of
):
    app_of(practitioner)
    _verified_with_a_backup_code(client, practitioner)
    for code in ["123456", "efgh6723", ""]:  # a wrong app code, a backup code, nothing
        response = client.post("/account/backup-codes/", {"code": code})
        assert response.status_code == 200 and response.context["form"].errors["code"]
    assert list(StaticToken.objects.filter(device__user=practitioner).values_list("token", flat=True)) == [
        "efgh6723"
    ]
    refusals = AuditEvent.objects.filter(action="update", outcome="failed", actor=practitioner)
    assert refusals.count() == 2  # the empty form never reached the check
    assert "123456" not in " ".join(refusals.values_list("reason", flat=True))


def test_backup_codes_page_needs_the_second_step_first(client, practitioner, app_of):
    app_of(practitioner)
    client.force_login(practitioner)
    assert client.get("/account/backup-codes/")["Location"].startswith("/account/two-factor/verify/")


def test_without_an_app_the_backup_codes_page_says_to_ask_for_a_link_and_makes_none(
    client, practitioner, settings
):
    settings.CHIME_REQUIRE_2FA = False  # as in demo mode: logged in without a second step
    client.force_login(practitioner)
    page = client.get("/account/backup-codes/")
    assert b"Two-factor sign-in is not set up" in page.content
    assert b"ask an admin to send you a one-time set-up link" in page.content
    client.post("/account/backup-codes/", {"code": "123456"})
    assert not StaticToken.objects.exists()
    assert (
        AuditEvent.objects.get(action="update", outcome="failed").reason
        == "new backup codes refused (no authenticator app set up)"
    )


def test_a_wrong_code_is_refused_and_audited_as_a_failed_log_in(client, practitioner, app_of):
    app_of(practitioner)
    client.force_login(practitioner)
    response = client.post("/account/two-factor/verify/", {"code": "123456"})
    assert "did not match" in response.context["form"].errors["code"][0]
    event = AuditEvent.objects.get(action="login_failed")
    assert (event.actor, event.outcome, event.reason) == (
        practitioner,
        "failed",
        "two-factor code refused (wrong code)",
    )
    assert "123456" not in event.reason


def test_wrong_codes_in_a_row_make_the_next_try_wait(client, practitioner, app_of):
    device = app_of(practitioner)
    client.force_login(practitioner)
    client.post("/account/two-factor/verify/", {"code": "123456"})
    response = client.post("/account/two-factor/verify/", {"code": code_from(device)})
    assert "Wait a minute" in response.context["form"].errors["code"][0]


def test_the_django_admin_also_needs_the_second_step(client, admin_user):
    client.force_login(admin_user)
    assert client.get("/admin/")["Location"].startswith("/account/two-factor/")


def test_logging_out_is_possible_before_the_second_step(client, practitioner, app_of):
    app_of(practitioner)
    client.force_login(practitioner)
    assert client.post("/logout/")["Location"] == "/login/"


def test_next_never_leads_off_the_site(client, practitioner, app_of):
    device = app_of(practitioner)
    client.force_login(practitioner)
    response = client.post(
        "/account/two-factor/verify/", {"code": code_from(device), "next": "https://evil.test/"}
    )
    assert response["Location"] == "/"


def _setting_with(env_changes: dict[str, str]) -> str:
    env = {**os.environ, **env_changes}
    env.pop("CHIME_REQUIRE_2FA", None)
    code = (
        "import django; django.setup(); from django.conf import settings; print(settings.CHIME_REQUIRE_2FA)"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        cwd=django_settings.BASE_DIR,
        check=True,
    )
    return result.stdout.strip()


def test_two_factor_is_required_by_default_when_debug_is_off_and_not_in_demo_mode():
    assert _setting_with({"DJANGO_DEBUG": "false"}) == "True"
    assert _setting_with({"DJANGO_DEBUG": "false", "CHIME_DEMO_MODE": "true"}) == "False"
    assert _setting_with({"DJANGO_DEBUG": "true"}) == "False"
