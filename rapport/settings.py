"""Rapport settings: one module, configured from the environment.

Every value that differs between a laptop and production is read here through
the strict helpers below; a malformed value stops the process at start-up
rather than half-working. With DEBUG off, missing secrets are fatal.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("RAPPORT_VAR_DIR", BASE_DIR / "var"))

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str | None:
    """A string, or the contents of the file named by NAME_FILE (container secrets)."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text().strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_secret(name: str) -> str:
    """A secret that production cannot run without."""
    value = env_str(name)
    if value:
        return value
    if DEBUG:
        return f"insecure-development-only-{name.lower()}"
    raise ImproperlyConfigured(f"{name} is required when DEBUG is off (see docs/operations.md)")


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_secret("SECRET_KEY")
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS")
# Where people reach this installation, for links in e-mails sent by the worker
# (which has no request to take the host from), e.g. https://rapport.example.org
RAPPORT_BASE_URL = (env_str("RAPPORT_BASE_URL", "") or "").rstrip("/")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Comma-separated "key_id:base64-32-byte-key"; the first key encrypts, all decrypt.
RAPPORT_ENCRYPTION_KEYS = env_secret("RAPPORT_ENCRYPTION_KEYS")
if DEBUG and RAPPORT_ENCRYPTION_KEYS.startswith("insecure-"):
    RAPPORT_ENCRYPTION_KEYS = "dev:ZGV2ZWxvcG1lbnQtb25seS1rZXktMzItYnl0ZXMhISE="
# Keys the hash chain of the audit log; kept apart from SECRET_KEY so that
# rotating session secrets never invalidates the audit history.
RAPPORT_AUDIT_KEY = env_str("RAPPORT_AUDIT_KEY") or f"audit:{SECRET_KEY}"
# Encrypts backup archives ("id:base64key,…", the first writes); unset, each encryption
# key stands in through HKDF (docs/operations.md, "Backups").
RAPPORT_BACKUP_KEY = env_str("RAPPORT_BACKUP_KEY", "") or ""
# Signed chain heads the worker writes here and e-mails to clinic admins, so a
# truncated audit tail shows against the last one (docs/operations.md, "Audit log").
RAPPORT_AUDIT_CHECKPOINT_DIR = Path(
    env_str("RAPPORT_AUDIT_CHECKPOINT_DIR") or VAR_DIR / "audit-checkpoints"
)
RAPPORT_AUDIT_CHECKPOINT_HOURS = env_int("RAPPORT_AUDIT_CHECKPOINT_HOURS", 24)
# FHIR bulk-export files (NDJSON): written by the worker, served by the app servers, so
# on storage both reach; owner-only permissions; deleted by the worker once expired
# (docs/fhir.md, "Bulk export").
RAPPORT_EXPORT_DIR = Path(env_str("RAPPORT_EXPORT_DIR") or VAR_DIR / "exports")
RAPPORT_EXPORT_HOURS = env_int("RAPPORT_EXPORT_HOURS", 24)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "rapport.core",
    "rapport.clients",
    "rapport.scheduling",
    "rapport.measures",
    "rapport.ipt",
    "rapport.groups",  # Group IPT: groups, members, group session notes (docs/groups.md)
    "rapport.intake",
    "rapport.portal",
    "rapport.rhythms",  # IPSRT: Social Rhythm Metric, daily mood, life events (docs/rhythms.md)
    "rapport.reports",
    "rapport.interop",  # FHIR API, bulk export, imports, full record (docs/fhir.md)
    "rapport.scale",  # synthetic practice-scale data for benchmarks (seed_scale)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "rapport.core.middleware.NoStoreForSignedInMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "rapport.portal.access.PortalSessionMiddleware",
    # Staff pages stay English; client-facing ones follow the reader (core/language.py).
    "rapport.core.language.StaffPagesInEnglishMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "rapport.core.inputs.RejectNulMiddleware",
    "rapport.core.middleware.SessionTimeoutMiddleware",
    "rapport.clients.break_glass.BreakGlassMiddleware",
    "rapport.core.middleware.TimeZoneMiddleware",
    "rapport.core.middleware.DeniedAccessAuditMiddleware",
    "rapport.intake.site_figures.SiteFiguresMiddleware",
    "rapport.core.confirm.ConfirmFirstMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "rapport.urls"
WSGI_APPLICATION = "rapport.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "rapport" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "rapport.core.context_processors.rapport",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
# SQLite is the embedded default; DATABASE_URL selects PostgreSQL in production.
SQLITE_PATH = VAR_DIR / "rapport.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{SQLITE_PATH}"), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE takes the write lock at BEGIN, so concurrent writers wait
        # (busy timeout) instead of failing mid-transaction.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
            "PRAGMA busy_timeout=20000; PRAGMA foreign_keys=ON;"
        ),
    }
    # A file, not memory, so worker processes in the tests share it; one per test
    # run, so two runs in one checkout never clash.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
# Behind PgBouncer in transaction mode a cursor cannot outlive its transaction
# (docs/scaling.md); Django already leaves prepared statements off.
if env_bool("RAPPORT_DB_TRANSACTION_POOLING", False):
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication -------------------------------------------------------
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "sesame.backends.ModelBackend",  # the portal's e-mailed sign-in links
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# OWASP ASVS 2.1: at least 12 characters, passphrases welcome (up to 128),
# breached/common passwords refused, no composition rules, no expiry.
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "rapport.core.passwords.MaximumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
]
PASSWORD_RESET_TIMEOUT = 24 * 3600  # invitation and reset links
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "core:login"

OTP_TOTP_ISSUER = "Rapport"
OTP_TOTP_THROTTLE_FACTOR = 1

# Lockout keyed by the pair (account, address): a stranger cannot lock a
# colleague out from elsewhere, and the lock lifts by itself.
AXES_FAILURE_LIMIT = env_int("RAPPORT_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("RAPPORT_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "core/locked_out.html"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_IPWARE_PROXY_COUNT = env_int("RAPPORT_PROXY_COUNT", 0) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    if env_int("RAPPORT_PROXY_COUNT", 0)
    else ["REMOTE_ADDR"]
)

# --- Sessions: server-side, idle 15 min, absolute 12 h ----------------------
SESSION_ENGINE = "django.contrib.sessions.backends.db"
RAPPORT_SESSION_IDLE_SECONDS = env_int("RAPPORT_SESSION_IDLE_MINUTES", 15) * 60
RAPPORT_SESSION_ABSOLUTE_SECONDS = env_int("RAPPORT_SESSION_ABSOLUTE_HOURS", 12) * 3600
SESSION_COOKIE_AGE = RAPPORT_SESSION_ABSOLUTE_SECONDS
# The client portal: 15 minutes idle as for staff, 4 hours at most; e-mailed sign-in
# links (django-sesame) work once, within 15 minutes.
RAPPORT_PORTAL_SESSION_ABSOLUTE_SECONDS = env_int("RAPPORT_PORTAL_SESSION_ABSOLUTE_HOURS", 4) * 3600
SESAME_MAX_AGE = 15 * 60
SESAME_ONE_TIME = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# --- Transport security -----------------------------------------------------
RAPPORT_HTTPS = env_bool("RAPPORT_HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = RAPPORT_HTTPS
CSRF_COOKIE_SECURE = RAPPORT_HTTPS
SECURE_SSL_REDIRECT = RAPPORT_HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if RAPPORT_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = RAPPORT_HTTPS
SECURE_HSTS_PRELOAD = RAPPORT_HTTPS
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("RAPPORT_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Strict CSP: every script and style is a vendored file served by the app.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    },
}

# --- Internationalisation and time --------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
# The language switch remembers a choice in this cookie (Django's set_language).
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = RAPPORT_HTTPS
LOCALE_PATHS = [BASE_DIR / "rapport" / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"  # storage; pages are shown in the clinic's or user's zone
RAPPORT_DEFAULT_CLINIC_TIME_ZONE = os.environ.get("RAPPORT_CLINIC_TIME_ZONE", "America/New_York")

# --- Static files -------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "rapport" / "static"]
# Production serves collected, hashed files; development and tests serve the sources.
RAPPORT_MANIFEST_STATIC = not DEBUG and env_bool("RAPPORT_MANIFEST_STATIC", True)
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = not RAPPORT_MANIFEST_STATIC
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if RAPPORT_MANIFEST_STATIC
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- E-mail ---------------------------------------------------------------------
# SMTP when EMAIL_HOST is set; otherwise messages are written to files (or the
# console) so development never sends real mail.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "") or ""
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_TIMEOUT = 20
elif os.environ.get("EMAIL_FILE_PATH"):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = os.environ["EMAIL_FILE_PATH"]
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Rapport <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
RAPPORT_EMAIL_MAX_ATTEMPTS = env_int("RAPPORT_EMAIL_MAX_ATTEMPTS", 6)

# --- Logging: structured, opaque ids only ---------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_phi": {"()": "rapport.core.logging.RedactFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["no_phi"],
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # WeasyPrint narrates every render at INFO ("Step 2 - Fetching and parsing CSS").
        "weasyprint": {"level": "WARNING"},
        # These write the path of refused requests: link tokens are masked at the source.
        "django.request": {"filters": ["no_phi"]},
        "django.security.csrf": {"filters": ["no_phi"]},
        "django.server": {"level": "WARNING", "filters": ["no_phi"]},
    },
}
