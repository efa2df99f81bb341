"""Two pieces of database work at the same time on two connections (chime/side_by_side.py).

These tests commit (`transaction=True`): the second connection sees only what is committed, which is why the work
is shared only outside a test's transaction.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, transaction

from chime import side_by_side

pytestmark = pytest.mark.django_db(transaction=True)


def _backend() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _open_backends() -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
        return {pid for (pid,) in cursor.fetchall()}


def test_the_second_runs_on_its_own_connection_at_the_same_time_and_closes_it():
    second_started = threading.Event()

    def first() -> int:
        assert second_started.wait(timeout=30)  # only returns once the other is running: they overlap
        return _backend()

    def second() -> int:
        second_started.set()
        return _backend()

    here, there = side_by_side.both(first, second)
    assert here == _backend()
    assert there != here
    assert _gone(there)  # its connection was closed with the work


def _gone(backend: int) -> bool:
    """Whether the backend has left: the server ends it just after its client closes, so look for up to 10 s."""
    deadline = time.monotonic() + 10
    while backend in _open_backends():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


class Refused(Exception):
    pass


def test_an_error_on_the_second_connection_is_raised_once_the_first_has_finished():
    finished = []

    def second() -> None:
        raise Refused("the second")

    with pytest.raises(Refused, match="the second"):
        side_by_side.both(lambda: finished.append("first"), second)
    assert finished == ["first"]


def test_an_error_here_is_raised_once_the_second_has_finished():
    finished = []
    go_on = threading.Event()

    def first() -> None:
        go_on.set()
        raise Refused("the first")

    def second() -> None:
        assert go_on.wait(timeout=30)
        finished.append("second")

    with pytest.raises(Refused, match="the first"):
        side_by_side.both(first, second)
    assert finished == ["second"]


def test_work_is_shared_only_inside_the_callers_own_transaction_and_no_other(settings):
    settings.CHIME_SECOND_CONNECTION = True
    assert side_by_side.may_share() is False  # in no transaction: the caller opens its own first
    with transaction.atomic():
        assert side_by_side.may_share() is True  # the caller's own, which it knows has written nothing
        with transaction.atomic():
            assert side_by_side.may_share() is False  # what the outer block wrote, the second would not see
        settings.CHIME_SECOND_CONNECTION = False
        assert side_by_side.may_share() is False


@pytest.mark.django_db(transaction=False)
def test_inside_a_tests_transaction_the_work_is_not_shared(settings):
    settings.CHIME_SECOND_CONNECTION = True
    with transaction.atomic():  # the caller's own, inside the test's
        assert side_by_side.may_share() is False
