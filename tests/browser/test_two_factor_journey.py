"""A member of staff sets up two-factor sign-in with their one-time link, then logs in again with a code, in a real
Chromium; a password alone never opens enrolment."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from chime.accounts import set_up
from tests.browser.a11y import assert_accessible
from tests.chime.conftest import NEW_PASSWORD, code_from
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in_with_password(page: Page, base: str, password: str = TEST_PASSWORD) -> None:
    page.goto(f"{base}/")
    page.get_by_label("Username").fill("practitioner")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_a_password_alone_cannot_enrol_an_authenticator(page: Page, live_server, practitioner, settings):
    settings.CHIME_REQUIRE_2FA = True
    log_in_with_password(page, live_server.url)
    expect(page.get_by_role("heading", name="Ask an admin for a set-up link")).to_be_visible()
    assert_accessible(page)
    assert not TOTPDevice.objects.filter(user=practitioner).exists()


def test_staff_member_sets_up_an_authenticator_app_with_their_link_and_logs_in_with_a_code(
    page: Page, live_server, practitioner, settings
):
    settings.CHIME_REQUIRE_2FA = True
    key = set_up.issue_link(account=practitioner, by=None, purpose="new_account")
    page.goto(f"{live_server.url}/account/set-up/?key={key}")
    page.get_by_role("textbox", name=re.compile(r"^New password\W*$")).fill(NEW_PASSWORD)
    page.get_by_role("textbox", name=re.compile(r"^New password confirmation")).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save my password").click()

    expect(page.get_by_role("heading", name="Set up two-factor sign-in")).to_be_visible()
    expect(page.get_by_role("img", name="QR code to add Chime to your authenticator app")).to_be_visible()
    assert_accessible(page)
    device = TOTPDevice.objects.get(user=practitioner)
    page.get_by_label("Code").fill(code_from(device))
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("heading", name="Two-factor sign-in is set up")).to_be_visible()
    expect(page.locator(".backup-codes li")).to_have_count(10)
    assert_accessible(page)
    page.get_by_role("link", name="I have kept them: continue").click()
    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()

    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/login/"))
    log_in_with_password(page, live_server.url, NEW_PASSWORD)
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    assert_accessible(page)
    page.goto(f"{live_server.url}/notifications/")  # no page before the code
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_label("Code")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)

    # A minute on, the app shows a new code (each code works only once); the live server shares this clock.
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=1), tick=True):
        device.refresh_from_db()
        page.get_by_label("Code").fill(code_from(device))
        page.get_by_role("button", name="Continue").click()
        expect(page.get_by_role("heading", name="Notifications")).to_be_visible()
        assert_accessible(page)


def test_staff_member_logs_in_with_a_backup_code_and_makes_a_new_set(
    page: Page, live_server, practitioner, settings
):
    settings.CHIME_REQUIRE_2FA = True
    device = TOTPDevice.objects.create(user=practitioner, name="Authenticator app", confirmed=True)
    backup = StaticDevice.objects.create(user=practitioner, name="Backup codes", confirmed=True)
    StaticToken.objects.bulk_create([StaticToken(device=backup, token=t) for t in ("abcd2345", "efgh6723")])

    log_in_with_password(page, live_server.url)
    page.get_by_label("Code").fill("abcd 2345")  # as printed, with its space
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("You logged in with a backup code. You have 1 left")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Change password").click()
    page.get_by_role("link", name="Make new backup codes").click()
    expect(page.get_by_role("heading", name="Backup codes")).to_be_visible()
    expect(page.get_by_text("You have 1 unused backup code.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Make new backup codes").click()
    expect(page.get_by_label("Code")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)

    # A minute on, the app shows a new code (a wrong code makes the next try wait); the live server shares this clock.
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=1), tick=True):
        device.refresh_from_db()
        page.get_by_label("Code").fill(code_from(device))
        page.get_by_role("button", name="Make new backup codes").click()
        expect(page.get_by_role("heading", name="Your new backup codes")).to_be_visible()
        expect(page.locator(".backup-codes li")).to_have_count(10)
        assert_accessible(page)
    shown = set(page.locator(".backup-codes li").all_inner_texts())
    assert set(StaticToken.objects.filter(device__user=practitioner).values_list("token", flat=True)) == shown
    page.get_by_role("link", name="I have kept them: continue").click()
    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()
