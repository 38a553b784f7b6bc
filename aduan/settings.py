"""Settings for Aduan, read from the environment (see `.env.example` for every variable).

`ADUAN_ENV` picks the mode:
- `production` (the default, so that a forgotten variable fails safe): needs a strong
  `SECRET_KEY`, `DEBUG` off and `ALLOWED_HOSTS`; refuses to start otherwise.
- `development`: `make run`; a fixed development key, DEBUG on by default.
- `test`: the test suite.
"""

import importlib.util
import os
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
import dotenv
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

# Every variable this module reads, through the helpers below and nothing else; a test checks that
# `.env.example` lists exactly these (tests/test_settings.py). Read them unconditionally, so that
# the set does not depend on the mode or the database in use.
ENV_READ: set[str] = set()


def env(name: str, default: str = "") -> str:
    """The variable's value; unset or empty gives `default` (an example file's `NAME=` lines)."""
    ENV_READ.add(name)
    return os.environ.get(name, "").strip() or default


def envbool(name: str, default: bool) -> bool:
    """1/0, true/false, yes/no, on/off (any case). Anything else stops the start-up: a typo such as
    `DEBUG=ture` must not quietly read as off."""
    value = env(name).lower()
    if not value:
        return default
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a yes/no value: use 1 or 0.")


def envint(name: str, default: int) -> int:
    value = env(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def envints(name: str, default: str) -> list[int]:
    try:
        return [int(item) for item in envlist(name, default)]
    except ValueError:
        raise ImproperlyConfigured(
            f"{name}={env(name)!r} is not a list of whole numbers."
        ) from None


# KEY=VALUE lines of `.env` (or ADUAN_DOTENV) for what the real environment does not set.
dotenv.load_dotenv(env("ADUAN_DOTENV", str(BASE_DIR / ".env")), override=False, interpolate=False)


ADUAN_ENV = env("ADUAN_ENV", "production")
if ADUAN_ENV not in ("production", "development", "test"):
    raise ImproperlyConfigured("ADUAN_ENV must be production, development or test")
PRODUCTION = ADUAN_ENV == "production"

DEV_SECRET_KEY = "django-insecure-aduan-development-key-never-use-in-production"
SECRET_KEY = env("SECRET_KEY", "" if PRODUCTION else DEV_SECRET_KEY)
DEBUG = envbool("DEBUG", ADUAN_ENV == "development")
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

if PRODUCTION:
    if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure") or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured(
            "Production mode refuses to start: SECRET_KEY is missing or insecure "
            "(use 50+ random characters, e.g. "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`)."
        )
    if DEBUG:
        raise ImproperlyConfigured("Production mode refuses to start with DEBUG on.")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("Production mode needs ALLOWED_HOSTS.")

# Site identity: shown on the home page and in e-mails.
SITE_NAME = env("SITE_NAME", "Aduan Kabupaten Sumbawa")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000")
# Prefix of tracking codes (SBW-7K3Q9M).
REPORT_CODE_PREFIX = env("REPORT_CODE_PREFIX", "SBW")
# Kemendagri code of the regency this instance serves.
REGENCY_CODE = env("REGENCY_CODE", "52.04")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "huey.contrib.djhuey",
    "ninja",  # only for its bundled Swagger UI assets and templates (no CDN)
    "aduan.core",
    "aduan.accounts",
    "aduan.directory",
    "aduan.reports",
    "aduan.notifications",
    "aduan.search",
    "aduan.triage",
    "aduan.forwarding",
    "aduan.feed",
    "aduan.federation",
    "aduan.web",
    "aduan.ops",
    "aduan.api",
    "aduan.open311",
    "aduan.messaging",
    "aduan.sms",
    "aduan.whatsapp",
    "aduan.push",
    "aduan.audit",
    "aduan.backoffice",
    "aduan.stats",
    "aduan.integrations",
    "aduan.demo",
    # After aduan.web, whose templates restyle allauth's pages.
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.mfa",
]

MIDDLEWARE = [
    # First: counts every answer, the ones the middleware below gives too (`/metrics`).
    "aduan.ops.metrics.RequestMetricsMiddleware",
    # Second: liveness probes skip everything below (aduan/ops/livez.py).
    "aduan.ops.livez.LivezMiddleware",
    "aduan.web.csp.ContentSecurityPolicyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The language comes from its own cookie alone (no session), so the refusals below speak it.
    "aduan.web.middleware.LanguageMiddleware",
    # A NUL in the address or its parameters: a 400 before any view; a cookie with one is set
    # aside before the session is read (aduan/ops/nul.py).
    "aduan.ops.nul.NulMiddleware",
    # A view's bare 405 under a machine door becomes that door's error document.
    "aduan.core.refusals.DoorErrorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "aduan.ops.bodylimit.BodyLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "aduan.accounts.middleware.StaffMfaMiddleware",
]

# Under a machine door (/api/, /open311/, the webhooks) the refusal is that door's error document.
CSRF_FAILURE_VIEW = "aduan.web.errors.csrf_failure"
ROOT_URLCONF = "aduan.urls"
WSGI_APPLICATION = "aduan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "aduan.web.context.site",
                "aduan.web.context.notifications",
            ],
        },
    },
]

# Database: SQLite (embedded default) or any DATABASE_URL, e.g. postgres://user@host:5432/aduan.
DATABASE_URL = env("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'var' / 'aduan.sqlite3'}"
# Where the test suite keeps its SQLite database; PostgreSQL's prepared plans (below).
TEST_SQLITE_PATH = env("TEST_SQLITE_PATH", str(BASE_DIR / "var" / "test.sqlite3"))
DB_SERVER_SIDE_BINDING = envbool("DB_SERVER_SIDE_BINDING", True)
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=envint("DB_CONN_MAX_AGE", 0))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # as dj_database_url names it
    # IMMEDIATE transactions take the write lock at BEGIN, so two actions on one report run one
    # after the other and the second sees the first one's result (instead of failing half-way
    # with "database is locked" when it tries to upgrade a read lock).
    # Writers queue on a file lock that wakes at once, not in SQLite's sleeping busy handler
    # (aduan/core/sqlite/base.py).
    DATABASES["default"]["ENGINE"] = "aduan.core.sqlite"
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
    # Tests use a file too, so that they exercise WAL and the IMMEDIATE locking of production use.
    DATABASES["default"]["TEST"] = {"NAME": TEST_SQLITE_PATH}
    if DATABASES["default"]["NAME"] not in ("", ":memory:"):
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Server-side parameter binding lets psycopg prepare a statement the fifth time a connection
    # runs it; with persistent connections (DB_CONN_MAX_AGE) PostgreSQL then skips planning, which
    # for the report pages' many-table joins costs more than running them (8 ms against 0.5 ms).
    DATABASES["default"].setdefault("OPTIONS", {})["server_side_binding"] = DB_SERVER_SIDE_BINDING
# Read replica (issue 18; README "Read replica"): a PostgreSQL streaming standby that the public's
# read-only pages (feed, report page, search, Open311 GET, public statistics) read from through
# `aduan.core.db_router`; every write, every staff page and every client that has just written use
# the primary. Unset: one database, exactly as without this feature (no alias, router or
# middleware). REPLICA_PIN_SECONDS: a client that has written (any POST, PUT, PATCH or DELETE)
# reads from the primary this long, so it sees its own writes. REPLICA_CONNECT_TIMEOUT: seconds
# to wait for the standby to answer a connection (libpq counts less than 2 as 2).
# REPLICA_RETRY_SECONDS: after a failure the standby is left alone this long (reads go to the
# primary) before it is tried again. REPLICA_MAX_LAG_SECONDS: a standby further behind than this
# is not read (0: no limit); its health and lag are checked at most every REPLICA_CHECK_SECONDS,
# per process.
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL")
REPLICA_PIN_SECONDS = envint("REPLICA_PIN_SECONDS", 10)
REPLICA_CONNECT_TIMEOUT = envint("REPLICA_CONNECT_TIMEOUT", 2)
REPLICA_RETRY_SECONDS = envint("REPLICA_RETRY_SECONDS", 30)
REPLICA_MAX_LAG_SECONDS = envint("REPLICA_MAX_LAG_SECONDS", 30)
REPLICA_CHECK_SECONDS = envint("REPLICA_CHECK_SECONDS", 5)
if DATABASE_REPLICA_URL:
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_REPLICA_URL needs DATABASE_URL on PostgreSQL.")
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"]
    )
    DATABASES["replica"]["OPTIONS"] = {
        **DATABASES["replica"].get("OPTIONS", {}),
        "server_side_binding": DB_SERVER_SIDE_BINDING,
        "connect_timeout": REPLICA_CONNECT_TIMEOUT,
    }
    # The test suite reads the replica alias as the default database (Django's MIRROR).
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["aduan.core.db_router.ReplicaRouter"]
    # Last, so that it sees the answer to every write that reached a view (aduan.ops.replica).
    MIDDLEWARE.append("aduan.ops.replica.PinWritersMiddleware")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if ADUAN_ENV == "test":
    # Hashing cost is not under test; argon2 in every fixture user would dominate the suite's time.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "aduan" / "locale"]
# Sumbawa (Nusa Tenggara Barat) keeps WITA, UTC+8. Working days and deadlines are counted in it.
TIME_ZONE = env("TIME_ZONE", "Asia/Makassar")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "var" / "static")))
# Outside production WhiteNoise serves straight from the apps' static folders (no collectstatic).
WHITENOISE_USE_FINDERS = not PRODUCTION
# Autorefresh looks a file up when it is asked for instead of indexing every static file when the
# middleware starts: in development (files change), and in tests, where every test client starts
# the middleware again (the index cost 60 ms per client).
WHITENOISE_AUTOREFRESH = DEBUG or ADUAN_ENV == "test"
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
MEDIA_URL = "/media/"  # never served publicly; attachments go through permission-checked views
S3_STORAGE = "storages.backends.s3.S3Storage"


def s3_storage_options(values) -> dict:
    """S3-compatible object storage (AWS S3, MinIO, Garage, ...), shared by every app server. The
    bucket stays private: objects are written with a private ACL and read only by the app, which
    streams each one through its permission-checked views; no page links to a bucket URL (and any
    URL Django were asked for would be signed and expire in 5 minutes)."""
    # The s3 extra is optional (requirements-s3.txt): without it, say so at start-up rather than
    # with an ImportError at the first upload.
    packages = {"django-storages": "storages", "boto3": "boto3"}  # package: module
    missing = [name for name, module in packages.items() if not importlib.util.find_spec(module)]
    if missing:
        raise ImproperlyConfigured(
            f"STORAGE_BACKEND is S3Storage but the s3 extra is not installed (no "
            f"{', '.join(missing)}): make install EXTRAS=s3, or pip install --require-hashes "
            "-r requirements.lock -r requirements-s3.lock."
        )
    if not values.get("S3_BUCKET"):
        raise ImproperlyConfigured("STORAGE_BACKEND is S3Storage but S3_BUCKET is not set.")
    return {
        "bucket_name": values.get("S3_BUCKET"),
        "location": values.get("S3_PREFIX", ""),
        "endpoint_url": values.get("S3_ENDPOINT_URL") or None,  # MinIO, Garage: http(s)://host:port
        "region_name": values.get("S3_REGION") or None,
        # Empty: boto3's own chain (instance role, ~/.aws); set both for MinIO, Garage and the like.
        "access_key": values.get("S3_ACCESS_KEY_ID") or None,
        "secret_key": values.get("S3_SECRET_ACCESS_KEY") or None,
        "addressing_style": values.get("S3_ADDRESSING_STYLE")
        or None,  # "path" for most self-hosted stores
        "default_acl": "private",
        "querystring_auth": True,
        "querystring_expire": 300,
        # as on disk: a name already taken gets a suffix, nothing is replaced
        "file_overwrite": False,
    }


# Attachments on local disk (MEDIA_ROOT) or in object storage (S3_STORAGE and the S3_* variables).
S3_SETTINGS = {
    name: env(name)
    for name in (
        "S3_BUCKET",
        "S3_PREFIX",
        "S3_ENDPOINT_URL",
        "S3_REGION",
        "S3_ACCESS_KEY_ID",
        "S3_SECRET_ACCESS_KEY",
        "S3_ADDRESSING_STYLE",
    )
}
STORAGE_BACKEND = env("STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage")
DEFAULT_STORAGE = {"BACKEND": STORAGE_BACKEND}
if STORAGE_BACKEND == S3_STORAGE:
    DEFAULT_STORAGE["OPTIONS"] = s3_storage_options(S3_SETTINGS)
STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# E-mail: console in development, SMTP when EMAIL_HOST is set.
EMAIL_HOST = env("EMAIL_HOST")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Aduan Sumbawa <noreply@aduan.invalid>")
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)

# Accounts (django-allauth): log in with username or e-mail, e-mail verified before the first
# log-in. The extra profile (NIK, sex, date of birth, ...) is asked at sign-up.
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", "mandatory")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SIGNUP_FORM_CLASS = "aduan.accounts.forms.ProfileSignupForm"
ACCOUNT_ADAPTER = "aduan.accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {
    "login": "aduan.accounts.forms.LoginForm",
    "signup": "aduan.accounts.signup.SignupForm",
}
# Registration never tells whether an address, user name or NIK has an account (issue 11 §3).
ACCOUNT_PREVENT_ENUMERATION = True
# One address per account; a new one replaces it once confirmed
# (`accounts.actions.do_change_email`), and the old address is told, as the owner is of a changed
# password.
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
# A password change or reset ends every session, the one it was made in too, and every API token.
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Aduan] "
ACCOUNT_LOGOUT_ON_GET = False
# allauth's default rate limits (failed log-ins, e-mails sent per address, ...); off in tests, where
# many tests sign up and log in with the same addresses within minutes.
ACCOUNT_RATE_LIMITS = False if ADUAN_ENV == "test" else {}
# Second factor (allauth.mfa): an authenticator app (TOTP) and recovery codes. Required for every
# staff account (dispatcher, officer, supervisor, sysadmin, admin users) unless turned off; see
# aduan/accounts/mfa.py. One step of clock drift either way is accepted (phones' clocks drift).
STAFF_MFA_REQUIRED = envbool("STAFF_MFA_REQUIRED", True)
MFA_ADAPTER = "aduan.accounts.adapter.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_TOLERANCE = 1
SOCIALACCOUNT_ADAPTER = "aduan.accounts.adapter.SocialAccountAdapter"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_PROVIDERS = {}
# Social log-in appears only for the providers whose keys are set.
for _provider, _app, _client_id, _secret in (
    (
        "google",
        "allauth.socialaccount.providers.google",
        env("GOOGLE_CLIENT_ID"),
        env("GOOGLE_CLIENT_SECRET"),
    ),
    (
        "facebook",
        "allauth.socialaccount.providers.facebook",
        env("FACEBOOK_CLIENT_ID"),
        env("FACEBOOK_CLIENT_SECRET"),
    ),
    (
        "twitter_oauth2",
        "allauth.socialaccount.providers.twitter_oauth2",
        env("X_CLIENT_ID"),
        env("X_CLIENT_SECRET"),
    ),
):
    if _client_id and _secret:
        INSTALLED_APPS.append(_app)
        SOCIALACCOUNT_PROVIDERS[_provider] = {
            "APPS": [{"client_id": _client_id, "secret": _secret, "key": ""}]
        }

# NIK at rest: Fernet keys (comma-separated, the first encrypts, all decrypt: rotate by putting a
# new key first) and the key of the keyed hash used to find an account by NIK. Outside production
# both default to keys derived from SECRET_KEY; production refuses to store a NIK without them.
# NIK_HASH_LOOKUP_KEYS: other hash keys that look-ups also try, only while the hash key rotates
# (`rotate_nik_keys`, docs/deploy.md). The staff's TOTP secrets and recovery-code seeds are
# encrypted under keys derived from NIK_ENCRYPTION_KEYS (MFA_ADAPTER,
# aduan/accounts/mfa_secrets.py).
NIK_ENCRYPTION_KEYS = envlist("NIK_ENCRYPTION_KEYS")
NIK_HASH_KEY = env("NIK_HASH_KEY")
NIK_HASH_LOOKUP_KEYS = envlist("NIK_HASH_LOOKUP_KEYS")

# Attachments of a report (DESIGN §6), filed or added by staff in the back office: at most this
# many files, each at most this size.
ATTACHMENT_MAX_FILES = envint("ATTACHMENT_MAX_FILES", 5)
ATTACHMENT_MAX_MB = envint("ATTACHMENT_MAX_MB", 10)
ATTACHMENT_MAX_VIDEO_MB = envint("ATTACHMENT_MAX_VIDEO_MB", 25)
# Files uploaded before their report is filed (a failed submit, the phone's outbox) are kept this
# many days for the report to claim them, then deleted (aduan.web.tasks).
PENDING_UPLOAD_DAYS = envint("PENDING_UPLOAD_DAYS", 14)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Largest body of a request that carries only text (forms, JSON, Open311, SMS), refused with 413
# before it is read (aduan/ops/bodylimit.py); views that take attachments have their own limit.
REQUEST_MAX_TEXT_BYTES = envint("REQUEST_MAX_TEXT_BYTES", 256 * 1024)

# Background work: huey on SQLite by default, Redis when REDIS_URL is set.
REDIS_URL = env("REDIS_URL")
HUEY = {
    "name": "aduan",
    "immediate": envbool("HUEY_IMMEDIATE", ADUAN_ENV == "test"),
    "consumer": {"workers": envint("HUEY_WORKERS", 2), "worker_type": "thread"},
}
# The cache holds the rate-limit counters (log-in lockout, API): in Redis they are shared by every
# app server; without Redis they are per process.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
if REDIS_URL:
    # Several consumers (machines) each run the scheduler; a tick's periodic tasks are enqueued
    # by the first to claim them (aduan/ops/periodic.py).
    HUEY.update({"huey_class": "aduan.ops.periodic.OncePerTickRedisHuey", "url": REDIS_URL})
else:
    HUEY.update(
        # huey's SqliteHuey without an fsync per task (aduan/core/queue.py)
        {
            "huey_class": "aduan.core.queue.QueueHuey",
            "filename": str(BASE_DIR / "var" / "huey.sqlite3"),
        }
    )

# Clock (DESIGN §4): working days after a deadline before the first escalation (agency officers and
# head) and the second (supervisors).
ESCALATION_WORKING_DAYS = envints("ESCALATION_WORKING_DAYS", "1,3")
# Outside parties (issue 16): days a forwarding link stays valid (calendar days). The outside
# body's answer has its own limit, the SLA step "outside" (10 working days unless an SlaPolicy
# row says otherwise); the link outlives it so that a late answer is still welcome.
FORWARD_LINK_DAYS = envint("FORWARD_LINK_DAYS", 14)
# Signed event feed for integrators (aduan.feed): seconds a receiver has to answer a delivery,
# and the most events one replay page returns.
FEED_TIMEOUT_SECONDS = envint("FEED_TIMEOUT_SECONDS", 10)
FEED_REPLAY_MAX = envint("FEED_REPLAY_MAX", 500)
# Outbound Open311 (aduan.federation): seconds another GeoReport v2 server has to answer, and the
# tries of a request it has not accepted yet before the report comes back to the dispatcher.
OPEN311_OUTBOUND_TIMEOUT_SECONDS = envint("OPEN311_OUTBOUND_TIMEOUT_SECONDS", 10)
OPEN311_OUTBOUND_MAX_ATTEMPTS = envint("OPEN311_OUTBOUND_MAX_ATTEMPTS", 8)
# Evaluation reports over a longer period than this are generated by the worker.
EVALUATION_INLINE_MAX_DAYS = envint("EVALUATION_INLINE_MAX_DAYS", 31)
# The supervisor dashboard's figures are kept this many seconds in the cache (0: computed on
# every view; the default in tests, where each test expects the figures of its own data).
DASHBOARD_CACHE_SECONDS = envint("DASHBOARD_CACHE_SECONDS", 0 if ADUAN_ENV == "test" else 60)
# The busiest lists (public feed and search, dispatcher queue, agency inbox, Open311 list) are kept
# rendered in the cache until a report changes (aduan/core/fragments.py); this bounds what the
# change counter cannot see (the clock moving deadlines between zones). 0 renders them every time,
# the default in tests (the tests that check the cache turn it on).
FRAGMENT_CACHE_SECONDS = envint("FRAGMENT_CACHE_SECONDS", 0 if ADUAN_ENV == "test" else 30)

# /metrics for Prometheus answers only `Authorization: Bearer <METRICS_TOKEN>`; unset, it is a 404.
METRICS_TOKEN = env("METRICS_TOKEN")
# Ed25519 private key (base64 of the 32 raw bytes) that signs the audit chain's daily head and the
# filing receipts (aduan/audit/signing.py); `manage.py audit_signing_key` makes one.
AUDIT_SIGNING_KEY = env("AUDIT_SIGNING_KEY")

# Outbox delivery: attempts before a notification is given up, and the base of the backoff.
OUTBOX_MAX_ATTEMPTS = envint("OUTBOX_MAX_ATTEMPTS", 8)
OUTBOX_BACKOFF_SECONDS = envint("OUTBOX_BACKOFF_SECONDS", 60)

# Rate limits (aduan/ops/ratelimit.py; 0: no limit). The client's address is REMOTE_ADDR, or,
# behind this many proxies of ours, the entry the outermost appended to X-Forwarded-For.
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 0)
# The test settings turn the limits below off (tests send many requests from one address within
# minutes); the tests of the limits set them.
_limits_default = ADUAN_ENV != "test"
# JSON API: requests per minute per token/account (the address when anonymous), and per address.
API_RATE_LIMIT_PER_MINUTE = envint("API_RATE_LIMIT_PER_MINUTE", 300)
API_RATE_LIMIT_PER_IP_PER_MINUTE = envint(
    "API_RATE_LIMIT_PER_IP_PER_MINUTE", 1200 * _limits_default
)
# New reports per hour (portal and API together; resubmissions and added information are counted
# apart with the same limits): per account, per RT/RW representative (who files for residents) and
# per address, which a kelurahan office or a mobile network's NAT shares, hence the largest.
FILING_RATE_LIMIT_PER_ACCOUNT_PER_HOUR = envint(
    "FILING_RATE_LIMIT_PER_ACCOUNT_PER_HOUR", 10 * _limits_default
)
FILING_RATE_LIMIT_PER_REPRESENTATIVE_PER_HOUR = envint(
    "FILING_RATE_LIMIT_PER_REPRESENTATIVE_PER_HOUR", 40 * _limits_default
)
FILING_RATE_LIMIT_PER_IP_PER_HOUR = envint(
    "FILING_RATE_LIMIT_PER_IP_PER_HOUR", 100 * _limits_default
)
# Tracking without an account (code + secret): tries per hour per address and per tracking code, so
# that a secret cannot be guessed by trying, from one address or from many.
TRACK_RATE_LIMIT_PER_IP_PER_HOUR = envint("TRACK_RATE_LIMIT_PER_IP_PER_HOUR", 30 * _limits_default)
TRACK_RATE_LIMIT_PER_CODE_PER_HOUR = envint(
    "TRACK_RATE_LIMIT_PER_CODE_PER_HOUR", 20 * _limits_default
)
# Open311 POST requests per hour, per application key and per address.
OPEN311_RATE_LIMIT_PER_KEY_PER_HOUR = envint(
    "OPEN311_RATE_LIMIT_PER_KEY_PER_HOUR", 300 * _limits_default
)
OPEN311_RATE_LIMIT_PER_IP_PER_HOUR = envint(
    "OPEN311_RATE_LIMIT_PER_IP_PER_HOUR", 300 * _limits_default
)
# SMS webhook: messages per hour per sender's number, and calls per hour per address (the
# gateway's).
SMS_RATE_LIMIT_PER_PHONE_PER_HOUR = envint(
    "SMS_RATE_LIMIT_PER_PHONE_PER_HOUR", 10 * _limits_default
)
SMS_RATE_LIMIT_PER_IP_PER_HOUR = envint("SMS_RATE_LIMIT_PER_IP_PER_HOUR", 5000 * _limits_default)
# Codes sent to prove a phone number (`sms.verification`): at most this many a day to one number,
# whoever asks, and for one account, whatever number. A proven number files SMS and WhatsApp
# reports for the account; five guesses a code and five codes a day leave a thief 25 guesses at a
# million codes a day, and the owner of the number five unwanted SMS at most.
PHONE_CODES_PER_DAY = envint("PHONE_CODES_PER_DAY", 5)
# JSON API: request and file sizes.
API_MAX_REQUEST_BYTES = envint("API_MAX_REQUEST_BYTES", 25 * 1024 * 1024)
# Uploaded files above this size go to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = envint("FILE_UPLOAD_MAX_MEMORY_SIZE", 2 * 1024 * 1024)

# SMS channel: the gateway that sends replies (HTTP POST, JSON {"to", "message"}, Bearer token) and
# the shared secret that signs its webhook calls to /sms/webhook (HMAC-SHA256).
SMS_GATEWAY_URL = env("SMS_GATEWAY_URL")
SMS_GATEWAY_TOKEN = env("SMS_GATEWAY_TOKEN")
SMS_GATEWAY_TIMEOUT = envint("SMS_GATEWAY_TIMEOUT", 10)
SMS_WEBHOOK_SECRET = env("SMS_WEBHOOK_SECRET")
# How far a webhook's timestamp may be from the server's clock, in seconds.
SMS_WEBHOOK_TOLERANCE = envint("SMS_WEBHOOK_TOLERANCE", 300)
# A guided exchange by SMS or WhatsApp left unanswered this long is dropped (aduan/messaging).
MESSAGING_CONVERSATION_HOURS = envint("MESSAGING_CONVERSATION_HOURS", 24)
# WhatsApp Business Cloud API (aduan/whatsapp; README "WhatsApp"): off while these are empty.
WHATSAPP_VERIFY_TOKEN = env("WHATSAPP_VERIFY_TOKEN")
WHATSAPP_APP_SECRET = env("WHATSAPP_APP_SECRET")
WHATSAPP_ACCESS_TOKEN = env("WHATSAPP_ACCESS_TOKEN")
WHATSAPP_PHONE_NUMBER_ID = env("WHATSAPP_PHONE_NUMBER_ID")
WHATSAPP_GRAPH_URL = env("WHATSAPP_GRAPH_URL", "https://graph.facebook.com/v19.0")
WHATSAPP_TIMEOUT = envint("WHATSAPP_TIMEOUT", 10)
WHATSAPP_TEMPLATE = env("WHATSAPP_TEMPLATE", "aduan_kabar_laporan")
WHATSAPP_STAFF_TEMPLATE = env("WHATSAPP_STAFF_TEMPLATE", "aduan_peringatan_petugas")
WHATSAPP_TEMPLATE_LANGUAGE = env("WHATSAPP_TEMPLATE_LANGUAGE", "id")
WHATSAPP_RATE_LIMIT_PER_PHONE_PER_HOUR = envint(
    "WHATSAPP_RATE_LIMIT_PER_PHONE_PER_HOUR", 30 * _limits_default
)
# Web Push (aduan/push; README "Notifikasi di ponsel"): the VAPID key pair that signs every push
# (`manage.py vapid_keys` prints a fresh one) and the contact the push services may write to.
# Push is offered only while both keys are set. WEB_PUSH_TTL: how long a push service keeps a
# message for a phone that is off or without signal, in seconds. WEB_PUSH_ALLOW_LOCAL_ENDPOINTS:
# accept subscriptions whose endpoint is http:// or a local address (development and tests only:
# the server POSTs to the endpoint a browser gives it).
VAPID_PUBLIC_KEY = env("VAPID_PUBLIC_KEY")
VAPID_PRIVATE_KEY = env("VAPID_PRIVATE_KEY")
VAPID_SUBJECT = env("VAPID_SUBJECT", "mailto:" + parseaddr(DEFAULT_FROM_EMAIL)[1])
WEB_PUSH_TTL = envint("WEB_PUSH_TTL", 4 * 24 * 3600)
WEB_PUSH_TIMEOUT = envint("WEB_PUSH_TIMEOUT", 10)
WEB_PUSH_ALLOW_LOCAL_ENDPOINTS = envbool("WEB_PUSH_ALLOW_LOCAL_ENDPOINTS", False)

SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if envbool("BEHIND_TLS_PROXY", False) else None
)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = envbool("SECURE_COOKIES", PRODUCTION)
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_HTTPONLY = True
# Sessions are read on every signed-in request: from Redis when there is one (written through to
# the database, so a Redis restart logs no one out, and log-in goes on while it restarts:
# aduan/ops/sessions.py), from the database otherwise.
SESSION_ENGINE = "aduan.ops.sessions" if REDIS_URL else "django.contrib.sessions.backends.db"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (aduan.web.csp; the shape of Django 6.0's SECURE_CSP): every script and
# stylesheet comes from the app's own static files; no inline script, no inline style, no eval
# (htmx is told not to use it, see web/base.html), no plugins, no framing, forms post only to us.
# `data:` images: the Swagger UI's icons. CSP_REPORT_URI: where browsers send violation reports.
# CSP_REPORT_ONLY=1 reports without blocking (to try a change of policy on a live site first); on
# by default with DEBUG, where Django's own error pages need their inline script and style.
# A social log-in posts to us and is redirected to the provider's authorisation page; browsers
# apply form-action to that redirect, so the configured providers' pages are allowed there.
SOCIAL_AUTHORIZE_ORIGINS = {
    "google": ["https://accounts.google.com"],
    "facebook": ["https://www.facebook.com"],
    "twitter_oauth2": ["https://x.com", "https://twitter.com"],
}
# Maps: the shipped kecamatan/desa boundaries are the base map, so a map needs no outside server.
# MAP_TILE_URL (e.g. https://tiles.example.org/{z}/{x}/{y}.png) adds raster tiles under them, and
# its host (only for images) to the policy below; MAP_TILE_ATTRIBUTION is shown on the map.
MAP_TILE_URL = env("MAP_TILE_URL")
MAP_TILE_ATTRIBUTION = env("MAP_TILE_ATTRIBUTION")


def tile_origin(url: str) -> str:
    """https://{s}.tile.example.org/{z}/{x}/{y}.png → https://*.tile.example.org"""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.replace('{s}.', '*.')}" if parts.netloc else ""


_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:", *([tile_origin(MAP_TILE_URL)] if MAP_TILE_URL else [])],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": [
        "'self'",
        *(
            origin
            for provider in SOCIALACCOUNT_PROVIDERS
            for origin in SOCIAL_AUTHORIZE_ORIGINS[provider]
        ),
    ],
    "report-uri": [uri] if (uri := env("CSP_REPORT_URI")) else [],
}
CSP_REPORT_ONLY = envbool("CSP_REPORT_ONLY", DEBUG)
SECURE_CSP = {} if CSP_REPORT_ONLY else _CSP
SECURE_CSP_REPORT_ONLY = _CSP if CSP_REPORT_ONLY else {}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
}
