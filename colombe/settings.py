"""Colombe settings: one module, driven by environment variables.

Development defaults are safe to run on a laptop; ``COLOMBE_ENV=production`` turns on
every protection that ``manage.py check --deploy`` asks for and refuses to start without
a real secret key.
"""

import base64
import os
import secrets
from collections.abc import Callable
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("COLOMBE_VAR_DIR", BASE_DIR / "var"))


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value else default


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def development_secret(name: str, generate: Callable[[], str]) -> str:
    """A secret generated once per checkout, kept in var/ and out of the repository."""
    key_file = VAR_DIR / name
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(generate())
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def fernet_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def production_secret(name: str) -> str:
    value = env_str(name)
    if len(value) < 32:
        raise ImproperlyConfigured(f"{name} must be set (32+ characters) in production.")
    return value


COLOMBE_ENV = env_str("COLOMBE_ENV", "development")
PRODUCTION = COLOMBE_ENV == "production"
# pytest (8.2+) sets PYTEST_VERSION before it imports anything of ours.
TESTING = env_bool("COLOMBE_TESTING") or "PYTEST_VERSION" in os.environ

DEBUG = env_bool("DEBUG", default=not PRODUCTION and not TESTING)

if PRODUCTION:
    SECRET_KEY = env_str("SECRET_KEY")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("SECRET_KEY must be set (50+ characters) in production.")
else:
    SECRET_KEY = env_str("SECRET_KEY") or development_secret(
        "secret_key", lambda: secrets.token_urlsafe(50)
    )

# Petition signers' email addresses are encrypted at rest (Fernet keys, newest first, so
# keys can be rotated) and deduplicated on a keyed hash of their canonical form.
if PRODUCTION:
    COLOMBE_SIGNATURE_KEYS = env_list("COLOMBE_SIGNATURE_KEYS", [])
    if not COLOMBE_SIGNATURE_KEYS:
        raise ImproperlyConfigured("COLOMBE_SIGNATURE_KEYS must be set in production.")
    COLOMBE_EMAIL_HASH_KEY = production_secret("COLOMBE_EMAIL_HASH_KEY")
else:
    COLOMBE_SIGNATURE_KEYS = env_list(
        "COLOMBE_SIGNATURE_KEYS", [development_secret("signature_key", fernet_key)]
    )
    COLOMBE_EMAIL_HASH_KEY = env_str("COLOMBE_EMAIL_HASH_KEY") or development_secret(
        "email_hash_key", lambda: secrets.token_urlsafe(32)
    )

# Credentials of the movement's social accounts (colombe.outreach: Mastodon access tokens,
# Bluesky app passwords) are encrypted at rest the same way, with their own keys.
if PRODUCTION:
    OUTREACH_SECRET_KEYS = env_list("OUTREACH_SECRET_KEYS", [])
    if not OUTREACH_SECRET_KEYS:
        raise ImproperlyConfigured("OUTREACH_SECRET_KEYS must be set in production.")
else:
    OUTREACH_SECRET_KEYS = env_list(
        "OUTREACH_SECRET_KEYS", [development_secret("outreach_key", fernet_key)]
    )

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", f"http://127.0.0.1:{env_str('COLOMBE_PORT', '8000')}")

INSTALLED_APPS = [
    "colombe.core",
    "colombe.accounts",
    "colombe.movement",
    "colombe.groups",
    "colombe.petitions",
    "colombe.meetings",
    "colombe.reports",
    "colombe.mailing",
    "colombe.journal",
    "colombe.mediatheque",
    "colombe.radio",
    "colombe.outreach",
    "colombe.actions",
    "colombe.training",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "colombe.accounts.middleware.ThrottledUserSessionsMiddleware",
    "colombe.accounts.middleware.RequireAdminMFAMiddleware",
]

if not DEBUG and not TESTING:
    # Served by gunicorn: whitenoise serves the collected static files.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "colombe.urls"
WSGI_APPLICATION = "colombe.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "colombe" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "colombe.core.context_processors.navigation",
            ],
        },
    },
]

# Database: SQLite with no set-up, PostgreSQL through DATABASE_URL.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'colombe.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# Rate limits live in the cache: in production it must be shared by every worker, or each
# gunicorn process would keep its own counters.
REDIS_URL = env_str("REDIS_URL")
if PRODUCTION and not REDIS_URL:
    raise ImproperlyConfigured("REDIS_URL must be set in production (shared cache).")
CACHES = {
    "default": (
        {"BACKEND": "colombe.core.cache.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# With a shared cache, sessions are read from it (written through to the database): one
# query less on every request, which a meeting room's polling feels. A per-process cache
# would let a worker keep a session another worker has ended, so only with Redis.
if REDIS_URL:
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# Behind a reverse proxy every request comes from the proxy's address: the client's is the
# N-th address from the right of X-Forwarded-For, N being the number of trusted proxies.
COLOMBE_TRUSTED_PROXY_COUNT = env_int("COLOMBE_TRUSTED_PROXY_COUNT", 0)
ALLAUTH_TRUSTED_PROXY_COUNT = COLOMBE_TRUSTED_PROXY_COUNT
# Addresses that skip the signing rate limits: only the benchmark sets it (to 127.0.0.1).
PETITION_RATE_LIMIT_EXEMPT_IPS = env_list("PETITION_RATE_LIMIT_EXEMPT_IPS", [])

# Meetings. The video engine a new meeting uses (janus, livekit, bigbluebutton, jitsi);
# administrators may pick another per meeting among those configured.
MEETING_DEFAULT_ENGINE = env_str("MEETING_DEFAULT_ENGINE", "janus")
MEETING_LOBBY_OPENS_MINUTES = env_int("MEETING_LOBBY_OPENS_MINUTES", 30)
MEETING_INVITATION_DAYS_AFTER_END = env_int("MEETING_INVITATION_DAYS_AFTER_END", 1)
# Janus instances, comma-separated, each "server URL|public URL|admin URL": the server
# drives rooms through the first and third (loopback or private network); browsers reach
# the second through the reverse proxy. Rooms are spread over the instances.
JANUS_SERVERS = env_list(
    "JANUS_SERVERS",
    ["http://127.0.0.1:8088/janus|http://127.0.0.1:8088/janus|http://127.0.0.1:7088/admin"],
)
# Secrets Colombe shares with its Janus instances (written into deploy/janus by
# scripts/janus-config.py); generated per checkout in development.
if PRODUCTION:
    JANUS_ADMIN_SECRET = production_secret("JANUS_ADMIN_SECRET")
    JANUS_ROOM_ADMIN_KEY = production_secret("JANUS_ROOM_ADMIN_KEY")
else:
    JANUS_ADMIN_SECRET = env_str("JANUS_ADMIN_SECRET") or development_secret(
        "janus_admin_secret", lambda: secrets.token_urlsafe(32)
    )
    JANUS_ROOM_ADMIN_KEY = env_str("JANUS_ROOM_ADMIN_KEY") or development_secret(
        "janus_room_admin_key", lambda: secrets.token_urlsafe(32)
    )
# Where Janus writes raw recordings (.mjr), readable by the worker that converts them.
JANUS_RECORDINGS_DIR = Path(env_str("JANUS_RECORDINGS_DIR", str(VAR_DIR / "janus-recordings")))
# Webinar stage streams are forwarded from the VideoRoom to Streaming mountpoints on
# this host, with ports taken from this range.
JANUS_RTP_FORWARD_HOST = env_str("JANUS_RTP_FORWARD_HOST", "127.0.0.1")
JANUS_RTP_PORT_RANGE = (
    env_int("JANUS_RTP_PORT_MIN", 20000),
    env_int("JANUS_RTP_PORT_MAX", 20999),
)
# ICE servers given to browsers: STUN URLs, and TURN URLs with the secret shared with a
# coturn server (``use-auth-secret``) from which each seat gets expiring credentials.
MEETING_STUN_URLS = env_list("MEETING_STUN_URLS", [])
MEETING_TURN_URLS = env_list("MEETING_TURN_URLS", [])
MEETING_TURN_SECRET = env_str("MEETING_TURN_SECRET")
# Adapters for engines a movement may already run (empty: not offered).
LIVEKIT_URL = env_str("LIVEKIT_URL")
LIVEKIT_API_KEY = env_str("LIVEKIT_API_KEY")
LIVEKIT_API_SECRET = env_str("LIVEKIT_API_SECRET")
# The LiveKit Meet page (self-hosted from LiveKit's open-source meet app) browsers join on.
LIVEKIT_MEET_URL = env_str("LIVEKIT_MEET_URL")
BIGBLUEBUTTON_URL = env_str("BIGBLUEBUTTON_URL")
BIGBLUEBUTTON_SECRET = env_str("BIGBLUEBUTTON_SECRET")
JITSI_URL = env_str("JITSI_URL")
JITSI_APP_ID = env_str("JITSI_APP_ID")
JITSI_APP_SECRET = env_str("JITSI_APP_SECRET")

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# allauth: login by email, mandatory verification, rate limits on (they use the cache).
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SIGNUP_FORM_CLASS = "colombe.accounts.forms.SignupExtraForm"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Colombe] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "10/h/ip",
    "confirm_email": "3/m/key",
    "reset_password": "10/m/ip,3/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "5/5m/user",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Colombe"
USERSESSIONS_TRACK_ACTIVITY = True
LOGIN_REDIRECT_URL = "core:home"
LOGIN_URL = "account_login"

# Background work: Django Tasks through the database backend (no broker to install).
# Tests run tasks inline with the immediate backend.
TASKS: dict[str, dict[str, object]] = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if TESTING
        else "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "media"],
    }
}

# Email: console in development, SMTP from the environment in production.
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Colombe <noreply@colombe.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")

# Circulars and newsletters (colombe.mailing): the domain that signs Message-IDs.
MAILING_DOMAIN = env_str("MAILING_DOMAIN", DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(">"))
# Outbox delivery (colombe.mailing.worker, docs/mailing-delivery.md). The transport is
# "smtp" (EMAIL_HOST...), "console" (prints, for development) or "django" (EMAIL_BACKEND,
# e.g. an anymail provider). Default: SMTP in production or when EMAIL_HOST is set in the
# environment, the console otherwise, so `make run` never tries a missing mail server.
MAILING_TRANSPORT = env_str(
    "MAILING_TRANSPORT", "smtp" if PRODUCTION or "EMAIL_HOST" in os.environ else "console"
)
# Messages per second per worker; 0 sends as fast as the server accepts (a local MTA).
MAILING_RATE_PER_SECOND = env_int("MAILING_RATE_PER_SECOND", 0)
MAILING_BATCH_SIZE = env_int("MAILING_BATCH_SIZE", 100)
# A row claimed longer ago than this by a worker that died goes back to pending.
MAILING_LEASE_SECONDS = env_int("MAILING_LEASE_SECONDS", 300)
MAILING_MAX_ATTEMPTS = env_int("MAILING_MAX_ATTEMPTS", 8)
# Temporary failures wait base * 2^(attempts-1) seconds, at most MAILING_RETRY_MAX_SECONDS.
MAILING_RETRY_BASE_SECONDS = env_int("MAILING_RETRY_BASE_SECONDS", 60)
MAILING_RETRY_MAX_SECONDS = env_int("MAILING_RETRY_MAX_SECONDS", 6 * 3600)
# VERP return path: <local part>+<token>@MAILING_DOMAIN receives the bounces.
MAILING_RETURN_PATH_LOCAL_PART = env_str("MAILING_RETURN_PATH_LOCAL_PART", "bounces")
# DKIM: no key file means unsigned mail (fine in development, or when the MTA signs).
# `manage.py dkim_keygen` writes a key under var/ and prints the DNS record.
DKIM_DOMAIN = env_str("DKIM_DOMAIN", MAILING_DOMAIN)
DKIM_SELECTOR = env_str("DKIM_SELECTOR", "colombe")
DKIM_PRIVATE_KEY_FILE = env_str("DKIM_PRIVATE_KEY_FILE")

# Language and time: French by default, English complete; store UTC, show Paris time.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "colombe" / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/altcha", BASE_DIR / "node_modules" / "altcha" / "dist"),
    ("vendor/chartjs", BASE_DIR / "node_modules" / "chart.js" / "dist"),
    ("vendor/janus", BASE_DIR / "node_modules" / "janus-gateway" / "npm" / "dist"),
    ("vendor/webrtc-adapter", BASE_DIR / "node_modules" / "webrtc-adapter" / "out"),
    # CC BY 4.0 (MapSVG, svg-maps): the reports feed draws its map of France from it.
    ("vendor/france-departments", BASE_DIR / "node_modules" / "@svg-maps" / "france.departments"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Uploaded files are private: never served from a public URL, only through views that
# check the permission policy.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "private-media")))
MEDIA_URL = "/this-url-is-never-served/"
COLOMBE_MAX_UPLOAD_BYTES = env_int("COLOMBE_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = COLOMBE_MAX_UPLOAD_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Media archive (colombe.mediatheque): uploads of video, audio, scans and PDFs, converted
# by ffmpeg in the task queue. Uploads larger than FILE_UPLOAD_MAX_MEMORY_SIZE are
# streamed to a temporary file, never held in memory.
MEDIATHEQUE_MAX_UPLOAD_BYTES = env_int("MEDIATHEQUE_MAX_UPLOAD_BYTES", 1024 * 1024 * 1024)
FFMPEG_BINARY = env_str("FFMPEG_BINARY", "ffmpeg")
FFPROBE_BINARY = env_str("FFPROBE_BINARY", "ffprobe")
# A conversion that takes longer than this is stopped and reported as failed.
MEDIATHEQUE_PROCESSING_TIMEOUT_SECONDS = env_int("MEDIATHEQUE_PROCESSING_TIMEOUT_SECONDS", 3 * 3600)

# Web radio (colombe.radio): Icecast serves listeners, Liquidsoap makes the programme
# (live harbor input, else the scheduled playlist, else a safe fallback). Both listen on
# loopback; the public stream URL is what browsers and podcast apps are given (behind the
# reverse proxy in production).
RADIO_ICECAST_URL = env_str("RADIO_ICECAST_URL", "http://127.0.0.1:8010")
RADIO_MOUNT = env_str("RADIO_MOUNT", "/radio.mp3")
RADIO_PUBLIC_STREAM_URL = env_str("RADIO_PUBLIC_STREAM_URL", RADIO_ICECAST_URL + RADIO_MOUNT)
RADIO_HARBOR_PORT = env_int("RADIO_HARBOR_PORT", 8015)
RADIO_HARBOR_MOUNT = env_str("RADIO_HARBOR_MOUNT", "/live")
RADIO_STATE_DIR = Path(env_str("RADIO_STATE_DIR", str(VAR_DIR / "radio")))
RADIO_MAX_LISTENERS = env_int("RADIO_MAX_LISTENERS", 1000)
if PRODUCTION:
    RADIO_ICECAST_SOURCE_PASSWORD = production_secret("RADIO_ICECAST_SOURCE_PASSWORD")
    RADIO_ICECAST_ADMIN_PASSWORD = production_secret("RADIO_ICECAST_ADMIN_PASSWORD")
    RADIO_CALLBACK_SECRET = production_secret("RADIO_CALLBACK_SECRET")
else:
    RADIO_ICECAST_SOURCE_PASSWORD = env_str("RADIO_ICECAST_SOURCE_PASSWORD") or (
        development_secret("radio_icecast_source_password", lambda: secrets.token_urlsafe(24))
    )
    RADIO_ICECAST_ADMIN_PASSWORD = env_str("RADIO_ICECAST_ADMIN_PASSWORD") or (
        development_secret("radio_icecast_admin_password", lambda: secrets.token_urlsafe(24))
    )
    # Liquidsoap asks Colombe whether a presenter's harbor login is valid, and tells it
    # when the live source connects and leaves, with this shared secret.
    RADIO_CALLBACK_SECRET = env_str("RADIO_CALLBACK_SECRET") or development_secret(
        "radio_callback_secret", lambda: secrets.token_urlsafe(32)
    )

# Live relay of a meeting on the radio (colombe.radio.streaming.relay): Janus sends each
# speaker's audio (RTP) to a "slot" on RADIO_RELAY_RTP_HOST, the host that runs
# run_radio_relay; slot i listens on RADIO_RELAY_RTP_BASE_PORT + 2 * i (RTP ports are
# even, RTCP takes the next one) and pushes to Liquidsoap's harbor mount
# /<RADIO_RELAY_HARBOR_MOUNT_PREFIX>-<i + 1>, with user "relay" and RADIO_RELAY_PASSWORD.
RADIO_RELAY_SLOTS = env_int("RADIO_RELAY_SLOTS", 4)
RADIO_RELAY_RTP_HOST = env_str("RADIO_RELAY_RTP_HOST", "127.0.0.1")
RADIO_RELAY_RTP_BASE_PORT = env_int("RADIO_RELAY_RTP_BASE_PORT", 5300)
RADIO_RELAY_HARBOR_MOUNT_PREFIX = env_str("RADIO_RELAY_HARBOR_MOUNT_PREFIX", "relay")
if PRODUCTION:
    RADIO_RELAY_PASSWORD = production_secret("RADIO_RELAY_PASSWORD")
else:
    RADIO_RELAY_PASSWORD = env_str("RADIO_RELAY_PASSWORD") or development_secret(
        "radio_relay_password", lambda: secrets.token_urlsafe(32)
    )


def origin_of(url: str) -> str:
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}"


# Security headers. Strict everywhere; production adds HTTPS-only settings.
CONTENT_SECURITY_POLICY: dict[str, dict[str, list[str]]] = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        # The radio stream may come from another origin (Icecast behind its own name).
        "media-src": ["'self'", origin_of(RADIO_PUBLIC_STREAM_URL)],
        "form-action": ["'self'"],
        # Archive items embed YouTube, Dailymotion or any PeerTube, only after a click.
        "frame-src": ["https:"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint logs every layout step at INFO: noise in the worker and in seed_demo.
    "loggers": {"weasyprint.progress": {"level": "WARNING"}},
}

# Bounces and provider webhooks (colombe.mailing.bounces). Hard bounces before an address
# is disabled; soft bounces in a row that do the same. The webhooks of django-anymail
# answer only when ANYMAIL_WEBHOOK_SECRET ("user:password", basic auth) is set.
INSTALLED_APPS += ["anymail"]
MAILING_HARD_BOUNCE_LIMIT = env_int("MAILING_HARD_BOUNCE_LIMIT", 2)
# What was sent (subject, text, reply-to) is erased from the outbox this long after it
# left; the row (address, state) stays for the counts and the bounce history.
MAILING_CONTENT_RETENTION_DAYS = env_int("MAILING_CONTENT_RETENTION_DAYS", 30)
MAILING_SOFT_BOUNCE_LIMIT = env_int("MAILING_SOFT_BOUNCE_LIMIT", 5)
ANYMAIL = {"WEBHOOK_SECRET": env_str("ANYMAIL_WEBHOOK_SECRET")}

# The archive's press room (colombe.mediatheque): the address journalists write to. Empty:
# the address of DEFAULT_FROM_EMAIL.
MEDIATHEQUE_PRESS_CONTACT = env_str("MEDIATHEQUE_PRESS_CONTACT")

# Radio studio (colombe.radio): the host name presenters' streaming software
# connects to for the live harbor input. Empty: the host name of this site.
RADIO_HARBOR_HOST = env_str("RADIO_HARBOR_HOST", "")

# Radio streaming chain (colombe.radio.streaming). Liquidsoap asks Colombe at
# this address whether a presenter's login is valid: an internal address in production
# (e.g. http://127.0.0.1:8000, its host in ALLOWED_HOSTS), the site itself by default.
RADIO_CALLBACK_BASE_URL = env_str("RADIO_CALLBACK_BASE_URL", SITE_URL)
# Where the harbor (the presenters' live input) listens: loopback by default; "0.0.0.0"
# when presenters connect to it directly from outside (see docs/radio.md).
RADIO_HARBOR_BIND_ADDRESS = env_str("RADIO_HARBOR_BIND_ADDRESS", "127.0.0.1")

# Social networks (colombe.outreach). The movement's name, used by the naming convention
# ("{movement} — {name}") and on share images.
OUTREACH_MOVEMENT_NAME = env_str("OUTREACH_MOVEMENT_NAME", "Colombe")
# A failed post to Mastodon or Bluesky is tried again this many times (waiting longer
# each time) before it is marked failed with the network's error.
OUTREACH_MAX_ATTEMPTS = env_int("OUTREACH_MAX_ATTEMPTS", 5)
# Link previews of posts (colombe.outreach.link_preview) fetch only public addresses: a
# host name that resolves to a private, loopback, link-local or reserved address is
# refused, except this site's own host (SITE_URL) and the host names listed here
# (comma-separated), e.g. an intranet whose pages posts link to.
OUTREACH_LINK_PREVIEW_ALLOWED_HOSTS = env_list("OUTREACH_LINK_PREVIEW_ALLOWED_HOSTS", [])
# Mastodon and Bluesky servers (colombe.outreach.networks.servers) must be public https://
# servers: a server address that resolves to this machine or a private network is refused,
# as a way into the server's own network. Turn this on only to develop or test against a
# server of your own network (plain http is then accepted for it); never in production.
OUTREACH_ALLOW_LOCAL_SERVERS = env_bool("OUTREACH_ALLOW_LOCAL_SERVERS", False)
