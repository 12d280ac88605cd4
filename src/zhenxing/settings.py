"""Django settings, read from environment variables (see README: 配置 / Configuration)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext

from zhenxing.keys import data_key, previous_data_keys, secret_key
from zhenxing.paths import DATA_DIR, PACKAGE_DIR, VAR_DIR


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Lets admin.ModelAdmin[Model] and QuerySet[Model] be written at run time as the type checker reads them.
django_stubs_ext.monkeypatch()

VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = _env_bool("ZHENXING_DEBUG")
SECRET_KEY = secret_key(VAR_DIR)
ZHENXING_DATA_KEY = data_key(VAR_DIR)
ZHENXING_PREVIOUS_DATA_KEYS = previous_data_keys()
ZHENXING_DATA_DIR: Path = DATA_DIR
ZHENXING_VAR_DIR: Path = VAR_DIR
ZHENXING_COUNTY_GEOJSON = os.environ.get("ZHENXING_COUNTY_GEOJSON", "")

ALLOWED_HOSTS = _env_list("ZHENXING_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = _env_list("ZHENXING_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "zhenxing.common.vendor_apps.StaticFilesDevConfig",  # whitenoise.runserver_nostatic, named in Chinese
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "zhenxing.common.vendor_apps.AxesConfig",  # axes
    "ninja",  # by this name: ninja serves its API docs from static files only when listed so (named in common.apps)
    "zhenxing.common",
    "zhenxing.divisions",
    "zhenxing.accounts",
    "zhenxing.audit",
    "zhenxing.policy",
    "zhenxing.registry",
    "zhenxing.transfer",
    "zhenxing.synth",
    "zhenxing.feeds",
    "zhenxing.screening",
    "zhenxing.monitoring",
    "zhenxing.projects",
    "zhenxing.funds",
    "zhenxing.assets",
    "zhenxing.planning",
    "zhenxing.dashboards",
    "zhenxing.portal",
    "zhenxing.common.vendor_apps.TasksConfig",  # django_tasks
    "zhenxing.common.vendor_apps.TasksDatabaseConfig",  # django_tasks_db
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outside everything below, so that every response (error pages and refusals too) gets the policy.
    "zhenxing.common.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads the request: malformed paths and oversized bodies end here.
    "zhenxing.common.request_guard.RequestGuardMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "zhenxing.common.request_context.RequestContextMiddleware",
    "zhenxing.common.middleware.DomainErrorMiddleware",
    # Last, as django-axes asks: it turns a lockout raised by the backend into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "zhenxing.urls"
WSGI_APPLICATION = "zhenxing.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "zhenxing.accounts.context_processors.navigation",
                "zhenxing.policy.context_processors.regime_wording",  # P17: object_name
            ],
        },
    }
]

# --- database -------------------------------------------------------------------------------------------
DEFAULT_SQLITE = VAR_DIR / "zhenxing.sqlite3"
DATABASES: dict[str, dict[str, Any]] = {
    "default": dict(
        dj_database_url.config(
            env="DATABASE_URL",
            default=f"sqlite:///{DEFAULT_SQLITE}",
            conn_max_age=60,
            conn_health_checks=True,
        )
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers go on while an import writes; IMMEDIATE takes the write lock at BEGIN so two
        # writers queue on the busy timeout instead of failing with "database is locked" mid-transaction.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
            "PRAGMA secure_delete=ON; PRAGMA busy_timeout=20000;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Pages ask small questions with LIMITs; on a few cores a parallel plan's start-up costs more than it
    # saves (measured: search 100 ms → 30 ms). Batch work (screening) may SET LOCAL its own value.
    parallel = os.environ.get("ZHENXING_PG_PARALLEL_WORKERS", "0")
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c max_parallel_workers_per_gather={int(parallel)}"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- accounts and security ------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

AXES_FAILURE_LIMIT = int(os.environ.get("ZHENXING_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("ZHENXING_LOGIN_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# Behind a reverse proxy set ZHENXING_TRUSTED_PROXIES so that the client address comes from X-Forwarded-For.
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("ZHENXING_TRUSTED_PROXIES", "0")) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if AXES_IPWARE_PROXY_COUNT else ["REMOTE_ADDR"]
)
# django-ipware is not installed: without this, axes would read REMOTE_ADDR (the proxy) whatever the setting.
AXES_CLIENT_IP_CALLABLE = "zhenxing.common.request_context.client_ip_of"

HTTPS = _env_bool("ZHENXING_HTTPS")
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if HTTPS:
    SECURE_SSL_REDIRECT = _env_bool("ZHENXING_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = 31536000
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- language and time ----------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- static files ---------------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise expects it even when it serves from the finders
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"

# --- logging: never personal data; the audit log is the record of who did what ------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ZHENXING_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

NINJA_PAGINATION_PER_PAGE = 50

# --- background jobs and progress -----------------------------------------------------------------------
# Jobs are rows in the database (django-tasks + django-tasks-db), run by `zhenxing db_worker`; they take
# ids only, never personal data. Progress of a running job is kept in the cache, readable while the job's
# own transaction is still open.
TASKS = {"default": {"BACKEND": os.environ.get("ZHENXING_TASK_BACKEND", "django_tasks_db.DatabaseBackend")}}
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache"),
    }
}
ZHENXING_IMPORT_MAX_BYTES = int(os.environ.get("ZHENXING_IMPORT_MAX_MB", "30")) * 1024 * 1024

# --- request and file size limits (checked before anything is parsed; see common/request_guard.py) ---------
# A feed batch holds up to 200,000 records (feeds/services.MAX_ROWS); the widest adapter's record is about
# 150 bytes as JSON and 100 as CSV, so 64 MB leaves room for pretty-printed JSON and long text fields.
ZHENXING_FEED_MAX_BYTES = int(os.environ.get("ZHENXING_FEED_MAX_MB", "64")) * 1024 * 1024
ZHENXING_API_MAX_BYTES = 1024 * 1024  # every other API call is one household, one visit
ZHENXING_FORM_MAX_BYTES = 2_621_440  # Django's own default for a form without files
ZHENXING_UPLOAD_MAX_BYTES = max(ZHENXING_IMPORT_MAX_BYTES, ZHENXING_FEED_MAX_BYTES) + 1024 * 1024
# An .xlsx is a zip: its entries are checked before they are read (common/archives.py).
ZHENXING_XLSX_MAX_UNCOMPRESSED_BYTES = (
    int(os.environ.get("ZHENXING_XLSX_MAX_UNCOMPRESSED_MB", "600")) * 1024 * 1024
)
ZHENXING_XLSX_MAX_RATIO = 100
# Django reads a non-multipart body into memory only up to this; the guard has already applied the route's limit.
DATA_UPLOAD_MAX_MEMORY_SIZE = ZHENXING_FEED_MAX_BYTES
