"""Django settings for Continuum.

Everything that differs between a laptop, CI and production comes from the environment:
DEBUG, SECRET_KEY, DATABASE_URL, ALLOWED_HOSTS, CSRF_TRUSTED_ORIGINS, the EMAIL_* variables and
CONTINUUM_VAR_DIR. With DEBUG on (`make run`, `make test`) a secret key is generated once into var/.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

from continuum.portal.private_files import close_var_dir

BASE_DIR = Path(__file__).resolve().parent
REPO_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("CONTINUUM_VAR_DIR", REPO_DIR / "var"))
# Files at rest (the SQLite database, agency datasets, letters, work files, keys) are readable by the service
# alone: created 0600 in 0700 folders by every process, and var/ closed on start (portal/private_files.py).
close_var_dir(VAR_DIR)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _local_secret_key(name: str = "secret_key") -> str:
    """A development key kept outside the repository, so none is ever committed."""
    path = VAR_DIR / name
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY") or (_local_secret_key() if DEBUG else "")
if not SECRET_KEY:
    raise RuntimeError(
        "SECRET_KEY must be set in the environment when DEBUG is off (DEBUG=1 for development)."
    )
if not DEBUG and (
    len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure")
):
    # Django only warns (security.W009); a guessable key forges sessions and password-reset links, so refuse.
    raise RuntimeError(
        "SECRET_KEY is too weak for production: use at least 50 random characters, e.g. "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "continuum.accounts",
    "continuum.agencies",
    "continuum.audit",
    "continuum.portal",
    "continuum.catalog",
    "continuum.intake",
    "continuum.sites",
    "continuum.workplans",
    "continuum.delivery",
    "continuum.assessment",
    "continuum.reports",
    "continuum.critac",
    "continuum.feedback",
    "continuum.metrics",
    "continuum.datasets",
    "continuum.api",
    "continuum.notifications",
    "continuum.demo",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_htmx",
    "rules.apps.AutodiscoverRulesConfig",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "django_tasks_db",
    "ninja",  # serves Swagger UI from our own static files (no CDN)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "continuum.portal.middleware.RejectNulMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "continuum.accounts.middleware.SessionSecurityMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out log-in into the lock-out page
]

ROOT_URLCONF = "continuum.urls"
WSGI_APPLICATION = "continuum.wsgi.application"

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
                "continuum.portal.context_processors.navigation",
            ],
        },
    },
]
FORM_RENDERER = "continuum.portal.forms.USWDSRenderer"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'continuum.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # WAL lets the web server and the task worker read while the other writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out accounts before any password check
    "rules.permissions.ObjectPermissionBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portal:workspace"
LOGOUT_REDIRECT_URL = "portal:home"

# django-allauth: accounts are issued by administrators; people sign in with their e-mail address.
ACCOUNT_ADAPTER = "continuum.accounts.adapter.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Continuum] "
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_SESSION_REMEMBER = False
# django-axes is the one lock-out mechanism (below), for passwords and second-factor codes alike
# (continuum.accounts.forms); allauth's own limit on failed log-ins would be a second.
ACCOUNT_RATE_LIMITS = {"login_failed": False}

# Two factors (allauth.mfa): an authenticator app (TOTP) with recovery codes; required for MFA_ROLES
# (continuum.accounts.security) by continuum.accounts.middleware.
MFA_ADAPTER = "continuum.accounts.adapter.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_FORMS = {
    "authenticate": "continuum.accounts.forms.CountedAuthenticateForm",
    "reauthenticate": "continuum.accounts.forms.CountedReauthenticateForm",
}
MFA_TOTP_ISSUER = "Continuum (COPS Office)"
MFA_TOTP_TOLERANCE = 1  # one 30-second step either side, for phones whose clocks drift
if DEBUG:
    # `make run` sets this so the demo's staff and provider log-ins work without an authenticator app;
    # allauth refuses it when DEBUG is off.
    MFA_TOTP_INSECURE_BYPASS_CODE = os.environ.get("CONTINUUM_DEMO_MFA_CODE") or None

# django-axes: five failed log-ins lock the account for 15 minutes (NIST AC-7).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=15)
# Personal API tokens expire: sooner for the roles that must sign in with a second factor.
API_TOKEN_DAYS = int(os.environ.get("API_TOKEN_DAYS", "90"))
API_TOKEN_DAYS_MFA = int(os.environ.get("API_TOKEN_DAYS_MFA", "30"))
# How long an agency has for its factual-accuracy review of a draft report, unless staff set another period.
FACTUAL_REVIEW_DAYS = int(os.environ.get("CONTINUUM_FACTUAL_REVIEW_DAYS", "30"))
# Business days within which program staff first contact an agency that asked for assistance (the "Needs your
# attention" list flags an open request past it), and days the chief executive is given to review a work plan.
CONTACT_TARGET_BUSINESS_DAYS = int(os.environ.get("CONTINUUM_CONTACT_TARGET_BUSINESS_DAYS", "5"))
PLAN_REVIEW_DAYS = int(os.environ.get("CONTINUUM_PLAN_REVIEW_DAYS", "14"))
# Days an invitation to join Continuum stays valid (a resend starts a new period).
INVITATION_DAYS = int(os.environ.get("CONTINUUM_INVITATION_DAYS", "7"))
# The lock is keyed on the account from one client address: a stranger's wrong passwords lock the account for
# the stranger's address only, so nobody can keep the owner locked out (issue 20); attempts during a lock do
# not extend it. allauth still throttles log-ins per address (30 a minute) in the shared cache.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "continuum.accounts.clients.axes_client_address"
AXES_USERNAME_CALLABLE = "continuum.accounts.security.attempted_email"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "account/locked_out.html"
AXES_VERBOSE = False

SESSION_COOKIE_AGE = 60 * 60 * 8  # absolute: a working day, then sign in again
SESSION_IDLE_TIMEOUT = int(os.environ.get("SESSION_IDLE_TIMEOUT", str(30 * 60)))  # seconds without a request
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# The client's address: behind TRUSTED_PROXY_COUNT reverse proxies (the TLS proxy production runs behind) it
# is the one the nearest trusted proxy appended to X-Forwarded-For, never a value the client wrote itself.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT

# One cache shared by every web process and worker: used second-factor codes, log-in and submission limits
# must hold across processes (issue 20). Redis when CACHE_URL names one (production), else a table in the
# database (created by `manage.py createcachetable`, and by the test runner). Public pages are cached per
# process ("pages"): they are the same for everyone and cheap to render again.
CACHE_URL = os.environ.get("CACHE_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL.startswith(("redis://", "rediss://"))
        else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "continuum_cache"}
    ),
    "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "public-pages"},
}

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Content Security Policy: only our own files; no inline script or style.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

LANGUAGE_CODE = "en-us"
TIME_ZONE = "America/New_York"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = DEBUG
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
# Public pages (site lists, site pages, the reports list) for visitors not signed in: rendered at most once a
# minute per web process (continuum.portal.caching); a published change shows up at most that late.
PUBLIC_PAGE_CACHE_SECONDS = int(os.environ.get("PUBLIC_PAGE_CACHE_SECONDS", "60"))
# Work folders of analysis jobs (DuckDB files, spill): the platform's own, swept after a crash (sweep_orphans).
os.environ.setdefault("CONTINUUM_WORK_DIR", str(VAR_DIR / "work"))
# Uploads live outside the web root; every download goes through a permission-checked view.
MEDIA_ROOT = Path(os.environ.get("CONTINUUM_MEDIA_ROOT", VAR_DIR / "uploads"))
# Published reports' PDF and Word files, rendered once (reports/published_files.py); safe to delete.
REPORT_FILES_DIR = Path(os.environ.get("CONTINUUM_REPORT_FILES_DIR", VAR_DIR / "report-files"))
# Large uploads spool to unnamed temporary files: a server killed mid-upload leaves no partial file behind.
# Authenticates backups (HMAC of the manifest); never inside one. Required in production, kept apart from the
# backups; in development generated into var/backup-key, which backups leave out.
BACKUP_KEY = os.environ.get("CONTINUUM_BACKUP_KEY") or (_local_secret_key("backup-key") if DEBUG else "")
FILE_UPLOAD_PERMISSIONS, FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o600, 0o700
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "continuum.portal.uploads.UnnamedTemporaryFileUploadHandler",
]

# Console e-mail in development; production sends through SMTP (EMAIL_HOST, EMAIL_PORT, EMAIL_USER,
# EMAIL_PASSWORD, EMAIL_USE_TLS) unless EMAIL_BACKEND names another backend.
if os.environ.get("EMAIL_BACKEND") or DEBUG:
    MAILERS = {
        "default": {
            "BACKEND": os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
        }
    }
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ.get("EMAIL_HOST", "localhost"),
                "port": int(os.environ.get("EMAIL_PORT", "587")),
                "username": os.environ.get("EMAIL_USER", ""),
                "password": os.environ.get("EMAIL_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
            },
        }
    }
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Continuum <no-reply@continuum.example.gov>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # WeasyPrint narrates every rendering step at INFO; only its warnings matter.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}
