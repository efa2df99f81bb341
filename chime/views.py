from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from chime import access, drafts, health, notices, services
from chime.accounts import session_limits
from chime.accounts.middleware import SIGNED_OUT
from chime.accounts.person_sessions import either_session
from chime.framework import AREAS
from chime.models import FormDraft
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


@login_not_required  # a page whose session has just ended still keeps its typing: its signed token says whose
@require_POST
def draft_save(request: HttpRequest) -> HttpResponse:
    """Keep what has been typed into a `{% keep_draft %}` form (static/js/drafts.js posts it as the person types)."""
    of = drafts.token_in(request)
    if of is None:
        return JsonResponse({"kept": False}, status=400)
    signed_in = request.user.is_authenticated
    if signed_in and request.user.pk != of.author_id:
        return JsonResponse({"kept": False}, status=403)  # someone else's page, left open in this browser
    try:
        drafts.save_draft(of=of, data=drafts.fields_of(request.POST))
    except drafts.DraftError as error:
        return JsonResponse({"kept": False, "message": str(error)}, status=413)
    response = JsonResponse({"kept": True, "signed_out": not signed_in})
    if not signed_in:
        response[SIGNED_OUT] = "1"
    return response


@require_GET
def draft_resume(request: HttpRequest, pk: int) -> HttpResponse:
    """Back to the form a draft belongs to, where it fills the form in again. Its author's only."""
    draft = _own_draft(request, pk)
    return redirect(draft.path)


@require_POST
def draft_discard(request: HttpRequest, pk: int) -> HttpResponse:
    draft = _own_draft(request, pk)
    drafts.discard_draft(author=request.user, path=draft.path)
    messages.success(request, "The unfinished form was deleted.")
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("home")


def _own_draft(request: HttpRequest, pk: int) -> FormDraft:
    # Not audited as a view: a draft is its author's own typing; a refusal is audited like any other.
    return access.fetch_for(request.user, FormDraft.objects.visible_to(request.user), pk, audit_view=False)


@either_session
@require_POST
def stay_signed_in(request: HttpRequest) -> HttpResponse:
    """The "Stay signed in" button of the idle warning: counts as activity at once, and says how long is left."""
    now = timezone.now()
    session_limits.touch(request.session, now, at_once=True)
    return JsonResponse({"seconds_left": session_limits.seconds_left(request.session, now)})


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
