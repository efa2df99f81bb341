"""The audit trail never holds free text about a person: a reason is a phrase declared in the code.

Three guards: `audit.record` refuses a reason that is not an `audit.Reason`; a `Reason` takes only numbers, dates,
choices and other Reasons as values; and the code is read (ast) so that every `Reason(...)` starts from a string
literal and no audit call builds its reason from text. A run through every service that takes free text then
proves none of it reaches the trail.
"""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest

from chime import audit
from chime.audit import Reason
from chime.models import AuditEvent
from ethics.models import EmergencyAccess, ErasureRequest
from ethics.services import consent as consent_services
from ethics.services import emergency, rights
from ethics.services import safeguarding as safeguarding_services
from sessions import services as session_services
from tests.ethics.safeguarding import raise_concern
from tests.factories import AdminFactory, ConsentFactory, PractitionerFactory, SupportSessionFactory

ROOT = Path(__file__).resolve().parents[2]
APPS = ("chime", "sessions", "ethics")
AUDIT_CALLS = {
    "record",
    "record_denial",
    "_audit",
    "sign_out_everywhere",
}  # each passes `reason` to the trail
MARKER = "Marker-7f3a typed by a user"


def test_a_plain_string_is_refused_as_an_audit_reason(db):
    with pytest.raises(TypeError, match="never free text"):
        audit.record(AuditEvent.Action.VIEW, object_type="test", reason="Dee said she was scared")
    assert not AuditEvent.objects.exists()


def test_a_declared_reason_is_written_as_its_phrase(db):
    event = audit.record(AuditEvent.Action.VIEW, object_type="test", reason=Reason("declared phrase"))
    assert event.reason == "declared phrase"


def test_a_reason_takes_numbers_dates_choices_and_reasons():
    reason = Reason(
        "{n} on {day:%Y-%m-%d}: {choice}; {why}",
        n=3,
        day=dt.date(2026, 12, 1),
        choice=ErasureRequest.Exception_.SAFEGUARDING,
        why=Reason("inner"),
    )
    assert reason == "3 on 2026-12-01: Safeguarding records kept under legal retention; inner"


@pytest.mark.parametrize("value", ["Dee", True, 1.5, None, ["a"]])
def test_a_reason_refuses_any_other_value(value):
    with pytest.raises(TypeError, match="only numbers, dates, choices and Reasons"):
        Reason("moved: {why}", why=value)


# ---- The code: every Reason is a literal phrase, no audit call builds its reason from text ----------------------


def _sources():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path, ast.parse(path.read_text(), filename=str(path))


def _callee(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _is_audit_reason(call: ast.Call, imports_reason: bool) -> bool:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr == "Reason" and isinstance(func.value, ast.Name) and func.value.id == "audit"
    return imports_reason and isinstance(func, ast.Name) and func.id == "Reason"


def _imports_reason(tree: ast.Module) -> bool:
    return any(
        isinstance(node, ast.ImportFrom)
        and node.module == "chime.audit"
        and any(a.name == "Reason" for a in node.names)
        for node in ast.walk(tree)
    ) or any(isinstance(node, ast.ClassDef) and node.name == "Reason" for node in tree.body)


def _built_from_text(node: ast.expr) -> bool:
    """An f-string, a non-empty string literal, concatenation, or str()/format()/join() of something."""
    if isinstance(node, ast.IfExp):
        return _built_from_text(node.body) or _built_from_text(node.orelse)
    if isinstance(node, ast.JoinedStr | ast.BinOp):
        return True
    if isinstance(node, ast.Constant):
        return node.value != ""
    return isinstance(node, ast.Call) and _callee(node) in {"str", "format", "join", "strip", "lower"}


def test_every_reason_in_the_code_is_a_literal_phrase():
    problems = []
    for path, tree in _sources():
        imports_reason = _imports_reason(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _is_audit_reason(node, imports_reason):
                first = node.args[0] if len(node.args) == 1 else None
                literal = isinstance(first, ast.Constant) and isinstance(first.value, str)
                if not literal or any(k.arg is None for k in node.keywords):
                    problems.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert problems == [], f"Reason(...) must start from one string literal: {problems}"


def test_no_audit_call_builds_its_reason_from_text():
    problems = []
    for path, tree in _sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _callee(node) in AUDIT_CALLS:
                reasons = [k.value for k in node.keywords if k.arg == "reason"]
                if any(_built_from_text(value) for value in reasons):
                    problems.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert problems == [], f"Audit reasons must be audit.Reason phrases: {problems}"


def test_the_check_finds_an_audit_reason_built_from_text():
    leaky = ast.parse('audit.record("view", reason=f"moved: {reason}")\nReason(text)').body
    assert _built_from_text(leaky[0].value.keywords[0].value)
    assert not isinstance(leaky[1].value.args[0], ast.Constant)


# ---- A run: every service that takes free text about a person, and none of it in the trail ----------------------


def test_text_typed_about_a_person_stays_on_its_record_and_never_reaches_the_audit_trail(
    admin_user, practitioner, supervisor, person
):
    session = SupportSessionFactory(person=person)
    session_services.review_session(session=session, reviewer=supervisor, comment=MARKER)
    session_services.move_person(
        person=person,
        to_practitioner=PractitionerFactory(supervisor=supervisor),
        moved_by=supervisor,
        reason=MARKER,
    )
    consent = ConsentFactory(person=person)
    consent_services.withdraw_consent(consent=consent, withdrawn_by=admin_user, reason=MARKER)
    grant = emergency.declare_emergency_access(
        user=PractitionerFactory(), person=person, reason="risk_to_person", justification=MARKER
    )
    emergency.review_emergency_access(grant=grant, reviewer=supervisor, outcome="justified", notes=MARKER)
    concern = raise_concern(person)
    safeguarding_services.add_to_chronology(concern=concern, by=supervisor, note=MARKER)
    erasure = rights.record_erasure_request(person=person, recorded_by=admin_user)
    rights.decide_erasure(
        request=erasure, decided_by=AdminFactory(), agree=False, exception="legal_claims", notes=MARKER
    )

    assert EmergencyAccess.objects.get(pk=grant.pk).justification == MARKER  # on the record it justifies
    assert not AuditEvent.objects.filter(reason__contains="Marker-7f3a").exists()
    assert AuditEvent.objects.get(object_type="ethics.EmergencyAccess", action="emergency_access").reason == (
        "Risk of harm to the person"
    )
