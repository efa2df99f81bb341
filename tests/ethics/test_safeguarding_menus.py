"""Menus offer only what a role can use; an empty queue says why it is empty (issue 11 §2)."""

from __future__ import annotations

import pytest

from chime import access as core
from tests.ethics.safeguarding import raise_concern, walk_to


@pytest.mark.parametrize(
    ("persona", "may_declare"),
    [
        ("practitioner", True),
        ("supervisor", True),
        ("admin_user", True),
        ("outsider", False),
        ("lead", False),
    ],
)
def test_the_emergency_access_link_shows_exactly_when_its_page_opens(client, request, persona, may_declare):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    assert core.menu_for(user).emergency_access is may_declare
    assert client.get("/emergency/").status_code == (200 if may_declare else 403)
    assert ('href="/emergency/"' in client.get("/notifications/").content.decode()) is may_declare


def test_a_safeguarding_lead_is_not_offered_emergency_access(client, lead):
    client.force_login(lead)
    assert core.menu_for(lead).emergency_access is False
    assert client.get("/emergency/").status_code == 403


def test_an_admins_empty_queue_says_nothing_has_been_escalated_while_concerns_are_open_elsewhere(
    client, admin_user, person
):
    raise_concern(person)
    client.force_login(admin_user)
    page = client.get("/safeguarding/").content.decode()
    assert (
        "No concerns have been escalated to the admins. "
        "Other open concerns are with supervisors and the safeguarding leads."
    ) in page
    assert "No open concerns." not in page


def test_an_admins_empty_queue_with_nothing_open_anywhere_says_only_that_nothing_was_escalated(
    client, admin_user, supervisor, person
):
    walk_to(raise_concern(person), "closed", supervisor)
    client.force_login(admin_user)
    page = client.get("/safeguarding/").content.decode()
    assert '<td colspan="6">No concerns have been escalated to the admins.</td>' in page


def test_a_leads_empty_queue_says_no_open_concerns(client, lead):
    client.force_login(lead)
    assert '<td colspan="6">No open concerns.</td>' in client.get("/safeguarding/").content.decode()
