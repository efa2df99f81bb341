from __future__ import annotations

from ethics.models import ConsentWording


def test_admins_publish_a_new_wording_as_the_next_version(client, admin_user, housing_wording):
    client.force_login(admin_user)
    response = client.post(
        "/admin/ethics/consentwording/add/", {"purpose": housing_wording.purpose_id, "text": "Clearer words."}
    )
    assert response.status_code == 302
    newest = ConsentWording.objects.current().get(purpose=housing_wording.purpose)
    assert (newest.version, newest.text) == (2, "Clearer words.")


def test_a_published_wording_is_read_only_in_the_admin(client, admin_user, housing_wording):
    client.force_login(admin_user)
    client.post(f"/admin/ethics/consentwording/{housing_wording.pk}/change/", {"text": "Changed."})
    housing_wording.refresh_from_db()
    assert housing_wording.text != "Changed."
    assert client.get(f"/admin/ethics/consentwording/{housing_wording.pk}/delete/").status_code == 403


def test_consent_records_are_not_in_the_django_admin(client, admin_user):
    client.force_login(admin_user)
    assert client.get("/admin/ethics/consent/").status_code == 404
    assert client.get("/admin/ethics/disclosure/").status_code == 404
