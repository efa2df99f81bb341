"""`make audit`, second half: known vulnerabilities in the locked dependencies (`.ci/requirements.lock`).

pip-audit asks PyPI for the advisories of each exact release (`/pypi/NAME/VERSION/json`). Where that answer cannot
be had (the package mirror of Chime's build machines serves only each project's own JSON), pip-audit skips the
release and still says "No known vulnerabilities found". This script does not accept a skip as a pass: for every
release pip-audit skipped it reads PyPI's project JSON, which carries the same advisories (PyPI's copy of the Python
advisory database, the data pip-audit reads) for the project's newest release. A locked version that is the newest
release is so checked exactly; one that is not cannot be checked here and fails the run, unless it is listed in
HELD_BACK with the reason it cannot be the newest.

Exit status: 0 when every locked release was checked (or is held back for a stated reason) and none has a known
vulnerability; 1 otherwise. `make lock` moves the lock to the newest releases. Another lock file may be named as the
only argument.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / ".ci" / "requirements.lock"
PROJECT_JSON = "https://pypi.org/pypi/{name}/json"

# Releases that cannot be the newest, and why. Each one is reported on every run as not checked.
HELD_BACK = {
    "python-dateutil": "holidays (England and Wales bank holidays) requires python-dateutil < 3",
}


@dataclass(frozen=True)
class Finding:
    name: str
    version: str
    verdict: str  # "clean", "vulnerable" or "unchecked"
    detail: str = ""


def read_lock(path: Path = LOCK) -> dict[str, str]:
    """The lock as {canonical name: version}; it holds only `name==version` lines and comments."""
    pins = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        name, sep, version = line.partition("==")
        if not sep or not version.strip():
            raise ValueError(f"{path.name}: not an exact pin: {line!r}")
        pins[canonicalize_name(name.strip())] = version.strip()
    return pins


def _advisories(vulns: list[dict]) -> str:
    """One line for a list of advisories, each named once although PyPI lists it under each of its ids."""
    seen, lines = set(), []
    for vuln in vulns:
        ids = {vuln.get("id", "?"), *vuln.get("aliases", [])}
        if ids & seen:
            continue
        seen |= ids
        lines.append(_advisory(vuln))
    return "; ".join(lines)


def _advisory(vuln: dict) -> str:
    names = [vuln.get("id", "?"), *vuln.get("aliases", [])]
    fixed = ", ".join(vuln.get("fixed_in") or vuln.get("fix_versions") or []) or "no fixed release"
    return f"{' / '.join(names)} (fixed in {fixed})"


def from_pip_audit(report: dict) -> tuple[list[Finding], list[str]]:
    """pip-audit's JSON report as findings, and the names it skipped (it could not read their advisories)."""
    findings, skipped = [], []
    for dep in report.get("dependencies", []):
        name = canonicalize_name(dep["name"])
        if "skip_reason" in dep:
            skipped.append(name)
        elif dep.get("vulns"):
            findings.append(Finding(name, dep.get("version", "?"), "vulnerable", _advisories(dep["vulns"])))
        else:
            findings.append(Finding(name, dep.get("version", "?"), "clean", "pip-audit"))
    return findings, skipped


def judge_newest_release(name: str, pinned: str, project: dict) -> Finding:
    """Judge a locked release from PyPI's project JSON, whose advisories are those of the newest release only."""
    newest = project["info"]["version"]
    try:
        same = Version(pinned) == Version(newest)
    except InvalidVersion:
        same = pinned == newest
    if not same:
        reason = HELD_BACK.get(name, "run `make lock` to move to it")
        return Finding(name, pinned, "unchecked", f"the newest release is {newest}; {reason}")
    live = [v for v in project.get("vulnerabilities", []) if not v.get("withdrawn")]
    if live:
        return Finding(name, pinned, "vulnerable", _advisories(live))
    return Finding(name, pinned, "clean", "newest release, PyPI advisories")


def run_pip_audit(lock: Path) -> dict:
    pip_audit = Path(sys.executable).with_name("pip-audit")
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        result = subprocess.run(
            [str(pip_audit), "-r", str(lock), "--no-deps", "--disable-pip", "--progress-spinner", "off"]
            + ["-f", "json", "-o", out.name],
            capture_output=True,
            text=True,
            check=False,
        )
        text = Path(out.name).read_text()
    if not text:  # pip-audit stopped before it wrote a report
        raise SystemExit(f"pip-audit failed:\n{result.stderr}")
    return json.loads(text)


def fetch_project(name: str) -> dict:
    url = PROJECT_JSON.format(name=name)  # a fixed https URL; name is a canonical project name
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310  # nosec B310
        return json.load(response)


def exit_status(findings: list[Finding]) -> int:
    for finding in findings:
        if finding.verdict == "vulnerable":
            return 1
        if finding.verdict == "unchecked" and finding.name not in HELD_BACK:
            return 1
    return 0


def main(lock: Path = LOCK) -> int:
    pins = read_lock(lock)
    findings, skipped = from_pip_audit(run_pip_audit(lock))
    if skipped:
        print(
            f"pip-audit could not read the advisories of {len(skipped)} of {len(pins)} locked releases; "
            "checking those against PyPI's advisories for each project's newest release."
        )
    for name in skipped:
        try:
            findings.append(judge_newest_release(name, pins[name], fetch_project(name)))
        except (OSError, KeyError, ValueError) as error:  # URLError is an OSError; bad JSON a ValueError
            findings.append(Finding(name, pins.get(name, "?"), "unchecked", f"no advisory data: {error}"))

    findings.sort(key=lambda f: f.name)
    for finding in findings:
        if finding.verdict != "clean":
            print(f"{finding.verdict.upper():10} {finding.name} {finding.version}: {finding.detail}")
    counts = {v: sum(f.verdict == v for f in findings) for v in ("clean", "vulnerable", "unchecked")}
    print(
        f"{len(pins)} locked releases: {counts['clean']} checked with no known vulnerability, "
        f"{counts['vulnerable']} with known vulnerabilities, {counts['unchecked']} not checked."
    )
    return exit_status(findings)


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else LOCK))
