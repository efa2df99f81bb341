from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from chime import access, health, notices, services
from chime.framework import AREAS
from chime.wording import find_unhelpful_words


@require_POST
def wording_check(request: HttpRequest) -> HttpResponse:
    """The live hint beside a note: the same check the server runs on saved text (chime.wording)."""
    text = " ".join(value for key, value in request.POST.items() if key != "csrfmiddlewaretoken")
    return render(request, "includes/_wording_hints.html", {"hints": find_unhelpful_words(text[:20000])})


def framework(request: HttpRequest) -> HttpResponse:
    return render(request, "chime/framework.html", {"areas": AREAS})


def notifications(request: HttpRequest) -> HttpResponse:
    return render(request, "chime/notifications.html", {"notifications": notices.inbox_for(request.user)})


@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    changed = services.mark_read(user=request.user)
    messages.success(request, f"{changed} notification{'s' if changed != 1 else ''} marked as read.")
    return redirect("notifications")


@login_not_required
@never_cache
@require_GET
def health_status(request: HttpRequest) -> HttpResponse:
    """For load balancers and monitoring, no log-in: 200 {"status": "healthy"} or 503 {"status": "unhealthy"}.
    A signed-in admin also gets each check in plain words. Nothing about any person, ever."""
    report = health.report()
    body: dict[str, object] = {"status": "healthy" if report.healthy else "unhealthy"}
    # Who is asking is read only once the database answers (a monitor sends no cookie, so nothing is read at all).
    if report.checks[0].healthy and access.is_admin(request.user):
        body["checks"] = {
            check.name: {"healthy": check.healthy, "detail": check.detail} for check in report.checks
        }
        body["last_backup"] = report.last_backup
    return JsonResponse(body, status=200 if report.healthy else 503)


def server_error(request: HttpRequest) -> HttpResponse:
    """500, or 503 'try again' when the database could not be reached (it recovers by itself)."""
    import sys

    from django.db import InterfaceError, OperationalError
    from django.template import loader

    error = sys.exc_info()[1]
    unavailable = isinstance(error, OperationalError | InterfaceError)
    template = loader.get_template("503.html" if unavailable else "500.html")
    response = HttpResponse(template.render({}), status=503 if unavailable else 500)
    if unavailable:
        response["Retry-After"] = "5"
    return response
