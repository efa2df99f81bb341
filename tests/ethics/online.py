"""Helpers for the person's own view: give a person online access and sign them in."""

from __future__ import annotations

from django.test import Client

from ethics.models import OnlineAccess
from ethics.services import online_access


def give_access(person, practitioner) -> OnlineAccess:
    return online_access.offer_online_access(
        person=person, offered_by=practitioner, how_given=OnlineAccess.HowGiven.SPOKEN
    )


def enter_code(client: Client, code: str, ip: str = "198.51.100.7"):
    return client.post("/me/start/", {"code": code}, REMOTE_ADDR=ip)


def signed_in_person(person, practitioner) -> tuple[Client, OnlineAccess]:
    """A browser signed in as the person, the way they sign in: with an invitation code."""
    access = give_access(person, practitioner)
    _, code = online_access.invite(access=access, by=practitioner, email=False)
    client = Client()
    assert enter_code(client, code)["Location"] == "/me/"
    return client, access
