"""Two pieces of database work at the same time, on two connections: one request using both of a server's cores.

`both(first, second)` runs `second` in a thread of its own, with a database connection of its own (opened for it
and closed after it, so no connection is left idle, nor open when a test database is dropped), while `first` runs
here on the request's connection; it returns both results, or raises the first's error, else the second's, once
both have finished.

The second connection is another transaction: it sees what was committed when each of its statements starts, and
nothing this connection has written and not yet committed. So only work that reads, in a transaction that has
written nothing, may be shared (`may_share`): the commissioners' report's figures (sessions/reports.py) qualify,
read at the start of the report's own transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db import connection, connections


def may_share() -> bool:
    """True when work may be shared with a second connection: it is allowed (CHIME_SECOND_CONNECTION), and the
    transaction block it is called in, which the caller opened and has written nothing in (the caller knows), is
    the only one open. Inside another block, such as a test's, whatever that wrote is visible here and not there,
    so all the work stays on this connection."""
    return settings.CHIME_SECOND_CONNECTION and len(connection.atomic_blocks) == 1


def both[A, B](first: Callable[[], A], second: Callable[[], B]) -> tuple[A, B]:
    """`first()` here and `second()` on a second connection at the same time; both results."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="chime-second-connection") as pool:
        later = pool.submit(_on_its_own_connection, second)
        mine = first()
        return mine, later.result()


def _on_its_own_connection[B](work: Callable[[], B]) -> B:
    try:
        return work()
    finally:
        connections.close_all()  # this thread's connections: the thread ends with the work
