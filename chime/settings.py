"""Chime's settings: one file, read from the environment with django-environ.

Safe by default: DEBUG is off unless DJANGO_DEBUG=true, and then SECRET_KEY and ALLOWED_HOSTS must be set.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from chime import error_reporting, logs

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)

if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="dev-only-not-secret-chime-key-0123456789abcdefghijklmnop")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
else:
    try:
        SECRET_KEY = env.str("SECRET_KEY")
        ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
    except ImproperlyConfigured as missing:
        raise ImproperlyConfigured(
            "With DJANGO_DEBUG off, Chime needs SECRET_KEY and ALLOWED_HOSTS in the environment. "
            "For a local demo run `make run`, which sets development values."
        ) from missing
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS is empty: list the host names Chime is served on.")

# Without DATABASE_URL, start (or join) the embedded PostgreSQL in .pgdata/ and tell child processes about it.
if not env.str("DATABASE_URL", default=""):
    from chime.db import start_embedded

    os.environ["DATABASE_URL"], os.environ["DATABASE_OWNER_URL"] = start_embedded(BASE_DIR / ".pgdata")

DATABASES = {"default": env.db("DATABASE_URL")}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("Chime runs on PostgreSQL only: DATABASE_URL must be a postgres:// URL.")
# The role that owns the tables: migrations run as it (chime.dbroles), the app serves as DATABASE_URL's role, which
# may only read and append audit rows. Only its user, password, host, port and options are used: the database is
# always DATABASE_URL's. Without it, migrations run as the app's role and a system check warns (chime.W001).
DATABASE_OWNER = None
if env.str("DATABASE_OWNER_URL", default=""):
    _owner = env.db("DATABASE_OWNER_URL")
    DATABASE_OWNER = {key: _owner[key] for key in ("USER", "PASSWORD", "HOST", "PORT", "OPTIONS")}
# The role the app serves as (DATABASES' USER is switched to the owner's while a migration runs).
DATABASE_APP_ROLE = DATABASES["default"]["USER"]
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

INSTALLED_APPS = [
    "chime",
    "sessions.apps.SupportConfig",
    "ethics",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "pgtrigger",
    "pghistory",  # its admin app ("pghistory.admin") is left out: it would list every event, notes included
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",  # passkeys for people supported only (ethics/passkeys.py); staff keep TOTP
    "axes",
    "django_tasks_db",
]

MIDDLEWARE = [
    "chime.logs.RequestLogMiddleware",  # first, so its timing covers everything below
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "chime.accounts.middleware.KeepTypingMiddleware",  # after CSRF, before LoginRequired (see its docstring)
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "chime.middleware.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "chime.accounts.middleware.SessionTimeoutMiddleware",
    "chime.accounts.person_sessions.PersonSessionMiddleware",  # a person's session opens only their own pages
    "django_otp.middleware.OTPMiddleware",
    "chime.accounts.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "pghistory.middleware.HistoryMiddleware",
    "chime.middleware.NoStoreMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks: it turns a lock-out into its page
]

ROOT_URLCONF = "chime.urls"
WSGI_APPLICATION = "chime.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "chime.context_processors.chime",
            ],
            # Django's `date` filter with a fast path for Chime's own formats (the same text, see the module).
            "builtins": ["chime.templatetags.fast_dates"],
        },
    },
]

AUTH_USER_MODEL = "chime.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = env.list(
    "PASSWORD_HASHERS",
    default=[
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.ScryptPasswordHasher",
    ],
)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env.str("TIME_ZONE", default="Europe/London")
USE_I18N = True
USE_TZ = True
# One way of writing dates and times on every page and table (chime/formats/en_GB/formats.py).
FORMAT_MODULE_PATH = ["chime.formats"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / ".staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise looks here even before the first collectstatic
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed files in production (after collectstatic); plain files in development and tests.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env.bool("CHIME_STATIC_MANIFEST", default=not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Security headers and cookies. HTTPS settings switch on when DEBUG is off.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
HTTPS = env.bool("HTTPS", default=not DEBUG)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=HTTPS)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
# Behind a reverse proxy (or several, e.g. a load balancer behind a CDN), the proxies say whether the request came
# over HTTPS and append the address they saw to X-Forwarded-For; only the entry our own proxies added is believed
# (chime.middleware.client_ip).
BEHIND_PROXY = env.bool("BEHIND_PROXY", default=False)
CHIME_TRUSTED_PROXY_COUNT = env.int("CHIME_TRUSTED_PROXY_COUNT", default=1)
if CHIME_TRUSTED_PROXY_COUNT < 1:
    raise ImproperlyConfigured("CHIME_TRUSTED_PROXY_COUNT must be at least 1 (the proxy in front of Chime).")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Email (Django 6.1 mailers). Development prints emails to the console; production sends through SMTP.
EMAIL_SMTP = env.bool("EMAIL_SMTP", default=not DEBUG)
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend"
        if EMAIL_SMTP
        else "django.core.mail.backends.console.EmailBackend",
        "OPTIONS": {
            "host": env.str("EMAIL_HOST", default="localhost"),
            "port": env.int("EMAIL_PORT", default=587),
            "username": env.str("EMAIL_HOST_USER", default=""),
            "password": env.str("EMAIL_HOST_PASSWORD", default=""),
            "use_tls": env.bool("EMAIL_USE_TLS", default=True),
        }
        if EMAIL_SMTP
        else {},
    }
}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="chime@localhost")

# Structured logs (chime/logs.py): one JSON object per line in production, readable lines in development. One line
# per request (route, status, time, user id and roles) at INFO whatever LOG_LEVEL says, unless CHIME_REQUEST_LOG is off.
LOG_FORMAT = env.str("LOG_FORMAT", default="console" if DEBUG else "json")
if LOG_FORMAT not in {"json", "console"}:
    raise ImproperlyConfigured("LOG_FORMAT must be json or console.")
logs.configure()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"structured": logs.formatter(LOG_FORMAT)},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "structured"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
    # django-axes logs every failed log-in (usernames and addresses masked); the audit trail records them already.
    "loggers": {
        "axes": {"level": "ERROR"},
        "chime.requests": {"level": "INFO" if env.bool("CHIME_REQUEST_LOG", default=True) else "WARNING"},
        # Django's "Not Found: /path" lines: the request line says the same with the route instead of the path.
        "django.request": {"level": "ERROR"},
        # runserver's own access line prints the query string (a search term); the request line replaces it.
        "django.server": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        # Under DEBUG, Django's own "django" handler prints these as well as ours, so each line came out twice.
        # The task worker prints its lines itself when nothing else does; the reloader's "watching" line is dropped.
        "django.tasks": {"propagate": False},
        "django.utils.autoreload": {"propagate": False},
    },
}

# Optional error reporting (chime/error_reporting.py): on only when SENTRY_DSN is set; personal data is scrubbed first.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    error_reporting.init(
        SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default="development" if DEBUG else "production"),
        release=env.str("SENTRY_RELEASE", default=""),
    )

# Chime's own settings.
CHIME_ORGANISATION_NAME = env.str("CHIME_ORGANISATION_NAME", default="CHIME to Thrive")
CHIME_DEMO_MODE = env.bool("CHIME_DEMO_MODE", default=False)
CHIME_EMERGENCY_ACCESS_MINUTES = env.int("CHIME_EMERGENCY_ACCESS_MINUTES", default=60)
# Commissioners' reports: count only people who consented to anonymised reporting, when the organisation says so.
CHIME_REPORTS_REQUIRE_CONSENT = env.bool("CHIME_REPORTS_REQUIRE_CONSENT", default=False)
CHIME_REPORTING_PURPOSE = env.str("CHIME_REPORTING_PURPOSE", default="Anonymised reporting")
# A report whose figures are worked out afresh reads its rating change on a second database connection while it
# reads its session figures and distance travelled (chime.side_by_side); false reads everything on one.
CHIME_SECOND_CONNECTION = env.bool("CHIME_SECOND_CONNECTION", default=True)
CHIME_BASE_URL = env.str("CHIME_BASE_URL", default="http://127.0.0.1:8000")
CHIME_WORDING_FILE = env.path("CHIME_WORDING_FILE", default=BASE_DIR / "chime" / "wording.json")

# Staff account security (chime/accounts/). Two-factor sign-in is required whenever DEBUG is off, except in demo mode,
# where the banner in every page says it is off.
CHIME_REQUIRE_2FA = env.bool("CHIME_REQUIRE_2FA", default=not DEBUG) and not CHIME_DEMO_MODE
OTP_TOTP_ISSUER = "Chime"
CHIME_IDLE_TIMEOUT_MINUTES = env.int("CHIME_IDLE_TIMEOUT_MINUTES", default=15)
CHIME_SESSION_MAX_HOURS = env.int("CHIME_SESSION_MAX_HOURS", default=10)
if CHIME_IDLE_TIMEOUT_MINUTES < 1 or CHIME_SESSION_MAX_HOURS < 1:
    raise ImproperlyConfigured("CHIME_IDLE_TIMEOUT_MINUTES and CHIME_SESSION_MAX_HOURS must be at least 1.")
SESSION_COOKIE_AGE = CHIME_SESSION_MAX_HOURS * 3600
# How long before the idle limit each page warns, with a "Stay signed in" button (WCAG 2.2.1, timing adjustable).
CHIME_IDLE_WARNING_SECONDS = env.int("CHIME_IDLE_WARNING_SECONDS", default=120)
# Drafts of long forms (chime.drafts) nobody has typed in for this many days are deleted.
CHIME_DRAFT_DAYS = env.int("CHIME_DRAFT_DAYS", default=7)
if CHIME_IDLE_WARNING_SECONDS < 20 or CHIME_DRAFT_DAYS < 1:
    raise ImproperlyConfigured(
        "CHIME_IDLE_WARNING_SECONDS must be at least 20 and CHIME_DRAFT_DAYS at least 1."
    )
# How long a one-time set-up link (new account, password or two-factor reset) works: once, within this time.
CHIME_SET_UP_LINK_HOURS = env.int("CHIME_SET_UP_LINK_HOURS", default=24)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Lock-out after repeated failed log-ins (django-axes): a username tried (whether or not it exists) together with the
# address the attempts came from is paused. Counting the two together means five wrong usernames from one shared
# office address do not lock the whole office out, while five wrong passwords for one username from one address
# still pause that username from that address.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # People supported sign in to their own record with a one-time invitation code or emailed link, never a
    # password; this backend accepts only accounts with `is_person` set (ethics/backends.py).
    "ethics.backends.PersonSignInBackend",
]
AXES_FAILURE_LIMIT = env.int("CHIME_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.int("CHIME_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # a lock-out lasts its stated time, not longer
AXES_LOCKOUT_CALLABLE = "chime.accounts.views.locked_out"
AXES_DISABLE_ACCESS_LOG = True  # log-ins and log-outs are in the audit trail
AXES_CLIENT_IP_CALLABLE = "chime.middleware.client_ip"
AXES_VERBOSE = False

# A person's own view (ethics: online access). An invitation code works once, for this many hours; a sign-in link
# emailed to the person works once (django-sesame: signing in changes last_login, which ends every earlier link),
# for this many minutes. Changing any SESAME_ setting ends every link already sent.
CHIME_INVITATION_HOURS = env.int("CHIME_INVITATION_HOURS", default=72)
SESAME_MAX_AGE = dt.timedelta(minutes=env.int("CHIME_SIGN_IN_LINK_MINUTES", default=15))
SESAME_ONE_TIME = True

# Passkeys (django-otp-webauthn) let a person sign back in to their own record from their own phone or computer,
# never a member of staff (ethics/backends.py). A passkey belongs to one site name (the "relying party ID"): by
# default the host of CHIME_BASE_URL. WebAuthn refuses IP addresses, so a base URL on 127.0.0.1 (the demo) uses
# "localhost": open the demo at http://localhost:8000 to try passkeys. Changing the site name ends every passkey.
_base = urlsplit(CHIME_BASE_URL)
_passkey_host = "localhost" if _base.hostname in {"127.0.0.1", "::1"} else (_base.hostname or "localhost")
_passkey_origin = f"{_base.scheme}://{_passkey_host}{f':{_base.port}' if _base.port else ''}"
OTP_WEBAUTHN_RP_ID = env.str("CHIME_PASSKEY_SITE", default=_passkey_host)
OTP_WEBAUTHN_RP_NAME = CHIME_ORGANISATION_NAME
# The addresses (scheme, host and port) a passkey may be used from: https only, or http://localhost.
OTP_WEBAUTHN_ALLOWED_ORIGINS = env.list("CHIME_PASSKEY_ORIGINS", default=[_passkey_origin])
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = True
OTP_WEBAUTHN_HELPER_CLASS = "ethics.passkeys.PersonPasskeyHelper"
OTP_WEBAUTHN_EXCEPTION_LOGGER_NAME = ""  # a refused passkey is on the audit trail; no stack trace in the logs
CHIME_MAX_PASSKEYS = env.int("CHIME_MAX_PASSKEYS", default=5)


# Safeguarding deadlines are counted in working hours and days: Monday to Friday between these times, local time,
# without the bank holidays of this part of the UK (the `holidays` package; ENG covers England and Wales).
def _clock(name: str, default: str) -> dt.time:
    value = env.str(name, default=default)
    try:
        return dt.time.fromisoformat(value)
    except ValueError as bad:
        raise ImproperlyConfigured(f"{name} must be a time like 09:00, not {value!r}.") from bad


CHIME_WORKING_DAY_START = _clock("CHIME_WORKING_DAY_START", "09:00")
CHIME_WORKING_DAY_END = _clock("CHIME_WORKING_DAY_END", "17:00")
if CHIME_WORKING_DAY_START >= CHIME_WORKING_DAY_END:
    raise ImproperlyConfigured("CHIME_WORKING_DAY_START must be before CHIME_WORKING_DAY_END.")
CHIME_BANK_HOLIDAY_REGION = env.str("CHIME_BANK_HOLIDAY_REGION", default="ENG")
# How often the background worker looks for overdue safeguarding concerns.
CHIME_ESCALATION_SWEEP_MINUTES = env.int("CHIME_ESCALATION_SWEEP_MINUTES", default=5)

# The audit chain's head is checkpointed outside the database (chime/checkpoints.py): appended, one signed JSON line
# each, to this file, every CHIME_AUDIT_CHECKPOINT_MINUTES by the background worker. The key signs them, so someone
# who can change the database (and the file) cannot write a checkpoint that matches their changes: keep it out of
# the database and its backups. In development a random key is made once, in a file beside the checkpoints.
CHIME_AUDIT_CHECKPOINT_FILE = Path(
    env.path("CHIME_AUDIT_CHECKPOINT_FILE", default=BASE_DIR / ".checkpoints" / "audit-chain.jsonl")
)
CHIME_AUDIT_CHECKPOINT_MINUTES = env.int("CHIME_AUDIT_CHECKPOINT_MINUTES", default=5)


def _development_checkpoint_key(path: Path) -> str:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f"{path.name}.{os.getpid()}")
        with os.fdopen(os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as file:
            file.write(secrets.token_hex(32))
        with contextlib.suppress(FileExistsError):  # another process made it first: theirs is the key
            os.link(draft, path)  # atomic: never a half-written key
        draft.unlink()
    return path.read_text().strip()


CHIME_AUDIT_CHECKPOINT_KEY = env.str("CHIME_AUDIT_CHECKPOINT_KEY", default="")
if not CHIME_AUDIT_CHECKPOINT_KEY and DEBUG:
    CHIME_AUDIT_CHECKPOINT_KEY = _development_checkpoint_key(CHIME_AUDIT_CHECKPOINT_FILE.parent / "key")
if len(CHIME_AUDIT_CHECKPOINT_KEY) < 32:
    raise ImproperlyConfigured(
        "With DJANGO_DEBUG off, Chime needs CHIME_AUDIT_CHECKPOINT_KEY, at least 32 characters long: it signs "
        "the audit trail's checkpoints. Make one with `python -c 'import secrets; print(secrets.token_hex(32))'`."
    )

# Backups (`manage.py backup`, chime/backups.py): pg_dump's custom format, encrypted with gpg (AES-256) under
# CHIME_BACKUP_KEY, written to CHIME_BACKUP_DIR with the audit chain's latest checkpoint beside each. Keep the key
# out of the backup folder and off the backup host: whoever holds both can read every record. In development a
# random key is made once, in .checkpoints/. CHIME_PG_BIN_DIR names the folder of pg_dump and pg_restore; without it
# the server's own (on PATH) are used when they are at least the server's version, else the embedded server's.
CHIME_BACKUP_DIR = Path(env.path("CHIME_BACKUP_DIR", default=BASE_DIR / ".backups"))
CHIME_BACKUP_KEY = env.str("CHIME_BACKUP_KEY", default="")
if not CHIME_BACKUP_KEY and DEBUG:
    CHIME_BACKUP_KEY = _development_checkpoint_key(CHIME_AUDIT_CHECKPOINT_FILE.parent / "backup-key")
CHIME_PG_BIN_DIR = env.str("CHIME_PG_BIN_DIR", default="")

# The health endpoint (/health/, chime/health.py) turns unhealthy when the worker has started no task, or an audit
# row has had no checkpoint, for this long.
CHIME_HEALTH_STALE_MINUTES = env.int("CHIME_HEALTH_STALE_MINUTES", default=15)

# Background tasks (django.tasks) are stored in PostgreSQL and run by `python manage.py db_worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
