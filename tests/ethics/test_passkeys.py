"""Passkeys for the person supported: set up on their own phone or computer, sign in with it, see and remove them.

A software authenticator (tests/ethics/soft_authenticator.py) answers the challenges with a real key pair, so
django-otp-webauthn's own verification runs on every sign-in here; nothing of ours is mocked.
"""

from __future__ import annotations

import json

import pytest
from axes.utils import reset
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django_otp_webauthn.models import WebAuthnAttestation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chime import personal_data
from chime.accounts import session_limits
from chime.models import AuditEvent
from ethics.models import WebAuthnCredential
from ethics.services import online_access
from ethics.services import passkeys as passkey_services
from ethics.views.passkeys import REFUSED
from tests.ethics.online import enter_code, signed_in_person
from tests.ethics.soft_authenticator import SoftAuthenticator
from tests.factories import PersonFactory

SET_UP = "/me/passkeys/set-up/"
SIGN_IN = "/me/passkeys/sign-in/"


def _json(client: Client, url: str, body: object, ip: str = "198.51.100.7"):
    return client.post(url, json.dumps(body), content_type="application/json", REMOTE_ADDR=ip)


def set_up_passkey(client: Client, phone: SoftAuthenticator | None = None) -> SoftAuthenticator:
    """The person, signed in on `client`, sets up a passkey on their (software) phone."""
    phone = phone or SoftAuthenticator()
    options = client.post(f"{SET_UP}begin/").json()
    response = _json(client, f"{SET_UP}complete/", phone.create(options))
    assert response.status_code == 200, response.content
    return phone


def sign_in_with(phone: SoftAuthenticator, client: Client | None = None, ip: str = "198.51.100.7"):
    client = client or Client()
    options = client.post(f"{SIGN_IN}begin/", REMOTE_ADDR=ip).json()
    return client, _json(client, f"{SIGN_IN}complete/", phone.get(options), ip=ip)


def _reasons(**filters) -> list[str]:
    return list(AuditEvent.objects.filter(**filters).order_by("pk").values_list("reason", flat=True))


# ---- Setting one up -----------------------------------------------------------------------------------------


def test_a_person_sets_up_a_passkey_named_after_their_kind_of_device_and_audited(person, practitioner):
    client, access = signed_in_person(person, practitioner)
    options = client.post(f"{SET_UP}begin/").json()
    assert options["rp"] == {"name": "CHIME to Thrive", "id": "localhost"}
    assert options["user"]["name"] == "My record at CHIME to Thrive"
    answer = SoftAuthenticator().create(options)
    iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15"
    response = client.post(
        f"{SET_UP}complete/", json.dumps(answer), content_type="application/json", HTTP_USER_AGENT=iphone
    )
    passkey = WebAuthnCredential.objects.get()
    assert response.json() == {"id": passkey.pk}
    assert (passkey.user, passkey.name, passkey.confirmed) == (access.account, "iPhone", True)
    added = AuditEvent.objects.get(reason="passkey added")
    assert (added.actor, added.action, added.person_id) == (access.account, "create", person.pk)
    assert (added.object_type, added.object_id) == ("django_otp_webauthn.WebAuthnCredential", str(passkey.pk))


def test_a_set_up_answer_without_its_challenge_is_refused_and_nothing_is_kept(person, practitioner):
    client, _ = signed_in_person(person, practitioner)
    options = client.post(f"{SET_UP}begin/").json()
    answer = SoftAuthenticator().create(options)
    assert _json(client, f"{SET_UP}complete/", answer).status_code == 200
    again = _json(
        client, f"{SET_UP}complete/", SoftAuthenticator().create(options)
    )  # the challenge is used up
    assert (again.status_code, again.json()["code"]) == (400, "no_answer")
    assert WebAuthnCredential.objects.count() == 1


def test_a_person_can_keep_five_passkeys_and_is_told_to_remove_one_for_a_sixth(person, practitioner):
    client, _ = signed_in_person(person, practitioner)
    for _ in range(5):
        set_up_passkey(client)
    options = client.post(f"{SET_UP}begin/").json()
    sixth = _json(client, f"{SET_UP}complete/", SoftAuthenticator().create(options))
    assert sixth.json() == {
        "detail": "You have the most passkeys you can have. Remove one first.",
        "code": "too_many",
    }
    assert WebAuthnCredential.objects.count() == 5


def test_staff_cannot_set_up_a_passkey(practitioner):
    client = Client()
    client.force_login(practitioner)
    assert client.post(f"{SET_UP}begin/").status_code == 404
    assert _json(client, f"{SET_UP}complete/", {}).status_code == 404
    assert not WebAuthnCredential.objects.exists()


def test_the_set_up_service_refuses_a_staff_account(practitioner, rf):
    with pytest.raises(passkey_services.PasskeyError) as refused:
        passkey_services.add_passkey(request=rf.post("/"), account=practitioner, state={"x": 1}, answer={})
    assert refused.value.code == "not_a_person"


# ---- Signing in with one -------------------------------------------------------------------------------------


def test_a_passkey_signs_the_person_in_to_the_same_kind_of_session_as_their_code(person, practitioner):
    client, access = signed_in_person(person, practitioner)
    phone = set_up_passkey(client)
    browser, response = sign_in_with(phone)
    assert response.json() == {"id": "signed-in", "redirect_url": "/me/"}
    assert browser.get("/me/").status_code == 200
    assert browser.get("/people/").status_code == 404  # a person's session opens no staff page
    by_code = client.session
    by_passkey = browser.session
    assert by_passkey[SESSION_KEY] == str(access.account.pk)
    assert (
        by_passkey["_auth_user_backend"]
        == by_code["_auth_user_backend"]
        == "ethics.backends.PersonSignInBackend"
    )
    assert session_limits.SIGNED_IN_AT in by_passkey  # the same idle and lifetime clocks
    assert "otp_device_id" not in by_passkey  # not marked as a staff two-factor session
    assert WebAuthnCredential.objects.get().last_used_at is not None


def test_a_passkey_sign_in_is_audited_with_the_person_as_the_actor(person, practitioner):
    client, access = signed_in_person(person, practitioner)
    phone = set_up_passkey(client)
    before = AuditEvent.objects.filter(action="login").count()
    sign_in_with(phone)
    used = AuditEvent.objects.get(reason="passkey used to sign in")
    assert (used.actor, used.action, used.person_id) == (access.account, "update", person.pk)
    assert AuditEvent.objects.filter(action="login", actor=access.account).count() == before + 1


def test_a_sign_in_challenge_answers_once(person, practitioner):
    client, _ = signed_in_person(person, practitioner)
    phone = set_up_passkey(client)
    browser = Client()
    options = browser.post(f"{SIGN_IN}begin/").json()
    answer = phone.get(options)
    assert _json(browser, f"{SIGN_IN}complete/", answer).status_code == 200
    browser.post("/me/sign-out/")
    replayed = _json(browser, f"{SIGN_IN}complete/", answer)
    assert replayed.json() == {"detail": REFUSED, "code": "refused"}


def test_a_staff_members_credential_is_refused_with_the_same_message_as_an_unknown_one(
    person, practitioner, supervisor
):
    client, _ = signed_in_person(person, practitioner)
    phone = set_up_passkey(client)
    WebAuthnCredential.objects.update(user=supervisor)  # however a staff account came to have one
    browser, staff_try = sign_in_with(phone)
    _, unknown_try = sign_in_with(SoftAuthenticator(rp_id="localhost"))
    assert (staff_try.status_code, staff_try.json()) == (403, {"detail": REFUSED, "code": "refused"})
    assert (unknown_try.status_code, unknown_try.json()) == (403, {"detail": REFUSED, "code": "refused"})
    assert SESSION_KEY not in browser.session
    assert WebAuthnCredential.objects.get().last_used_at is None  # nothing about the refused try is kept
    assert AuditEvent.objects.filter(action="login_failed").count() == 2


def test_five_refused_passkeys_pause_passkey_sign_in_from_that_address(person, practitioner):
    client, _ = signed_in_person(person, practitioner)
    phone = set_up_passkey(client)
    stranger = SoftAuthenticator(rp_id="localhost")
    answers = [sign_in_with(stranger)[1].status_code for _ in range(5)]
    assert answers == [403, 403, 403, 403, 429]
    _, paused = sign_in_with(phone)  # even the right passkey, while paused
    assert paused.status_code == 429
    assert paused.json() == {
        "detail": "Too many tries. Please wait 15 minutes, or sign in with a link.",
        "code": "paused",
    }
    assert sign_in_with(phone, ip="198.51.100.99")[1].status_code == 200


def test_a_person_whose_online_access_is_off_cannot_sign_in_with_a_passkey(person, practitioner):
    client, access = signed_in_person(person, practitioner)
    phone = set_up_passkey(client)
    online_access.turn_off_online_access(access=access, by=practitioner)
    assert sign_in_with(phone)[1].json()["code"] == "refused"


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=st.one_of(
        st.binary(max_size=200),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=40),
            lambda inner: (
                st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
            ),
            max_leaves=12,
        ).map(lambda value: json.dumps(value).encode()),
    )
)
def test_hostile_answers_to_the_passkey_endpoints_are_refused_never_a_server_error(db, body):
    reset()  # each example starts with no refusals counted, so the answer is the refusal, never the pause
    client = Client()
    client.post(f"{SIGN_IN}begin/", REMOTE_ADDR="203.0.113.5")
    response = client.post(
        f"{SIGN_IN}complete/", body, content_type="application/json", REMOTE_ADDR="203.0.113.5"
    )
    assert response.status_code == 403
    assert SESSION_KEY not in client.session


# ---- Seeing and removing them; a lost device ------------------------------------------------------------------


def test_the_passkeys_page_lists_each_with_its_device_when_added_and_last_used(person, practitioner):
    client, _ = signed_in_person(person, practitioner)
    page = client.get("/me/passkeys/").content.decode()
    assert "You have no passkeys yet." in page
    assert "Set up a passkey on this phone or computer" in page
    assert 'src="/me/passkeys/words.js"' in page and "django_otp_webauthn/otp_webauthn_register.js" in page
    phone = set_up_passkey(client)
    sign_in_with(phone)
    page = client.get("/me/passkeys/").content.decode()
    assert "<strong>Phone or computer</strong>" in page
    assert page.count("Added on ") == 1 and page.count("Last used on ") == 1


def test_the_home_page_offers_a_passkey_and_the_sign_in_page_a_passkey_sign_in(person, practitioner):
    client, _ = signed_in_person(person, practitioner)
    home = client.get("/me/").content.decode()
    assert 'href="/me/passkeys/">Set up a passkey on this phone or computer</a>' in home
    sign_in = Client().get("/me/sign-in/").content.decode()
    assert "Sign in with a passkey" in sign_in and "django_otp_webauthn/otp_webauthn_auth.js" in sign_in


def test_the_passkeys_page_queries_do_not_grow_with_the_number_of_passkeys(
    person, practitioner, django_assert_num_queries
):
    client, _ = signed_in_person(person, practitioner)
    for _ in range(3):
        set_up_passkey(client)
    # session, its user, OnlineAccess (own_access), the passkeys: nothing per passkey
    with django_assert_num_queries(4):
        assert client.get("/me/passkeys/").status_code == 200


def test_a_person_removes_their_passkey_and_it_no_longer_signs_them_in(person, practitioner):
    client, access = signed_in_person(person, practitioner)
    phone = set_up_passkey(client)
    passkey = WebAuthnCredential.objects.get()
    assert client.post(f"/me/passkeys/{passkey.pk}/remove/")["Location"] == "/me/passkeys/"
    assert not WebAuthnCredential.objects.exists()
    removed = AuditEvent.objects.get(reason="passkey removed by the person")
    assert (removed.actor, removed.person_id, removed.object_id) == (
        access.account,
        person.pk,
        str(passkey.pk),
    )
    assert sign_in_with(phone)[1].status_code == 403


def test_a_person_cannot_remove_someone_elses_passkey(person, practitioner):
    someone, _ = signed_in_person(PersonFactory(practitioner=practitioner), practitioner)
    set_up_passkey(someone)
    theirs = WebAuthnCredential.objects.get()
    client, _ = signed_in_person(person, practitioner)
    assert client.post(f"/me/passkeys/{theirs.pk}/remove/").status_code == 404
    assert WebAuthnCredential.objects.filter(pk=theirs.pk).exists()


def test_a_new_invitation_after_a_lost_phone_ends_every_passkey_and_says_so(person, practitioner):
    client, access = signed_in_person(person, practitioner)
    lost, kept = set_up_passkey(client), set_up_passkey(client)
    online_access.invite(access=access, by=practitioner, email=False)
    assert not WebAuthnCredential.objects.exists()
    ended = AuditEvent.objects.filter(reason="passkey ended by a new invitation")
    assert [(e.actor, e.person_id) for e in ended] == [(practitioner, person.pk)] * 2
    assert sign_in_with(lost)[1].status_code == 403
    assert sign_in_with(kept)[1].status_code == 403


def test_turning_online_access_off_ends_every_passkey(person, practitioner):
    client, access = signed_in_person(person, practitioner)
    set_up_passkey(client)
    online_access.turn_off_online_access(access=access, by=practitioner)
    assert not WebAuthnCredential.objects.exists()
    assert _reasons(reason__startswith="passkey ended") == ["passkey ended: online access turned off"]


def test_a_new_code_signs_the_person_in_and_they_can_set_up_a_passkey_again(person, practitioner):
    client, access = signed_in_person(person, practitioner)
    set_up_passkey(client)
    _, code = online_access.invite(access=access, by=practitioner, email=False)
    new_phone = Client()
    assert enter_code(new_phone, code)["Location"] == "/me/"
    phone = set_up_passkey(new_phone)
    assert sign_in_with(phone)[1].status_code == 200


# ---- Their rights --------------------------------------------------------------------------------------------


def test_subject_access_lists_the_persons_passkeys_without_their_keys(person, practitioner):
    client, _ = signed_in_person(person, practitioner)
    set_up_passkey(client)
    sections = dict(personal_data.subject_access(person.pk))
    [row] = sections["Passkeys to sign in to their own record"]
    assert set(row) == {"what kind of phone or computer", "works", "added on", "last used"}
    assert row["what kind of phone or computer"] == "Phone or computer"
    assert "Passkey set-up receipts" not in sections


def test_erasure_removes_the_persons_passkeys_and_leaves_others(person, practitioner):
    client, _ = signed_in_person(person, practitioner)
    set_up_passkey(client)
    someone, _ = signed_in_person(PersonFactory(practitioner=practitioner), practitioner)
    set_up_passkey(someone)
    personal_data.erase(person.pk)
    [left] = WebAuthnCredential.objects.all()
    assert left.user.online_access.person_id != person.pk
    assert WebAuthnAttestation.objects.get().credential == left
