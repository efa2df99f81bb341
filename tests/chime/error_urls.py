"""A page that fails, for tests/chime/test_error_reporting.py: its local variables and message hold a marker."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from tests.log_guard import MARKER


@csrf_exempt  # the test posts as a browser would, without a form to take a token from
def fails(request: HttpRequest, pk: int) -> HttpResponse:
    person_name = f"{MARKER}-local"  # a local variable holding a name
    raise ValueError(f"Key (preferred_name)=({person_name}) already exists")


urlpatterns = [path("people/<int:pk>/fails/", fails, name="fails")]
