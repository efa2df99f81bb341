"""Optional error reporting (sentry-sdk: Sentry, or a compatible service such as GlitchTip), on only when SENTRY_DSN
is set. Nothing about a person leaves the server: the SDK is told not to collect personal data, and `scrub` then
removes from every event whatever could still hold some before it is sent.

The SDK's `data_collection` option (which replaces `send_default_pii` in sentry-sdk 2.x) turns off user details,
cookies, headers, bodies, query strings, SQL parameters and frame variables.

What an event keeps: the exception's type and its stack trace (file, function, line and the code around it, never
the values of local variables), the request's method and route, the user's id (never a name or username), the
server, the environment and the release. What it loses: exception messages (a database error's message quotes the
values it refused), request bodies, query strings, cookies, headers, log messages' parameters, breadcrumbs and any
extra data.

Settings import this module, so it imports nothing of Django's or Chime's.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

REMOVED = "[removed: may hold personal data]"
KEPT_CONTEXTS = {"runtime", "os", "trace"}


def init(dsn: str, *, environment: str, release: str = "", transport: object = None) -> None:
    """Start error reporting. `transport` is for tests: it receives the events instead of the network."""
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        # sentry-sdk 2.x's successor to send_default_pii=False: collect nothing about the user or the request.
        data_collection={
            "user_info": False,
            "cookies": {"mode": "off"},
            "http_headers": {"request": {"mode": "off"}},
            "http_bodies": [],
            "url_query_params": {"mode": "off"},
            "database_query_data": False,
            "stack_frame_variables": False,
        },
        include_local_variables=False,  # stack frames carry code, never values
        max_request_body_size="never",
        max_breadcrumbs=0,  # breadcrumbs repeat log lines and SQL: none are kept
        traces_sample_rate=0,  # errors only: no performance traces
        before_send=scrub,
        before_breadcrumb=lambda _crumb, _hint: None,
        integrations=[
            DjangoIntegration(transaction_style="url")
        ],  # the route ("/people/<int:pk>/"), not the path
        transport=transport,
    )


def scrub(event: dict[str, Any], _hint: dict[str, Any] | None = None) -> dict[str, Any]:
    """Strip an event of everything that could hold personal data (sentry-sdk's `before_send`)."""
    request = event.get("request") or {}
    event["request"] = {key: request[key] for key in ("method",) if key in request}
    if "url" in request:
        event["request"]["url"] = _without_query(request["url"])
    user = event.get("user") or {}
    event["user"] = {"id": user["id"]} if "id" in user else {}
    for exception in (event.get("exception") or {}).get("values", []):
        exception["value"] = REMOVED
        _strip_frames(exception.get("stacktrace"))
    for thread in (event.get("threads") or {}).get("values", []):
        _strip_frames(thread.get("stacktrace"))
    logentry = event.get("logentry")
    if logentry:
        logentry.pop("params", None)
        logentry.pop("formatted", None)
    event["breadcrumbs"] = {"values": []}
    event.pop("extra", None)
    event["contexts"] = {
        key: value for key, value in (event.get("contexts") or {}).items() if key in KEPT_CONTEXTS
    }
    return event


def _strip_frames(stacktrace: dict[str, Any] | None) -> None:
    for frame in (stacktrace or {}).get("frames", []):
        frame.pop("vars", None)


def _without_query(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
