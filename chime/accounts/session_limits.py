"""How long a signed-in session may last: an idle timeout and an absolute lifetime, kept in the session itself.

The last-seen time is written at most once a minute, so an ordinary page view does not write to the session
table; the idle timeout is therefore exact to within a minute.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.contrib.sessions.models import Session

SIGNED_IN_AT = "chime_signed_in_at"
SEEN_AT = "chime_seen_at"
_TOUCH_EVERY = 60  # seconds


def start(session: SessionBase, now: dt.datetime) -> None:
    session[SIGNED_IN_AT] = session[SEEN_AT] = int(now.timestamp())


def expiry_reason(session: SessionBase, now: dt.datetime) -> str:
    """Why this session has ended ("idle" or "lifetime"), or "" while it may go on."""
    moment = now.timestamp()
    signed_in_at = session.get(SIGNED_IN_AT, moment)
    seen_at = session.get(SEEN_AT, moment)
    if moment - signed_in_at > settings.CHIME_SESSION_MAX_HOURS * 3600:
        return "lifetime"
    if moment - seen_at > settings.CHIME_IDLE_TIMEOUT_MINUTES * 60:
        return "idle"
    return ""


def touch(session: SessionBase, now: dt.datetime, *, at_once: bool = False) -> None:
    """Note activity. Sessions from before this feature get their start stamped now. `at_once` writes it even
    within the minute (the "Stay signed in" button, which must move the limit exactly)."""
    moment = int(now.timestamp())
    if SIGNED_IN_AT not in session:
        start(session, now)
    elif at_once or moment - session.get(SEEN_AT, 0) >= _TOUCH_EVERY:
        session[SEEN_AT] = moment


def seconds_left(session: SessionBase, now: dt.datetime) -> int:
    """Seconds until this session ends without further activity: the idle limit or the lifetime, whichever is first.
    The page's warning counts down from it (static/js/session-timer.js)."""
    moment = int(now.timestamp())
    idle_ends = session.get(SEEN_AT, moment) + settings.CHIME_IDLE_TIMEOUT_MINUTES * 60
    lifetime_ends = session.get(SIGNED_IN_AT, moment) + settings.CHIME_SESSION_MAX_HOURS * 3600
    return max(0, int(min(idle_ends, lifetime_ends) - moment))


def session_keys_of(user_id: int, now: dt.datetime) -> list[str]:
    """The keys of the unexpired sessions signed in as this user.

    Django's database sessions are not indexed by user, so each live session is decoded; a staff team has few.
    """
    live = Session.objects.filter(expire_date__gt=now).iterator(chunk_size=500)
    return [s.session_key for s in live if s.get_decoded().get("_auth_user_id") == str(user_id)]
