"""Read a session's edit history back from the append-only version tables kept by pghistory.

Each edit is one request, so its events share a pghistory context: that context carries who made the edit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from chime.framework import area_named
from chime.models import User
from sessions.models import SessionAreaVersion, SessionSignpostVersion, SupportSession, SupportSessionVersion

SESSION_FIELDS = [
    "occurred_at",
    "duration_minutes",
    "mode",
    "location",
    "next_steps",
    "follow_up_on",
    "signposted_to",
    "signposting_notes",
]


@dataclass
class Change:
    what: str
    before: object
    after: object


@dataclass
class Edit:
    at: dt.datetime
    by: str
    changes: list[Change] = field(default_factory=list)


def _label(name: str) -> str:
    return str(SupportSession._meta.get_field(name).verbose_name).capitalize()


def _display(name: str, value: object) -> object:
    if name == "mode":
        return SupportSession.Mode(value).label if value else ""
    return value


def session_history(session: SupportSession) -> list[Edit]:
    """Every edit of `session`, newest first: when, by whom, and each field's value before and after."""
    # The rows as they were before each edit, and every change to the session's area notes.
    session_versions = list(
        SupportSessionVersion.objects.filter(pgh_obj=session).select_related("pgh_context").order_by("pgh_id")
    )
    area_events = list(
        SessionAreaVersion.objects.filter(session_id=session.pk)
        .select_related("pgh_context")
        .order_by("pgh_id")
    )
    signpost_events = list(
        SessionSignpostVersion.objects.filter(session_id=session.pk)
        .select_related("pgh_context", "service")
        .order_by("pgh_id")
    )
    edits: dict[object, Edit] = {}
    users = _editors([*session_versions, *area_events, *signpost_events])

    def edit_for(event) -> Edit:
        key = event.pgh_context_id or f"event-{event.pgh_label}-{event.pgh_id}"
        if key not in edits:
            editor = (
                users.get((event.pgh_context.metadata or {}).get("user")) if event.pgh_context_id else None
            )
            edits[key] = Edit(at=event.pgh_created_at, by=str(editor) if editor else "Unknown")
        return edits[key]

    for index, old in enumerate(session_versions):
        newer = session_versions[index + 1] if index + 1 < len(session_versions) else session
        for name in SESSION_FIELDS:
            before, after = getattr(old, name), getattr(newer, name)
            if before != after:
                edit_for(old).changes.append(
                    Change(_label(name), _display(name, before), _display(name, after))
                )
    _area_changes(area_events, edit_for, session)
    _signpost_changes(signpost_events, edit_for, _creation_context(area_events))
    return sorted((e for e in edits.values() if e.changes), key=lambda e: e.at, reverse=True)


def _area_changes(area_events: list, edit_for, session: SupportSession) -> None:
    original_context = _creation_context(area_events)
    latest: dict[str, object] = {area.area: area for area in session.areas.all()}
    by_area: dict[str, list] = {}
    for event in area_events:
        by_area.setdefault(event.area, []).append(event)
    for code, events in by_area.items():
        area = area_named(code)
        for index, event in enumerate(events):
            if event.pgh_label == "area_added":
                if event.pgh_context_id == original_context:
                    continue
                edit_for(event).changes.append(Change(area.note_label, "", event.note))
            elif event.pgh_label == "area_removed":
                edit_for(event).changes.append(Change(area.note_label, event.note, "(area removed)"))
            else:
                newer = _next_state(events, index, latest.get(code))
                if newer is None:
                    continue
                if event.note != newer.note:
                    edit_for(event).changes.append(Change(area.note_label, event.note, newer.note))
                if event.rating != newer.rating:
                    edit_for(event).changes.append(Change(area.rating_label, event.rating, newer.rating))


def _signpost_changes(events: list, edit_for, original_context: object) -> None:
    """Services chosen or unticked in an edit (those chosen when the session was logged are not a change)."""
    for event in events:
        if event.pgh_label == "signpost_added" and event.pgh_context_id != original_context:
            edit_for(event).changes.append(Change("Signposted to", "", event.service.name))
        elif event.pgh_label == "signpost_removed":
            edit_for(event).changes.append(Change("Signposted to", event.service.name, "(no longer)"))


def _next_state(events: list, index: int, current: object) -> object:
    for later in events[index + 1 :]:
        if later.pgh_label == "before_edit":
            return later
        if later.pgh_label == "area_removed":
            return later
    return current


def _creation_context(area_events: list) -> object:
    added = [e for e in area_events if e.pgh_label == "area_added"]
    return added[0].pgh_context_id if added else None


def _editors(events: list) -> dict[int, User]:
    ids = {(e.pgh_context.metadata or {}).get("user") for e in events if e.pgh_context_id}
    ids.discard(None)
    return {user.pk: user for user in User.objects.filter(pk__in=ids)}
