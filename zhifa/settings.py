"""zhifa settings: one module, every knob an environment variable with a safe default."""

import json
import os
import warnings
from dataclasses import fields
from pathlib import Path

from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

from zhifa.engine.deadlines import Rules, rules_problems
from zhifa.env import (
    envbool,
    envchoice,
    envdatabase,
    envint,
    envkeyring,
    envlist,
    envnetworks,
    envstr,
    envtimezone,
)

BASE_DIR = Path(__file__).resolve().parent.parent

# Without DEBUG=1 this is a production start: every secret must be the deployment's own, or it does not start.
# Development (`make run`, the tests) runs with DEBUG=1, where public development secrets fill in.
DEBUG = envbool("DEBUG", False)
_PRODUCTION = not DEBUG
_DEV_SECRET = "zhifa-dev-only-insecure-secret-key-change-me-0123456789abcdef"
SECRET_KEY = envstr("SECRET_KEY", "" if _PRODUCTION else _DEV_SECRET)
if _PRODUCTION and SECRET_KEY in ("", _DEV_SECRET):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set in production (DEBUG off): at least 50 random characters, e.g. "
        "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`; for development set DEBUG=1"
    )
if len(SECRET_KEY) < (50 if _PRODUCTION else 32):
    raise ImproperlyConfigured(
        f"SECRET_KEY must be at least {50 if _PRODUCTION else 32} characters long"
        + (" in production (DEBUG off)" if _PRODUCTION else "")
    )

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])
CSRF_FAILURE_VIEW = "zhifa.errors.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    # django-ninja as an app: /api/v1/docs loads Swagger UI from its bundled static files, not from a CDN
    # (closed government networks have no internet).
    "ninja",
    "csp",
    "zhifa.core",
    "zhifa.jobs",
    "zhifa.audit",
    "zhifa.org",
    "zhifa.accounts",
    "zhifa.catalog",
    "zhifa.dispatch",
    "zhifa.subjects",
    "zhifa.dashboard",
    "zhifa.risk",
    "zhifa.inspections",
    "zhifa.codes",
    "zhifa.cases",
    "zhifa.oversight",
    "zhifa.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "zhifa.core.middleware.RefuseNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "zhifa.accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "zhifa.urls"
WSGI_APPLICATION = "zhifa.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "zhifa" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "zhifa.navigation.navigation",
            ],
        },
    },
]

DATABASES = {"default": envdatabase("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets readers proceed while one writer commits; the timeout waits instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "start"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "zhifa.accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Login throttle: failures are counted per account + client address inside the window; past
# LOGIN_MAX_FAILURES each further attempt waits LOGIN_BACKOFF_SECONDS, doubling per failure up to the cap. One
# address failing on many accounts is slowed the same way past LOGIN_ADDRESS_MAX_FAILURES. Nobody can lock a
# user out from another address, and no delay outlasts the cap.
LOGIN_MAX_FAILURES = envint("LOGIN_MAX_FAILURES", 5, minimum=1)
LOGIN_FAILURE_WINDOW_SECONDS = envint("LOGIN_FAILURE_WINDOW_SECONDS", 900, minimum=1)
LOGIN_BACKOFF_SECONDS = envint("LOGIN_BACKOFF_SECONDS", 15, minimum=1)
LOGIN_BACKOFF_MAX_SECONDS = envint("LOGIN_BACKOFF_MAX_SECONDS", 600, minimum=1)
LOGIN_ADDRESS_MAX_FAILURES = envint("LOGIN_ADDRESS_MAX_FAILURES", 20, minimum=1)
if LOGIN_BACKOFF_SECONDS > LOGIN_BACKOFF_MAX_SECONDS:
    raise ImproperlyConfigured(
        f"LOGIN_BACKOFF_SECONDS={LOGIN_BACKOFF_SECONDS} must not exceed "
        f"LOGIN_BACKOFF_MAX_SECONDS={LOGIN_BACKOFF_MAX_SECONDS}"
    )
if LOGIN_BACKOFF_MAX_SECONDS > LOGIN_FAILURE_WINDOW_SECONDS:
    # Failures older than the window are forgotten, so a longer delay could never be served.
    raise ImproperlyConfigured(
        f"LOGIN_BACKOFF_MAX_SECONDS={LOGIN_BACKOFF_MAX_SECONDS} must not exceed "
        f"LOGIN_FAILURE_WINDOW_SECONDS={LOGIN_FAILURE_WINDOW_SECONDS}"
    )
# Reverse proxies (IPs or CIDR blocks) whose X-Forwarded-For is believed; from any other peer the header is
# ignored, so a client cannot choose the address its throttles are counted on.
ZHIFA_TRUSTED_PROXIES = envnetworks("ZHIFA_TRUSTED_PROXIES")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 12 * 3600, minimum=60)
# HTTPS in production (`manage.py check --deploy` passes with the defaults): cookies only over TLS, plain HTTP
# redirected, HSTS for a year. Behind a TLS-terminating reverse proxy (ZHIFA_TRUSTED_PROXIES set) the proxy's
# X-Forwarded-Proto says whether the client used HTTPS; the proxy must set it on every request.
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", _PRODUCTION)
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", _PRODUCTION)
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", _PRODUCTION)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000 if _PRODUCTION else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", _PRODUCTION)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", _PRODUCTION)
if envbool("ZHIFA_PROXY_TLS", bool(ZHIFA_TRUSTED_PROXIES)):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp) on every response: scripts and styles from our own static files only
# (inline <script> blocks carry the request's nonce; no inline event handlers, no eval), nothing framed, no
# plugins. Style attributes stay allowed ('unsafe-inline' for styles only): they cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "media-src": [SELF, "blob:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

LANGUAGE_CODE = envstr("LANGUAGE_CODE", "zh-hans")
TIME_ZONE = envtimezone("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "zhifa" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# Uploaded files (evidence) live here; there is deliberately no public MEDIA URL route: evidence files are
# served only through views that check jurisdiction.
MEDIA_ROOT = Path(envstr("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "/media/"

# Largest catalog / import file accepted, in bytes.
ZHIFA_MAX_IMPORT_BYTES = envint("ZHIFA_MAX_IMPORT_BYTES", 20 * 1024 * 1024, minimum=1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = ZHIFA_MAX_IMPORT_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = ZHIFA_MAX_IMPORT_BYTES
# What an uploaded spreadsheet may unpack to (zhifa.core.tabular): a small xlsx can expand to millions of cells, so
# a workbook over any of these is refused before or while it is read, with the limit named.
ZHIFA_IMPORT_MAX_UNZIPPED_BYTES = envint(
    "ZHIFA_IMPORT_MAX_UNZIPPED_BYTES", 32 * 1024 * 1024, minimum=1024 * 1024
)
ZHIFA_IMPORT_MAX_CELLS = envint("ZHIFA_IMPORT_MAX_CELLS", 300_000, minimum=1000)
ZHIFA_IMPORT_MAX_SHEET_ROWS = envint("ZHIFA_IMPORT_MAX_SHEET_ROWS", 50_000, minimum=100)
# Province-required minimum share of officers seconded to subdistricts (下沉比例).
ZHIFA_SECONDED_TARGET = envint("ZHIFA_SECONDED_TARGET_PERCENT", 65, minimum=0) / 100
# Largest evidence file (image or PDF) accepted, in bytes.
ZHIFA_EVIDENCE_MAX_BYTES = envint("ZHIFA_EVIDENCE_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
ZHIFA_PAGE_SIZE = envint("ZHIFA_PAGE_SIZE", 50, minimum=5)
# Most rows one API list page may ask for (`page_size`); a larger request is refused with 422, not clamped.
ZHIFA_API_MAX_PAGE_SIZE = envint("ZHIFA_API_MAX_PAGE_SIZE", 200, minimum=1, maximum=1000)
# A bare `@paginate` gets the API's pagination too, not django-ninja's limit/offset default.
NINJA_PAGINATION_CLASS = "zhifa.core.pagination.ApiPagination"
# A new business is due its guidance visit (执法体检) this many days after opening.
ZHIFA_GUIDANCE_VISIT_DAYS = envint("ZHIFA_GUIDANCE_VISIT_DAYS", 30, minimum=1)
# A complaint about a business asks for a check in its domain within this many days.
ZHIFA_COMPLAINT_CHECK_DAYS = envint("ZHIFA_COMPLAINT_CHECK_DAYS", 15, minimum=1)
# Enforcement documents (PDF): the folders searched for the Chinese fonts (Debian's fonts-noto-cjk), and a
# district's own document templates: a file there with the name of a shipped template replaces it.
ZHIFA_PDF_FONT_DIRS = envlist("ZHIFA_PDF_FONT_DIRS", ["/usr/share/fonts/opentype/noto"])
ZHIFA_DOCUMENT_TEMPLATES_DIR = envstr("ZHIFA_DOCUMENT_TEMPLATES_DIR", "")
if ZHIFA_DOCUMENT_TEMPLATES_DIR and not Path(ZHIFA_DOCUMENT_TEMPLATES_DIR).is_dir():
    raise ImproperlyConfigured(
        f"ZHIFA_DOCUMENT_TEMPLATES_DIR={ZHIFA_DOCUMENT_TEMPLATES_DIR!r} is not a directory"
    )
# Open311 reads: "public" — anyone reads category, status, coarse place and the public reply; "key" — reading
# needs an Open311 api_key, and key holders also read the full text, address and exact point.
ZHIFA_OPEN311_READ = envchoice("ZHIFA_OPEN311_READ", "public", ("public", "key"))
# Case handling (办案): periods and amounts a district may tighten but never loosen, each ZHIFA_CASE_<NAME>
# (e.g. ZHIFA_CASE_DECISION_DAYS=60); what the law fixes is not a setting (zhifa/engine/deadlines.py).
ZHIFA_CASE_RULES = {f.name: envint(f"ZHIFA_CASE_{f.name.upper()}", f.default) for f in fields(Rules)}
if _case_problems := rules_problems(Rules(**ZHIFA_CASE_RULES)):
    raise ImproperlyConfigured("ZHIFA_CASE_*: " + "; ".join(_case_problems))
# 行政行为码 and signed documents. Keys live outside the repository: a private JWK Set (first key signs, the
# others still verify) from a file or inline in the environment, and per-unit PDF signing certificates. With
# ZHIFA_KEYS_AUTOCREATE (on with DEBUG=1, off in production) a missing key set and a demo CA are generated on first
# use into ZHIFA_KEYS_DIR, which git ignores.
ZHIFA_KEYS_DIR = Path(envstr("ZHIFA_KEYS_DIR", str(BASE_DIR / "var" / "keys")))
ZHIFA_KEYS_AUTOCREATE = envbool("ZHIFA_KEYS_AUTOCREATE", not _PRODUCTION)
ZHIFA_CODE_KEYS = envstr("ZHIFA_CODE_KEYS", "")
ZHIFA_CODE_KEYS_FILE = Path(envstr("ZHIFA_CODE_KEYS_FILE", str(ZHIFA_KEYS_DIR / "codes-jwks.json")))
if ZHIFA_CODE_KEYS and "ZHIFA_CODE_KEYS_FILE" in os.environ:
    raise ImproperlyConfigured("set ZHIFA_CODE_KEYS or ZHIFA_CODE_KEYS_FILE, not both")
if "ZHIFA_CODE_KEYS_FILE" in os.environ and not ZHIFA_CODE_KEYS_FILE.is_file():
    raise ImproperlyConfigured(f"ZHIFA_CODE_KEYS_FILE={str(ZHIFA_CODE_KEYS_FILE)!r} is not a file")
if ZHIFA_CODE_KEYS:
    try:
        if not isinstance(json.loads(ZHIFA_CODE_KEYS).get("keys"), list):
            raise ValueError("no keys list")
    except (ValueError, AttributeError) as exc:
        raise ImproperlyConfigured(f"ZHIFA_CODE_KEYS is not a JWK Set ({exc})") from None
# 亮码检查: an inspection record cannot start unless a code is issued with it.
ZHIFA_CODE_REQUIRED = envbool("ZHIFA_CODE_REQUIRED", False)
ZHIFA_CODE_VALID_HOURS = envint("ZHIFA_CODE_VALID_HOURS", 12, minimum=1)
ZHIFA_CODE_DOCUMENT_VALID_DAYS = envint("ZHIFA_CODE_DOCUMENT_VALID_DAYS", 1825, minimum=1)
ZHIFA_CODE_RATING_DAYS = envint("ZHIFA_CODE_RATING_DAYS", 30, minimum=1)
ZHIFA_CODE_VERIFY_PER_MINUTE = envint("ZHIFA_CODE_VERIFY_PER_MINUTE", 60, minimum=1)
# The address printed in QR codes on paper (shop doors, documents); empty: the address the page was asked on.
ZHIFA_PUBLIC_URL = envstr("ZHIFA_PUBLIC_URL", "").rstrip("/")
if ZHIFA_PUBLIC_URL and not ZHIFA_PUBLIC_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured(f"ZHIFA_PUBLIC_URL={ZHIFA_PUBLIC_URL!r} must start with https:// or http://")
# The shop code's public page shows the risk colour only when the district publishes it.
ZHIFA_SHOP_PUBLISH_RISK = envbool("ZHIFA_SHOP_PUBLISH_RISK", False)
ZHIFA_PDF_SIGN = envbool("ZHIFA_PDF_SIGN", True)
ZHIFA_PDF_SIGNING_DIR = Path(envstr("ZHIFA_PDF_SIGNING_DIR", str(ZHIFA_KEYS_DIR / "pdf")))
if "ZHIFA_PDF_SIGNING_DIR" in os.environ and not ZHIFA_PDF_SIGNING_DIR.is_dir():
    raise ImproperlyConfigured(f"ZHIFA_PDF_SIGNING_DIR={str(ZHIFA_PDF_SIGNING_DIR)!r} is not a directory")
# The Open311 API key the demo district registers, so a client can post to the demo at once.
OPEN311_DEMO_API_KEY = envstr("OPEN311_DEMO_API_KEY", "demo-open311-key")

# The audit chain (全过程记录): every entry carries an HMAC under a key kept outside the database, and its head is
# anchored in a signed, append-only file outside the database (`manage.py audit_anchor`, every few minutes).
# ZHIFA_AUDIT_KEY (or the file ZHIFA_AUDIT_KEY_FILE) holds `id:secret` entries, the first being the current key;
# the others only verify the entries they once signed. The development key is public: refused in production.
_DEV_AUDIT_KEY = "dev:zhifa-dev-only-insecure-audit-mac-key-change-me-0123456789"
ZHIFA_AUDIT_KEYS, ZHIFA_AUDIT_KEY_ID = envkeyring("ZHIFA_AUDIT_KEY", "ZHIFA_AUDIT_KEY_FILE", _DEV_AUDIT_KEY)
if _PRODUCTION and _DEV_AUDIT_KEY.partition(":")[2] in ZHIFA_AUDIT_KEYS.values():
    raise ImproperlyConfigured(
        "ZHIFA_AUDIT_KEY or ZHIFA_AUDIT_KEY_FILE must be set in production (DEBUG off): "
        "`id:secret`, e.g. k2026:$(openssl rand -hex 32)"
    )
# The anchor file should live where the database's users cannot write (another mount, `chattr +a`, copied off
# the machine). The Ed25519 signing key is never committed: outside production the first anchor creates it;
# in production `audit_anchor --create-key` does, once, on purpose.
ZHIFA_AUDIT_ANCHOR_FILE = Path(
    envstr("ZHIFA_AUDIT_ANCHOR_FILE", str(BASE_DIR / "var" / "audit-anchors.jsonl"))
)
ZHIFA_AUDIT_ANCHOR_KEY_FILE = Path(
    envstr("ZHIFA_AUDIT_ANCHOR_KEY_FILE", str(BASE_DIR / "var" / "audit-anchor-key.pem"))
)
ZHIFA_AUDIT_ANCHOR_KEY_AUTOCREATE = not _PRODUCTION

# Past one machine (README "Running on several servers"). REDIS_URL set: the cache every app server and worker
# shares — rate limits, the memos' change versions, job progress — on Django's own Redis backend; unset: each
# process's local memory (the embedded default: `make run` needs nothing else).
REDIS_URL = envstr("REDIS_URL", "")
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(f"REDIS_URL={REDIS_URL!r} must start with redis://, rediss:// or unix://")
ZHIFA_SHARED_CACHE = bool(REDIS_URL)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": envstr("ZHIFA_CACHE_PREFIX", "zhifa"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Process memos (zhifa.core.memo): with a shared cache another server's change is seen within
# ZHIFA_MEMO_VERSION_SECONDS, and the signature query (for writes that bypass it) runs every
# ZHIFA_MEMO_RECHECK_SECONDS; without one the signature is all there is, so it runs more often.
ZHIFA_MEMO_VERSION_SECONDS = envint("ZHIFA_MEMO_VERSION_MS", 1000, minimum=50, maximum=60_000) / 1000
ZHIFA_MEMO_RECHECK_SECONDS = float(envint("ZHIFA_MEMO_RECHECK_SECONDS", 30 if REDIS_URL else 2, minimum=1))

# Background jobs (zhifa.jobs, Celery). Broker: CELERY_BROKER_URL, else REDIS_URL; none → tasks run at once in
# the process that submits them (the embedded default). A job is acknowledged only after it ran and given back
# when its worker dies; a running job whose progress heartbeat is older than ZHIFA_JOB_STALE_SECONDS is reported
# failed (its work is one transaction, undone with the worker).
CELERY_BROKER_URL = envstr("CELERY_BROKER_URL", REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": envint("ZHIFA_JOB_VISIBILITY_SECONDS", 3600, minimum=10)
}
ZHIFA_JOB_STALE_SECONDS = envint("ZHIFA_JOB_STALE_SECONDS", 120, minimum=2)
ZHIFA_JOB_MAX_ATTEMPTS = envint("ZHIFA_JOB_MAX_ATTEMPTS", 3, minimum=1, maximum=10)
# A 12345 file with more rows than this is imported by a background job (progress on the page); smaller ones at once.
ZHIFA_IMPORT_BACKGROUND_ROWS = envint("ZHIFA_IMPORT_BACKGROUND_ROWS", 200, minimum=1)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "WARNING")},
}

# Static files are served from the finders (no collectstatic needed for `make run`); the empty STATIC_ROOT is fine.
warnings.filterwarnings("ignore", message="No directory at")

# Oversight warnings: a unit is reminded this many days before the due date; an overdue warning is escalated to
# the district command (and oversight) this many days after it.
ZHIFA_OVERSIGHT_REMIND_DAYS = envint("ZHIFA_OVERSIGHT_REMIND_DAYS", 2, minimum=0)
ZHIFA_OVERSIGHT_ESCALATE_AFTER_DAYS = envint("ZHIFA_OVERSIGHT_ESCALATE_AFTER_DAYS", 3, minimum=0)
