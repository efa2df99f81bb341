"""Passkeys a person supported keeps on their own phone or computer to sign in to their own record.

The tables belong to django-otp-webauthn (a library's models: nothing to migrate here), but the rows are about a
person, so they are in the personal-data map like our own: what each column holds, and that erasure deletes every
row of the person's accounts. Staff never have passkeys (ethics.passkeys lets only a person's session add one).
The path to the person goes through their online-access account (`OnlineAccess.account`).
"""

from __future__ import annotations

from django_otp_webauthn.models import WebAuthnAttestation, WebAuthnCredential, WebAuthnUserHandle

from chime import personal_data
from chime.personal_data import CONTENT_FREE, REFERENCE, TECHNICAL

personal_data.declare(
    WebAuthnCredential,
    person="user__online_access__person",
    remove_rows=True,
    title="Passkeys to sign in to their own record",
    pack_position=90,
    fields={
        "id": TECHNICAL,
        "user": REFERENCE,
        "name": CONTENT_FREE.labelled("what kind of phone or computer"),  # a kind of device, set by Chime
        "confirmed": CONTENT_FREE.labelled("works"),
        "created_at": CONTENT_FREE.labelled("added on"),
        "last_used_at": CONTENT_FREE.labelled("last used"),
        "credential_type": TECHNICAL,
        "credential_id": TECHNICAL,  # random, made by the phone or computer
        "public_key": TECHNICAL,  # the public half only: the private key never leaves the person's device
        "transports": TECHNICAL,
        "sign_count": TECHNICAL,
        "backup_eligible": TECHNICAL,
        "backup_state": TECHNICAL,
        "aaguid": TECHNICAL,  # the authenticator's model, the same for every device of that model
        "credential_id_sha256": TECHNICAL,
        "discoverable": TECHNICAL,
    },
)

personal_data.declare(
    WebAuthnAttestation,
    person="credential__user__online_access__person",
    remove_rows=True,
    title="Passkey set-up receipts",
    in_pack=False,  # the authenticator's signed statement when the passkey was made: no words about anyone
    fields={
        "id": TECHNICAL,
        "fmt": TECHNICAL,
        "data": TECHNICAL,
        "client_data_json": TECHNICAL,
        "credential": REFERENCE,
    },
)

personal_data.declare(
    WebAuthnUserHandle,
    person="user__online_access__person",
    remove_rows=True,
    title="Passkey account handles",
    in_pack=False,  # a random number that tells the person's passkeys which account they are for
    fields={"handle_hex": TECHNICAL, "user": REFERENCE},
)
