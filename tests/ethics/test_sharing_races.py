"""A share that races a withdrawal or a renewal never goes out under a consent withdrawn before it committed.

Each test runs the two sides on two database connections (two threads). Where the order matters, one side holds
its transaction open until PostgreSQL shows the other side waiting for a lock (pg_stat_activity), so the race window is
real and the test does not depend on timing luck.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from django.db import connection, transaction

from ethics.models import Consent, ContentKind, Disclosure
from ethics.services.consent import record_consent, renew_consent, withdraw_consent
from ethics.services.sharing import SharingError, share_information
from tests.ethics.conftest import terms

pytestmark = pytest.mark.django_db(transaction=True)

GOALS = [ContentKind.GOALS_AND_STRENGTHS]


def share(consent: Consent, user) -> Disclosure:
    return share_information(
        person=consent.person,
        purpose=consent.purpose,
        recipient="Riverside Housing",
        content_kinds=GOALS,
        shared_by=user,
    )


def wait_until_someone_waits_for_a_lock(timeout: float = 10) -> None:
    """Poll PostgreSQL until another connection to this database waits for a lock (one this side holds)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            # Inside a transaction PostgreSQL keeps showing its first look at pg_stat_activity unless told not to.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return
        time.sleep(0.01)
    raise AssertionError("the other side never waited for the lock")


def run_in_thread(work: Callable[[], object], results: dict[str, object], key: str) -> threading.Thread:
    def target() -> None:
        try:
            results[key] = work()
        except SharingError as error:
            results[key] = error
        finally:
            connection.close()

    thread = threading.Thread(target=target)
    thread.start()
    return thread


def test_a_share_waiting_on_a_withdrawal_is_refused_once_it_commits(consent, practitioner):
    holding = threading.Event()
    results: dict[str, object] = {}

    def withdraw() -> Consent:
        with transaction.atomic():
            withdrawn = withdraw_consent(consent=consent, withdrawn_by=practitioner, reason="Changed my mind")
            holding.set()
            wait_until_someone_waits_for_a_lock()  # the share has found the old version and waits for it
        return withdrawn

    def share_after_the_withdrawal_started() -> Disclosure:
        assert holding.wait(10)
        return share(consent, practitioner)

    threads = [
        run_in_thread(withdraw, results, "withdrawal"),
        run_in_thread(share_after_the_withdrawal_started, results, "share"),
    ]
    for thread in threads:
        thread.join(20)
    assert isinstance(results["withdrawal"], Consent) and results["withdrawal"].is_withdrawn
    refusal = results["share"]
    assert isinstance(refusal, SharingError) and refusal.code == "withdrawn"
    assert not Disclosure.objects.exists()


def test_a_withdrawal_waits_for_a_share_that_holds_the_consent(consent, practitioner):
    holding = threading.Event()
    results: dict[str, object] = {}

    def share_and_hold() -> Disclosure:
        with transaction.atomic():
            disclosure = share(consent, practitioner)
            holding.set()
            wait_until_someone_waits_for_a_lock()  # the withdrawal waits for this share to commit
        return disclosure

    def withdraw_during_the_share() -> Consent:
        assert holding.wait(10)
        return withdraw_consent(consent=consent, withdrawn_by=practitioner)

    threads = [
        run_in_thread(share_and_hold, results, "share"),
        run_in_thread(withdraw_during_the_share, results, "withdrawal"),
    ]
    for thread in threads:
        thread.join(20)
    disclosure, withdrawn = results["share"], results["withdrawal"]
    assert isinstance(disclosure, Disclosure) and disclosure.consent_id == consent.pk
    assert isinstance(withdrawn, Consent) and withdrawn.supersedes_id == consent.pk
    assert withdrawn.recorded_at > disclosure.shared_at  # the withdrawal was made after the share committed


def test_a_share_waiting_on_a_renewal_goes_out_under_the_new_version(consent, practitioner):
    holding = threading.Event()
    results: dict[str, object] = {}

    def renew() -> Consent:
        with transaction.atomic():
            renewed = renew_consent(consent=consent, terms=terms(), renewed_by=practitioner)
            holding.set()
            wait_until_someone_waits_for_a_lock()
        return renewed

    def share_after_the_renewal_started() -> Disclosure:
        assert holding.wait(10)
        return share(consent, practitioner)

    threads = [
        run_in_thread(renew, results, "renewal"),
        run_in_thread(share_after_the_renewal_started, results, "share"),
    ]
    for thread in threads:
        thread.join(20)
    assert results["share"].consent_id == results["renewal"].pk


ROUNDS = 20  # about 3 s; in a 50-round run 10 shares committed first and 40 were refused


def test_shares_and_withdrawals_started_together_never_break_the_rule(person, housing_wording, practitioner):
    for _round in range(ROUNDS):
        consent = record_consent(
            person=person, wording=housing_wording, terms=terms(), recorded_by=practitioner
        )
        share_result, withdrawn = race(
            lambda consent=consent: share(consent, practitioner),
            lambda consent=consent: withdraw_consent(consent=consent, withdrawn_by=practitioner),
        )
        assert isinstance(withdrawn, Consent) and withdrawn.is_withdrawn
        if isinstance(share_result, SharingError):
            assert share_result.code == "withdrawn"
            assert not Disclosure.objects.filter(consent=consent).exists()
        else:
            assert Disclosure.objects.get(consent=consent).shared_at < withdrawn.recorded_at


def race(first: Callable[[], object], second: Callable[[], object]) -> tuple[object, object]:
    """Run both at once (released together by a barrier) and return what each returned or raised."""
    start = threading.Barrier(2)
    results: dict[str, object] = {}

    def released(work: Callable[[], object]) -> Callable[[], object]:
        def run() -> object:
            start.wait(10)
            return work()

        return run

    threads = [
        run_in_thread(released(first), results, "first"),
        run_in_thread(released(second), results, "second"),
    ]
    for thread in threads:
        thread.join(20)
    return results["first"], results["second"]
