"""Every new sign-in starts the clock for its session's absolute lifetime and idle timeout."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import timezone

from chime.accounts import session_limits


@receiver(user_logged_in)
def _start_session_clock(sender, request, user, **kwargs) -> None:
    session_limits.start(request.session, timezone.now())
