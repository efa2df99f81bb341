"""Nothing typed is lost: the idle warning on every signed-in page, and drafts kept by the forms that opt in."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone

from chime import drafts
from chime.accounts import session_limits

register = template.Library()


@register.inclusion_tag("includes/_session_timer.html", takes_context=True)
def session_timer(context: template.Context) -> dict[str, object]:
    """The warning before the idle limit, with its "Stay signed in" button (static/js/session-timer.js)."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return {"signed_in": False}
    return {
        "signed_in": True,
        "request": request,
        "seconds_left": session_limits.seconds_left(request.session, timezone.now()),
        "warn_seconds": settings.CHIME_IDLE_WARNING_SECONDS,
        "idle_minutes": settings.CHIME_IDLE_TIMEOUT_MINUTES,
        "csrf_token": context.get("csrf_token"),
        # a person reading their own record signs in and out on their own pages, never the staff ones
        "login_url": reverse("me-sign-in" if request.user.is_person else settings.LOGIN_URL),
        "logout_url": reverse("me-sign-out" if request.user.is_person else "logout"),
    }


@register.inclusion_tag("includes/_draft.html", takes_context=True)
def keep_draft(
    context: template.Context, *title: str, person: Model | int | None = None
) -> dict[str, object]:
    """The one line a long form adds inside its <form> to keep a draft as the person types:
    `{% keep_draft "Log a session with" person.preferred_name person=person %}`. The title (its words joined) names
    the draft on its author's home page; `person` is whom it is about, so that erasing them deletes it."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return {}
    person_id = getattr(person, "pk", person)
    words = " ".join(str(word) for word in title if word)
    token = drafts.token_for(author=request.user, path=request.path, person_id=person_id, title=words)
    # A form shown again with its problems holds what was just posted: the draft must not overwrite it.
    draft = drafts.draft_of_form(author=request.user, path=request.path) if request.method == "GET" else None
    return {"token": token, "draft": draft, "token_field": drafts.TOKEN_FIELD}
