from __future__ import annotations

import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

from chime import audit


class NoStoreMiddleware:
    """Pages for signed-in staff carry personal data: browsers and proxies must not keep a copy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.user.is_authenticated and not request.path.startswith("/static/"):
            add_never_cache_headers(response)
            response["Cache-Control"] = "no-store, no-cache, must-revalidate, private, max-age=0"
        return response


def client_ip(request: HttpRequest) -> str | None:
    """The address the request came from, for the audit trail and the log-in lock-out (django-axes calls this too).

    Behind a proxy (BEHIND_PROXY) only the X-Forwarded-For entry our own proxies added is believed: the one
    CHIME_TRUSTED_PROXY_COUNT places from the right. Entries further left are whatever the client sent, so anyone
    could write anything there. An address that is not a valid IPv4 or IPv6 address counts as unknown (None)."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if settings.BEHIND_PROXY and forwarded:
        count = settings.CHIME_TRUSTED_PROXY_COUNT
        entries = forwarded.rsplit(",", count)
        if len(entries) >= count:
            return _valid_address(entries[-count])
    return _valid_address(request.META.get("REMOTE_ADDR", ""))


def _valid_address(text: str) -> str | None:
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    # A zone ("fe80::1%eth0") is not an address PostgreSQL's inet type stores.
    if getattr(address, "scope_id", None):
        return None
    return str(address)


class AuditContextMiddleware:
    """Give every request an id and make the actor and IP address available to the audit trail."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # The request log (chime.logs.RequestLogMiddleware) named the request first: its log line and its audit rows
        # carry the same id.
        request.request_id = getattr(request, "request_id", None) or audit.new_request_id()
        token = audit.set_context(
            audit.AuditContext(
                actor=request.user, ip_address=client_ip(request), request_id=request.request_id
            )
        )
        try:
            response = self.get_response(request)
        finally:
            audit.reset_context(token)
        response["X-Request-ID"] = request.request_id
        return response
