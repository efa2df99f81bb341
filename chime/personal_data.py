"""The map of personal data: what every field of every model holds, and what erasure does with it.

Each app declares its models here, beside the model (`personal_data.declare(Person, person="self", fields={...})`).
Subject access, erasure, retention and the `personal_data_map` command all read these declarations; nothing else
lists fields about a person by hand. A test fails when a model has a field that is not declared.

`person` is the path from a row to the person supported it is about (a lookup such as "session__person"), "self"
for the person's own row, or None for staff-only and organisation tables. `held_with` is the path from a row to the
safeguarding concern whose legal hold keeps it intact (the concern, its chronology, and what it cites).

The core imports no app: the apps register their models; the walkers below work on whatever was registered.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum

import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.text import capfirst


class Kind(StrEnum):
    IDENTIFYING = "identifying"  # names a person supported or reaches them (name, phone, email)
    FREE_TEXT = "free_text"  # words written about a person supported, or by them
    CONTENT_FREE = "content_free"  # dates, choices, numbers, flags: says nothing about anyone by itself
    REFERENCE = "reference"  # a key to another row
    TECHNICAL = "technical"  # row ids, hashes, random keys: nothing about anyone
    STAFF = "staff"  # about a member of staff, not a person supported
    ORGANISATION = "organisation"  # the organisation's own settings and wording


# What anonymised free text reads, where a record must still say something (a note, a justification).
ERASED = "[erased]"

# Kinds that hold nothing about a person (the map's `about_a_person` column is false for them).
HOLDS_NOTHING_ABOUT_A_PERSON = {Kind.CONTENT_FREE, Kind.REFERENCE, Kind.TECHNICAL, Kind.ORGANISATION}


class OnErasure(StrEnum):
    ANONYMISE = "anonymise"  # replaced by a fixed value
    REMOVE = "remove"  # blanked, or the whole row deleted
    KEEP_UNDER_LEGAL_HOLD = "keep_under_legal_hold"  # a safeguarding record: kept intact
    KEEP_CONTENT_FREE = "keep_content_free"  # kept: it says nothing about the person
    NOT_TOUCHED = "not_touched"  # staff or organisation data: erasing a person supported leaves it alone


@dataclass(frozen=True)
class Field:
    """What one field holds and what erasure does with it. `value` is what anonymising writes."""

    kind: Kind
    on_erasure: OnErasure
    value: object = None
    label: str = ""
    shown_as: str = ""  # how the map shows `value` when it is an expression

    def labelled(self, label: str) -> Field:
        """The same, with the words the subject access pack uses instead of the field's verbose name."""
        return dataclasses.replace(self, label=label)

    @property
    def changes_on_erasure(self) -> bool:
        return self.on_erasure in (OnErasure.ANONYMISE, OnErasure.REMOVE)


class _KindOf:
    """Builds the Field of one kind: `FREE_TEXT.remove()`, `IDENTIFYING.anonymise("Erased person")`."""

    def __init__(self, kind: Kind) -> None:
        self.kind = kind

    def anonymise(self, value: object, *, shown_as: str = "") -> Field:
        return Field(self.kind, OnErasure.ANONYMISE, value, shown_as=shown_as)

    def remove(self) -> Field:
        return Field(self.kind, OnErasure.REMOVE)  # the value (blank or null) is filled in by declare()

    def held(self) -> Field:
        return Field(self.kind, OnErasure.KEEP_UNDER_LEGAL_HOLD)


IDENTIFYING = _KindOf(Kind.IDENTIFYING)
FREE_TEXT = _KindOf(Kind.FREE_TEXT)
CONTENT_FREE = Field(Kind.CONTENT_FREE, OnErasure.KEEP_CONTENT_FREE)
REFERENCE = Field(Kind.REFERENCE, OnErasure.KEEP_CONTENT_FREE)
TECHNICAL = Field(Kind.TECHNICAL, OnErasure.KEEP_CONTENT_FREE)
STAFF = Field(Kind.STAFF, OnErasure.NOT_TOUCHED)
ORGANISATION = Field(Kind.ORGANISATION, OnErasure.NOT_TOUCHED)

# What a pghistory version row adds to the fields it copies.
HISTORY_FIELDS = {
    "pgh_id": TECHNICAL,
    "pgh_created_at": CONTENT_FREE.labelled("version kept on"),
    "pgh_label": CONTENT_FREE.labelled("what happened"),
    "pgh_obj": REFERENCE,
    "pgh_context": TECHNICAL,
}


@dataclass
class Declaration:
    model: type[models.Model]
    person: str | None
    fields: dict[str, Field]
    remove_rows: bool = False
    held_with: str | None = None
    title: str = ""
    pack_position: int = 0
    note: str = ""
    in_pack: bool = True
    hidden_from_pack: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_about_people(self) -> bool:
        return self.person is not None

    @property
    def section_title(self) -> str:
        return self.title or capfirst(str(self.model._meta.verbose_name_plural))

    def rows_about(self, person_id: int) -> models.QuerySet:
        manager = self.model._base_manager
        if self.person == "self":
            return manager.filter(pk=person_id)
        return manager.filter(**{self.person: person_id})

    def held_rows(self, person_id: int, anchors: Iterable[int]) -> models.QuerySet:
        return self.rows_about(person_id).filter(**{f"{self.held_with}__in": list(anchors)})

    def erasure_values(self) -> dict[str, object]:
        return {name: spec.value for name, spec in self.fields.items() if spec.changes_on_erasure}

    def effective_on_erasure(self, name: str) -> OnErasure:
        """What erasure of a person does to this field in rows about them (a removed row removes every field)."""
        if self.remove_rows:
            return OnErasure.REMOVE
        return self.fields[name].on_erasure


_registry: dict[type[models.Model], Declaration] = {}


def declare(
    model: type[models.Model],
    *,
    person: str | None,
    fields: dict[str, Field],
    remove_rows: bool = False,
    held_with: str | None = None,
    title: str = "",
    pack_position: int = 0,
    note: str = "",
    in_pack: bool = True,
) -> Declaration:
    """Say what each field of `model` holds and what erasure does with it. Call it right after the model."""
    fields = {name: _with_removed_value(model, name, spec) for name, spec in fields.items()}
    declaration = Declaration(
        model, person, fields, remove_rows, held_with, title, pack_position, note, in_pack
    )
    declaration.hidden_from_pack = frozenset(_hidden_from_pack(declaration))
    _registry[model] = declaration
    return declaration


def declare_history(
    model: type[models.Model],
    *,
    of: type[models.Model],
    person: str,
    held_with: str | None = None,
    title: str = "",
    pack_position: int = 0,
) -> Declaration:
    """A pghistory version table: the fields it copies mean what they mean on `of`. Erasure deletes the rows."""
    copied = {name: spec for name, spec in _registry[of].fields.items() if _has_field(model, name)}
    return declare(
        model,
        person=person,
        fields={**HISTORY_FIELDS, **copied},
        remove_rows=True,
        held_with=held_with,
        title=title,
        pack_position=pack_position,
        note=f"Earlier versions of {of._meta.verbose_name_plural}.",
    )


def declarations() -> list[Declaration]:
    return list(_registry.values())


def declaration_for(model: type[models.Model]) -> Declaration | None:
    return _registry.get(model)


def about_people() -> list[Declaration]:
    return [d for d in _registry.values() if d.is_about_people]


def editable_fields(model: type[models.Model]) -> list[str]:
    """The fields of a person's own record a form may edit: declared, editable and not a reference."""
    declared = _registry[model].fields
    return [
        f.name
        for f in model._meta.concrete_fields
        if f.editable and not f.is_relation and not f.primary_key and declared[f.name].kind != Kind.TECHNICAL
    ]


# ---- Erasure ------------------------------------------------------------------------------------------------


@contextmanager
def past_protections(models_: Iterable[type[models.Model]] | None = None) -> Iterator[None]:
    """Erasure is the one place allowed past the append-only and never-changed triggers of the tables it writes
    (by default, every table the map says erasure changes), and no version rows are written while it runs. The
    safeguarding tables and the audit trail keep their protections, and triggers that keep figures current
    (`keeps_figures_current`, such as the report's roll-ups) keep running."""
    written = {d.model for d in about_people() if d.remove_rows or d.erasure_values()}
    chosen = set(models_) if models_ is not None else written
    uris = [
        f"{model._meta.label}:{trigger.name}"
        for model, trigger in pgtrigger.registered()
        if model in chosen and not getattr(trigger, "keeps_figures_current", False)
    ]
    with pgtrigger.ignore(*uris):
        yield


def erase(person_id: int, *, held: Iterable[int] = ()) -> dict[str, int]:
    """Apply every declaration to the rows about one person, leaving alone the rows held with the concerns in
    `held`. Version rows go first, so no trigger copies an old value into a new version. Returns rows changed."""
    held = list(held)
    changed: dict[str, int] = {}
    ordered = sorted(about_people(), key=lambda d: not d.remove_rows)
    with past_protections():
        for declaration in ordered:
            rows = declaration.rows_about(person_id)
            if declaration.held_with and held:
                rows = rows.exclude(pk__in=declaration.held_rows(person_id, held).values("pk"))
            if declaration.remove_rows:
                changed[declaration.model._meta.label] = rows.delete()[0]
            elif values := declaration.erasure_values():
                changed[declaration.model._meta.label] = rows.update(**values)
    return changed


def held_counts(person_id: int, anchors: Iterable[int]) -> list[tuple[str, int]]:
    """How many rows of each kind a hold keeps: (section title, count), for the rows there are."""
    anchors = list(anchors)
    counts = [
        (d.section_title, d.held_rows(person_id, anchors).count()) for d in about_people() if d.held_with
    ]
    return [(title, count) for title, count in counts if count]


# ---- Subject access -----------------------------------------------------------------------------------------


def subject_access(person_id: int) -> list[tuple[str, list[dict[str, object]]]]:
    """Every row about the person, model by model, with each field they may see, under plain-English labels."""
    ordered = sorted((d for d in about_people() if d.in_pack), key=lambda d: d.pack_position)
    return [(d.section_title, _pack_rows(d, person_id)) for d in ordered]


def _pack_rows(declaration: Declaration, person_id: int) -> list[dict[str, object]]:
    shown = [
        (declaration.model._meta.get_field(name), spec)
        for name, spec in declaration.fields.items()
        if name not in declaration.hidden_from_pack
    ]
    related = [f.name for f, _ in shown if f.many_to_one or f.one_to_one]
    rows = declaration.rows_about(person_id).order_by("pk")
    if related:
        rows = rows.select_related(*related)
    return [
        {spec.label or capfirst(str(f.verbose_name)): _display(row, f) for f, spec in shown} for row in rows
    ]


def _hidden_from_pack(declaration: Declaration) -> Iterator[str]:
    """Staff's own data, technical keys, and the link back to the person themselves stay out of the pack."""
    first_hop = (declaration.person or "").split("__")[0]
    for name, spec in declaration.fields.items():
        model_field = declaration.model._meta.get_field(name)
        if spec.kind in (Kind.STAFF, Kind.TECHNICAL, Kind.ORGANISATION):
            yield name
        elif name == first_hop or model_field.many_to_many or model_field.primary_key:
            yield name
        elif name == "person" and declaration.person != "self":
            yield name


def _display(row: models.Model, model_field: models.Field) -> object:
    if model_field.is_relation:
        related = getattr(row, model_field.name)
        return None if related is None else _related_label(related)
    value = getattr(row, model_field.attname)
    if model_field.choices and value not in (None, ""):
        return getattr(row, f"get_{model_field.name}_display")()
    if isinstance(model_field, ArrayField) and model_field.base_field.choices:
        labels = dict(model_field.base_field.choices)
        return ", ".join(str(labels.get(v, v)) for v in value)
    return value


def _related_label(related: models.Model) -> str:
    return getattr(related, "name", None) if related._meta.label == settings.AUTH_USER_MODEL else str(related)


# ---- The map, for the data protection officer --------------------------------------------------------------


def map_rows() -> list[dict[str, object]]:
    """One row per column of every declared table: what it holds and what erasure of a person does with it."""
    rows = []
    for declaration in _registry.values():
        meta = declaration.model._meta
        for model_field in meta.concrete_fields:
            spec = declaration.fields[model_field.name]
            rows.append(
                {
                    "table": meta.db_table,
                    "column": model_field.column,
                    "model": meta.label,
                    "field": model_field.name,
                    "label": capfirst(str(model_field.verbose_name)),
                    "kind": str(spec.kind),
                    "about_a_person": spec.kind not in HOLDS_NOTHING_ABOUT_A_PERSON,
                    "concerns": _concerns(declaration),
                    "on_erasure": str(declaration.effective_on_erasure(model_field.name)),
                    "when_held": "keep_under_legal_hold" if declaration.held_with else "",
                    "anonymised_to": _shown_value(spec) if spec.on_erasure == OnErasure.ANONYMISE else None,
                }
            )
    return rows


def _concerns(declaration: Declaration) -> str:
    if declaration.is_about_people:
        return "a person supported"
    kinds = {spec.kind for spec in declaration.fields.values()}
    return "staff" if Kind.STAFF in kinds else "the organisation"


def _shown_value(spec: Field) -> str:
    return spec.shown_as or (spec.value if isinstance(spec.value, str) else repr(spec.value))


# Tables in our database that belong to Django or a library, not to Chime's apps: outside this map.
OUTSIDE_THE_PROJECT = {
    "auth_*": "Django's groups and permissions (no data about people supported).",
    "django_session": "Django's log-in sessions of staff (expire; hold staff ids only).",
    "django_admin_log": "Django admin's change messages about staff accounts and settings.",
    "django_content_type, django_migrations": "Django's own bookkeeping.",
    "axes_*": "django-axes: failed log-in attempts (usernames and addresses of staff).",
    "otp_*": "django-otp: staff two-factor devices.",
    "django_tasks_database_*": "django-tasks-db: background jobs (their arguments are record ids).",
    "pghistory_context": "django-pghistory: who made each edit (staff id and page address).",
}


# ---- Helpers -------------------------------------------------------------------------------------------------


def _has_field(model: type[models.Model], name: str) -> bool:
    return any(f.name == name for f in model._meta.concrete_fields)


def _with_removed_value(model: type[models.Model], name: str, spec: Field) -> Field:
    if spec.on_erasure != OnErasure.REMOVE:
        return spec
    model_field = model._meta.get_field(name)
    if model_field.null:
        return dataclasses.replace(spec, value=None)
    if isinstance(model_field, models.JSONField):
        return dataclasses.replace(spec, value={})
    return dataclasses.replace(spec, value="")
