from __future__ import annotations

import pytest

from chime.framework import AREAS, AreaChoices
from sessions.forms import SessionForm
from tests.factories import SupportSessionFactory


def test_the_five_chime_areas_are_defined_in_order():
    assert [a.name for a in AREAS] == [
        "Connectedness",
        "Hope and optimism about the future",
        "Identity",
        "Meaning in life",
        "Empowerment",
    ]


def test_each_area_has_the_papers_subcategories_and_a_prompt():
    assert [len(a.subcategories) for a in AREAS] == [4, 5, 3, 6, 3]
    assert all(a.prompt.endswith(("?", ".")) and len(a.prompt) > 20 for a in AREAS)


def test_model_choices_come_from_the_one_definition():
    assert AreaChoices.values == [a.code for a in AREAS]


@pytest.mark.django_db  # the form offers the signposting directory's services
def test_the_session_form_offers_a_note_and_rating_for_every_area():
    form = SessionForm()
    for area in AREAS:
        assert form.fields[f"{area.code}_note"].help_text == area.prompt
        assert f"{area.code}_rating" in form.fields


def test_framework_page_lists_every_subcategory(client, practitioner):
    client.force_login(practitioner)
    response = client.get("/chime/")
    for area in AREAS:
        for sub in area.subcategories:
            assert sub in response.content.decode()


@pytest.mark.django_db  # the form offers the signposting directory's services
def test_each_area_has_one_name_and_the_session_form_uses_it_everywhere():
    assert not hasattr(AREAS[0], "short_name")
    form = SessionForm()
    assert form.fields["areas"].choices == [(a.code, a.name) for a in AREAS]
    for area in AREAS:
        assert form.fields[f"{area.code}_note"].label == f"{area.name}: note"
        assert form.fields[f"{area.code}_rating"].label == f"{area.name}: their own rating today"


def test_the_person_page_names_each_area_as_the_framework_does(client, practitioner, person):
    SupportSessionFactory(person=person, practitioner=practitioner, areas=["hope", "meaning"])
    client.force_login(practitioner)
    html = client.get(f"/people/{person.pk}/").content.decode()
    # the table of areas by month: a column per area, headed by its initial and its full name for screen readers
    assert '<span class="visually-hidden">Hope and optimism about the future</span></th>' in html
    assert "Hope and optimism about the future, " in html  # the charts' labels
    assert "Meaning, " not in html and ">Hope<" not in html
