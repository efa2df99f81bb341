"""Staff administration in a real Chromium: an admin asks for a role and a second admin approves it; an admin
resets a password and the member of staff chooses their own with the one-time link, then sets up two-factor."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from chime.models import User
from tests.browser.a11y import assert_accessible
from tests.browser.test_practitioner_journey import log_in, log_out
from tests.chime.conftest import NEW_PASSWORD, code_from
from tests.factories import AdminFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_asks_for_a_role_and_a_second_admin_approves_it(
    page: Page, live_server, admin_user, outsider
):
    with time_machine.travel(timezone.now() - dt.timedelta(days=30)):
        AdminFactory(username="second-admin", first_name="Bo", last_name="Lee")
    log_in(page, live_server.url, "admin")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Staff accounts").click()
    expect(page.get_by_role("heading", name="Staff accounts")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="outsider", exact=True).click()
    assert_accessible(page)
    page.get_by_label("Safeguarding lead").check()
    page.get_by_role("button", name="Save changes").click()
    expect(
        page.get_by_text("Waiting for a second admin to approve: safeguarding lead: given.")
    ).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Staff accounts").first.click()
    page.get_by_role("link", name=re.compile(r"Changes awaiting approval")).click()
    expect(page.get_by_role("heading", name="Changes awaiting approval")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name=re.compile(r"^Approve request")).click()
    expect(page.get_by_text("Someone other than the person who asked must approve this.")).to_be_visible()
    assert not User.objects.get(pk=outsider.pk).is_safeguarding_lead
    log_out(page)

    log_in(page, live_server.url, "second-admin")
    page.goto(f"{live_server.url}/staff/requests/")
    page.get_by_role("button", name=re.compile(r"^Approve request")).click()
    expect(page.get_by_text(re.compile(r"Request #\d+: approved\."))).to_be_visible()
    expect(page.get_by_text("Nothing is waiting.")).to_be_visible()
    assert_accessible(page)
    assert User.objects.get(pk=outsider.pk).is_safeguarding_lead


def test_a_member_of_staff_chooses_their_own_password_with_the_reset_link_and_sets_up_two_factor(
    page: Page, live_server, admin_user, practitioner, settings
):
    settings.CHIME_REQUIRE_2FA = True
    TOTPDevice.objects.create(user=admin_user, name="Authenticator app", confirmed=True)
    mail.outbox.clear()
    page.goto(f"{live_server.url}/")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill("a-long-test-password-42")
    page.get_by_role("button", name="Log in").click()
    device = TOTPDevice.objects.get(user=admin_user)
    page.get_by_label("Code").fill(code_from(device))
    page.get_by_role("button", name="Continue").click()

    page.goto(f"{live_server.url}/staff/{practitioner.pk}/")
    page.get_by_role("button", name="Reset password").click()
    expect(page.get_by_text("Password reset: a one-time link was emailed to them.")).to_be_visible()
    assert_accessible(page)
    [email] = [message for message in mail.outbox if message.subject == "Chime: set up your account"]
    link = re.search(r"http\S+/account/set-up/\?key=\S+", email.body).group(0)
    log_out(page)

    page.goto(link.replace("http://127.0.0.1:8000", live_server.url))
    expect(page).to_have_url(f"{live_server.url}/account/set-up/")
    expect(page.get_by_role("heading", name="Choose your password")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("textbox", name=re.compile(r"^New password\W*$")).fill("password")
    page.get_by_role("textbox", name=re.compile(r"^New password confirmation")).fill("password")
    page.get_by_role("button", name="Save my password").click()
    expect(page.get_by_role("textbox", name=re.compile(r"^New password confirmation"))).to_have_attribute(
        "aria-invalid", "true"
    )
    assert_accessible(page)
    page.get_by_role("textbox", name=re.compile(r"^New password\W*$")).fill(NEW_PASSWORD)
    page.get_by_role("textbox", name=re.compile(r"^New password confirmation")).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save my password").click()

    expect(page.get_by_role("heading", name="Set up two-factor sign-in")).to_be_visible()
    assert_accessible(page)
    new_device = TOTPDevice.objects.get(user=practitioner)
    page.get_by_label("Code").fill(code_from(new_device))
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Two-factor sign-in is set up")).to_be_visible()
    page.get_by_role("link", name="I have kept them: continue").click()
    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()

    log_out(page)
    page.goto(link.replace("http://127.0.0.1:8000", live_server.url))  # the link works once
    expect(page.get_by_role("heading", name="This link cannot be used")).to_be_visible()
    assert_accessible(page)
