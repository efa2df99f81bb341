from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def chime(request: HttpRequest) -> dict[str, object]:
    return {
        "organisation_name": settings.CHIME_ORGANISATION_NAME,
        "demo_mode": settings.CHIME_DEMO_MODE,
    }
