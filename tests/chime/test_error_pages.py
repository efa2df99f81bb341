from __future__ import annotations

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import path

from chime.urls import urlpatterns as chime_urls


def _database_down(request):
    raise OperationalError("connection to server failed")


def _bug(request):
    raise ValueError("a bug")


urlpatterns = [*chime_urls, path("test-db-down/", _database_down), path("test-bug/", _bug)]
handler500 = "chime.views.server_error"


@pytest.fixture
def raising_client(settings, practitioner):
    settings.ROOT_URLCONF = "tests.chime.test_error_pages"
    client = Client(raise_request_exception=False)
    client.force_login(practitioner)
    return client


def test_a_database_outage_is_a_friendly_503_with_retry_after(raising_client):
    response = raising_client.get("/test-db-down/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "nothing is ever half-saved" in response.content.decode()


def test_a_bug_is_a_plain_language_500(raising_client):
    response = raising_client.get("/test-bug/")
    assert response.status_code == 500
    assert "something went wrong on our side" in response.content.decode()


def test_not_found_is_plain_language(client, practitioner):
    client.force_login(practitioner)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "We can’t find that page" in response.content.decode()


def test_forbidden_explains_itself(client, supervisor, person):
    client.force_login(supervisor)
    response = client.get(f"/people/{person.pk}/edit/")
    assert response.status_code == 403
    assert "Only the person" in response.content.decode()


def test_a_bad_request_is_plain_language(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/admin/ethics/consentwording/add/?_to_field=nonsense")
    assert response.status_code == 400
    assert "we couldn’t understand that request" in response.content.decode()
