"""Settings classes, read from the environment (see README: Environment).

`load_config()` picks the class by APP_ENV. Production validates its settings at start-up
and refuses to run without what it needs, so a mis-deployed server fails loudly instead of
signing tokens with a throwaway key or letting anyone log in with a development code.
"""
import os
import secrets
from pathlib import Path

from limits import parse_many
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"
TEMPLATE_PREFIX = "WECHAT_TEMPLATE_"
ENV_VERSIONS = ("release", "trial", "develop")  # builds a mini-program code may open
SMS_PROVIDERS = ("tencent",)  # app/notifications/sms_provider.py
LOGIN_LIMITS = ("LOGIN_LIMIT_PER_ADDRESS", "LOGIN_FAILURES_PER_ADDRESS", "LOGIN_FAILURES_PER_CODE")


class ConfigError(RuntimeError):
    """A setting is missing or wrong; the message says which and how to fix it."""


def _env(name, default=None):
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _int_env(name, default):
    return _number_env(name, default, int, "a whole number")


def _float_env(name, default):
    return _number_env(name, default, float, "a number")


def _number_env(name, default, kind, described):
    value = _env(name)
    if value is None:
        return default
    try:
        return kind(value)
    except ValueError:
        raise ConfigError(f"{name} must be {described}, got {value!r}") from None


def _local_secret_key():
    """Development's key: made once and kept in instance/, so every worker process and every
    restart signs tokens alike (a key per process would sign people out at random)."""
    path = INSTANCE / "secret_key"
    if not path.exists():
        INSTANCE.mkdir(parents=True, exist_ok=True)
        try:
            with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as handle:
                handle.write(secrets.token_hex(32))
        except FileExistsError:  # another worker made it first
            pass
    return path.read_text().strip()


class BaseConfig:
    APP_ENV = "development"
    TESTING = False
    DEBUG = False

    def __init__(self):
        self.SQLALCHEMY_DATABASE_URI = _env("DATABASE_URL", f"sqlite:///{INSTANCE / 'yuanba.db'}")
        self.REDIS_URL = _env("REDIS_URL")
        self.SECRET_KEY = _env("SECRET_KEY")
        self.WECHAT_APPID = _env("WECHAT_APPID")
        self.WECHAT_SECRET = _env("WECHAT_SECRET")
        self.WECHAT_API_BASE = _env("WECHAT_API_BASE", "https://api.weixin.qq.com").rstrip("/")
        # A slow WeChat must not hold a worker thread: connect/read timeout in seconds.
        self.WECHAT_TIMEOUT = _float_env("WECHAT_TIMEOUT", 5.0)
        self.MEDIA_ROOT = _env("MEDIA_ROOT", str(INSTANCE / "media"))
        # The Chinese font PDFs are printed in (app/printing/fonts.py); unset: searched for.
        self.PDF_FONT = _env("PDF_FONT")
        # The desk console's Vite build, served at /console/ (app/console.py).
        self.CONSOLE_DIST = _env("CONSOLE_DIST", str(ROOT / "console" / "dist"))
        # Photos (app/media): bytes and pixels refused beyond these (pixels are read from the
        # header, so a decompression bomb is refused before it is decoded); the stored
        # original's longest side is scaled down to MEDIA_MAX_SIDE.
        self.MEDIA_MAX_BYTES = _int_env("MEDIA_MAX_BYTES", 10 * 1024 * 1024)
        self.MEDIA_MAX_PIXELS = _int_env("MEDIA_MAX_PIXELS", 40_000_000)
        self.MEDIA_MAX_SIDE = _int_env("MEDIA_MAX_SIDE", 2560)
        # S3-compatible object storage instead of MEDIA_ROOT, iff a bucket is named.
        self.MEDIA_S3_BUCKET = _env("MEDIA_S3_BUCKET")
        self.MEDIA_S3_ENDPOINT_URL = _env("MEDIA_S3_ENDPOINT_URL")
        self.MEDIA_S3_ACCESS_KEY = _env("MEDIA_S3_ACCESS_KEY")
        self.MEDIA_S3_SECRET_KEY = _env("MEDIA_S3_SECRET_KEY")
        self.MEDIA_S3_REGION = _env("MEDIA_S3_REGION", "us-east-1")
        self.MEDIA_S3_ADDRESSING_STYLE = _env("MEDIA_S3_ADDRESSING_STYLE", "auto")
        self.TOKEN_TTL_SECONDS = _int_env("TOKEN_TTL_SECONDS", 7 * 24 * 3600)
        self.JOIN_CODE_TTL_DAYS = _int_env("JOIN_CODE_TTL_DAYS", 14)
        # Sign-in limits (README: Security, Limits). Before WeChat answers, nobody is known but
        # the address and the code, and one address may be a courtyard's Wi-Fi or a carrier's
        # shared address (CGNAT): successful sign-ins get a ceiling no crowd reaches; what
        # tells abuse is refused ones (a code WeChat does not know, or a used one), counted per
        # address and per code.
        self.LOGIN_LIMIT_PER_ADDRESS = _env("LOGIN_LIMIT_PER_ADDRESS", "600 per minute")
        self.LOGIN_FAILURES_PER_ADDRESS = _env("LOGIN_FAILURES_PER_ADDRESS", "60 per minute")
        self.LOGIN_FAILURES_PER_CODE = _env("LOGIN_FAILURES_PER_CODE", "3 per 5 minutes")
        self.MAX_CONTENT_LENGTH = _int_env("MAX_CONTENT_LENGTH", 10 * 1024 * 1024)
        # The database pool of each process (README: Production, PostgreSQL). A gthread worker's
        # threads share one pool, so it holds a connection per thread; a request that still
        # finds none free within DB_POOL_TIMEOUT seconds answers 503 instead of hanging.
        self.DB_POOL_SIZE = _int_env("DB_POOL_SIZE", _int_env("GUNICORN_THREADS", 4))
        self.DB_MAX_OVERFLOW = _int_env("DB_MAX_OVERFLOW", 2)
        self.DB_POOL_TIMEOUT = _float_env("DB_POOL_TIMEOUT", 10.0)
        self.DB_POOL_RECYCLE = _int_env("DB_POOL_RECYCLE", 1800)
        # A round trip per request that makes a dropped connection a retry rather than a 503
        # (bench/README.md: about a tenth of a simple read's time); 0 turns it off.
        self.DB_POOL_PRE_PING = bool(_int_env("DB_POOL_PRE_PING", 1))
        # PostgreSQL cancels a statement running longer (0: no limit). A gthread worker is not
        # restarted for one stuck thread, so a runaway query would hold it for good.
        self.DB_STATEMENT_TIMEOUT_MS = _int_env("DB_STATEMENT_TIMEOUT_MS", 30000)
        # Built from the DB_* settings in validate() unless set (tests pass their own).
        self.SQLALCHEMY_ENGINE_OPTIONS = None
        # Jobs run in-process unless Redis is configured (decided in validate()).
        self.JOBS_INLINE = None
        # rq workers (app/jobs.py): housekeeping (the outbox sweep, lost poll jobs) every so many
        # seconds, jobs or no jobs; the longest wait between attempts to reach Redis again.
        self.WORKER_HOUSEKEEPING_SECONDS = _int_env("WORKER_HOUSEKEEPING_SECONDS", 60)
        self.WORKER_RECONNECT_MAX_SECONDS = _int_env("WORKER_RECONNECT_MAX_SECONDS", 30)
        # Subscribe-message templates: WECHAT_TEMPLATE_<KIND>=<template id> and optionally
        # WECHAT_TEMPLATE_<KIND>_FIELDS=thing1=title,time2=time (app/notifications/templates.py).
        self.WECHAT_TEMPLATES = {
            name[len(TEMPLATE_PREFIX):].lower(): value for name, value in os.environ.items()
            if name.startswith(TEMPLATE_PREFIX) and value
        }
        # Token of the mini-program's message push (消息推送, plaintext JSON mode): WeChat signs
        # its callbacks (image check verdicts) with it. Unset: the push endpoint answers 404.
        self.WECHAT_PUSH_TOKEN = _env("WECHAT_PUSH_TOKEN")
        # Which build of the mini-program a subscribe message opens: formal, trial or developer.
        self.WECHAT_MINIPROGRAM_STATE = _env("WECHAT_MINIPROGRAM_STATE", "formal")
        # Which build the check-in mini-program code opens: release, trial or develop.
        self.WECHAT_ENV_VERSION = _env("WECHAT_ENV_VERSION", "release")
        # Times in messages to residents are written in this zone.
        self.TIME_ZONE = _env("TIME_ZONE", "Asia/Shanghai")
        # SMS for households WeChat does not reach (app/notifications/sms.py): off unless a
        # provider is named. Templates: a JSON object, notification kind → approved template id
        # (or {"id", "sign_name", "params"}); each household gets at most SMS_DAILY_LIMIT a day.
        self.SMS_PROVIDER = _env("SMS_PROVIDER", "")
        self.SMS_ENDPOINT = _env("SMS_ENDPOINT", "sms.tencentcloudapi.com")
        self.SMS_REGION = _env("SMS_REGION", "ap-guangzhou")
        self.SMS_SECRET_ID = _env("SMS_SECRET_ID")
        self.SMS_SECRET_KEY = _env("SMS_SECRET_KEY")
        self.SMS_SDK_APP_ID = _env("SMS_SDK_APP_ID")
        self.SMS_SIGN_NAME = _env("SMS_SIGN_NAME")
        self.SMS_TEMPLATES = _env("SMS_TEMPLATES", "{}")
        self.SMS_DAILY_LIMIT = _int_env("SMS_DAILY_LIMIT", 3)
        self.SMS_PARAM_MAX_LENGTH = _int_env("SMS_PARAM_MAX_LENGTH", 12)
        self.SMS_TIMEOUT = _float_env("SMS_TIMEOUT", 5.0)

    # flask-smorest / OpenAPI
    API_TITLE = "院坝 Yuanba API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api"
    OPENAPI_JSON_PATH = "openapi.json"
    OPENAPI_SWAGGER_UI_PATH = "docs"
    # Served from the swagger-ui-bundle package: no CDN needed (many deployments have none).
    OPENAPI_SWAGGER_UI_URL = "/api/docs/static/"
    API_SPEC_OPTIONS = {
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}
        },
        "security": [{"bearerAuth": []}],
    }
    JSON_AS_ASCII = False

    def _engine_options(self):
        """Pre-ping (a connection the database dropped is replaced, not failed on), the pool
        sizes, and PostgreSQL's statement timeout. SQLite in memory keeps SQLAlchemy's own
        single-connection pool, which takes no sizes."""
        options = {"pool_pre_ping": self.DB_POOL_PRE_PING}
        url = make_url(self.SQLALCHEMY_DATABASE_URI)
        backend = url.get_backend_name()
        in_memory = backend == "sqlite" and (url.database in (None, "", ":memory:")
                                             or url.query.get("mode") == "memory")
        if not in_memory:
            options.update(pool_size=self.DB_POOL_SIZE, max_overflow=self.DB_MAX_OVERFLOW,
                           pool_timeout=self.DB_POOL_TIMEOUT, pool_recycle=self.DB_POOL_RECYCLE)
        if backend == "postgresql" and self.DB_STATEMENT_TIMEOUT_MS > 0:
            # Appended to any `options` the URL carries (search_path, say) rather than replacing them.
            timeout = f"-c statement_timeout={self.DB_STATEMENT_TIMEOUT_MS}"
            options["connect_args"] = {"options": " ".join(filter(None, (url.query.get("options"), timeout)))}
        return options

    @property
    def dev_login_enabled(self):
        return not self.WECHAT_APPID and self.APP_ENV != "production"

    def validate(self):
        """Fill in what development may default, refuse what production may not."""
        if not self.SECRET_KEY:
            self.SECRET_KEY = _local_secret_key()
        if self.JOBS_INLINE is None:
            self.JOBS_INLINE = not self.REDIS_URL
        if self.SQLALCHEMY_ENGINE_OPTIONS is None:
            self.SQLALCHEMY_ENGINE_OPTIONS = self._engine_options()
        for name in LOGIN_LIMITS:
            try:
                parse_many(getattr(self, name))
            except ValueError:
                raise ConfigError(f"{name} must be a rate limit such as '60 per minute', "
                                  f"got {getattr(self, name)!r}") from None
        if bool(self.WECHAT_APPID) != bool(self.WECHAT_SECRET):
            raise ConfigError("WECHAT_APPID and WECHAT_SECRET must be set together")
        self._check_at_least(1, "WORKER_HOUSEKEEPING_SECONDS", "WORKER_RECONNECT_MAX_SECONDS", unit=" (seconds)")
        self._validate_sms()
        self._check_one_of("WECHAT_ENV_VERSION", ENV_VERSIONS)
        return self

    def _validate_sms(self):
        if not self.SMS_PROVIDER:
            return
        self._check_one_of("SMS_PROVIDER", SMS_PROVIDERS, off="empty (off)")
        missing = self._missing("SMS_SECRET_ID", "SMS_SECRET_KEY", "SMS_SDK_APP_ID")
        if missing:
            raise ConfigError(f"SMS_PROVIDER is set: set {', '.join(missing)} too")
        self._check_at_least(1, "SMS_DAILY_LIMIT", "SMS_PARAM_MAX_LENGTH")  # templates: in create_app

    # The checks settings share, each raising a ConfigError that names the setting.

    def _missing(self, *names):
        return [name for name in names if not getattr(self, name)]

    def _check_at_least(self, minimum, *names, unit=""):
        for name in names:
            if getattr(self, name) < minimum:
                raise ConfigError(f"{name} must be at least {minimum}{unit}")

    def _check_one_of(self, name, allowed, off=None):
        """`off`: how to write the value that turns the feature off, when one does."""
        value = getattr(self, name)
        if value not in allowed:
            raise ConfigError(f"{name} must be {f'{off} or ' if off else ''}one of {', '.join(allowed)}, "
                              f"got {value!r}")


class DevelopmentConfig(BaseConfig):
    APP_ENV = "development"


class TestingConfig(BaseConfig):
    APP_ENV = "testing"
    TESTING = True


class ProductionConfig(BaseConfig):
    APP_ENV = "production"

    def validate(self):
        missing = self._missing("SECRET_KEY", "WECHAT_APPID", "WECHAT_SECRET")
        if missing:
            raise ConfigError(
                "production refuses to start: set " + ", ".join(missing)
                + " in the environment (see README, Production)"
            )
        if len(self.SECRET_KEY) < 32:
            raise ConfigError("production refuses to start: SECRET_KEY must be at least 32 characters")
        if self.SQLALCHEMY_DATABASE_URI.startswith("sqlite"):
            raise ConfigError("production refuses to start: set DATABASE_URL to PostgreSQL")
        return super().validate()


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def load_config(app_env=None):
    app_env = app_env or _env("APP_ENV", "development")
    if app_env not in CONFIGS:
        raise ConfigError(f"APP_ENV must be one of {', '.join(CONFIGS)}, got {app_env!r}")
    return CONFIGS[app_env]().validate()
