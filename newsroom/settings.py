"""
Newsroom settings.

Everything that differs between a laptop and production is read from the
environment (see README.md, "Configuration", and .env.example). Defaults are
safe: DEBUG is off unless asked for, and production refuses to start without a
real SECRET_KEY.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name, default=""):
    # An empty variable counts as unset, so `DATABASE_URL= make test` means "the default".
    return os.environ.get(name) or default


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_int(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=true for local development).")
    SECRET_KEY = "django-insecure-local-development-only-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django.forms",
    "taggit",
    "reversion",
    "django_prose_editor",
    "articles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "articles.context_processors.newsroom",
            ],
        },
    },
]

# Form widgets may use templates from templates/ too.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# Database: DATABASE_URL (postgres://user@host:5432/name), SQLite under var/ by default.
# Connections stay open between requests (CONN_MAX_AGE) and are checked before reuse:
# reconnecting on every request halves PostgreSQL throughput.
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'newsroom.sqlite3'}"),
        conn_max_age=env_int("CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = env_str("LANGUAGE_CODE", "en-us")
# The newsroom's own time zone: editors schedule and read times in it.
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = env_str("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Public site address, used for canonical links, feeds and republication material.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Security. Production (DEBUG off) passes `manage.py check --deploy` with no warnings.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY", False) else None
)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

TAGGIT_CASE_INSENSITIVE = True

# Articles per page on section, tag and author pages.
ARTICLES_PER_PAGE = env_int("ARTICLES_PER_PAGE", 20)

# --- reader's site (issue 5) ---
# PostgreSQL text-search configuration for reader search: stemming and stop words of the site's
# language ("english", "german", "french", ... or "simple" for none).
_SEARCH_CONFIGS = {
    "da": "danish",
    "de": "german",
    "en": "english",
    "es": "spanish",
    "fi": "finnish",
    "fr": "french",
    "it": "italian",
    "nb": "norwegian",
    "nl": "dutch",
    "pt": "portuguese",
    "ru": "russian",
    "sv": "swedish",
    "tr": "turkish",
}
SEARCH_CONFIG = env_str(
    "SEARCH_CONFIG", _SEARCH_CONFIGS.get(LANGUAGE_CODE.split("-")[0].lower(), "simple")
)

# --- republication (issue 6) ---
# Views of republished copies are counted in the cache and written to the database in bulk.
# A reader reloading one partner page within this many seconds counts once.
REPUBLICATION_DEDUP_SECONDS = env_int("REPUBLICATION_DEDUP_SECONDS", 1800)
# Counts gathered in the cache are written at most this often (after a pixel response is sent),
# and whenever the admin shows them or `manage.py flush_republication_counts` runs.
REPUBLICATION_FLUSH_SECONDS = env_int("REPUBLICATION_FLUSH_SECONDS", 300)
# Hosts besides SITE_URL's whose pages never count (e.g. a separate admin or staging host).
REPUBLICATION_IGNORED_HOSTS = env_list("REPUBLICATION_IGNORED_HOSTS")
# Referer fragments that mark an editing screen or preview on a partner's CMS: never counted.
REPUBLICATION_EDITING_SCREENS = env_list(
    "REPUBLICATION_EDITING_SCREENS",
    "/wp-admin/,/admin/,/ghost/,/preview/,preview=true,preview_id=,/editor/,/edit/",
)
# --- photos (issue 4) ---
# Uploaded originals keep their metadata (and GPS) and are never served: they live outside
# MEDIA_ROOT. Readers get renditions on the default storage, at these widths (never upscaled).
PHOTO_ORIGINALS_ROOT = Path(env_str("PHOTO_ORIGINALS_ROOT", str(VAR_DIR / "originals")))
PHOTO_MAX_UPLOAD_MB = env_int("PHOTO_MAX_UPLOAD_MB", 25)
PHOTO_MAX_MEGAPIXELS = env_int("PHOTO_MAX_MEGAPIXELS", 50)
try:
    PHOTO_RENDITION_WIDTHS = sorted(
        {int(width) for width in env_list("PHOTO_RENDITION_WIDTHS", "480,800,1200,1600")}
    )
except ValueError:
    raise ImproperlyConfigured(
        "PHOTO_RENDITION_WIDTHS must be whole numbers separated by commas, e.g. 480,800,1200."
    ) from None
if not PHOTO_RENDITION_WIDTHS or min(PHOTO_RENDITION_WIDTHS) < 16:
    raise ImproperlyConfigured("PHOTO_RENDITION_WIDTHS needs at least one width of 16 or more.")
# --- editorial workflow (issue 3) ---
# Shareable preview links stop working after this many hours (editors can revoke them sooner).
PREVIEW_LINK_HOURS = env_int("PREVIEW_LINK_HOURS", 48)
# The edit page says "still here" every EDIT_LOCK_HEARTBEAT seconds; a soft edit lock ends
# EDIT_LOCK_TIMEOUT seconds after the last one (a few minutes after the page was closed).
EDIT_LOCK_HEARTBEAT = env_int("EDIT_LOCK_HEARTBEAT", 30)
EDIT_LOCK_TIMEOUT = env_int("EDIT_LOCK_TIMEOUT", 180)
