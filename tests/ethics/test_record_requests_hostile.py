"""Hostile input to asking for a correction or deletion and to the lead's answer: a page with messages beside the
fields or a redirect, never a server error, nothing stored unless the form was accepted, nothing run as markup."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ethics.models import RecordChangeRequest
from tests.factories import RecordChangeRequestFactory
from tests.test_hostile_input import FUZZ, HOSTILE_NUMBER, HOSTILE_TEXT, MAYBE, _post

ask_fields = st.fixed_dictionaries(
    {
        "what": MAYBE(HOSTILE_TEXT),
        "should_say": MAYBE(HOSTILE_TEXT),
        "why": MAYBE(HOSTILE_TEXT),
        "session": MAYBE(st.one_of(HOSTILE_NUMBER, HOSTILE_TEXT)),
    }
)


@pytest.mark.django_db
@FUZZ
@given(fields=ask_fields, url=st.sampled_from(["/me/correct/", "/me/delete/"]), repeated=st.booleans())
def test_asking_with_hostile_input(client, person_account, fields, url, repeated):
    client.force_login(person_account)
    before = RecordChangeRequest.objects.count()
    response = _post(client, url, fields, "what" if repeated else None)
    added = RecordChangeRequest.objects.count() - before
    assert (response.status_code, added) in {(200, 0), (302, 1)}
    page = client.get(url).content.decode()
    assert "<script>alert" not in page and "<img src=x" not in page


@pytest.mark.django_db
@FUZZ
@given(
    outcome=MAYBE(st.one_of(st.sampled_from(["done", "partly", "refused"]), HOSTILE_TEXT)),
    note=MAYBE(HOSTILE_TEXT),
)
def test_answering_with_hostile_input(client, data_protection_lead, person, outcome, note):
    asked = RecordChangeRequestFactory(person=person)
    client.force_login(data_protection_lead)
    response = _post(client, f"/rights/changes/{asked.pk}/", {"outcome": outcome, "note": note})
    asked.refresh_from_db()
    assert (response.status_code, bool(asked.outcome)) in {(200, False), (302, True)}
    page = client.get(f"/rights/changes/{asked.pk}/").content.decode()
    assert "<script>alert" not in page and "<img src=x" not in page
