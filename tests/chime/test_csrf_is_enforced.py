"""Every form carries Django's CSRF token (`csrfmiddlewaretoken`) and a post without a valid one is refused.

wapiti's csrf module looks for other token names, so it reports Django forms as lacking a token; this checks the
real behaviour (see README "Security scan").
"""

from __future__ import annotations

import uuid

import pytest
from django.test import Client

from sessions.models import SupportSession


@pytest.mark.parametrize("token", [None, "wapiti"])
def test_a_session_posted_without_a_valid_csrf_token_is_refused_and_not_saved(practitioner, person, token):
    client = Client(enforce_csrf_checks=True)
    client.force_login(practitioner)
    client.get(f"/people/{person.pk}/sessions/new/")  # sets the CSRF cookie, as a browser would have it
    data = {
        "occurred_on": "2026-01-05",
        "duration_minutes": "45",
        "mode": "phone",
        "hope_note": "Talked about the week ahead.",
        "submission_key": str(uuid.uuid4()),
    }
    if token:
        data["csrfmiddlewaretoken"] = token
    response = client.post(f"/people/{person.pk}/sessions/new/", data)
    assert response.status_code == 403
    assert not SupportSession.objects.exists()


def test_the_session_form_carries_a_csrf_token(client, practitioner, person):
    client.force_login(practitioner)
    response = client.get(f"/people/{person.pk}/sessions/new/")
    assert 'name="csrfmiddlewaretoken"' in response.content.decode()


def test_a_refused_form_gets_a_plain_language_page(practitioner, person):
    client = Client(enforce_csrf_checks=True)
    client.force_login(practitioner)
    response = client.post(f"/people/{person.pk}/sessions/new/", {"hope_note": "Hello"})
    assert response.status_code == 403
    assert "please reload the page and try again" in response.content.decode()
    assert "Nothing has been saved" in response.content.decode()
