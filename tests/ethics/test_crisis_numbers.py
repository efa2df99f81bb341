"""Crisis numbers tap to call (`tel:` links), and the crisis routes page is one tap from every page."""

from __future__ import annotations

import pytest

from chime.templatetags.chime_tags import tel_href
from ethics.models import CrisisService


def test_the_crisis_routes_page_calls_each_number_with_one_tap(client, practitioner):
    CrisisService.objects.create(name="Riverside Crisis Café", phone="01632 960 000")
    client.force_login(practitioner)
    html = client.get("/safeguarding/crisis/").content.decode()
    for link in ('href="tel:999"', 'href="tel:111"', 'href="tel:116123"', 'href="tel:01632960000"'):
        assert link in html


@pytest.mark.parametrize(
    "address", ["/", "/people/{person}/", "/people/{person}/sessions/new/", "/feedback/"]
)
def test_every_practitioner_page_links_to_the_crisis_routes_outside_the_collapsed_menu(
    client, practitioner, person, address
):
    client.force_login(practitioner)
    html = client.get(address.format(person=person.pk)).content.decode()
    before_menu = html.split('id="main-nav"')[0]
    assert (
        'class="btn btn-light btn-sm crisis-link' in before_menu
        and 'href="/safeguarding/crisis/"' in before_menu
    )
    footer = html.split("<footer")[1]
    assert 'href="tel:999"' in footer and 'href="tel:116123"' in footer


def test_a_phone_number_becomes_a_tel_address():
    assert tel_href("01632 960 000") == "tel:01632960000"
    assert tel_href("+44 (0)1632 960-000") == "tel:+4401632960000"
    assert tel_href("") == ""
