from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from django.conf import settings


def test_bandit_finds_nothing_of_high_severity():
    bandit = Path(sys.executable).with_name("bandit")
    result = subprocess.run(
        [str(bandit), "-q", "-r", "chime", "sessions", "ethics", "-lll", "-f", "txt"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_lock_pins_exactly_what_is_installed():
    """`make audit` audits .ci/requirements.lock, so it must be what runs: every installed release, no other."""
    from importlib.metadata import distributions

    from packaging.utils import canonicalize_name

    from tests.audit.run import read_lock

    installed = {
        canonicalize_name(dist.metadata["Name"]): dist.version
        for dist in distributions()
        if canonicalize_name(dist.metadata["Name"]) != "chime"
    }
    assert read_lock() == installed, "run `make lock` after changing dependencies"


def _project(version, *vulns):
    """PyPI's project JSON as it comes, trimmed to what the audit reads."""
    return {"info": {"name": "example", "version": version}, "vulnerabilities": list(vulns)}


ADVISORY = {
    "id": "PYSEC-2026-1",
    "aliases": ["CVE-2026-0001", "GHSA-xxxx-yyyy-zzzz"],
    "fixed_in": ["2.0.1"],
    "withdrawn": None,
}
SAME_UNDER_ITS_OTHER_ID = {
    **ADVISORY,
    "id": "GHSA-xxxx-yyyy-zzzz",
    "aliases": ["CVE-2026-0001", "PYSEC-2026-1"],
}


def test_the_newest_release_is_judged_by_pypis_advisories_each_named_once():
    from tests.audit.run import judge_newest_release

    finding = judge_newest_release("example", "2.0.0", _project("2.0.0", ADVISORY, SAME_UNDER_ITS_OTHER_ID))
    assert finding.verdict == "vulnerable"
    assert finding.detail == "PYSEC-2026-1 / CVE-2026-0001 / GHSA-xxxx-yyyy-zzzz (fixed in 2.0.1)"

    assert judge_newest_release("example", "2.0.0", _project("2.0.0")).verdict == "clean"
    withdrawn = {**ADVISORY, "withdrawn": "2026-05-01T00:00:00Z"}
    assert judge_newest_release("example", "2.0.0", _project("2.0.0", withdrawn)).verdict == "clean"
    # Version strings are compared as versions, not as text.
    assert judge_newest_release("example", "2.0", _project("2.0.0", ADVISORY)).verdict == "vulnerable"


def test_an_older_release_is_never_passed_as_checked():
    """The project JSON carries the newest release's advisories only: an older release is unchecked, not clean."""
    from tests.audit.run import Finding, exit_status, judge_newest_release

    older = judge_newest_release("example", "1.9.0", _project("2.0.0"))
    assert older.verdict == "unchecked"
    assert "2.0.0" in older.detail and "make lock" in older.detail
    assert exit_status([older]) == 1

    held_back = judge_newest_release("python-dateutil", "2.9.0.post0", _project("4.0.0"))
    assert held_back.verdict == "unchecked" and "holidays" in held_back.detail
    assert exit_status([held_back]) == 0
    assert exit_status([held_back, Finding("example", "2.0.0", "vulnerable")]) == 1


def test_a_release_pip_audit_skipped_is_not_taken_as_clean():
    """pip-audit reports "No known vulnerabilities found" even when it skipped every release; skips go on to be checked."""
    from tests.audit.run import from_pip_audit

    report = {
        "dependencies": [
            {"name": "Django", "version": "6.1.3", "vulns": []},
            {
                "name": "ecdsa",
                "version": "0.19.2",
                "vulns": [{"id": "GHSA-wj6h-64fc-37mp", "fix_versions": [], "aliases": ["CVE-2024-23342"]}],
            },
            {"name": "Some_Thing", "skip_reason": "Dependency not found on PyPI and could not be audited"},
        ]
    }
    findings, skipped = from_pip_audit(report)
    assert [(f.name, f.verdict) for f in findings] == [("django", "clean"), ("ecdsa", "vulnerable")]
    assert findings[1].detail == "GHSA-wj6h-64fc-37mp / CVE-2024-23342 (fixed in no fixed release)"
    assert skipped == ["some-thing"]
