"""Drafts of long forms: nothing a member of staff types is lost to a phone call, a time-out or a closed tab.

A form opts in with one line, `{% keep_draft title person=person %}` (chime.templatetags.drafts). That gives the
form a signed token naming its author, its address, the person it is about and its title, and static/js/drafts.js
sends the form's fields to `save_draft` as the person types. The server trusts only the token for those four, so a
browser can neither file a draft under someone else nor point one at another address.

- Only the author sees a draft (FormDraft.objects.visible_to); the form comes back filled in from it.
- A form saved (its POST answered with a redirect) deletes its draft (chime.middleware.KeepTypingMiddleware).
- A save posted after the session ended is kept as the draft, and the author is sent to sign in: the form then
  comes back exactly as typed, ready to save.
- Drafts untouched for CHIME_DRAFT_DAYS are deleted by a background task (chime.tasks.delete_expired_drafts).
- Nothing a draft holds is ever written to the audit trail.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.http import HttpRequest, QueryDict
from django.utils import timezone

from chime.models import FormDraft, User

TOKEN_FIELD = "chime_draft"  # noqa: S105 (a field name, not a secret)
_SALT = "chime.drafts"
# Fields never kept: the CSRF token changes at every sign-in, and the draft's own token is given afresh.
_NOT_KEPT = {"csrfmiddlewaretoken", TOKEN_FIELD}
MAX_CHARACTERS = 200_000  # far more than any form of ours holds; a bigger post is refused, not truncated


class DraftError(Exception):
    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class DraftOf:
    """What a signed token says: whose draft of which form, about whom."""

    author_id: int
    path: str
    person_id: int | None
    title: str


def token_for(*, author: User, path: str, person_id: int | None, title: str) -> str:
    return signing.dumps({"a": author.pk, "p": path, "n": person_id, "t": title[:200]}, salt=_SALT)


def read_token(token: str) -> DraftOf | None:
    """The draft a token names, or None when it is forged, altered or older than a session may last."""
    max_age = settings.CHIME_SESSION_MAX_HOURS * 3600
    try:
        value = signing.loads(token, salt=_SALT, max_age=max_age)
    except signing.BadSignature:
        return None
    return DraftOf(author_id=value["a"], path=value["p"], person_id=value["n"], title=value["t"])


def token_in(request: HttpRequest) -> DraftOf | None:
    """The draft named by a posted form's token, if it has a good one."""
    token = request.POST.get(TOKEN_FIELD, "") if request.method == "POST" else ""
    return read_token(token) if token else None


def fields_of(post: QueryDict) -> dict[str, list[str]]:
    """The posted fields worth keeping, each with all its values (checkboxes and multiple choices have several)."""
    return {name: values for name, values in post.lists() if name not in _NOT_KEPT}


@transaction.atomic
def save_draft(*, of: DraftOf, data: dict[str, list[str]]) -> FormDraft:
    """Keep what has been typed into the form `of` names, replacing the author's earlier draft of it."""
    if sum(len(v) for values in data.values() for v in values) > MAX_CHARACTERS:
        raise DraftError("This form is too long to keep as a draft.", code="too_long")
    draft, _ = FormDraft.objects.update_or_create(
        author_id=of.author_id,
        path=of.path,
        defaults={"person_id": of.person_id, "title": of.title, "data": data},
    )
    return draft


def draft_of_form(*, author: User, path: str) -> FormDraft | None:
    """The author's own draft of the form at `path`, to fill it in again."""
    return FormDraft.objects.visible_to(author).filter(path=path).first()


@transaction.atomic
def discard_draft(*, author: User, path: str) -> int:
    """Delete the author's draft of one form (it was saved, or they chose to start again). Returns how many."""
    return FormDraft.objects.visible_to(author).filter(path=path).delete()[0]


@transaction.atomic
def delete_expired_drafts(*, now: dt.datetime | None = None) -> int:
    """Delete drafts nobody has typed in for CHIME_DRAFT_DAYS. Returns how many."""
    before = (now or timezone.now()) - dt.timedelta(days=settings.CHIME_DRAFT_DAYS)
    return FormDraft.objects.expired(before).delete()[0]
