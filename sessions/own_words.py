"""Two voices on every session: the person's own words beside the practitioner's note, and their flags on a note.

`OwnWords` is the person's own account of one session ("In my words": what mattered, what helped, what they want
next, in one box with those three prompts). It sits beside the practitioner's note wherever the session appears and
is never merged into it; only the person writes it (ethics.services.own_words), and every edit keeps the earlier
version (`OwnWordsVersion`).

`NoteFlag` is "This doesn't sound like me": the person flags a session's note with a comment. The practitioner
replies or adds a correction; each step is a `NoteFlagStep` that is never changed or deleted, and the note itself
is never rewritten by a flag. The flag stays open until the person closes it.

The models live in sessions (app label `support`) so that the staff pages here can show them without a hook; the
writes are ethics' services, which know who the person signed in is. Imported by sessions/models.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pghistory
import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q

from chime import personal_data
from chime.personal_data import CONTENT_FREE, FREE_TEXT, REFERENCE, STAFF, TECHNICAL

if TYPE_CHECKING:
    from chime.models import User

OWN_WORDS_MAX = 4000
FLAG_WORDS_MAX = 2000


class OwnWordsQuerySet(models.QuerySet):
    def about_person(self, person_id: int) -> OwnWordsQuerySet:
        return self.filter(session__person_id=person_id)


class OwnWords(models.Model):
    """The person's own account of a session, in their words. Only they write it; staff read it beside the note."""

    session = models.OneToOneField(
        "support.SupportSession", on_delete=models.PROTECT, related_name="own_words"
    )
    words = models.TextField("in their words", max_length=OWN_WORDS_MAX)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField("first written")
    changed_at = models.DateTimeField("last changed")

    objects = OwnWordsQuerySet.as_manager()

    class Meta:
        verbose_name = "person's own words"
        verbose_name_plural = "people's own words"
        constraints = [models.CheckConstraint(condition=~Q(words=""), name="own_words_not_blank")]

    def __str__(self) -> str:
        return f"Own words #{self.pk}"


personal_data.declare(
    OwnWords,
    person="session__person",
    held_with="session__concerns",
    remove_rows=True,
    title="Their own words about their sessions",
    fields={
        "id": TECHNICAL,
        "session": REFERENCE,
        "words": FREE_TEXT.remove(),
        "written_by": REFERENCE,  # the person's own sign-in account
        "written_at": CONTENT_FREE,
        "changed_at": CONTENT_FREE,
    },
)

# Every change keeps the words as they were before it. Append-only, like the sessions' own versions.
OwnWordsVersion = pghistory.create_event_model(
    OwnWords,
    pghistory.UpdateEvent("before_edit", row=pghistory.Old),
    append_only=True,
    model_name="OwnWordsVersion",
    abstract=False,
)
personal_data.declare_history(
    OwnWordsVersion,
    of=OwnWords,
    person="session__person",
    held_with="session__concerns",
    title="Earlier versions of their own words",
)


class NoteFlagQuerySet(models.QuerySet):
    def open(self) -> NoteFlagQuerySet:
        return self.filter(closed_at__isnull=True)

    def for_supervisor(self, user: User) -> NoteFlagQuerySet:
        """Open flags on the notes of the people on this supervisor's supervisees' caseloads, oldest first."""
        return (
            self.open()
            .filter(session__person__practitioner__supervisor=user, session__person__erased_at__isnull=True)
            .select_related("session__person__practitioner")
            .order_by("raised_at", "pk")
        )

    def with_steps(self) -> NoteFlagQuerySet:
        steps = NoteFlagStep.objects.select_related("by").order_by("at", "pk")
        return self.prefetch_related(models.Prefetch("steps", queryset=steps)).order_by("-raised_at", "-pk")


class NoteFlag(models.Model):
    """ "This doesn't sound like me": the person's flag on a session's note. Open until the person closes it."""

    session = models.ForeignKey("support.SupportSession", on_delete=models.PROTECT, related_name="note_flags")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = NoteFlagQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session"], condition=Q(closed_at__isnull=True), name="one_open_note_flag_per_session"
            )
        ]
        triggers = [pgtrigger.Protect(name="note_flags_are_never_deleted", operation=pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"Flag #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class NoteFlagStep(models.Model):
    """One step of a flag's thread: the person's comment, a reply, a correction, or the person closing it."""

    class Kind(models.TextChoices):
        FLAG = "flag", "Flagged the note"
        REPLY = "reply", "Replied"
        CORRECTION = "correction", "Added a correction"
        CLOSED = "closed", "Closed the flag"

    flag = models.ForeignKey(NoteFlag, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    words = models.TextField(blank=True, max_length=FLAG_WORDS_MAX)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    by_the_person = models.BooleanField(default=False)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]
        triggers = [
            pgtrigger.Protect(name="note_flag_steps_are_never_deleted", operation=pgtrigger.Delete),
            pgtrigger.Protect(name="note_flag_steps_are_never_changed", operation=pgtrigger.Update),
        ]

    def __str__(self) -> str:
        return f"Flag step #{self.pk}"


# Steps are declared (and so erased) before their flags.
personal_data.declare(
    NoteFlagStep,
    person="flag__session__person",
    held_with="flag__session__concerns",
    remove_rows=True,
    title="What they and their practitioner said about a note",
    fields={
        "id": TECHNICAL,
        "flag": REFERENCE,
        "kind": CONTENT_FREE,
        "words": FREE_TEXT.remove(),
        "by": STAFF,  # a member of staff, or the person's own sign-in account (`by_the_person`)
        "by_the_person": CONTENT_FREE,
        "at": CONTENT_FREE,
    },
)
personal_data.declare(
    NoteFlag,
    person="session__person",
    held_with="session__concerns",
    remove_rows=True,
    title="Notes they said did not sound like them",
    fields={
        "id": TECHNICAL,
        "session": REFERENCE,
        "raised_by": REFERENCE,
        "raised_at": CONTENT_FREE,
        "closed_at": CONTENT_FREE,
    },
)


def voices_on(session_id: int) -> tuple[OwnWords | None, list[NoteFlag]]:
    """The person's own words on a session and its flags (newest first, each with its thread): three queries.
    The page that fetched the session is the audited look; these are part of it."""
    own = OwnWords.objects.filter(session_id=session_id).first()
    return own, list(NoteFlag.objects.filter(session_id=session_id).with_steps())


def may_answer(user: User, session: models.Model) -> bool:
    """Who answers a flag on a session's note: the practitioner who logged it, or who supports the person now."""
    return bool(user.is_practitioner) and user.pk in (session.practitioner_id, session.person.practitioner_id)
