"""PeerPath settings. Everything that differs between machines comes from the environment.

Embedded defaults: SQLite in ./var, mail written to ./var/mail and shown in the staff outbox.
At scale: DATABASE_URL=postgres://..., PEERPATH_SMTP_URL=smtp://user:pass@relay:587?tls=1.
"""

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("PEERPATH_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("PEERPATH_DEBUG", False)
SECRET_KEY = os.environ.get(
    "PEERPATH_SECRET_KEY", "embedded-only-insecure-key-set-PEERPATH_SECRET_KEY-in-production"
)
ALLOWED_HOSTS = env_list("PEERPATH_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("PEERPATH_CSRF_TRUSTED_ORIGINS", [])
SITE_URL = os.environ.get("PEERPATH_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks_db",
    "crontask",
    "anymail",
    "peerpath.common",
    "peerpath.accounts",
    "peerpath.courses",
    "peerpath.enrollment",
    "peerpath.grouping",
    "peerpath.meetings",
    "peerpath.messaging",
    "peerpath.progress",
    "peerpath.followup",
    "peerpath.badges",
    "peerpath.surveys",
    "peerpath.analytics",
    "peerpath.xapi",
    "peerpath.production",
    "peerpath.api",
    "peerpath.cli",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "peerpath" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

VAR_DIR.mkdir(parents=True, exist_ok=True)
(VAR_DIR / "static").mkdir(exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'peerpath.sqlite3'}"),
        conn_max_age=int(os.environ.get("PEERPATH_DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the worker read while the other writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "accounts:signin"
LOGIN_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("nb", "Norsk bokmål"), ("da", "Dansk"), ("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "peerpath" / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def mailers_from_url(url: str | None) -> dict:
    """Build MAILERS from PEERPATH_SMTP_URL, or write files to var/mail when none is set."""
    if not url:
        return {
            "default": {
                "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
                "OPTIONS": {"file_path": str(VAR_DIR / "mail")},
            }
        }
    parts = urlparse(url)
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    options = {
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or (465 if parts.scheme == "smtps" else 25),
        "use_ssl": parts.scheme == "smtps",
        "use_tls": query.get("tls", "0") in {"1", "true", "yes"},
        "timeout": int(query.get("timeout", "20")),
    }
    if parts.username:
        options["username"] = unquote(parts.username)
        options["password"] = unquote(parts.password or "")
    return {
        "default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": options}
    }


MAILERS = mailers_from_url(os.environ.get("PEERPATH_SMTP_URL"))
DEFAULT_FROM_EMAIL = os.environ.get("PEERPATH_FROM_EMAIL", "PeerPath <courses@peerpath.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

TASKS = {
    "default": {
        "BACKEND": os.environ.get("PEERPATH_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# Sign-up and sign-in links: how many requests per address and per client within the window.
PEERPATH_LINK_RATE_LIMIT = int(os.environ.get("PEERPATH_LINK_RATE_LIMIT", "5"))
PEERPATH_LINK_RATE_WINDOW_SECONDS = int(os.environ.get("PEERPATH_LINK_RATE_WINDOW", "900"))
PEERPATH_SIGNIN_LINK_MAX_AGE = 60 * 60
PEERPATH_CONFIRM_LINK_MAX_AGE = 7 * 24 * 60 * 60
# Rows a delivery worker claims at a time: the per-batch queries (claim, contexts, plans,
# suppressions) weigh less per message at 500 than at 200 in benchmarks/mail.py.
PEERPATH_OUTBOX_BATCH = int(os.environ.get("PEERPATH_OUTBOX_BATCH", "500"))
# Outcomes are recorded every this many messages: at most this many repeat after a crash.
PEERPATH_OUTBOX_FLUSH = int(os.environ.get("PEERPATH_OUTBOX_FLUSH", "20"))
# A row claimed by a worker longer ago than this (seconds) is taken to be from a dead worker.
PEERPATH_OUTBOX_CLAIM_TIMEOUT = int(os.environ.get("PEERPATH_OUTBOX_CLAIM_TIMEOUT", "600"))
# Provider webhooks (bounces, complaints) at /anymail/<provider>/tracking/ use Basic auth.
ANYMAIL = (
    {"WEBHOOK_SECRET": os.environ["PEERPATH_ANYMAIL_WEBHOOK_SECRET"]}
    if os.environ.get("PEERPATH_ANYMAIL_WEBHOOK_SECRET")
    else {}
)
PEERPATH_VIDEO_URL_TEMPLATE = os.environ.get(
    "PEERPATH_VIDEO_URL_TEMPLATE", "https://meet.jit.si/peerpath-{token}"
)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("PEERPATH_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("PEERPATH_LOG_LEVEL", "WARNING")},
    "loggers": {"peerpath": {"level": os.environ.get("PEERPATH_LOG_LEVEL", "INFO")}},
}
