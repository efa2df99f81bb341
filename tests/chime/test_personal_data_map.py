from __future__ import annotations

import io
import json

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from chime import personal_data

OUR_APPS = ("chime", "support", "ethics")


def _our_models():
    for label in OUR_APPS:
        yield from apps.get_app_config(label).get_models(include_auto_created=True)


def _map_json() -> list[dict[str, object]]:
    out = io.StringIO()
    call_command("personal_data_map", "--json", stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.parametrize("model", list(_our_models()), ids=lambda m: m._meta.label)
def test_every_field_of_every_model_of_ours_is_classified_in_the_map(model):
    declaration = personal_data.declaration_for(model)
    assert declaration is not None, f"{model._meta.label} is not in the personal-data map"
    assert set(declaration.fields) == {f.name for f in model._meta.concrete_fields}


def test_the_version_tables_are_in_the_map_and_erasure_removes_their_rows():
    history = [m for m in _our_models() if m._meta.db_table.endswith("version")]
    assert {m._meta.label for m in history} == {
        "support.PersonVersion",
        "support.SupportSessionVersion",
        "support.SessionAreaVersion",
        "support.OwnWordsVersion",  # the person's own words as they were before each change (issue 12)
        "support.SessionSignpostVersion",  # services chosen and unticked in a session's edits
    }
    assert all(personal_data.declaration_for(m).remove_rows for m in history)


@pytest.mark.django_db
def test_the_json_map_covers_every_text_json_and_address_column_of_our_tables():
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.table_name, c.column_name FROM information_schema.columns c
            JOIN information_schema.tables t USING (table_schema, table_name)
            WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
              AND (c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'inet')
                   OR c.udt_name IN ('_varchar', '_text'))
              AND c.table_name ~ '^(chime|support|ethics)_'
            """
        )
        in_database = set(cursor.fetchall())
    mapped = {(row["table"], row["column"]) for row in _map_json()}
    assert in_database, "the query found no columns"
    assert in_database - mapped == set()


def test_each_column_in_the_json_map_says_what_it_holds_and_what_erasure_does():
    rows = {(row["table"], row["column"]): row for row in _map_json()}
    name = rows[("support_person", "preferred_name")]
    assert (name["kind"], name["on_erasure"], name["about_a_person"]) == ("identifying", "anonymise", True)
    assert rows[("support_person", "support_started")]["about_a_person"] is False
    assert rows[("support_sessionarea", "note")]["when_held"] == "keep_under_legal_hold"
    assert rows[("ethics_concern", "what_happened")]["on_erasure"] == "keep_under_legal_hold"
    assert rows[("support_personversion", "preferred_name")]["on_erasure"] == "remove"
    assert rows[("chime_user", "email")]["kind"] == "staff"
    assert rows[("chime_user", "email")]["on_erasure"] == "not_touched"
    assert rows[("ethics_urgencylevel", "name")]["about_a_person"] is False


def test_the_map_prints_as_a_table_for_the_data_protection_officer():
    out = io.StringIO()
    call_command("personal_data_map", stdout=out)
    text = out.getvalue()
    assert text.splitlines()[0].split() == [
        "Table",
        "Column",
        "Kind",
        "On",
        "erasure",
        "Concerns",
        "Rows",
        "under",
        "a",
        "hold",
    ]
    assert "anonymise to Erased person <id>" in text
    assert "pghistory_context" in text  # the library tables are named as outside the map


def test_the_person_form_edits_the_fields_the_map_declares_for_a_person():
    from sessions.models import PERSON_FIELDS

    assert PERSON_FIELDS == [
        "preferred_name",
        "pronouns",
        "phone",
        "email",
        "what_matters",
        "strengths",
        "support_started",
        "support_ended",
        "route",
        "referred_by",
        "chose_to_take_part",
    ]
