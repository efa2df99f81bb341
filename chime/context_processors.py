from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from chime import access
from chime.models import Notification


def chime(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    return {
        "organisation_name": settings.CHIME_ORGANISATION_NAME,
        "demo_mode": settings.CHIME_DEMO_MODE,
        # Which links the navigation offers: decided by the access layer, which the pages behind them also ask.
        "menu": access.menu_for(user) if signed_in else access.Menu(),
        # One query, and only on pages that show the navigation bar.
        "unread_notifications": SimpleLazyObject(
            lambda: Notification.objects.filter(recipient=user).unread().count() if signed_in else 0
        ),
    }
