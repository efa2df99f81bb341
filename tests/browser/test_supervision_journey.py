"""The supervisor reviews a session from the team dashboard; the practitioner reads the feedback. In Chromium."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from sessions.models import SupervisionRecord
from tests.browser.a11y import assert_accessible
from tests.browser.test_practitioner_journey import log_in, log_out
from tests.factories import PersonFactory, SupportSessionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_supervisor_reviews_a_session_and_the_practitioner_reads_the_feedback(
    page: Page, live_server, supervisor, practitioner
):
    SupportSessionFactory(
        person=PersonFactory(practitioner=practitioner, preferred_name="Dee"), areas=["hope"]
    )
    log_in(page, live_server.url, "supervisor")

    page.get_by_role("link", name="My team").click()
    expect(page.get_by_role("heading", name="Team dashboard")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="1 of Sam Okafor’s sessions awaiting review").click()
    expect(page.get_by_role("heading", name="Sam Okafor’s sessions")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("session with Dee")).click()

    expect(page.get_by_role("heading", name="Session with Dee")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Feedback for the practitioner (optional)").fill(
        "A warm, strengths-first note. Lovely."
    )
    page.get_by_role("button", name="Mark as reviewed").click()
    expect(page.get_by_text("Session marked as reviewed. Your feedback was sent.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="My team").click()
    expect(page.get_by_role("link", name="0 of Sam Okafor’s sessions awaiting review")).to_be_visible()
    log_out(page)

    log_in(page, live_server.url, "practitioner")
    page.get_by_role("link", name="1 new piece of feedback from your supervisor").click()
    expect(page.get_by_role("heading", name=re.compile("[Ff]eedback"))).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("Session with Dee")).click()
    expect(page.locator(".feedback-comment")).to_have_text("A warm, strengths-first note. Lovely.")
    expect(page.get_by_text("Reviewed by Jo Rivers")).to_be_visible()
    assert_accessible(page)
    page.goto(f"{live_server.url}/")
    expect(page.get_by_text("new piece of feedback")).to_have_count(0)


def test_supervisor_records_a_supervision_meeting_and_the_practitioner_reads_it(
    page: Page, live_server, supervisor, practitioner
):
    PersonFactory(practitioner=practitioner, preferred_name="Dee")
    PersonFactory(practitioner=practitioner, preferred_name="Marcus")
    log_in(page, live_server.url, "supervisor")
    page.get_by_role("link", name="My team").click()
    page.get_by_role("link", name="Record supervision with Sam Okafor").click()
    expect(page.get_by_role("heading", name="Record supervision with Sam Okafor")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Dee").check()
    page.get_by_label("Agreed actions").fill("Sam to book a day off after the busy week.")
    page.get_by_label("Feeling stretched").check()
    page.get_by_label("About their own wellbeing (optional)").fill("Tired after covering for a colleague.")
    page.get_by_role("button", name="Save record").click()
    expect(page.get_by_text("Supervision with Sam Okafor recorded.")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("^Supervision on"))).to_be_visible()
    assert_accessible(page)
    log_out(page)

    log_in(page, live_server.url, "practitioner")
    page.get_by_role("link", name="Your supervision records").click()
    expect(page.get_by_role("heading", name="Supervision records")).to_be_visible()
    assert_accessible(page)
    page.locator("tbody").get_by_role("link").click()
    expect(page.get_by_text("Feeling stretched")).to_be_visible()
    expect(page.get_by_text("Sam to book a day off after the busy week.")).to_be_visible()
    record = SupervisionRecord.objects.get()
    assert [p.preferred_name for p in record.people_discussed.all()] == ["Dee"]


def test_the_person_page_chart_draws_under_the_strict_csp(page: Page, live_server, practitioner):
    person = PersonFactory(practitioner=practitioner, preferred_name="Dee")
    SupportSessionFactory(person=person, areas=["hope", "identity"])
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    log_in(page, live_server.url, "practitioner")
    page.goto(f"{live_server.url}/people/{person.pk}/")
    chart = page.get_by_role("img", name="CHIME areas touched, by month")
    expect(chart).to_be_visible()
    assert chart.bounding_box()["height"] > 100
    fill = page.locator("rect.area-hope").first.evaluate("el => getComputedStyle(el).fill")
    assert fill == "rgb(163, 71, 0)"  # the colour comes from chime.css, not an inline style
    assert not [e for e in errors if "Content Security Policy" in e]
