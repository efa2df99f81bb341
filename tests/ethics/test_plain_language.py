"""Every page of the person's own view reads at a reading age of 9 to 11: a Flesch-Kincaid grade of 6 or less
(US school grade 6 is age 11-12), measured with `textstat` on the words inside the page's <main>."""

from __future__ import annotations

import html
import re

import pytest
import textstat
from django.test import Client

from ethics.services import online_access, withholding
from sessions.models import SessionArea
from tests.ethics.online import signed_in_person
from tests.factories import SupportSessionFactory

HIGHEST_GRADE = 6


def main_text(response) -> str:
    """The words a person reads in the page's <main>: no markup, no form tokens."""
    main = re.search(r"<main[^>]*>(.*)</main>", response.content.decode(), re.S).group(1)
    main = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", main, flags=re.S)
    words = html.unescape(re.sub(r"<[^>]+>", " ", main))
    return re.sub(r"\s+", " ", words).strip()


def grade(text: str) -> float:
    return textstat.flesch_kincaid_grade(text)


def test_the_measure_tells_plain_words_from_official_ones():
    plain = "You can stop at any time. Your support will not change. We will tell the person who helps you."
    official = (
        "Withdrawal of consent for electronic access to personal records may be effected at any juncture, "
        "notwithstanding the continuation of the organisation's statutory obligations regarding retention."
    )
    assert grade(plain) <= HIGHEST_GRADE < grade(official)


@pytest.fixture
def signed_in(practitioner, person):
    session = SupportSessionFactory(person=person, next_steps="Go to the park on Monday.", areas=[])
    SessionArea.objects.create(session=session, area="connectedness", note="Dee saw her sister.", rating=4)
    held = SupportSessionFactory(person=person, areas=["hope"])
    withholding.withhold_session(session=held, by=practitioner, reason="serious_harm")
    client, access = signed_in_person(person, practitioner)
    return client, session, held


PAGES = [
    "/me/",
    "/me/sessions/{session}/",
    "/me/sessions/{held}/",
    "/me/seen/",
    "/me/consents/",
    "/me/copy/",
    "/me/correct/",
    "/me/delete/",
    "/me/turn-off/",
]


@pytest.mark.parametrize("url", PAGES)
def test_each_page_of_the_persons_record_reads_at_age_9_to_11(signed_in, url):
    client, session, held = signed_in
    text = main_text(client.get(url.format(session=session.pk, held=held.pk)))
    assert grade(text) <= HIGHEST_GRADE, f"{url} reads at grade {grade(text)}: {text}"


@pytest.mark.parametrize("url", ["/me/start/", "/me/sign-in/", "/me/link/", "/me/signed-out/"])
def test_each_sign_in_page_reads_at_age_9_to_11(url):
    text = main_text(Client().get(url))
    assert grade(text) <= HIGHEST_GRADE, f"{url} reads at grade {grade(text)}: {text}"


def test_the_pages_after_signing_in_and_out_read_at_age_9_to_11(practitioner, person):
    sent = main_text(Client().post("/me/sign-in/", {"email": "someone@example.org"}))
    client, _ = signed_in_person(person, practitioner)
    stopped = main_text(client.post("/me/turn-off/"))
    paused_client = Client()
    for _ in range(5):
        paused = paused_client.post("/me/start/", {"code": "WRONG"})
    wrong_code = main_text(Client().post("/me/start/", {"code": "WRONG"}, REMOTE_ADDR="198.51.100.8"))
    for text in (sent, stopped, main_text(paused), wrong_code):
        assert grade(text) <= HIGHEST_GRADE, f"grade {grade(text)}: {text}"


def test_the_invitation_a_person_is_given_reads_at_age_9_to_11(client, practitioner, person):
    online_access.offer_online_access(person=person, offered_by=practitioner, how_given="spoken")
    client.force_login(practitioner)
    invitation = client.post(f"/people/{person.pk}/online-access/invite/")
    printed = re.search(r'<article class="receipt">(.*)</article>', invitation.content.decode(), re.S).group(
        1
    )
    text = html.unescape(re.sub(r"<[^>]+>", " ", printed))
    assert grade(text) <= HIGHEST_GRADE, f"grade {grade(text)}: {text}"
