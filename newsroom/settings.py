"""
Newsroom settings.

Everything that differs between a laptop and production is read from the
environment (see README.md, "Configuration", and .env.example). Defaults are
safe: DEBUG is off unless asked for, and production refuses to start without a
real SECRET_KEY.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.templatetags.static import static
from django.utils.csp import CSP
from django.utils.functional import lazy

from newsroom.env import env_bool, env_int, env_int_list, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=true for local development).")
    SECRET_KEY = "django-insecure-local-development-only-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # The admin, with every write in one transaction (newsroom/admin_site.py).
    "newsroom.apps.NewsroomAdminConfig",
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
    "axes",
    # The queue of background tasks (django.tasks) in the database; `manage.py db_worker` runs it.
    "django_tasks_db",
    # Ours, from the core outwards (README, "Architecture").
    "articles",
    "photos",
    "pagecache",
    "live",
    "republication",
    "curation",
    "reader",
    "desk",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outermost after SecurityMiddleware, so a cached page gets the header too.
    "newsroom.middleware.ContentSecurityPolicyMiddleware",
    # 413 for oversized bodies, 400 for NUL bytes, before anything reads them.
    "newsroom.middleware.RequestHygieneMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside the session and CSRF middleware, so a hit costs neither a query nor a cookie.
    "pagecache.middleware.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "reader.furniture.SiteFurnitureMiddleware",
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
                "django.template.context_processors.csp",
                "reader.context_processors.newsroom",
            ],
        },
    },
    # Story cards only (reader/cards.py): compiled, for the pages that show dozens of them.
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "reader.cards.environment"},
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
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite has one writer at a time. A transaction that read first and then writes cannot
    # wait for another writer ("database is locked" at once, whatever the timeout), so every
    # transaction takes the write lock when it begins and waits up to 20 s for it.
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
if not env_str("DATABASE_URL"):
    # The default SQLite file lives in var/; a fresh clone has no such folder yet.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
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
# Date formats in one place: newsroom/formats/<language>/formats.py.
FORMAT_MODULE_PATH = ["newsroom.formats"]
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
# Live stories: entries per page, how often readers' pages ask for new ones, and how long a CDN
# may keep that answer (the page cache keeps it until the next entry).
LIVE_ENTRIES_PER_PAGE = env_int("LIVE_ENTRIES_PER_PAGE", 20)
LIVE_POLL_SECONDS = env_int("LIVE_POLL_SECONDS", 15)
LIVE_CDN_SECONDS = env_int("LIVE_CDN_SECONDS", 5)

# --- reader's site ---
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
# Searches one address may make per minute that the page cache could not answer; the next get a
# 429 with Retry-After, so a few clients varying their words cannot starve the site. 0 is off.
SEARCH_RATE_LIMIT = env_int("SEARCH_RATE_LIMIT", 30)

# --- republication ---
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
# What one address may add to one story's views per REPUBLICATION_DEDUP_SECONDS, however many
# browsers it claims to be or sites it names.
REPUBLICATION_ADDRESS_LIMIT = env_int("REPUBLICATION_ADDRESS_LIMIT", 20)
# User-Agent fragments, besides the built-in list of link-preview bots, crawlers and monitors
# (republication/counting.py), whose hits never count.
REPUBLICATION_IGNORED_AGENTS = env_list("REPUBLICATION_IGNORED_AGENTS")
# --- partners: their API and webhooks ---
# Stories per page of /api/partners/stories/; requests per minute one key may make; seconds an
# API answer is kept in the cache (any change to a story, photo or correction retires them all).
PARTNER_API_PAGE_SIZE = env_int("PARTNER_API_PAGE_SIZE", 20)
PARTNER_API_RATE_LIMIT = env_int("PARTNER_API_RATE_LIMIT", 120)
PARTNER_API_CACHE_SECONDS = env_int("PARTNER_API_CACHE_SECONDS", 60)
# Webhook deliveries: seconds to wait for a partner's server, and before each retry.
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 10)
WEBHOOK_RETRY_DELAYS = env_int_list("WEBHOOK_RETRY_DELAYS", "30,120,600,3600")
# Webhooks are never sent to a private, loopback or link-local address (no SSRF). The only
# exceptions are these exact address:port pairs (e.g. 10.0.0.5:8443 for a relay inside the
# network); empty, the default, is strict.
WEBHOOK_ALLOWED_PRIVATE_TARGETS = env_list("WEBHOOK_ALLOWED_PRIVATE_TARGETS")
# --- photos ---
# The model that holds photos, for the photos app, which imports no other app of ours.
PHOTOS_MODEL = "articles.ImageCredit"
# Uploaded originals keep their metadata (and GPS) and are never served: they live outside
# MEDIA_ROOT. Readers get renditions on the default storage, at these widths (never upscaled).
PHOTO_ORIGINALS_ROOT = Path(env_str("PHOTO_ORIGINALS_ROOT", str(VAR_DIR / "originals")))
PHOTO_MAX_UPLOAD_MB = env_int("PHOTO_MAX_UPLOAD_MB", 25)
PHOTO_MAX_MEGAPIXELS = env_int("PHOTO_MAX_MEGAPIXELS", 50)
PHOTO_RENDITION_WIDTHS = sorted(set(env_int_list("PHOTO_RENDITION_WIDTHS", "480,800,1200,1600")))
if not PHOTO_RENDITION_WIDTHS or min(PHOTO_RENDITION_WIDTHS) < 16:
    raise ImproperlyConfigured("PHOTO_RENDITION_WIDTHS needs at least one width of 16 or more.")
# --- background tasks ---
# Slow or retryable work (photo renditions, writing republication counts) runs as tasks
# (django.tasks). The default keeps the queue in the database (PostgreSQL or SQLite alike) and
# `manage.py db_worker` runs it; `make run` starts one beside the development server.
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# --- editorial workflow ---
# Shareable preview links stop working after this many hours (editors can revoke them sooner).
PREVIEW_LINK_HOURS = env_int("PREVIEW_LINK_HOURS", 48)
# The edit page says "still here" every EDIT_LOCK_HEARTBEAT seconds; a soft edit lock ends
# EDIT_LOCK_TIMEOUT seconds after the last one (a few minutes after the page was closed).
EDIT_LOCK_HEARTBEAT = env_int("EDIT_LOCK_HEARTBEAT", 30)
EDIT_LOCK_TIMEOUT = env_int("EDIT_LOCK_TIMEOUT", 180)
# --- security and resilience ---
# Content-Security-Policy on every response (Django's own middleware). Only this site's origin,
# never a third party's; scripts only from files, or inline with the request's nonce (the admin
# and its editor use it). Public pages have no inline script, so their policy carries no nonce
# and a cached page stays valid for every reader. MEDIA_URL on another host (object storage) is
# the newsroom's own and is allowed for images.


def _origin(url):
    return "/".join(url.split("/")[:3]) if url.startswith(("http://", "https://")) else None


CSP_MEDIA_ORIGINS = [origin for origin in [_origin(MEDIA_URL), _origin(STATIC_URL)] if origin]
# The body editor's own nodes: photos of the library and embeds (static/js/admin/body-media.js);
# the processor names what they write (the server's sanitiser is articles/sanitize.py).
DJANGO_PROSE_EDITOR_EXTENSIONS = [
    {
        # Resolved when the editor is drawn: the hashed name of the collected file.
        "js": [lazy(static, str)("js/admin/body-media.js")],
        "extensions": {
            "InlinePhoto": "desk.body_media.figure_references",
            "Embed": "desk.body_media.figure_references",
        },
    }
]
# The few lines of CSS that the rich-text editor (Tiptap, inside django-prose-editor 0.28.0)
# adds to the admin page as a <style> element without a nonce. When the editor is upgraded,
# tests/site/test_browser_csp.py fails with the new hash in Chromium's message.
CSP_EDITOR_STYLE_HASHES = ["'sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA='"]
# The players of the embed providers a story may show (articles/embeds.py, compared by a test).
# A reader's page loads one only when the reader clicks "Load" on its placeholder.
CSP_EMBED_FRAME_ORIGINS = [
    "https://datawrapper.dwcdn.net",
    "https://e.infogram.com",
    "https://embed.documentcloud.org",
    "https://flo.uri.sh",
    "https://open.spotify.com",
    "https://platform.twitter.com",
    "https://player.vimeo.com",
    "https://w.soundcloud.com",
    "https://www.facebook.com",
    "https://www.instagram.com",
    "https://www.scribd.com",
    "https://www.tiktok.com",
    "https://www.youtube-nocookie.com",
]
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE, *CSP_EDITOR_STYLE_HASHES],
    "img-src": [CSP.SELF, "data:", *CSP_MEDIA_ORIGINS],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-src": [CSP.SELF, *CSP_EMBED_FRAME_ORIGINS],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    # As X_FRAME_OPTIONS, but lets a page that opts in be framed by the site itself.
    "frame-ancestors": [CSP.SELF],
}

# Hostile requests: bodies over REQUEST_MAX_MB are refused (413) from the Content-Length header,
# before a byte is read; NUL bytes in the URL or query string get a 400 (newsroom/middleware.py).
REQUEST_MAX_MB = env_int("REQUEST_MAX_MB", 64)


# Admin login lockout (django-axes): LOGIN_FAILURE_LIMIT failed logins for one account from one
# address lock that account out from that address for LOGIN_LOCKOUT_MINUTES; the reporter's own
# laptop is unaffected, so nobody can lock an editor out from outside.
AUTHENTICATION_BACKENDS = [
    "newsroom.auth.LoginLockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Behind a proxy (BEHIND_PROXY) the address is the one the proxy appended to X-Forwarded-For.
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
AXES_CLIENT_IP_CALLABLE = "newsroom.lib.http.client_ip"
AXES_LOCKOUT_CALLABLE = "newsroom.views.login_locked_out"
AXES_VERBOSE = False

# Staff sessions end SESSION_COOKIE_AGE seconds after login (a working day by default).
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)

# Outages: a database error becomes a 503 page that needs no database (newsroom/views.py),
# asking clients to come back after OUTAGE_RETRY_AFTER seconds; SITE_NAME heads that page.
OUTAGE_RETRY_AFTER = env_int("OUTAGE_RETRY_AFTER", 60)
SITE_NAME = env_str("SITE_NAME", "Newsroom")
# --- speed and scale ---
# The cache: Redis when REDIS_URL is set (shared by every app server), else this process's memory.
# Short socket timeouts: if Redis is down, pages are served from the database without waiting.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's cache API on redis-py, one client per process (pagecache/backends.py).
            "BACKEND": "pagecache.backends.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "newsroom"),
            "OPTIONS": {
                "socket_connect_timeout": 0.5,
                "socket_timeout": 0.5,
                # Each worker also keeps up to this many page-cache entries (pages, generation
                # tokens) in its own memory, dropped the moment Redis reports them changed; 0: off.
                "NEAR_CACHE_ENTRIES": env_int("PAGE_CACHE_LOCAL_ENTRIES", 2000),
            },
        },
        # Partners' view counts until they are written: never evicted to make room for pages.
        # They carry no expiry, so a Redis with maxmemory-policy noeviction or volatile-*
        # keeps them (docs/operations.md); REPUBLICATION_REDIS_URL may name a Redis of their own.
        "counts": {
            "BACKEND": "pagecache.backends.RedisCache",
            "LOCATION": env_str("REPUBLICATION_REDIS_URL", REDIS_URL),
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "newsroom"),
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        },
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "newsroom",
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "newsroom"),
            "OPTIONS": {"MAX_ENTRIES": 5000},
        },
        # Counts apart from pages, so that caching pages never culls them; the caps on what one
        # address may add keep them few, so this limit is never reached.
        "counts": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "newsroom-counts",
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "newsroom"),
            "OPTIONS": {"MAX_ENTRIES": 1_000_000},
        },
    }

# Whole pages for anonymous readers (pagecache/). The cache is consulted before any
# database query, so it keeps serving readers through a database outage.
PAGE_CACHE = env_bool("PAGE_CACHE", True)
PAGE_CACHE_ALIAS = "default"
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 600)
# A CDN keeps a page this long (s-maxage), browsers this long (max-age, then a conditional GET),
# and either may serve it this much longer while fetching a fresh copy (stale-while-revalidate).
PAGE_CACHE_CDN_SECONDS = env_int("PAGE_CACHE_CDN_SECONDS", 60)
PAGE_CACHE_BROWSER_SECONDS = env_int("PAGE_CACHE_BROWSER_SECONDS", 0)
PAGE_CACHE_STALE_SECONDS = env_int("PAGE_CACHE_STALE_SECONDS", 30)

# Sessions in PostgreSQL by default; "django.contrib.sessions.backends.cached_db" adds Redis.
SESSION_ENGINE = env_str("SESSION_ENGINE", "django.contrib.sessions.backends.db")

# Media on any Django storage: the local disk, or S3-compatible object storage (django-storages).
MEDIA_STORAGE = env_str("MEDIA_STORAGE", "filesystem")
if MEDIA_STORAGE == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,
            "region_name": env_str("AWS_S3_REGION_NAME") or None,
            "access_key": env_str("AWS_ACCESS_KEY_ID") or None,
            "secret_key": env_str("AWS_SECRET_ACCESS_KEY") or None,
            "custom_domain": env_str("AWS_S3_CUSTOM_DOMAIN") or None,
            "location": env_str("AWS_LOCATION"),
            # Published photos are public: plain, cacheable URLs rather than expiring signed ones.
            "querystring_auth": env_bool("AWS_QUERYSTRING_AUTH", False),
            "default_acl": env_str("AWS_DEFAULT_ACL") or None,
            "file_overwrite": False,
        },
    }
    if not STORAGES["default"]["OPTIONS"]["bucket_name"]:
        raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME.")
elif MEDIA_STORAGE != "filesystem":
    raise ImproperlyConfigured(f"MEDIA_STORAGE must be filesystem or s3, not {MEDIA_STORAGE!r}.")

# An optional read replica: public reads go to it, writes and the staff's requests to the primary.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL,
        conn_max_age=env_int("CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
    # Tests use one database for both, as if replication were instant.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["newsroom.db_routers.ReplicaRouter"]
    MIDDLEWARE.insert(0, "newsroom.db_routers.PrimaryForStaffMiddleware")

# The benchmark serves its hello-world view through bench/urls.py (docs/operations.md, "Benchmark").
ROOT_URLCONF = env_str("ROOT_URLCONF", ROOT_URLCONF)
