"""`make scan`: an authenticated wapiti scan of Chime running with production settings on 127.0.0.1.

Chime runs under gunicorn with TLS (a throwaway self-signed certificate), DEBUG off, HTTPS on, two-factor sign-in
required and hashed static files, on a fresh database `chime_scan` (the demo organisation, rebuilt every run). A scan
user holding every staff role logs in with its password and a backup code, and wapiti crawls and attacks the whole
site with that session, for a bounded time, against 127.0.0.1 only. Results: .bench/scan.json (wapiti's report)
and a summary on stdout; README "Security scan" records what was found and done.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.databases import database_url, owner_url  # noqa: E402
from tests.load.run import spare_port  # noqa: E402

DATABASE = "chime_scan"
USERNAME = "scan"
PASSWORD = "scan-only-password-2026"
BACKUP_CODE = "scanbackup2026"
SCAN_SECONDS = int(os.environ.get("SCAN_SECONDS", "240"))
ATTACK_SECONDS = int(os.environ.get("SCAN_ATTACK_SECONDS", "60"))
PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "SECRET_KEY": "scan-only-secret-key-not-for-production-0123456789abcdef",
    "ALLOWED_HOSTS": "127.0.0.1",
    "EMAIL_SMTP": "false",  # no mail server here; notification emails go to gunicorn's log
    "LOG_LEVEL": "ERROR",
    "CHIME_AUDIT_CHECKPOINT_KEY": "scan-only-checkpoint-key-not-for-production-0123456789",
}
MAKE_SCAN_USER = f"""
import datetime as dt, uuid
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from chime.models import User
from sessions import services
jo = User.objects.get(username="jo")
scan = User.objects.create_user(
    "{USERNAME}", password="{PASSWORD}", first_name="Scan", last_name="Robot", supervisor=jo,
    is_practitioner=True, is_supervisor=True, is_org_admin=True, is_staff=True, is_safeguarding_lead=True,
)
StaticDevice.objects.create(user=scan, name="backup codes", confirmed=True).token_set.create(token="{BACKUP_CODE}")
for name in ("Robin", "Ash"):
    person = services.add_person(practitioner=scan, added_by=scan, preferred_name=name, chose_to_take_part=True)
    services.record_session(
        person=person, practitioner=scan, submission_key=uuid.uuid4(),
        details=services.SessionDetails(occurred_at=timezone.now() - dt.timedelta(days=1), duration_minutes=30, mode="phone"),
        areas=[services.AreaEntry("hope", "Talked about the week ahead.", 4)],
    )
print(scan.pk)
"""
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def fresh_database() -> str:
    import psycopg

    url = database_url(DATABASE)
    with psycopg.connect(owner_url("postgres"), autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        db.execute(f'CREATE DATABASE "{DATABASE}"')
    return url


def manage(url: str, *args: str) -> str:
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        env={**os.environ, **PRODUCTION, "DATABASE_URL": url},
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def certificate(folder: Path) -> tuple[Path, Path]:
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(  # noqa: S603
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"]  # noqa: S607
        + ["-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    return key, cert


def start_gunicorn(url: str, port: int, key: Path, cert: Path, log: Path) -> subprocess.Popen:
    server = subprocess.Popen(  # noqa: S603
        [
            Path(sys.executable).parent / "gunicorn",
            "chime.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
        ]
        + ["--keyfile", str(key), "--certfile", str(cert), "--access-logfile", "-"],
        env={**os.environ, **PRODUCTION, "DATABASE_URL": url},
        cwd=ROOT,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    opener = _opener()
    for _ in range(120):
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn stopped at start-up: see {log}")
        try:
            opener.open(f"https://127.0.0.1:{port}/login/", timeout=5)
            return server
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("gunicorn did not answer within 60 s")


def _opener(jar: http.cookiejar.CookieJar | None = None) -> urllib.request.OpenerDirector:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # our own throwaway certificate on 127.0.0.1
    return urllib.request.build_opener(
        urllib.request.HTTPSHandler(context=context), urllib.request.HTTPCookieProcessor(jar)
    )


def log_in(base: str) -> dict[str, str]:
    """Log in as the scan user (password, then a backup code) and return its cookies."""
    jar = http.cookiejar.CookieJar()
    opener = _opener(jar)

    def post(path: str, fields: dict[str, str]) -> str:
        page = opener.open(base + path, timeout=30).read().decode()
        fields["csrfmiddlewaretoken"] = CSRF.search(page).group(1)
        request = urllib.request.Request(  # noqa: S310 - 127.0.0.1 only
            base + path, data=urlencode(fields).encode(), headers={"Referer": base + path}
        )
        with opener.open(request, timeout=30) as response:
            return response.url

    post("/login/", {"username": USERNAME, "password": PASSWORD})
    landed = post("/account/two-factor/verify/", {"code": BACKUP_CODE})
    if urlsplit(landed).path != "/":
        raise RuntimeError(f"the scan user did not get past log-in (ended on {landed})")
    return {cookie.name: cookie.value for cookie in jar}


def still_logged_in(base: str, cookies: dict[str, str]) -> bool:
    request = urllib.request.Request(  # noqa: S310 - 127.0.0.1 only
        base + "/", headers={"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
    )
    with _opener().open(request, timeout=30) as response:
        return "/login/" not in response.url


def run_wapiti(base: str, cookies: dict[str, str], scan_user_pk: str, folder: Path, report: Path) -> int:
    cookie = "; ".join(f"{name}={value}" for name, value in cookies.items())
    excluded = [
        "/logout/",  # the scan must keep its session
        "/password/*",
        # Its own account: a password or two-factor reset signs it out everywhere and would end the scan.
        f"/staff/{scan_user_pk}/*",
        "/account/set-up/*",  # opening a set-up link signs out whoever is signed in
        "/admin/logout/",
    ]
    # Wapiti's default modules plus csrf, crlf and methods. Left out: ssrf (it asks wapiti's own server on the
    # internet for results: traffic must stay on 127.0.0.1) and blindsql (time-based; it ignores the attack time
    # limit, so the scan would not be bounded; the error-based sql module runs).
    command = [
        "/usr/bin/python3",
        str(ROOT / "tests/scan/wapiti_excludes.py"),
        "-u",
        f"{base}/",
        "--scope",
        "folder",
        "-m",
        "common,-ssrf,-blindsql,csrf,crlf,methods",
    ]
    command += ["-H", f"Cookie: {cookie}", "-H", f"Referer: {base}/", "--verify-ssl", "0"]
    for path in excluded:
        command += ["-x", base + path]
    command += ["--max-scan-time", str(SCAN_SECONDS), "--max-attack-time", str(ATTACK_SECONDS)]
    command += ["--max-links-per-page", "40", "--max-files-per-dir", "40", "-d", "6", "-t", "20"]
    command += ["-r", "_changelist_filters"]  # the admin's "back to the filtered list" links, all alike
    command += ["--flush-session", "--store-session", str(folder), "--store-config", str(folder)]
    command += ["-f", "json", "-o", str(report), "-v", "1", "--no-bugreport"]
    print(
        "Running:",
        " ".join(part if "Cookie" not in part else "Cookie: (the scan user's session)" for part in command),
    )
    return subprocess.call(command, cwd=folder)  # noqa: S603


def findings(report: Path) -> list[dict]:
    data = json.loads(report.read_text())
    found = []
    for kind in ("vulnerabilities", "anomalies", "additionals"):
        for category, items in data.get(kind, {}).items():
            for item in items:
                found.append(
                    {
                        "kind": kind,
                        "category": category,
                        "level": item.get("level"),
                        "method": item.get("method"),
                        "path": item.get("path"),
                        "parameter": item.get("parameter"),
                        "info": item.get("info"),
                    }
                )
    return found


def status_counts(access_log: Path) -> dict[str, int]:
    """Responses by status code, from gunicorn's access log (a 500 would be a bug to fix)."""
    counts: dict[str, int] = {}
    for status in re.findall(r'" (\d{3}) ', access_log.read_text()):
        counts[status] = counts.get(status, 0) + 1
    return dict(sorted(counts.items()))


def main() -> int:
    if not shutil.which("wapiti"):
        print("wapiti is not installed: `make scan` installs it with apt-get.")
        return 1
    url = fresh_database()
    print(f"Building {DATABASE}: migrate, the demo organisation, the scan user …", flush=True)
    manage(url, "migrate", "--noinput", "-v0")
    manage(url, "seed_demo")
    scan_user_pk = manage(url, "shell", "-c", MAKE_SCAN_USER).strip().splitlines()[-1]
    manage(url, "collectstatic", "--noinput", "-v0")
    port = spare_port()
    base = f"https://127.0.0.1:{port}"
    (ROOT / ".bench").mkdir(exist_ok=True)
    report = ROOT / ".bench" / "scan.json"
    with tempfile.TemporaryDirectory(prefix="chime-scan-") as name:
        folder = Path(name)
        key, cert = certificate(folder)
        server = start_gunicorn(url, port, key, cert, ROOT / ".bench" / "scan-gunicorn.log")
        try:
            cookies = log_in(base)
            started = time.monotonic()
            code = run_wapiti(base, cookies, scan_user_pk, folder, report)
            minutes = round((time.monotonic() - started) / 60, 1)
            session_survived = still_logged_in(base, cookies)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
    if code != 0 or not report.exists():
        print(f"wapiti failed (exit code {code})")
        return 1
    found = findings(report)
    statuses = status_counts(ROOT / ".bench" / "scan-gunicorn.log")
    print(
        f"Scan took {minutes} min; the scan user's session {'lasted' if session_survived else 'ENDED'} to the end."
    )
    print(f"Responses by status: {statuses}")
    print(f"{len(found)} findings:")
    for item in found:
        print(
            f"  [{item['kind']}] {item['category']} (level {item['level']}): {item['method']} {item['path']}"
            f" {item['parameter'] or ''}\n      {item['info']}"
        )
    summary = {
        "minutes": minutes,
        "session_survived": session_survived,
        "statuses": statuses,
        "findings": found,
    }
    (ROOT / ".bench" / "scan-summary.json").write_text(json.dumps(summary, indent=2))
    print("Report: .bench/scan.json; summary: .bench/scan-summary.json")
    return 0 if session_survived else 1


if __name__ == "__main__":
    sys.exit(main())
