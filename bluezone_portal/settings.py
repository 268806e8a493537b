"""One settings module, driven by environment variables.

Without any variable set, the portal runs on SQLite and an embedded
(filesystem) Celery broker so that `make run` needs no server. Production
sets DATABASE_URL, CELERY_BROKER_URL, SECRET_KEY, ALLOWED_HOSTS and
DEBUG=off, and refuses to start without a real secret.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)
# Only ever used with DEBUG on (make run, tests); production must bring its own.
_DEV_SECRET = "dev-only-insecure-key-never-use-in-production"  # noqa: S105
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET if DEBUG else "")
if not DEBUG and (not SECRET_KEY or SECRET_KEY == _DEV_SECRET or len(SECRET_KEY) < 32):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 32 characters when DEBUG is off."
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "units",
    "reporting",
]

MIDDLEWARE = [
    # First: a report is timed when it reached the portal, before anything else spends time on it.
    "units.arrival.ArrivalStampMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages go compressed to phones on weak signal (HTML only; see the class for BREACH).
    "units.middleware.PageCompressionMiddleware",
    "units.middleware.RejectNulBytesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "units.audit.RefusedAccessLogMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "units.middleware.SessionTimeoutMiddleware",
    "units.middleware.ContentSecurityPolicyMiddleware",
    # Last, as django-axes requires: it turns a locked-out login into its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "bluezone_portal.urls"

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
                "units.context_processors.navigation",
                "units.offline.offline",
                "reporting.watch.context_processors.deadline_watch",
            ],
        },
    },
]

WSGI_APPLICATION = "bluezone_portal.wsgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'bluezone.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # A dead database must answer fast with a 503, not hang a worker.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env.int("DB_CONNECT_TIMEOUT", default=3)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "units.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Brute-force lockout by username (shared office IPs must not lock a whole commune out).
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
# A lockout holds for one username *from one address*: locking by username alone would let anyone lock every
# account (the reviewer's at 14:55) from anywhere; by address alone, one mistyped password would shut out a whole
# district behind its shared provincial NAT address. See README, "Logins and lockouts".
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_CALLABLE = "units.lockout.lockout_response"
# Only behind our own reverse proxy may X-Forwarded-For name the client (TRUSTED_PROXY_COUNT hops); the one
# client address of the portal (units.client) is what axes, the throttles, the audit log and the reports record.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "units.client.client_ip"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_URL_PATH = "/dang-nhap/"
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
SESSION_ABSOLUTE_TIMEOUT = env.int("SESSION_ABSOLUTE_TIMEOUT", default=12 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
# No inline scripts: pages pass data with json_script and load their JS from /static/.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'; "
    "object-src 'none'"
)
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Vietnamese first, English switchable.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True
# Django's vi formats do not group thousands; the portal writes 55.289 (bluezone_portal/formats/vi).
FORMAT_MODULE_PATH = ["bluezone_portal.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Pinned npm packages (package-lock.json), installed by `make assets`, served by the portal.
_CHARTJS_DIST = BASE_DIR / "node_modules" / "chart.js" / "dist"
if _CHARTJS_DIST.is_dir():
    STATICFILES_DIRS.append(("vendor/chartjs", _CHARTJS_DIST))
# In development the files are served straight from the finders; production runs collectstatic.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # DRF's token check, hardened against keys PostgreSQL cannot be asked about (NUL bytes).
        "reporting.api.authentication.PortalTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # DRF's defaults, with a JSON parser that refuses absurdly deep nesting with a 400 (not a 500).
    "DEFAULT_PARSER_CLASSES": [
        "reporting.api.parsers.PortalJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {"token": env.str("TOKEN_THROTTLE_RATE", default="10/minute")},
    "EXCEPTION_HANDLER": "reporting.api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Bluezone Hậu Giang API",
    # Lazy, so that the schema speaks the caller's language (Accept-Language or ?lang=) like the rest of the API.
    "DESCRIPTION": _("Báo cáo hằng ngày số người cài đặt Bluezone của các đơn vị tỉnh Hậu Giang "
                     "(Công văn 1747/UBND-NCTH). Xác thực: `Authorization: Token <token>` (POST /api/v1/auth/token/)."),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

CACHES = {
    "default": env.cache("CACHE_URL", default="locmemcache://bluezone"),
}
# Redis is a convenience here, never a dependency of an answer: a dead or hung Redis costs a request at most
# these timeouts, then the portal computes the answer itself (progress) or counts logins in-process (throttle).
REDIS_CONNECT_TIMEOUT = env.float("REDIS_CONNECT_TIMEOUT", default=0.25)
REDIS_SOCKET_TIMEOUT = env.float("REDIS_SOCKET_TIMEOUT", default=0.5)
if CACHES["default"]["BACKEND"].endswith("RedisCache"):
    CACHES["default"].setdefault("OPTIONS", {}).update(
        {"socket_connect_timeout": REDIS_CONNECT_TIMEOUT, "socket_timeout": REDIS_SOCKET_TIMEOUT},
    )

# Celery: the embedded filesystem broker needs no server (make run); Redis in production.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
    }
else:
    # A hung Redis (accepts, never answers) must not hold a request or the beat: bounded reads and connects.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "socket_connect_timeout": REDIS_CONNECT_TIMEOUT * 4, "socket_timeout": REDIS_SOCKET_TIMEOUT * 4,
        "socket_keepalive": True,
    }
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = REDIS_CONNECT_TIMEOUT * 4
CELERY_REDIS_SOCKET_TIMEOUT = REDIS_SOCKET_TIMEOUT * 4
# A submission must never hang on a dead broker: fail fast instead.
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=1.0)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
# Beat keeps its last-run times in this file; its folder is made here, so `celery worker -B` and `celery beat`
# start from a fresh checkout (beat dies on a missing folder while the worker runs on, silently).
CELERY_BEAT_SCHEDULE_FILENAME = env.str("BEAT_SCHEDULE_FILENAME", default=str(VAR_DIR / "celerybeat-schedule"))
try:
    Path(CELERY_BEAT_SCHEDULE_FILENAME).parent.mkdir(parents=True, exist_ok=True)
except OSError:  # a read-only image: beat then says so itself, and the heartbeat shows the watch is silent
    pass

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="bluezone@stttt.haugiang.gov.vn")

# Deployment security: effective when DEBUG is off (production).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_TLS_PROXY", default=False) else None
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# The container's health check asks over plain HTTP from inside; everything else goes to HTTPS.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # One event per line: CR/LF in a message (a user name, a path) are escaped, never a forged line.
    "formatters": {"plain": {"()": "units.logging.SingleLineFormatter",
                             "format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"expected_refusals": {"()": "units.logging.ExpectedRefusalFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain",
                             "filters": ["expected_refusals"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# Notifications and deadline watch (reporting.watch.notifications / reporting.watch.flagging).
# A report is timed when it reaches the portal: the trusted proxy's arrival stamp (units.arrival), believed
# only when it is at most this old when Django sees the request; older, the request is timed on arrival here.
BLUEZONE_ARRIVAL_MAX_AGE_SECONDS = env.float("BLUEZONE_ARRIVAL_MAX_AGE_SECONDS", default=60.0)
# A day is closed (missed deadlines flagged) this long after its deadline, so that every save that could be on
# time has been written first (reporting.watch.day_lock). Longer than the arrival age, plus time for the save itself.
BLUEZONE_CLOSE_GRACE_SECONDS = env.float("BLUEZONE_CLOSE_GRACE_SECONDS", default=120.0)
if BLUEZONE_CLOSE_GRACE_SECONDS <= BLUEZONE_ARRIVAL_MAX_AGE_SECONDS:
    raise ImproperlyConfigured("BLUEZONE_CLOSE_GRACE_SECONDS must be longer than BLUEZONE_ARRIVAL_MAX_AGE_SECONDS.")
BLUEZONE_REMINDER_TIME = env.str("BLUEZONE_REMINDER_TIME", default="14:00")
BLUEZONE_ESCALATION_DAYS = env.int("BLUEZONE_ESCALATION_DAYS", default=2)
# /api/v1/progress/ answers from a cache keyed by the data version (reporting.progress.table); off: recompute.
BLUEZONE_PROGRESS_CACHE = env.bool("BLUEZONE_PROGRESS_CACHE", default=True)
# The PostgreSQL fast path (reporting.postgres): the maintained progress table and the one-statement save.
# Off, the portal reads figures from the reports and saves through the ORM, as it does on SQLite (the
# definitions the fast path is tested against).
BLUEZONE_PROGRESS_TABLE = env.bool("BLUEZONE_PROGRESS_TABLE", default=True)
BLUEZONE_REPORT_SAVE_FUNCTION = env.bool("BLUEZONE_REPORT_SAVE_FUNCTION", default=True)

# The beat schedule, in code. One tick a minute rather than a crontab entry at
# 15:00: the deadline is campaign data (Campaign.deadline, time zone included),
# not a constant here, and every tick closes *every* campaign day whose deadline
# has passed and sends what is due (reminders from BLUEZONE_REMINDER_TIME). The
# jobs are idempotent, so a late, missed or doubled tick changes nothing but
# timing, and a scheduler that was down catches up on its first tick.
# `expires` drops ticks that waited in a dead broker: the next one does their work.
BLUEZONE_TICK_SECONDS = env.float("BLUEZONE_TICK_SECONDS", default=60.0)
CELERY_BEAT_SCHEDULE = {
    "deadline-tick": {
        "task": "reporting.tasks.deadline_tick",
        "schedule": BLUEZONE_TICK_SECONDS,
        "options": {"expires": 55},
    },
}
# Public address of the portal, for links in e-mails (left out when empty).
BLUEZONE_PORTAL_URL = env.str("BLUEZONE_PORTAL_URL", default="")
