"""Cross-cutting writes: notifying staff in the app and by email."""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from chime.models import Notification, User

logger = logging.getLogger(__name__)


_emails_off = contextvars.ContextVar("chime_emails_off", default=False)


@contextmanager
def in_app_only() -> Iterator[None]:
    """Notify in the app only, emailing nobody: for building the demo organisation, whose people are fictional."""
    token = _emails_off.set(True)
    try:
        yield
    finally:
        _emails_off.reset(token)


@transaction.atomic
def notify(
    *,
    recipients: Iterable[User],
    title: str,
    body: str = "",
    url: str = "",
    email: bool = True,
    about: Model | None = None,
) -> int:
    """Send each recipient an in-app notification and, with email=True, an email saying where to look.

    Emails carry no names or details of the people we support: only what happened and a link to log in.
    `about` is the record it concerns: the inbox then says, when it is read, where that record stands now
    (chime.notices), so a notification never goes on asking for a step someone has already taken.
    Returns how many people were notified (each once, however often they appear in `recipients`).
    """
    people = {user.pk: user for user in recipients if user.is_active}
    about_type = about._meta.label_lower if about is not None else ""
    about_id = about.pk if about is not None else None
    Notification.objects.bulk_create(
        Notification(
            recipient=user, title=title, body=body, url=url, about_type=about_type, about_id=about_id
        )
        for user in people.values()
    )
    if email and not _emails_off.get():
        addresses = [user.email for user in people.values() if user.email]
        link = f"{settings.CHIME_BASE_URL.rstrip('/')}{url}" if url else settings.CHIME_BASE_URL
        message = f"{title}\n\n{body}\n\nLog in to Chime to see it: {link}\n"
        for address in addresses:
            # After commit, so a rolled-back action never emails anyone.
            transaction.on_commit(lambda a=address: _send_email(f"Chime: {title}", message, a))
    return len(people)


def _send_email(subject: str, message: str, address: str) -> None:
    # The in-app notification is already saved; a mail server that is down must not undo the action or hide it.
    try:
        send_mail(subject, message, None, [address])
    except Exception:  # noqa: BLE001 - any mail failure is logged and the notification stands
        logger.exception("Could not email a notification (it is still in the app)")


def mark_read(*, user: User, notification_ids: Iterable[int] | None = None) -> int:
    """Mark some (or all) of a user's notifications read. Returns how many changed."""
    unread = Notification.objects.filter(recipient=user).unread()
    if notification_ids is not None:
        unread = unread.filter(pk__in=list(notification_ids))
    return unread.update(read_at=timezone.now())
