"""Every page of the person's own view reads at a reading age of 9 to 11: a Flesch-Kincaid grade of 6 or less
(US school grade 6 is age 11-12), measured with `textstat` on the words inside the page's <main>."""

from __future__ import annotations

import html
import re
from types import SimpleNamespace

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


@pytest.fixture
def signed_in_with_a_plan(practitioner, person):
    """Their own check-ins, goals and questionnaire: a goal with a step, a check-in, a QPR-15 due and one done."""
    from sessions.services import AreaRating, StepDetails, add_goal, add_step, record_check_in
    from tests.factories import qpr15_measure

    goal = add_goal(person=person, actor=practitioner, in_their_words="Swim again.", areas=["hope"])
    add_step(goal=goal, actor=practitioner, step=StepDetails(what="Find the pool's times."))
    client, access = signed_in_person(person, practitioner)
    record_check_in(person=person, actor=access.account, ratings=[AreaRating("hope", 4, "A good week.")])
    return client, goal, qpr15_measure()


# A questionnaire's statements, instructions and source are its validated wording (sessions/qpr15.py): Chime may not
# reword them, so the measure is of Chime's own words around them.
MEASURE_WORDING = re.compile(
    r"<!-- the measure's own wording: validated, so never reworded -->.*?<!-- end of the measure's own wording -->",
    re.S,
)


def our_words(response) -> str:
    return main_text(SimpleNamespace(content=MEASURE_WORDING.sub(" ", response.content.decode()).encode()))


OWN_PAGES = [
    "/me/",  # with check-ins, a questionnaire due, goals
    "/me/check-in/",
    "/me/plan/",
    "/me/plan/goals/new/",
    "/me/plan/goals/{goal}/",
    "/me/plan/goals/{goal}/steps/new/",
    "/me/questionnaires/{measure}/",
]


@pytest.mark.parametrize("url", OWN_PAGES)
def test_each_page_for_checking_in_and_my_goals_reads_at_age_9_to_11(signed_in_with_a_plan, url):
    client, goal, measure = signed_in_with_a_plan
    text = our_words(client.get(url.format(goal=goal.pk, measure=measure.pk)))
    assert grade(text) <= HIGHEST_GRADE, f"{url} reads at grade {grade(text)}: {text}"


def test_the_pages_after_checking_in_and_answering_read_at_age_9_to_11(signed_in_with_a_plan):
    client, goal, measure = signed_in_with_a_plan
    answers = {f"item_{n}": "3" for n in range(1, 16)}
    for url, data in (
        ("/me/check-in/", {"hope_words": "Words but no number."}),
        ("/me/plan/goals/new/", {"in_their_words": "", "areas": []}),
        ("/me/questionnaires/{measure}/", {"item_1": "3"}),
        ("/me/questionnaires/{measure}/", answers),  # saved: back home, with the scores
    ):
        response = client.post(url.format(measure=measure.pk), data, follow=True)
        text = our_words(response)
        assert grade(text) <= HIGHEST_GRADE, f"{url} after posting reads at grade {grade(text)}: {text}"


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
    "/me/sessions/{session}/my-words/",
    "/me/sessions/{session}/flag/",
    "/me/passkeys/",
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


def test_a_session_with_their_words_and_a_flag_thread_reads_at_age_9_to_11(signed_in, practitioner, person):
    from ethics.services import own_words

    client, session, _ = signed_in
    account = person.online_access.get(turned_off_at__isnull=True).account
    own_words.write_own_words(session=session, by=account, words="The park helped. I want to go again.")
    flag = own_words.flag_note(session=session, by=account, words="I was not sad. I was tired.")
    own_words.answer_flag(flag=flag, by=practitioner, kind="reply", words="Thank you. I will fix it.")
    own_words.answer_flag(flag=flag, by=practitioner, kind="correction", words="Dee was tired, not sad.")
    text = main_text(client.get(f"/me/sessions/{session.pk}/"))
    assert "Close this" in text
    assert grade(text) <= HIGHEST_GRADE, f"reads at grade {grade(text)}: {text}"


def test_the_passkey_messages_read_at_age_9_to_11():
    from ethics.views import passkeys

    said = [*passkeys.WORDS.values(), passkeys.TRIED_AGAIN, passkeys.REFUSED]
    text = " ".join(said)
    assert grade(text) <= HIGHEST_GRADE, f"grade {grade(text)}: {text}"
