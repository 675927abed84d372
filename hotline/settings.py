"""Settings, all read from the environment.

HOTLINE_ENV is "production" unless said otherwise: a deployment that forgets
to configure itself fails loudly instead of running with a development key.
`make demo` and `make test` set HOTLINE_ENV=development; a command run by hand
without it is told, in one message, every setting production lacks and that
HOTLINE_ENV=development is the way to a development copy (ADR 12).
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("HOTLINE_VAR_DIR", BASE_DIR / "var"))

HOTLINE_ENV = os.environ.get("HOTLINE_ENV", "production")
_ENV_GIVEN = "HOTLINE_ENV" in os.environ
# What production lacks, told all at once at the end of this file.
_MISSING: list[str] = []
if HOTLINE_ENV not in ("production", "development"):
    raise ImproperlyConfigured(
        f"HOTLINE_ENV must be 'production' or 'development', not {HOTLINE_ENV!r}"
    )
PRODUCTION = HOTLINE_ENV == "production"
DEBUG = not PRODUCTION and os.environ.get("HOTLINE_DEBUG", "1") == "1"

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        _MISSING.append("SECRET_KEY must be set in production: a long random string")
    SECRET_KEY = "development-only-key-never-used-in-production"

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
if not PRODUCTION:
    ALLOWED_HOSTS += ["127.0.0.1", "localhost", "testserver"]

REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

INSTALLED_APPS = [
    "hotline.apps.HotlineAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "hotline.organisation",
    "hotline.calendar",
    "hotline.policy",
    "hotline.notifications",
    "hotline.cases",
    "hotline.knowledge",
    "hotline.catalogue",
    "hotline.workbench",
    "hotline.portal",
    "hotline.supervision",
    "hotline.api",
    "hotline.open311",
    "hotline.health",
    "hotline.reference",
    "template_partials",
    "ninja",  # serves the API docs' Swagger UI from our static files, not a CDN
    "csp",
    "huey.contrib.djhuey",
    "hotline.apps.HotlineAxesConfig",  # axes: failed logins, per account and address (ADR 8)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "hotline.middleware.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "hotline.middleware.ChineseUnlessChosenMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Before anything reads the body (CSRF reads the form).
    "hotline.middleware.RequestSizeLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: answers a login that is cooling off.
    "axes.middleware.AxesMiddleware",
]

if PRODUCTION:
    # Static files straight from the app server, compressed and cached:
    # government networks often have no CDN and no separate web server.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "hotline.urls"
WSGI_APPLICATION = "hotline.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "hotline" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "hotline.organisation.acting.context",
                "hotline.notifications.views.unread",
            ],
        },
    },
]

# The embedded database, the job queue's file and uploads all live here,
# whichever database is configured.
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if not DATABASE_URL:
    DATABASE_URL = f"sqlite:///{VAR_DIR / 'hotline.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # pg_trgm and Chinese text need a UTF-8 database; template0 lets the
    # test database be UTF-8 whatever template1 is.
    DATABASES["default"]["TEST"] = {"TEMPLATE": "template0", "CHARSET": "UTF8"}
    # No JIT: the supervisors' counts over a month of 20 million clocks are
    # estimated costly enough to be compiled, and compiling took 240 of the
    # 360 ms the statement ran (docs/performance.md); nothing here runs long
    # enough to win it back.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
else:
    # The tests' database is a file, so a worker process started by a test
    # sees what the test committed.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
    # IMMEDIATE: a writing transaction takes the lock at BEGIN, so two
    # concurrent actions queue instead of failing to upgrade their lock.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "organisation.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses an account and address cooling off (ADR 8).
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "hotline.organisation.backends.AdministratorRoleBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "queue"
LOGOUT_REDIRECT_URL = "login"

# Reverse proxies whose X-Forwarded-For is believed (addresses or CIDR
# networks, comma-separated): every throttle counts the client they
# forward, not the proxy (hotline.net.client_address, ADR 8).
HOTLINE_TRUSTED_PROXIES = [
    p.strip() for p in os.environ.get("HOTLINE_TRUSTED_PROXIES", "").split(",") if p.strip()
]
# Throttles count an IPv6 client by its network of this prefix length: a
# host picks any address in its /64 at will (hotline.net.counted_address).
HOTLINE_IPV6_PREFIX = int(os.environ.get("HOTLINE_IPV6_PREFIX", "64"))

# Rate limits of the public pages and Open311 (hotline.portal.throttle):
# kind -> (count, window in seconds). Taken atomically before the work.
HOTLINE_RATE_LIMITS = {
    "submit-address": (10, 3600),  # portal submissions per client address
    "submit-mobile": (3, 3600),  # submissions per mobile, portal and Open311
    "submit-key": (600, 3600),  # Open311 posts per API key
    "track-fail-address": (20, 3600),  # wrong query codes per address
    "track-fail-number": (10, 3600),  # wrong query codes per address and case
    # Knowledge base searches per address, the submit page's as-you-type
    # suggestions among them (one every few words typed).
    "knowledge-address": (600, 3600),
}

# Login failures (django-axes, ADR 8): only failures count, per account
# and address together; after HOTLINE_LOGIN_FAILURES of them that account
# waits HOTLINE_LOGIN_COOLOFF_MINUTES at that address, and nobody else
# does. Administrators unlock at once in the administration (Axes → access
# attempts: delete) or with `manage.py axes_reset_username <name>`.
AXES_FAILURE_LIMIT = int(os.environ.get("HOTLINE_LOGIN_FAILURES", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("HOTLINE_LOGIN_COOLOFF_MINUTES", "5")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Trying again while cooling off does not prolong the wait.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "hotline.net.counted_address"
AXES_USERNAME_CALLABLE = "hotline.workbench.login.attempted_username"
AXES_LOCKOUT_CALLABLE = "hotline.workbench.login.cooling_off"

AUTH_PASSWORD_VALIDATORS = [
    # Not like the user name, the name or the email (Django's messages are
    # translated into Chinese in its own catalogue).
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "name", "email")},
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "hotline" / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "hotline" / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "media/"

# Background jobs: Huey on Redis in production, on SQLite for the embedded
# default. One `manage.py run_huey` runs the workers and the schedule.
HUEY = {
    # One Redis can serve several hotlines (or test runs) under other names.
    "name": os.environ.get("HOTLINE_HUEY_NAME", "hotline"),
    # RedisExpireHuey, not RedisHuey: its job locks are plain keys that
    # expire (SET NX EX), which every Redis has; RedisHuey's need hash-field
    # TTLs (Redis 7.4+) and fail on Debian 12's Redis 7.0 (hotline.jobs).
    "huey_class": "huey.RedisExpireHuey" if REDIS_URL else "huey.SqliteHuey",
    "immediate": os.environ.get("HOTLINE_HUEY_IMMEDIATE") == "1",
    "utc": False,  # crontab in Asia/Shanghai (Django sets the process TZ)
    "connection": (
        {"url": REDIS_URL}
        if REDIS_URL
        else {"filename": os.environ.get("HOTLINE_HUEY_FILE", str(VAR_DIR / "huey.sqlite3"))}
    ),
    "consumer": {
        "workers": 2,
        "worker_type": "thread",
        "check_worker_health": True,
        "flush_locks": not REDIS_URL,  # see hotline.jobs.run_alone
    },
}

# A scheduled job's lock outlives a worker that dies holding it this long.
HOTLINE_JOB_LOCK_SECONDS = int(os.environ.get("HOTLINE_JOB_LOCK_SECONDS", "120"))
# /healthz calls a scheduled job late this long after its time passed with
# no run succeeding.
HOTLINE_JOB_GRACE_SECONDS = int(os.environ.get("HOTLINE_JOB_GRACE_SECONDS", "300"))

# Outgoing channels (hotline.notifications.channels). The log backend is for
# the demo; production must configure each channel or say HOTLINE_OUTBOX=log.
SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL", "")
SMS_GATEWAY_SECRET = os.environ.get("SMS_GATEWAY_SECRET", "")
FAX_GATEWAY_DOMAIN = os.environ.get("FAX_GATEWAY_DOMAIN", "")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS") == "1"
EMAIL_TIMEOUT = 30  # well within the outbox lease
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "12345@localhost")
# How long a worker may take to hand a message over before another may retry.
HOTLINE_OUTBOX_LEASE_SECONDS = int(os.environ.get("HOTLINE_OUTBOX_LEASE_SECONDS", "120"))
_LOG_ONLY = os.environ.get("HOTLINE_OUTBOX", "" if PRODUCTION else "log") == "log"
if PRODUCTION and not _LOG_ONLY and not (SMS_GATEWAY_URL and SMS_GATEWAY_SECRET):
    _MISSING.append(
        "SMS_GATEWAY_URL and SMS_GATEWAY_SECRET must be set in production "
        "(or HOTLINE_OUTBOX=log to only log messages)"
    )
_LOG = "hotline.notifications.channels.LogChannel"
HOTLINE_CHANNELS = {
    "sms": (
        {"backend": _LOG, "options": {"name": "sms"}}
        if _LOG_ONLY or not SMS_GATEWAY_URL
        else {
            "backend": "hotline.notifications.channels.SmsGateway",
            "options": {"url": SMS_GATEWAY_URL, "secret": SMS_GATEWAY_SECRET},
        }
    ),
    "email": (
        {"backend": _LOG, "options": {"name": "email"}}
        if _LOG_ONLY
        else {"backend": "hotline.notifications.channels.EmailChannel"}
    ),
    "fax": (
        {"backend": _LOG, "options": {"name": "fax"}}
        if _LOG_ONLY or not FAX_GATEWAY_DOMAIN
        else {
            "backend": "hotline.notifications.channels.FaxChannel",
            "options": {"domain": FAX_GATEWAY_DOMAIN},
        }
    ),
    "callback": {"backend": "hotline.notifications.channels.CallbackChannel"},
}

# Uploads: scanned faxes and photos (images and PDF, checked by content).
HOTLINE_MAX_ATTACHMENT_BYTES = int(os.environ.get("HOTLINE_MAX_ATTACHMENT_BYTES", 10 * 2**20))
# A request whose body is larger is refused (413) before it is read.
HOTLINE_MAX_REQUEST_BYTES = int(os.environ.get("HOTLINE_MAX_REQUEST_BYTES", 20 * 2**20))
DATA_UPLOAD_MAX_MEMORY_SIZE = HOTLINE_MAX_ATTACHMENT_BYTES + 2**20

# Where the public portal is reached, for links in messages to requesters:
# required in production, where a default would make every link sent dead.
HOTLINE_PUBLIC_URL = os.environ.get("HOTLINE_PUBLIC_URL", "").rstrip("/")
if not HOTLINE_PUBLIC_URL:
    if PRODUCTION:
        _MISSING.append(
            "HOTLINE_PUBLIC_URL must be set in production: "
            "the address citizens reach the portal at, e.g. https://12345.example.gov.cn"
        )
    HOTLINE_PUBLIC_URL = "http://127.0.0.1:8000"

# Case numbers: prefix + received date + sequence, e.g. FZ2026112600123.
HOTLINE_CASE_PREFIX = os.environ.get("HOTLINE_CASE_PREFIX", "FZ")

SESSION_COOKIE_HTTPONLY = True
# Messages wait in the session, not in a cookie: one of them carries a new
# API key, shown once, which must not travel back and forth in the browser.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "hotline.errors.csrf_failure"
# A staff session ends after this long without a request (8 hours: a shift);
# every request starts the count again. On a shared computer the login form
# also ends it when the browser closes (hotline.workbench.sessions).
SESSION_COOKIE_AGE = int(os.environ.get("HOTLINE_SESSION_IDLE_SECONDS", 8 * 3600))
SESSION_SAVE_EVERY_REQUEST = True
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_CONTENT_TYPE_NOSNIFF = True

# Served over HTTPS (the default in production; HOTLINE_HTTPS=0 for a plain
# HTTP intranet): plain HTTP is redirected, and browsers are told to use
# HTTPS only (HSTS). /healthz stays reachable over HTTP for probes.
HOTLINE_HTTPS = os.environ.get("HOTLINE_HTTPS", "1" if PRODUCTION else "0") == "1"
if HOTLINE_HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz/?$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("HOTLINE_HSTS_SECONDS", 365 * 24 * 3600))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = os.environ.get("HOTLINE_HSTS_INCLUDE_SUBDOMAINS", "1") == "1"
    SECURE_HSTS_PRELOAD = os.environ.get("HOTLINE_HSTS_PRELOAD") == "1"
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
# Behind a reverse proxy that ends TLS: the header it sets on HTTPS requests,
# e.g. HOTLINE_PROXY_SSL_HEADER=X-Forwarded-Proto (its value must be "https").
# Only with a proxy that always sets or strips it, or clients could forge it.
_PROXY_SSL_HEADER = os.environ.get("HOTLINE_PROXY_SSL_HEADER", "").strip()
if _PROXY_SSL_HEADER:
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _PROXY_SSL_HEADER.upper().replace("-", "_"), "https")
# Preloading is a separate commitment (browsers' built-in lists, hard to
# undo): not asked for unless HOTLINE_HSTS_PRELOAD=1, so not warned about.
SILENCED_SYSTEM_CHECKS = [] if os.environ.get("HOTLINE_HSTS_PRELOAD") == "1" else ["security.W021"]

# Content-Security-Policy (django-csp): scripts, styles, fonts and images
# only from this site, nothing inline; no frames, no plugins, forms post
# here. Inline SVG bars use attributes, not style.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

if _MISSING:
    raise ImproperlyConfigured(
        "Hotline runs with production settings ("
        + ("HOTLINE_ENV=production" if _ENV_GIVEN else "HOTLINE_ENV is not set, so production")
        + ") and they are incomplete:\n"
        + "".join(f"  - {line}\n" for line in _MISSING)
        + "For a development copy on this machine, set HOTLINE_ENV=development "
        "(make demo and make test do); see README.md, Running in production."
    )
