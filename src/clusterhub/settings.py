"""Clusterhub settings: everything comes from the environment.

Without any variable set, Clusterhub runs in embedded mode: SQLite file in ``var/``,
e-mails on the console, DEBUG on. Production mode (``DEBUG=0``) refuses to start
without a ``SECRET_KEY``.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
SHARED_DATA_DIR = Path(
    environ.Env().str("CLUSTERHUB_DATA_DIR", default=str(PROJECT_DIR.parent / "shared" / "data"))
)
VAR_DIR = Path(environ.Env().str("CLUSTERHUB_VAR_DIR", default=str(PROJECT_DIR / "var")))

env = environ.Env()

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "embedded-mode-only-not-for-production"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rules.apps.AutodiscoverRulesConfig",
    "allauth",
    "allauth.account",
    "django_htmx",
    "ninja",  # serves the API docs page (Swagger UI) from its own static files
    "django_tasks",
    "django_tasks_db",
    "clusterhub.core",
    "clusterhub.reference",
    "clusterhub.registry",
    "clusterhub.events",
    "clusterhub.partnering",
    "clusterhub.matchmaking",
    "clusterhub.calls",
    "clusterhub.consultations",
    "clusterhub.news",
    "clusterhub.actionplans",
    "clusterhub.insights",
    "clusterhub.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "clusterhub.core.typography.FrenchTypographyMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "clusterhub.core.audit.AuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "clusterhub.urls"
WSGI_APPLICATION = "clusterhub.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'clusterhub.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "clusterhub.core.forms.SignupForm"
ACCOUNT_ADAPTER = "clusterhub.core.accounts.AccountAdapter"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Clusterhub] "

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
NEWS_BOUNCE_SECRET = env.str("NEWS_BOUNCE_SECRET", default="")  # the bounce webhook's shared secret
NEWS_BOUNCE_MAILBOX = env.str("NEWS_BOUNCE_MAILBOX", default="")  # imaps://user:pass@host/INBOX
NEWS_SEND_BATCH = env.int("NEWS_SEND_BATCH", default=100)  # newsletter messages per SMTP connection
NEWS_SEND_RATE = env.float("NEWS_SEND_RATE", default=0)  # messages per second at most (0: no limit)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Clusterhub <no-reply@clusterhub.local>")

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["clusterhub.formats"]  # one way to write dates per language

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = DEBUG
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# API request limits per account (or per address for anonymous readers), and per address
# whatever the account; "N/s|min|hour|day". Tokens that fail are limited per address.
API_RATE_LIMITS = {
    "read": env.str("API_READ_RATE", default="1200/min"),
    "write": env.str("API_WRITE_RATE", default="300/min"),
    "address": env.str("API_ADDRESS_RATE", default="3000/min"),
    "failed_token": env.str("API_FAILED_TOKEN_RATE", default="20/min"),
}
# How many proxies in front of the servers set X-Forwarded-For (0: trust none of it).
NINJA_NUM_PROXIES = env.int("NUM_PROXIES", default=0)

TASKS = {
    "default": {
        "BACKEND": env.str(
            "TASKS_BACKEND", default="django_tasks.backends.immediate.ImmediateBackend"
        )
    }
}

# Uploads (imports) are limited; the import form names the limit in its error.
CLUSTERHUB_MAX_UPLOAD_BYTES = env.int("CLUSTERHUB_MAX_UPLOAD_BYTES", default=50 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Rows one registry import may hold (a larger file is refused before anything is written).
REGISTRY_IMPORT_MAX_ROWS = env.int("REGISTRY_IMPORT_MAX_ROWS", default=50_000)

# The cache holds the rate limits (sign-in, password reset, API) and the heartbeat of the
# worker, so every process must see the same one: Redis when REDIS_URL is set, else a table of
# the database (created by ``migrate``). CACHE_URL (django-environ's syntax) overrides both.
REDIS_URL = env.str("REDIS_URL", default="")
if "CACHE_URL" in env.ENVIRON:
    CACHES = {"default": env.cache_url("CACHE_URL")}
elif REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "clusterhub_cache",
        }
    }

# Sign-in limits, shared by every process through the cache: failed sign-ins per address and
# per account. A password reset stays possible while sign-in is locked, and a successful reset
# clears the failures. The admin's sign-in is the site's (see core.admin).
ACCOUNT_RATE_LIMITS = {
    "login_failed": env.str("LOGIN_FAILED_RATE", default="10/m/ip,5/5m/key"),
    "login": env.str("LOGIN_RATE", default="30/m/ip"),
    "signup": env.str("SIGNUP_RATE", default="20/m/ip"),
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
}

# HTTPS: on by default in production (DEBUG=0) when the site's address is https://, each part
# overridable from the environment. Behind a proxy that ends TLS, set
# SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO (the proxy must set that header).
_HTTPS = not DEBUG and SITE_URL.startswith("https://")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=_HTTPS)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # health checks come over plain HTTP from the host
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if _HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=_HTTPS)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=_HTTPS)
if env.str("SECURE_PROXY_SSL_HEADER", default=""):
    SECURE_PROXY_SSL_HEADER = (env.str("SECURE_PROXY_SSL_HEADER"), "https")
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=_HTTPS or not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy: scripts and styles from the platform's own address only (no inline
# script), images also as data: URIs (QR codes, maps). CSP_REPORT_ONLY=1 reports instead.
_CSP = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
if env.bool("CSP", default=True):
    if env.bool("CSP_REPORT_ONLY", default=False):
        CONTENT_SECURITY_POLICY_REPORT_ONLY = _CSP
    else:
        CONTENT_SECURITY_POLICY = _CSP

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

# Media (uploads, job results such as booklets): on disk in MEDIA_ROOT by default, or in an
# S3-compatible bucket (AWS, Scaleway, OVHcloud, MinIO, Garage…) when S3_BUCKET is set. Private
# by default: files are served through signed URLs that expire.
S3_BUCKET = env.str("S3_BUCKET", default="")
if S3_BUCKET:
    STORAGES = {
        **STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": S3_BUCKET,
                "endpoint_url": env.str("S3_ENDPOINT_URL", default="") or None,
                "access_key": env.str("S3_ACCESS_KEY_ID", default="") or None,
                "secret_key": env.str("S3_SECRET_ACCESS_KEY", default="") or None,
                "region_name": env.str("S3_REGION", default="") or None,
                "location": env.str("S3_PREFIX", default="media"),
                "default_acl": None,
                "querystring_auth": True,
                "querystring_expire": env.int("S3_URL_EXPIRY_SECONDS", default=3600),
                "file_overwrite": False,
                "addressing_style": env.str("S3_ADDRESSING_STYLE", default="") or None,
            },
        },
    }
