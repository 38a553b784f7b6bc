"""Settings for Aduan, read from the environment (see `.env.example` for every variable).

`ADUAN_ENV` picks the mode:
- `production` (the default, so that a forgotten variable fails safe): needs a strong
  `SECRET_KEY`, `DEBUG` off and `ALLOWED_HOSTS`; refuses to start otherwise.
- `development`: `make run`; a fixed development key, DEBUG on by default.
- `test`: the test suite.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def _load_dotenv(path: Path) -> None:
    """Read KEY=VALUE lines from `.env` without overriding the real environment."""
    if not path.is_file():
        return
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        os.environ.setdefault(key.strip(), value.strip().strip('"').strip("'"))


_load_dotenv(Path(os.environ.get("ADUAN_DOTENV", BASE_DIR / ".env")))


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


ADUAN_ENV = os.environ.get("ADUAN_ENV", "production")
if ADUAN_ENV not in ("production", "development", "test"):
    raise ImproperlyConfigured("ADUAN_ENV must be production, development or test")
PRODUCTION = ADUAN_ENV == "production"

DEV_SECRET_KEY = "django-insecure-aduan-development-key-never-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", "" if PRODUCTION else DEV_SECRET_KEY)
DEBUG = envbool("DEBUG", ADUAN_ENV == "development")
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

if PRODUCTION:
    if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure") or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured(
            "Production mode refuses to start: SECRET_KEY is missing or insecure "
            "(use 50+ random characters, e.g. `python -c 'import secrets; print(secrets.token_urlsafe(50))'`)."
        )
    if DEBUG:
        raise ImproperlyConfigured("Production mode refuses to start with DEBUG on.")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("Production mode needs ALLOWED_HOSTS.")

# Site identity: shown on the home page and in e-mails.
SITE_NAME = os.environ.get("SITE_NAME", "Aduan Kabupaten Sumbawa")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
# Prefix of tracking codes (SBW-7K3Q9M).
REPORT_CODE_PREFIX = os.environ.get("REPORT_CODE_PREFIX", "SBW")
# Kemendagri code of the regency this instance serves.
REGENCY_CODE = os.environ.get("REGENCY_CODE", "52.04")

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
    "aduan.accounts",
    "aduan.directory",
    "aduan.reports",
    "aduan.notifications",
    "aduan.search",
    "aduan.triage",
    "aduan.web",
    "aduan.ops",
    "aduan.api",
    "aduan.open311",
    "aduan.sms",
    "aduan.audit",
    "aduan.backoffice",
    "aduan.stats",
    # After aduan.web, whose templates restyle allauth's pages.
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.mfa",
]

MIDDLEWARE = [
    "aduan.web.csp.ContentSecurityPolicyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "aduan.web.middleware.LanguageMiddleware",
    "aduan.web.middleware.RequestSizeMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "aduan.accounts.middleware.StaffMfaMiddleware",
]

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
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'var' / 'aduan.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=envint("DB_CONN_MAX_AGE", 0))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take the write lock at BEGIN, so two actions on one report run one
    # after the other and the second sees the first one's result (instead of failing half-way
    # with "database is locked" when it tries to upgrade a read lock).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    # Tests use a file too, so that they exercise WAL and the IMMEDIATE locking of production use.
    DATABASES["default"]["TEST"] = {
        "NAME": os.environ.get("TEST_SQLITE_PATH", str(BASE_DIR / "var" / "test.sqlite3"))
    }
    if DATABASES["default"]["NAME"] not in ("", ":memory:"):
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Server-side parameter binding lets psycopg prepare a statement the fifth time a connection
    # runs it; with persistent connections (DB_CONN_MAX_AGE) PostgreSQL then skips planning, which
    # for the report pages' many-table joins costs more than running them (8 ms against 0.5 ms).
    DATABASES["default"].setdefault("OPTIONS", {})["server_side_binding"] = envbool(
        "DB_SERVER_SIDE_BINDING", True
    )
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
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Makassar")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "var" / "static"))
# Outside production WhiteNoise serves straight from the apps' static folders (no collectstatic).
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
MEDIA_URL = "/media/"  # never served publicly; attachments go through permission-checked views
S3_STORAGE = "storages.backends.s3.S3Storage"


def s3_storage_options(env) -> dict:
    """S3-compatible object storage (AWS S3, MinIO, Garage, ...), shared by every app server. The
    bucket stays private: objects are written with a private ACL and read only by the app, which
    streams each one through its permission-checked views; no page links to a bucket URL (and any
    URL Django were asked for would be signed and expire in 5 minutes)."""
    if not env.get("S3_BUCKET"):
        raise ImproperlyConfigured("STORAGE_BACKEND is S3Storage but S3_BUCKET is not set.")
    return {
        "bucket_name": env.get("S3_BUCKET"),
        "location": env.get("S3_PREFIX", ""),
        "endpoint_url": env.get("S3_ENDPOINT_URL") or None,  # MinIO, Garage: http(s)://host:port
        "region_name": env.get("S3_REGION") or None,
        # Empty: boto3's own chain (instance role, ~/.aws); set both for MinIO, Garage and the like.
        "access_key": env.get("S3_ACCESS_KEY_ID") or None,
        "secret_key": env.get("S3_SECRET_ACCESS_KEY") or None,
        "addressing_style": env.get("S3_ADDRESSING_STYLE")
        or None,  # "path" for most self-hosted stores
        "default_acl": "private",
        "querystring_auth": True,
        "querystring_expire": 300,
        "file_overwrite": False,  # as on disk: a name already taken gets a suffix, nothing is replaced
    }


# Attachments on local disk (MEDIA_ROOT) or in object storage (S3_STORAGE and the S3_* variables).
STORAGE_BACKEND = os.environ.get("STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage")
DEFAULT_STORAGE = {"BACKEND": STORAGE_BACKEND}
if STORAGE_BACKEND == S3_STORAGE:
    DEFAULT_STORAGE["OPTIONS"] = s3_storage_options(os.environ)
STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# E-mail: console in development, SMTP when EMAIL_HOST is set.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Aduan Sumbawa <noreply@aduan.invalid>")
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)

# Accounts (django-allauth): log in with username or e-mail, e-mail verified before the first
# log-in. The extra profile (NIK, sex, date of birth, ...) is asked at sign-up.
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = os.environ.get("ACCOUNT_EMAIL_VERIFICATION", "mandatory")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SIGNUP_FORM_CLASS = "aduan.accounts.forms.ProfileSignupForm"
ACCOUNT_ADAPTER = "aduan.accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {"login": "aduan.accounts.forms.LoginForm"}
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
for _provider, _app, _env in (
    ("google", "allauth.socialaccount.providers.google", "GOOGLE"),
    ("facebook", "allauth.socialaccount.providers.facebook", "FACEBOOK"),
    ("twitter_oauth2", "allauth.socialaccount.providers.twitter_oauth2", "X"),
):
    _client_id, _secret = (
        os.environ.get(f"{_env}_CLIENT_ID", ""),
        os.environ.get(f"{_env}_CLIENT_SECRET", ""),
    )
    if _client_id and _secret:
        INSTALLED_APPS.append(_app)
        SOCIALACCOUNT_PROVIDERS[_provider] = {
            "APPS": [{"client_id": _client_id, "secret": _secret, "key": ""}]
        }

# NIK at rest: Fernet keys (comma-separated, the first encrypts, all decrypt: rotate by putting a
# new key first) and the key of the keyed hash used to find an account by NIK. Outside production
# both default to keys derived from SECRET_KEY; production refuses to store a NIK without them.
# NIK_HASH_LOOKUP_KEYS: other hash keys that look-ups also try, only while the hash key rotates
# (`rotate_nik_keys`, docs/deploy.md). The staff's TOTP secrets and recovery-code seeds are encrypted
# under keys derived from NIK_ENCRYPTION_KEYS (MFA_ADAPTER, aduan/accounts/mfa_secrets.py).
NIK_ENCRYPTION_KEYS = envlist("NIK_ENCRYPTION_KEYS")
NIK_HASH_KEY = os.environ.get("NIK_HASH_KEY", "")
NIK_HASH_LOOKUP_KEYS = envlist("NIK_HASH_LOOKUP_KEYS")

# Attachments of a report (DESIGN §6): at most this many files, each at most this size.
ATTACHMENT_MAX_FILES = envint("ATTACHMENT_MAX_FILES", 5)
ATTACHMENT_MAX_MB = envint("ATTACHMENT_MAX_MB", 10)
ATTACHMENT_MAX_VIDEO_MB = envint("ATTACHMENT_MAX_VIDEO_MB", 25)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Background work: huey on SQLite by default, Redis when REDIS_URL is set.
REDIS_URL = os.environ.get("REDIS_URL", "")
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
    HUEY.update({"huey_class": "huey.PriorityRedisHuey", "url": REDIS_URL})
else:
    HUEY.update(
        {"huey_class": "huey.SqliteHuey", "filename": str(BASE_DIR / "var" / "huey.sqlite3")}
    )

# Attachments staff upload in the back office: size cap per file.
ATTACHMENT_MAX_MB = envint("ATTACHMENT_MAX_MB", 10)
# Clock (DESIGN §4): working days after a deadline before the first escalation (agency officers and
# head) and the second (supervisors).
ESCALATION_WORKING_DAYS = [int(d) for d in envlist("ESCALATION_WORKING_DAYS", "1,3")]
# Evaluation reports over a longer period than this are generated by the worker.
EVALUATION_INLINE_MAX_DAYS = envint("EVALUATION_INLINE_MAX_DAYS", 31)
# The supervisor dashboard's figures are kept this many seconds in the cache (0: computed on
# every view; the default in tests, where each test expects the figures of its own data).
DASHBOARD_CACHE_SECONDS = envint("DASHBOARD_CACHE_SECONDS", 0 if ADUAN_ENV == "test" else 60)
# The busiest lists (public feed and search, dispatcher queue, agency inbox, Open311 list) are kept
# rendered in the cache until a report changes (aduan/reports/fragments.py); this bounds what the
# change counter cannot see (the clock moving deadlines between zones). 0 renders them every time,
# the default in tests (the tests that check the cache turn it on).
FRAGMENT_CACHE_SECONDS = envint("FRAGMENT_CACHE_SECONDS", 0 if ADUAN_ENV == "test" else 30)

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
# SMS webhook: messages per hour per sender's number, and calls per hour per address (the gateway's).
SMS_RATE_LIMIT_PER_PHONE_PER_HOUR = envint(
    "SMS_RATE_LIMIT_PER_PHONE_PER_HOUR", 10 * _limits_default
)
SMS_RATE_LIMIT_PER_IP_PER_HOUR = envint("SMS_RATE_LIMIT_PER_IP_PER_HOUR", 5000 * _limits_default)
# JSON API: request and file sizes.
API_MAX_REQUEST_BYTES = envint("API_MAX_REQUEST_BYTES", 25 * 1024 * 1024)
API_MAX_FILE_BYTES = envint("API_MAX_FILE_BYTES", 10 * 1024 * 1024)
API_MAX_FILES = envint("API_MAX_FILES", 5)
# Uploaded files above this size go to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = envint("FILE_UPLOAD_MAX_MEMORY_SIZE", 2 * 1024 * 1024)

# SMS channel: the gateway that sends replies (HTTP POST, JSON {"to", "message"}, Bearer token) and the
# shared secret that signs its webhook calls to /sms/webhook (HMAC-SHA256).
SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL", "")
SMS_GATEWAY_TOKEN = os.environ.get("SMS_GATEWAY_TOKEN", "")
SMS_GATEWAY_TIMEOUT = envint("SMS_GATEWAY_TIMEOUT", 10)
SMS_WEBHOOK_SECRET = os.environ.get("SMS_WEBHOOK_SECRET", "")
# How far a webhook's timestamp may be from the server's clock, in seconds.
SMS_WEBHOOK_TOLERANCE = envint("SMS_WEBHOOK_TOLERANCE", 300)

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
# the database, so a Redis restart logs no one out), from the database otherwise.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if REDIS_URL
    else "django.contrib.sessions.backends.db"
)
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
_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
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
    "report-uri": [uri] if (uri := os.environ.get("CSP_REPORT_URI", "")) else [],
}
CSP_REPORT_ONLY = envbool("CSP_REPORT_ONLY", DEBUG)
SECURE_CSP = {} if CSP_REPORT_ONLY else _CSP
SECURE_CSP_REPORT_ONLY = _CSP if CSP_REPORT_ONLY else {}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
