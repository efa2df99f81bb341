"""The organisation's settings change only through audited services, and the Django admin can do nothing else."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, ProgrammingError, transaction

from chime.models import AuditEvent
from ethics.models import ConsentWording, CrisisService, RetentionRule, SharingPurpose, UrgencyLevel
from ethics.services import organisation
from ethics.services.organisation import SettingsError
from tests.ethics.safeguarding import raise_concern, urgency
from tests.factories import ConsentFactory, SharingPurposeFactory


def setting_events():
    return AuditEvent.objects.filter(reason__startswith="organisation setting").order_by("pk")


# ---- Services ------------------------------------------------------------------------------------------------


def test_a_change_is_audited_with_what_it_was_and_what_it_is(admin_user):
    level = urgency("urgent")
    level.name, level.act_within = "Urgent (same day)", 2
    organisation.save_setting(setting=level, saved_by=admin_user)
    event = setting_events().get()
    assert (event.action, event.object_type, event.object_id, event.actor) == (
        AuditEvent.Action.UPDATE,
        "ethics.UrgencyLevel",
        str(level.pk),
        admin_user,
    )
    assert event.reason == (
        "organisation setting changed: name: 'Urgent' → 'Urgent (same day)'; act_within: 1 → 2"
    )
    assert UrgencyLevel.objects.get(pk=level.pk).act_within == 2


def test_saving_with_nothing_changed_writes_no_audit_row(admin_user):
    organisation.save_setting(setting=urgency("standard"), saved_by=admin_user)
    assert not setting_events().exists()


def test_a_new_setting_is_audited_with_its_values(admin_user):
    service = organisation.save_setting(
        setting=CrisisService(name="Night Café", phone="01234 567890"), saved_by=admin_user
    )
    event = setting_events().get()
    assert (event.action, event.object_id) == (AuditEvent.Action.CREATE, str(service.pk))
    assert event.reason.startswith("organisation setting added: name: 'Night Café'; description: ''")


def test_long_values_are_cut_short_in_the_audit_row(admin_user):
    purpose = SharingPurposeFactory(name="Tenancy", description="")
    purpose.description = "x" * 300
    organisation.save_setting(setting=purpose, saved_by=admin_user)
    assert setting_events().get().reason == f"organisation setting changed: description: '' → '{'x' * 98}…"


def test_only_admins_change_settings(practitioner, supervisor):
    level = urgency("urgent")
    level.act_within = 9
    for user in (practitioner, supervisor):
        with pytest.raises(SettingsError) as refused:
            organisation.save_setting(setting=level, saved_by=user)
        assert refused.value.code == "not_allowed"
    assert UrgencyLevel.objects.get(pk=level.pk).act_within == 1


def test_a_retention_rule_change_is_audited(admin_user):
    rule = RetentionRule.objects.get(kind=RetentionRule.Kind.PERSON)
    before = rule.keep_for_days
    rule.keep_for_days = 365
    organisation.save_setting(setting=rule, saved_by=admin_user)
    assert setting_events().get().reason == f"organisation setting changed: keep_for_days: {before} → 365"


def test_a_used_purpose_is_never_renamed(admin_user):
    consent = ConsentFactory()
    purpose = consent.purpose
    old_name = purpose.name
    purpose.name = "Something else"
    with pytest.raises(SettingsError) as refused:
        organisation.save_setting(setting=purpose, saved_by=admin_user)
    assert refused.value.code == "purpose_in_use"
    assert SharingPurpose.objects.get(pk=purpose.pk).name == old_name
    assert not setting_events().exists()


def test_an_unused_purpose_can_be_renamed(admin_user):
    purpose = SharingPurposeFactory(name="Tennancy")
    purpose.name = "Tenancy"
    organisation.save_setting(setting=purpose, saved_by=admin_user)
    assert SharingPurpose.objects.get(pk=purpose.pk).name == "Tenancy"


def test_replacing_a_purpose_creates_a_new_one_and_retires_the_old(admin_user):
    consent = ConsentFactory()
    old = consent.purpose
    new = organisation.replace_sharing_purpose(
        purpose=old, name="Housing and tenancy", replaced_by=admin_user
    )
    old.refresh_from_db()
    assert (new.name, new.is_active, old.is_active) == ("Housing and tenancy", True, False)
    assert consent.purpose_id == old.pk  # earlier consents keep what they meant
    wording = ConsentWording.objects.current().get(purpose=new)
    assert (wording.version, wording.text) == (1, consent.wording.text)
    assert not ConsentWording.objects.current().filter(purpose=old).exists()  # no new consent can use it
    reasons = list(setting_events().values_list("action", "object_type", "reason"))
    assert reasons[0][:2] == (AuditEvent.Action.CREATE, "ethics.SharingPurpose")
    assert reasons[0][2].startswith(
        f"organisation setting replaces purpose {old.pk}: name: 'Housing and tenancy'"
    )
    assert reasons[1] == (
        AuditEvent.Action.CREATE,
        "ethics.ConsentWording",
        f"organisation setting published version 1 of the wording for purpose {new.pk}",
    )
    assert reasons[2] == (
        AuditEvent.Action.UPDATE,
        "ethics.SharingPurpose",
        f"organisation setting replaced by purpose {new.pk}; changed: is_active: True → False",
    )


def test_a_replacement_needs_a_name_no_purpose_has(admin_user):
    purpose, other = SharingPurposeFactory(name="Tenancy"), SharingPurposeFactory(name="Benefits")
    before = SharingPurpose.objects.count()
    with pytest.raises(SettingsError) as refused:
        organisation.replace_sharing_purpose(purpose=purpose, name="benefits", replaced_by=admin_user)
    assert refused.value.code == "name_taken"
    assert SharingPurpose.objects.count() == before and other.is_active


def test_a_wording_is_published_as_the_next_version_and_audited(admin_user, housing_wording):
    wording = organisation.publish_wording(
        purpose=housing_wording.purpose, text="Clearer words.", published_by=admin_user
    )
    assert wording.version == 2
    assert setting_events().get().reason == (
        f"organisation setting published version 2 of the wording for purpose {housing_wording.purpose_id}"
        " (version 1 before)"
    )


def test_consent_wordings_are_versioned_and_never_changed_in_the_database(housing_wording):
    housing_wording.text = "Quietly changed."
    with pytest.raises(ProgrammingError), transaction.atomic():
        housing_wording.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsentWording.objects.create(
            purpose=housing_wording.purpose, version=housing_wording.version, text="Two."
        )


def test_wordings_are_published_only_through_publish_wording(admin_user, housing_wording):
    with pytest.raises(SettingsError) as refused:
        organisation.save_setting(setting=housing_wording, saved_by=admin_user)
    assert refused.value.code == "not_a_setting"


def test_a_setting_in_use_is_never_deleted(admin_user, person):
    level = raise_concern(person).urgency
    with pytest.raises(SettingsError) as refused:
        organisation.delete_setting(setting=level, deleted_by=admin_user)
    assert refused.value.code == "in_use"
    assert UrgencyLevel.objects.filter(pk=level.pk).exists()


def test_only_crisis_services_are_ever_deleted(admin_user):
    unused = SharingPurposeFactory(name="Never used")
    with pytest.raises(SettingsError) as refused:
        organisation.delete_setting(setting=unused, deleted_by=admin_user)
    assert refused.value.code == "never_deleted"
    service = CrisisService.objects.create(name="Night Café")
    organisation.delete_setting(setting=service, deleted_by=admin_user)
    assert not CrisisService.objects.exists()
    assert setting_events().get().reason.startswith("organisation setting removed: name: 'Night Café'")


# ---- The Django admin calls the services ---------------------------------------------------------------------


def test_a_change_in_the_admin_is_audited(client, admin_user):
    level = urgency("standard")
    client.force_login(admin_user)
    data = {
        "name": "Routine",
        "description": level.description,
        "acknowledge_within": level.acknowledge_within,
        "acknowledge_unit": level.acknowledge_unit,
        "act_within": 3,
        "act_unit": level.act_unit,
        "escalate_again_after_hours": level.escalate_again_after_hours,
        "order": level.order,
    }
    response = client.post(f"/admin/ethics/urgencylevel/{level.pk}/change/", data)
    assert response.status_code == 302
    assert setting_events().get().reason == (
        "organisation setting changed: name: 'Standard' → 'Routine'; act_within: 5 → 3"
    )


def test_editing_the_purpose_list_in_place_is_audited(client, admin_user):
    purpose = SharingPurposeFactory(name="Tenancy", order=100)
    client.force_login(admin_user)
    data = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-0-id": purpose.pk,
        "form-0-order": "5",
        "_save": "Save",
    }
    response = client.post("/admin/ethics/sharingpurpose/", data)
    assert response.status_code == 302
    assert setting_events().get().reason == (
        "organisation setting changed: is_active: True → False; order: 100 → 5"
    )


def test_a_used_purposes_name_is_read_only_in_the_admin_and_replace_is_offered(client, admin_user):
    purpose = ConsentFactory().purpose
    client.force_login(admin_user)
    page = client.get(f"/admin/ethics/sharingpurpose/{purpose.pk}/change/").content.decode()
    assert 'name="name"' not in page and 'name="replace_with"' in page
    unused = SharingPurposeFactory(name="Unused")
    page = client.get(f"/admin/ethics/sharingpurpose/{unused.pk}/change/").content.decode()
    assert 'name="name"' in page and 'name="replace_with"' not in page


def test_replacing_a_purpose_in_the_admin(client, admin_user):
    consent = ConsentFactory()
    purpose = consent.purpose
    client.force_login(admin_user)
    data = {
        "name": "Ignored",
        "description": "Changed too?",
        "is_active": "on",
        "order": purpose.order,
        "replace_with": "Housing and tenancy",
        "wordings-TOTAL_FORMS": "0",
        "wordings-INITIAL_FORMS": "1",
    }
    response = client.post(f"/admin/ethics/sharingpurpose/{purpose.pk}/change/", data)
    assert response.status_code == 302
    old, new = (
        SharingPurpose.objects.get(pk=purpose.pk),
        SharingPurpose.objects.get(name="Housing and tenancy"),
    )
    assert (old.name, old.description, old.is_active) == (purpose.name, purpose.description, False)
    assert new.is_active


def test_publishing_a_wording_in_the_admin_is_audited(client, admin_user, housing_wording):
    client.force_login(admin_user)
    response = client.post(
        "/admin/ethics/consentwording/add/", {"purpose": housing_wording.purpose_id, "text": "Clearer words."}
    )
    assert response.status_code == 302
    assert setting_events().get().object_type == "ethics.ConsentWording"


def test_a_crisis_service_deleted_in_the_admin_is_audited(client, admin_user):
    service = CrisisService.objects.create(name="Night Café")
    client.force_login(admin_user)
    response = client.post(f"/admin/ethics/crisisservice/{service.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not CrisisService.objects.exists()
    assert setting_events().get().reason.startswith("organisation setting removed: name: 'Night Café'")


def test_the_admin_offers_no_delete_for_purposes_urgency_levels_or_retention_rules(client, admin_user):
    purpose, level = SharingPurposeFactory(), urgency("urgent")
    rule = RetentionRule.objects.first()
    client.force_login(admin_user)
    assert client.get(f"/admin/ethics/sharingpurpose/{purpose.pk}/delete/").status_code == 403
    assert client.get(f"/admin/ethics/urgencylevel/{level.pk}/delete/").status_code == 403
    assert client.get(f"/admin/ethics/retentionrule/{rule.pk}/delete/").status_code == 403


def test_the_admins_bulk_delete_goes_through_the_service(client, admin_user):
    services = [CrisisService.objects.create(name=name) for name in ("Night Café", "Day Café")]
    client.force_login(admin_user)
    data = {"action": "delete_selected", "_selected_action": [s.pk for s in services], "post": "yes"}
    assert client.post("/admin/ethics/crisisservice/", data).status_code == 302
    assert not CrisisService.objects.exists()
    assert setting_events().count() == 2
