from __future__ import annotations

from chime.framework import AREAS, AreaChoices
from sessions.forms import SessionForm


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
