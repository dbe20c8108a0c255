"""Guanxi settings: one module, configured from ``GUANXI_*`` environment variables.

With nothing set Guanxi runs embedded: SQLite (WAL) in a local data directory, background
jobs in the database, e-mail printed to the console.
"""

import os
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url

PACKAGE_DIR = Path(__file__).resolve().parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(f"GUANXI_{name}", default)


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name)
    if not value:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


TESTING = "pytest" in sys.modules
DATA_DIR = Path(env("DATA_DIR", str(Path.cwd() / "data"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", default=False)
# ``guanxi demo``: debug off like production, but plain HTTP on this machine and static files
# served from the source tree (no collectstatic).
DEMO = env_bool("DEMO", default=False)
# The development key of ``guanxi demo`` and the tests; ``guanxi serve`` refuses to run with it.
INSECURE_SECRET_KEY = "django-insecure-guanxi-embedded-default-change-me"  # noqa: S105
SECRET_KEY = env("SECRET_KEY", INSECURE_SECRET_KEY)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "*" if DEMO else "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "rules.apps.AutodiscoverRulesConfig",
    "django_tasks",
    "django_tasks_db",
    "guanxi.core",
    "guanxi.accounts",
    "guanxi.customers",
    "guanxi.collaboration",
    "guanxi.sales",
    "guanxi.service",
    "guanxi.analytics",
    "guanxi.evaluation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "guanxi.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "guanxi.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "guanxi.accounts.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "guanxi.core.middleware.HtmxMessagesMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "guanxi.core.middleware.ConflictMiddleware",
    "guanxi.core.middleware.AccessLogMiddleware",
    "axes.middleware.AxesMiddleware",
]
if env_bool("QUERY_COUNT_HEADER"):
    # The benchmark harness reads X-Query-Count from each response.
    MIDDLEWARE.insert(0, "guanxi.core.querycount.QueryCountMiddleware")

ROOT_URLCONF = "guanxi.urls"
WSGI_APPLICATION = "guanxi.wsgi.application"
ASGI_APPLICATION = "guanxi.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "guanxi.core.context_processors.navigation",
                "guanxi.collaboration.context_processors.notifications",
            ],
            # Money, percentages and dates are on most pages: their filters (money, percent,
            # local_date ...) need no {% load %}.
            "builtins": ["guanxi.core.templatetags.guanxi"],
        },
    }
]

# --- database -------------------------------------------------------------------------------
SQLITE_PATH = DATA_DIR / "guanxi.sqlite3"
_database_url = env("DATABASE_URL", f"sqlite:///{SQLITE_PATH}")
if TESTING:
    # Tests run on SQLite unless a PostgreSQL URL is given explicitly for them.
    _database_url = env("TEST_DATABASE_URL", f"sqlite:///{DATA_DIR / 'test.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL: readers and a writer work at once; IMMEDIATE: no mid-transaction lock upgrades.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# The 360 page's compiled queries as prepared statements on PostgreSQL (core.compiled); off
# behind a pooler that shares server connections between clients.
PREPARED_QUERIES = env_bool("PREPARED_QUERIES", default=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache, sessions, jobs ------------------------------------------------------------------
REDIS_URL = env("REDIS_URL")
# RQ's queue points at the configured Redis, or at a local one so the RQ backend can be tested.
RQ_QUEUES = {"default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0", "DEFAULT_TIMEOUT": 600}}
INSTALLED_APPS.append("django_rq")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# --- auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "guanxi.accounts.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lock out the (username, IP) pair, not the account: an attacker cannot lock a real user out.
AXES_FAILURE_LIMIT = int(env("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(env("LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "guanxi.accounts.lockout.lockout_response"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_DISABLE_ACCESS_LOG = True
# The client's address, also behind a reverse proxy (see GUANXI_TRUSTED_PROXIES below).
AXES_CLIENT_IP_CALLABLE = "guanxi.core.client_address.client_address"
# Two-factor sign-in: the roles that must use an authenticator app unless an administrator
# says otherwise on the role's form (comma-separated role names; empty: no role by default).
# The test suite signs in without codes; the MFA tests set it themselves.
GUANXI_MFA_REQUIRED_ROLES = env_list(
    "MFA_REQUIRED_ROLES", "" if TESTING else "administrator,executive"
)
OTP_TOTP_ISSUER = "Guanxi"
# Reverse proxies (addresses or CIDR ranges) whose X-Forwarded-For is believed; from anyone
# else the header is ignored, so a client cannot pick its own address for the lockout and the
# web forms' rate limit.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")

# --- i18n -----------------------------------------------------------------------------------
LANGUAGE_CODE = env("LANGUAGE", "zh-hans")
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "guanxi_language"
CURRENCY = env("CURRENCY", "CNY")

# --- static and media -----------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
# WhiteNoise warns about a missing root before the first collectstatic; an empty one is fine.
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Uploaded documents and import files: outside MEDIA_ROOT and STATIC_ROOT, never served
    # directly; only the scoped download view reads them.
    "documents": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(DATA_DIR / "documents")},
    },
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING or DEMO
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING or DEMO

# --- e-mail ---------------------------------------------------------------------------------
EMAIL_HOST = env("EMAIL_HOST")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = env("EMAIL_FROM", "guanxi@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)

# --- security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
# A refused CSRF check answers with Guanxi's 403 page (JSON under /api/), not Django's own.
CSRF_FAILURE_VIEW = "guanxi.core.views.errors.csrf_failure"
SESSION_COOKIE_AGE = int(env("SESSION_HOURS", "12")) * 3600
X_FRAME_OPTIONS = "DENY"
# Scripts come only from the site's own files (htmx, the charts, the API docs included); no
# inline script or eval anywhere. Inline styles stay allowed: the charts library sets them.
CONTENT_SECURITY_POLICY: dict[str, list[str]] = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG and not TESTING and not DEMO:
    # Production: HTTPS everywhere; a proxy in front terminates TLS and says so.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(env("HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", default=True)

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an anonymous call then answers 401 with WWW-Authenticate, not 403.
        "guanxi.accounts.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON nested past a sane depth is a 400, not a crash (see guanxi.core.api.parsers).
    "DEFAULT_PARSER_CLASSES": [
        "guanxi.core.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "guanxi.core.api.pagination.StandardPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "guanxi.core.api.filters.StrictOrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "guanxi.core.api.schema.GuanxiAutoSchema",
    "EXCEPTION_HANDLER": "guanxi.core.api.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "guanxi.core.api.throttling.AnonRateThrottle",
        "guanxi.core.api.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_ANON_RATE", "60/min"),
        "user": env("API_USER_RATE", "1200/min"),
        "token": env("API_TOKEN_RATE", "10/min"),
    },
}
SPECTACULAR_SETTINGS: dict[str, Any] = {
    "TITLE": "Guanxi CRM API",
    "DESCRIPTION": (
        "REST API of Guanxi (关系). Every response is limited to the caller's data scope; a "
        "record outside it answers 404.\n\n"
        "**Auth**: `POST /api/auth/token/` then `Authorization: Token <token>` (or the session "
        "cookie). **Lists**: `page`, `page_size` (capped at 200), filters, `ordering` (listed "
        'fields only; others are a 400). **Errors**: always `{"error": {"code", '
        '"message", "fields"}}`, in the user\'s language; 429 carries `Retry-After`.\n\n'
        '**Concurrent edits**: a record\'s detail carries `ETag: "<version>"` and `version`. '
        "PUT/PATCH must send `If-Match` with that ETag (a mismatch is 412) or the `version` "
        "in the body (a stale one is 409); with neither the answer is 428 Precondition "
        "Required, so a client never silently overwrites a change it has not seen. DELETE "
        "accepts an optional If-Match.\n\n"
        "**Retries**: a create sent with an `Idempotency-Key` header (e.g. a UUID) and retried "
        "with the same key and body within 24 hours answers the first response again "
        "(`Idempotent-Replayed: true`) instead of creating a second record; the same key with "
        "another body is a 422. **Limits**: bodies over 2.5 MB are a 413; JSON nested deeper "
        "than 32 levels is a 400."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/",
    # Swagger UI from the installed package: the docs work offline and without a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "CustomerKindEnum": "guanxi.customers.models.Customer.Kind",
        "DictionaryKindEnum": "guanxi.core.models.DictionaryKind",
        "ImportDuplicateChoiceEnum": "guanxi.core.imports.duplicates.CHOICE_VALUES",
    },
}

# --- logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}

# --- business settings ----------------------------------------------------------------------
GUANXI: dict[str, Any] = {
    "DEMO_PASSWORD": "guanxi-demo",
    "PAGE_SIZE": 25,
    # Housekeeping jobs keep this many days of sign-in history and finished job results.
    "LOGIN_HISTORY_DAYS": int(env("LOGIN_HISTORY_DAYS", "365")),
    "TASK_RESULT_DAYS": int(env("TASK_RESULT_DAYS", "14")),
    # The sensitive-access log (views of protected fields, exports, downloads) is kept this
    # many days (three years by default).
    "ACCESS_LOG_DAYS": int(env("ACCESS_LOG_DAYS", "1095")),
    # An API token works for this many days after it was issued.
    "API_TOKEN_DAYS": int(env("API_TOKEN_DAYS", "30")),
    # Backups: where ``guanxi backup`` and the daily job write their archives, and how many
    # daily archives the job keeps (0: no daily backup; the tests that run every due job
    # must not write archives into the data directory).
    "BACKUP_DIR": Path(env("BACKUP_DIR", str(DATA_DIR / "backups"))).resolve(),
    "BACKUP_KEEP": int(env("BACKUP_KEEP", "0" if TESTING else "14")),
}

if TESTING:
    # Fast hashing keeps the suite quick; production keeps Django's default (PBKDF2).
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Documents 文档: the largest upload accepted, per file (interaction attachments included).
GUANXI_DOCUMENT_MAX_MB = int(env("DOCUMENT_MAX_MB", "20"))
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]["InteractionKindEnum"] = (
    "guanxi.customers.models.Interaction.Kind"
)
# The customer's credit status is read by several serializers (customer, search, credit hold).
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]["CreditStatusEnum"] = (
    "guanxi.customers.models.Customer.CreditStatus"
)
# The state of an import job (core's, for any entity, and the customer import's: same values).
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]["ImportJobStateEnum"] = (
    "guanxi.core.models.ImportJob.State"
)
# A model run is read by the run endpoint and by the answers that start one.
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]["ModelRunKindEnum"] = (
    "guanxi.analytics.models.ModelRun.Kind"
)
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]["ModelRunStatusEnum"] = (
    "guanxi.analytics.models.ModelRun.Status"
)
# Documents keep the plain name their category enum had before the TCO categories came.
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]["CategoryEnum"] = (
    "guanxi.customers.models.Document.Category"
)
# A TCO plan's cost categories and where a figure falls against its usual range (several
# fields of the TCO answer).
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]["TCOCostCategoryEnum"] = (
    "guanxi.evaluation.methods.tco.CATEGORIES"
)
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]["BenchmarkPositionEnum"] = (
    "guanxi.evaluation.methods.tco.POSITIONS"
)
# A KPI baseline's target: at least or at most.
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]["TargetDirectionEnum"] = (
    "guanxi.evaluation.models.baselines.TargetDirection"
)

# --- churn handling 客户流失管理 --------------------------------------------------------------
# A customer whose last order (or, without orders, creation) is older than this many months
# gets a churn warning from the daily job (env GUANXI_CHURN_MONTHS).
GUANXI["CHURN_MONTHS"] = int(env("CHURN_MONTHS", "6"))
# On: a customer with an open deal or opportunity, or an interaction within those months, gets
# no churn warning (env GUANXI_CHURN_SPARES_OPEN_WORK).
GUANXI["CHURN_SPARES_OPEN_WORK"] = env_bool("CHURN_SPARES_OPEN_WORK", default=True)

# --- service intake 客户服务: the public form, the mailbox, satisfaction surveys -------------
# The address of this Guanxi as customers reach it, for links in e-mails (the survey link).
GUANXI["SITE_URL"] = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# A slow or unreachable SMTP server fails a send after this many seconds instead of hanging.
EMAIL_TIMEOUT = int(env("EMAIL_TIMEOUT", "10"))
# The IMAP mailbox whose unseen mail becomes service requests (or replies to them); the
# polling job does nothing while GUANXI_IMAP_HOST is unset.
_imap_ssl = env_bool("IMAP_SSL", default=True)
GUANXI["IMAP"] = {
    "HOST": env("IMAP_HOST"),
    "PORT": int(env("IMAP_PORT", "993" if _imap_ssl else "143")),
    "USER": env("IMAP_USER"),
    "PASSWORD": env("IMAP_PASSWORD"),
    "MAILBOX": env("IMAP_MAILBOX", "INBOX"),
    "SSL": _imap_ssl,
}
# How often the scheduler polls the mailbox (minutes; a divisor of 60).
GUANXI["MAILBOX_POLL_MINUTES"] = int(env("MAILBOX_POLL_MINUTES", "5"))
# A satisfaction survey link works this many days; with GUANXI_SURVEY_AUTO on, a survey goes
# out by itself to the requester of every handled request (checked with the mailbox poll).
GUANXI["SURVEY_DAYS"] = int(env("SURVEY_DAYS", "14"))
GUANXI["SURVEY_AUTO"] = env_bool("SURVEY_AUTO", default=False)
# --- statistics and reports 统计报表 ---------------------------------------------------------
# A report or the KPI dashboard asked for again within this many seconds is served from the
# cache, with the time its figures were computed (env GUANXI_REPORT_CACHE_SECONDS; 0: off).
GUANXI["REPORT_CACHE_SECONDS"] = int(env("REPORT_CACHE_SECONDS", "300"))
# PostgreSQL memory per sort or hash of a report's queries (its transaction only; SET LOCAL).
GUANXI["REPORT_WORK_MEM"] = env("REPORT_WORK_MEM", "64MB")
