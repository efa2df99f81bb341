"""Structured logs (structlog over the standard library's logging): JSON lines in production, readable lines in
development, and one line per request saying who (a user id and role names), what (the URL's route, never the path
with its ids, never a query string), the outcome and how long it took.

Logs leave the database's protections (they are copied, shipped, kept for months), so no log line holds a name, a
note or a search term: the request line carries only the fields below, and a logged exception keeps its traceback but
not its message (a database error's message quotes the values it refused). tests/log_guard.py fails any test whose
log lines contain a marker planted in personal data.
"""

from __future__ import annotations

import sys
import time
import traceback
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import structlog

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

# Settings import this module, so it imports nothing of Django's or Chime's at run time.

requests_logger = structlog.get_logger("chime.requests")

SHARED_PROCESSORS: list[Callable[..., Any]] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_logger_name,
    structlog.stdlib.add_log_level,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


def traceback_without_message(_logger: object, _method: str, event: dict[str, Any]) -> dict[str, Any]:
    """Keep where an error happened (the frames and the exception's type) and drop what it says."""
    exc_info = event.pop("exc_info", None)
    if exc_info is True:
        exc_info = sys.exc_info()
    if isinstance(exc_info, BaseException):
        exc_info = (type(exc_info), exc_info, exc_info.__traceback__)
    if exc_info and exc_info[0] is not None:
        frames = "".join(traceback.format_tb(exc_info[2]))
        event["exception"] = f"{frames}{exc_info[0].__qualname__} (its message is not logged)"
    return event


def formatter(style: str) -> dict[str, Any]:
    """The logging formatter for LOGGING: "json" (one JSON object per line) or "console" (readable)."""
    renderer = (
        structlog.processors.JSONRenderer()
        if style == "json"
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    return {
        "()": structlog.stdlib.ProcessorFormatter,
        "foreign_pre_chain": SHARED_PROCESSORS,
        "processors": [
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            traceback_without_message,
            renderer,
        ],
    }


def configure() -> None:
    """Send structlog's lines through the standard library's logging, formatted by `formatter`."""
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *SHARED_PROCESSORS,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


class RequestLogMiddleware:
    """One log line per request, first in the middleware so that its time covers the whole response.

    It gives the request its id (the audit trail's rows of this request carry the same one) and binds it to every
    log line written while the request is answered.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        request.request_id = (
            uuid.uuid4().hex
        )  # chime.middleware.AuditContextMiddleware gives the audit rows this id
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request.request_id)
        try:
            response = self.get_response(request)
            requests_logger.info(
                "request",
                method=request.method,
                route=route_of(request),
                status=response.status_code,
                duration_ms=round((time.perf_counter() - started) * 1000, 1),
                **who(request),
            )
            return response
        finally:
            structlog.contextvars.clear_contextvars()


def route_of(request: HttpRequest) -> str:
    """The URL pattern that answered ("/people/<int:pk>/"), or a fixed word when none did."""
    match = getattr(request, "resolver_match", None)
    return f"/{match.route}" if match is not None else "(no route)"


def who(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"user_id": None, "roles": ""}
    return {"user_id": user.pk, "roles": ",".join(user.role_names)}
