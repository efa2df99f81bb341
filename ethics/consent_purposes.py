"""The sharing purposes every organisation starts with, and the first wording shown for each.

Loaded by a data migration; admins then manage purposes and publish new wordings in the Django admin.
"""

from __future__ import annotations

WITHDRAW = (
    " You can change your mind at any time, without giving a reason, by telling any member of staff."
    " Sharing stops straight away, and it will not affect the support you get."
)

# (name, description for staff, first wording shown to the person)
STARTING_PURPOSES = (
    (
        "Sharing with their GP or another health professional",
        "So a GP, nurse or other health professional can support them.",
        "I agree that the information I have chosen may be shared with the health professional named below,"
        " so they can support me." + WITHDRAW,
    ),
    (
        "Housing",
        "So a housing provider or housing support worker can help with their home.",
        "I agree that the information I have chosen may be shared with the housing organisation named below,"
        " so they can help me with where I live." + WITHDRAW,
    ),
    (
        "A family member",
        "So someone in their family can be kept informed, as the person wishes.",
        "I agree that the information I have chosen may be shared with the family member named below."
        + WITHDRAW,
    ),
    (
        "Another support organisation",
        "So another support organisation can work with them.",
        "I agree that the information I have chosen may be shared with the organisation named below,"
        " so they can support me too." + WITHDRAW,
    ),
    (
        "Being contacted by text or email",
        "So staff may contact them by text message or email.",
        "I agree to be contacted by text message or email using the details I have given." + WITHDRAW,
    ),
    (
        "Anonymised reporting",
        "So their information can be counted in reports that name no one.",
        "I agree that information about my support may be included in reports, with my name and anything"
        " that could identify me taken out." + WITHDRAW,
    ),
    (
        "A case study",
        "So their story can be used as a case study, in the way they agree.",
        "I agree that my story may be used as a case study in the way described below. I will see it before"
        " it is used." + WITHDRAW,
    ),
)


def load_starting_purposes(apps, schema_editor) -> None:
    """Data migration: add the starting purposes and their first wording, unless they are there already."""
    purpose_model = apps.get_model("ethics", "SharingPurpose")
    wording_model = apps.get_model("ethics", "ConsentWording")
    for order, (name, description, text) in enumerate(STARTING_PURPOSES, start=1):
        purpose, created = purpose_model.objects.get_or_create(
            name=name, defaults={"description": description, "order": order * 10}
        )
        if created:
            wording_model.objects.create(purpose=purpose, version=1, text=text)
