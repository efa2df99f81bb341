"""'Who has seen my record' in words: names and roles, never usernames, and what was viewed, list rows included.
The wording is one function (ethics.services.record_access.describe_record_access), tested here on real rows."""

from __future__ import annotations

from chime.models import AuditEvent
from ethics.services.record_access import AccessLine, describe_record_access
from tests.factories import SupportSessionFactory, UserFactory


def lines_about(person) -> list[AccessLine]:
    return describe_record_access(AuditEvent.objects.about_person(person.pk))


def test_a_look_at_the_record_names_the_practitioner_and_their_role(client, practitioner, person):
    client.force_login(practitioner)
    client.get(f"/people/{person.pk}/")
    [line] = lines_about(person)
    assert (line.who, line.role, line.what, line.refused) == (
        "Sam Okafor",
        "practitioner",
        "Looked at their record",
        False,
    )


def test_a_session_a_caseload_row_and_a_supervisors_list_each_say_what_was_seen(
    client, practitioner, supervisor, person
):
    session = SupportSessionFactory(person=person)
    client.force_login(practitioner)
    client.get("/")
    client.get(f"/sessions/{session.pk}/")
    client.force_login(supervisor)
    client.get(f"/team/{practitioner.pk}/sessions/")
    assert [(line.who, line.role, line.what) for line in reversed(lines_about(person))] == [
        ("Sam Okafor", "practitioner", "Saw their name on a caseload"),
        ("Sam Okafor", "practitioner", "Looked at a record of one of their sessions"),
        ("Jo Rivers", "supervisor", "Saw their sessions in a supervisor's list of sessions to review"),
    ]


def test_a_refused_look_says_it_was_refused(client, person):
    stranger = UserFactory(is_practitioner=True, first_name="Ola", last_name="Bright", username="ola99")
    client.force_login(stranger)
    assert client.get(f"/people/{person.pk}/").status_code == 404
    [line] = lines_about(person)
    assert (line.who, line.what, line.refused) == (
        "Ola Bright",
        "Tried to open their record, and was refused",
        True,
    )


def test_the_admins_page_shows_the_words_and_no_username(client, person, admin_user):
    stranger = UserFactory(is_practitioner=True, first_name="Ola", last_name="Bright", username="ola99")
    client.force_login(stranger)
    client.get(f"/people/{person.pk}/")
    client.force_login(admin_user)
    html = client.get(f"/rights/people/{person.pk}/audit/").content.decode()
    assert (
        "<td>Ola Bright</td><td>practitioner</td><td>Tried to open their record, and was refused</td>" in html
    )
    assert "<td>Alex Morgan</td><td>admin</td><td>Looked at who has seen their record</td>" in html
    assert "ola99" not in html


def test_every_list_the_code_audits_has_words(settings):
    import ast
    from pathlib import Path

    from ethics.services.record_access import LISTS

    audited = set()
    for path in [
        *Path(settings.BASE_DIR, "sessions").rglob("*.py"),
        *Path(settings.BASE_DIR, "ethics").rglob("*.py"),
    ]:
        for node in ast.walk(ast.parse(path.read_text())):
            called = isinstance(node, ast.Call) and getattr(node.func, "attr", "")
            if called in {"audit_list", "audit_page", "record_list_view"} and node.args:
                if isinstance(node.args[0], ast.Constant):
                    audited.add(node.args[0].value)
    assert audited and audited <= set(LISTS)
