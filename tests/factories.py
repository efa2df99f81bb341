from __future__ import annotations

import datetime as dt
import uuid

import factory
from django.utils import timezone

from chime.models import User
from ethics.models import Consent, ConsentWording, ContentKind, SharingPurpose
from ethics.models.rights import one_calendar_month_after
from sessions.models import (
    CaseloadAssignment,
    DirectoryService,
    Measure,
    NoteFlag,
    NoteFlagStep,
    Person,
    SessionArea,
    SupportSession,
)
from sessions.qpr15 import QPR15

TEST_PASSWORD = "a-long-test-password-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save(update_fields=["password"])


class SupervisorFactory(UserFactory):
    is_supervisor = True


class PractitionerFactory(UserFactory):
    is_practitioner = True
    supervisor = factory.SubFactory(SupervisorFactory)


class AdminFactory(UserFactory):
    is_org_admin = True


class DataProtectionLeadFactory(UserFactory):
    is_data_protection_lead = True


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        skip_postgeneration_save = True

    preferred_name = factory.Faker("first_name", locale="en_GB")
    what_matters = "Their family."
    goals = "Get out more."
    strengths = "Kind and funny."
    chose_to_take_part = True
    practitioner = factory.SubFactory(PractitionerFactory)

    @factory.post_generation
    def assignment(obj, create, extracted, **kwargs):
        if create:
            CaseloadAssignment.objects.create(
                person=obj, practitioner=obj.practitioner, started_at=obj.support_started_at
            )


class SupportSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportSession
        skip_postgeneration_save = True

    person = factory.SubFactory(PersonFactory)
    practitioner = factory.LazyAttribute(lambda s: s.person.practitioner)
    occurred_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=3))
    duration_minutes = 60
    mode = SupportSession.Mode.IN_PERSON
    submission_key = factory.LazyFunction(uuid.uuid4)

    @factory.post_generation
    def areas(obj, create, extracted, **kwargs):
        if create:
            for code in extracted if extracted is not None else ["hope"]:
                SessionArea.objects.create(session=obj, area=code, note=f"A note about {code}.")


class SharingPurposeFactory(factory.django.DjangoModelFactory):
    """Purposes are loaded by a migration, but browser tests flush the database, so tests make their own."""

    class Meta:
        model = SharingPurpose
        django_get_or_create = ("name",)

    name = "Housing"


class ConsentWordingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsentWording
        django_get_or_create = ("purpose", "version")

    purpose = factory.SubFactory(SharingPurposeFactory)
    version = 1
    text = "I agree that the information I have chosen may be shared with the organisation named below."


class ConsentFactory(factory.django.DjangoModelFactory):
    """A consent given ten days ago that ends in a year. Tests of changes go through the services instead."""

    class Meta:
        model = Consent

    person = factory.SubFactory(PersonFactory)
    wording = factory.SubFactory(ConsentWordingFactory)
    purpose = factory.LazyAttribute(lambda c: c.wording.purpose)
    recipient = "Riverside Housing"
    content_kinds = factory.LazyFunction(
        lambda: [ContentKind.CONTACT_DETAILS, ContentKind.GOALS_AND_STRENGTHS]
    )
    how_given = Consent.HowGiven.WRITTEN
    given_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=10))
    expires_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=365))
    recorded_by = factory.LazyAttribute(lambda c: c.person.practitioner)


def qpr15_measure() -> Measure:
    """The QPR-15 that migration 0007 ships; made again after a transactional test has emptied the tables."""
    defaults = {key: value for key, value in QPR15.items() if key != "code"}
    return Measure.objects.get_or_create(code=QPR15["code"], defaults=defaults)[0]


class NoteFlagFactory(factory.django.DjangoModelFactory):
    """An open "This doesn't sound like me" flag with the person's comment. Tests of the workflow use the services
    (ethics.services.own_words), which also check who the person signed in is."""

    class Meta:
        model = NoteFlag
        skip_postgeneration_save = True

    session = factory.SubFactory(SupportSessionFactory)
    raised_by = factory.SubFactory(UserFactory, is_person=True)
    raised_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def comment(obj, create, extracted, **kwargs):
        if create:
            NoteFlagStep.objects.create(
                flag=obj,
                kind=NoteFlagStep.Kind.FLAG,
                words=extracted or "That is not how I would say it.",
                by=obj.raised_by,
                by_the_person=True,
                at=obj.raised_at,
            )


class DirectoryServiceFactory(factory.django.DjangoModelFactory):
    """A service in the signposting directory (organisation data)."""

    class Meta:
        model = DirectoryService
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Service {n}")
    kind = DirectoryService.Kind.HOUSING


class RecordChangeRequestFactory(factory.django.DjangoModelFactory):
    """A request to delete something, as the person would make it from their own view (ethics.services.record_requests
    is the way in for real requests; this is for pages that need one to exist)."""

    class Meta:
        model = "ethics.RecordChangeRequest"

    person = factory.SubFactory(PersonFactory)
    kind = "deletion"
    what = "The note about my sister."
    why = "It is about her, not me."
    received_on = factory.LazyFunction(timezone.localdate)
    due_on = factory.LazyAttribute(lambda o: one_calendar_month_after(o.received_on))
    recorded_by = factory.SubFactory(UserFactory)
