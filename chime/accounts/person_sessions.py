"""A person's own sessions are not staff sessions: they open their own pages and nothing else.

A person supported signs in to an account with `User.is_person` set (ethics.services.online_access makes it). Their
pages are marked with `person_page` (or `person_entry` for the sign-in pages anyone may open). The middleware below
answers every other URL, staff pages and the Django admin included, with a 404 (audited), whatever the view itself
would have said; and `person_page` answers a member of staff with a 404, so neither kind of session crosses over.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse

from chime import access

PERSON_PAGE = "chime_person_page"
PERSON_ENTRY = "chime_person_entry"
EITHER_SESSION = "chime_either_session"


def either_session(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A signed-in request that staff and a person both make, about their session only (the idle warning's
    "Stay signed in"): the person's session may reach it too."""
    setattr(view, EITHER_SESSION, True)
    return view


def person_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page of the person's own view: only a person's session opens it. Anyone not signed in is sent to the
    person's sign-in page; a member of staff gets a 404 (audited), as if it did not exist."""

    @wraps(view)
    def page(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("me-sign-in"))
        access.require(request.user, access.is_person(request.user), page="a person's own view")
        return view(request, *args, **kwargs)

    setattr(page, PERSON_PAGE, True)
    return login_not_required(page)


def person_entry(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A sign-in page of the person's view: open to anyone, and to a person already signed in."""
    setattr(view, PERSON_ENTRY, True)
    return login_not_required(view)


class PersonSessionMiddleware:
    """Keep a person's session on the person's pages: any other URL answers 404, audited as refused."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        if not access.is_person(request.user):
            return None
        if any(getattr(view_func, mark, False) for mark in (PERSON_PAGE, PERSON_ENTRY, EITHER_SESSION)):
            return None
        access.require(request.user, False, page="a staff page")
        raise Http404  # not reached: require raises
