"""The Django admin is no back door: session notes, safeguarding concerns, audit rows and their histories are
read only through Chime's own pages, where the access layer decides and every look is audited."""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django_otp.models import Device
from pghistory.models import Event

from chime.models import AuditEvent, SetUpLink, StaffChange, User

# The organisation's own settings that live in the support app: nothing about a person (personal-data map: ORGANISATION).
SUPPORT_SETTINGS = {"support.measure"}


def _is_confidential(model: type) -> bool:
    name = model._meta.label_lower
    return (
        (
            model._meta.app_label in {"support", "pghistory"} and name not in SUPPORT_SETTINGS
        )  # people, sessions
        or issubclass(model, (AuditEvent, Event, Device))  # audit rows, edit histories, second-factor secrets
        or "concern" in name
        or "safeguard" in name
    )


def test_no_confidential_model_is_registered_in_the_django_admin():
    exposed = sorted(model._meta.label for model in admin.site._registry if _is_confidential(model))
    assert exposed == [], f"Registered in the Django admin, where no access rule or audit applies: {exposed}"


def test_the_check_above_knows_the_confidential_models():
    labels = {model._meta.label for model in apps.get_models() if _is_confidential(model)}
    expected = {"support.Person", "support.SupportSession", "support.SessionArea", "chime.AuditEvent"}
    assert expected | {"support.SupportSessionVersion", "pghistory.Events", "otp_totp.TOTPDevice"} <= labels


def test_pghistorys_own_admin_which_lists_every_event_is_not_installed():
    assert "pghistory.admin" not in settings.INSTALLED_APPS


def test_an_admin_sees_only_the_organisations_consent_and_safeguarding_settings_in_the_django_admin(
    client, admin_user
):
    client.force_login(admin_user)
    response = client.get("/admin/")
    assert response.status_code == 200
    listed = [entry["object_name"] for app in response.context["app_list"] for entry in app["models"]]
    # The organisation's own consent purposes, wordings, safeguarding and retention settings: nothing about a person.
    assert sorted(listed) == [
        "ConsentWording",
        "CrisisService",
        "Measure",
        "OrganisationContact",
        "RetentionRule",
        "SharingPurpose",
        "UrgencyLevel",
    ]


def test_staff_accounts_are_not_in_the_django_admin_where_changes_would_skip_the_staff_service(
    client, admin_user, practitioner
):
    assert not admin.site.is_registered(User)
    client.force_login(admin_user)
    for url in [
        "/admin/chime/user/",
        f"/admin/chime/user/{practitioner.pk}/change/",
        "/admin/chime/user/add/",
    ]:
        assert client.get(url).status_code == 404
    assert not admin.site.is_registered(StaffChange) and not admin.site.is_registered(SetUpLink)


def test_people_outside_the_admin_role_cannot_open_the_django_admin(client, supervisor):
    client.force_login(supervisor)
    assert client.get("/admin/")["Location"].startswith("/admin/login/")
