"""Optional error reporting (chime/error_reporting.py): a real event from a failing page, passed through the SDK and
our `before_send`, reaches the transport (no network) with no personal data left in it."""

from __future__ import annotations

import io
import json

import pytest
import sentry_sdk
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import RequestFactory
from sentry_sdk.transport import Transport

from chime import error_reporting
from tests.factories import UserFactory
from tests.log_guard import MARKER


class Captured(Transport):
    """Keeps the events sentry-sdk would have sent."""

    def __init__(self) -> None:
        super().__init__()
        self.events: list[dict] = []

    def capture_envelope(self, envelope) -> None:
        event = envelope.get_event()
        if event is not None:
            self.events.append(event)


@pytest.fixture
def reported():
    transport = Captured()
    error_reporting.init("https://public@errors.example.invalid/1", environment="test", transport=transport)
    yield transport
    sentry_sdk.get_client().close()
    sentry_sdk.get_global_scope().set_client(None)


def post_through_wsgi(path: str, query: str, body: bytes, cookie: str) -> str:
    """A POST through Django's WSGI handler, as gunicorn makes it (sentry-sdk reads the request there)."""
    statuses = []
    environ = RequestFactory()._base_environ(
        PATH_INFO=path,
        QUERY_STRING=query,
        REQUEST_METHOD="POST",
        CONTENT_TYPE="application/x-www-form-urlencoded",
        CONTENT_LENGTH=str(len(body)),
        HTTP_COOKIE=cookie,
        HTTP_REFERER=f"http://testserver/?q={MARKER}-referer",
        **{"wsgi.input": io.BytesIO(body)},
    )
    # As Django's test client does: the test's transaction keeps its connection through the request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        WSGIHandler()(environ, lambda status, headers, *args: statuses.append(status))
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return statuses[0]


@pytest.mark.urls("tests.chime.error_urls")
@pytest.mark.django_db
def test_an_error_event_leaves_with_no_personal_data(client, reported):
    user = UserFactory(
        username=f"{MARKER}-username", first_name=f"{MARKER}-first", email=f"{MARKER}@example.org"
    )
    client.force_login(user)
    cookie = f"sessionid={client.cookies['sessionid'].value}; remember={MARKER}-cookie"
    body = f"note={MARKER}-body".encode()
    status = post_through_wsgi("/people/7/fails/", f"q={MARKER}-query", body, cookie)
    assert MARKER not in json.dumps(reported.events, default=str)
    # Django's signal and its "Internal Server Error" log line each make an event; both are scrubbed.
    [event] = [event for event in reported.events if event.get("exception", {}).get("values")][:1]
    *_, exception = event["exception"]["values"]
    assert {value["value"] for value in event["exception"]["values"]} == {error_reporting.REMOVED}
    assert [value["type"] for value in event["exception"]["values"]] == ["ValueError"]
    assert [frame["function"] for frame in exception["stacktrace"]["frames"]][-1] == "fails"
    assert all("vars" not in frame for frame in exception["stacktrace"]["frames"])
    assert (status, event["request"], event["transaction"]) == (
        "500 Internal Server Error",
        {"method": "POST", "url": "http://testserver/people/7/fails/"},
        "/people/{pk}/fails/",
    )


def test_scrub_keeps_a_user_s_id_and_drops_their_names():
    event = {
        "user": {"id": 4, "username": "sam", "email": "sam@example.org", "ip_address": "10.0.0.1"},
        "request": {"method": "GET", "url": "https://chime.example.org/people/4/?q=Marcus", "cookies": "a=b"},
        "extra": {"person": "Marcus"},
        "breadcrumbs": {"values": [{"message": "Marcus"}]},
        "logentry": {"message": "looked up %s", "params": ["Marcus"], "formatted": "looked up Marcus"},
        "contexts": {"runtime": {"name": "CPython"}, "response": {"body": "Marcus"}},
    }
    assert error_reporting.scrub(event) == {
        "user": {"id": 4},
        "request": {"method": "GET", "url": "https://chime.example.org/people/4/"},
        "breadcrumbs": {"values": []},
        "logentry": {"message": "looked up %s"},
        "contexts": {"runtime": {"name": "CPython"}},
    }
