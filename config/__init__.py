"""Settings classes, read from the environment (see README: Environment).

`load_config()` picks the class by APP_ENV. Production validates its settings at start-up
and refuses to run without what it needs, so a mis-deployed server fails loudly instead of
signing tokens with a throwaway key or letting anyone log in with a development code.
"""
import os
import re
import secrets
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from environs import Env, EnvValidationError
from limits import parse_many
from marshmallow import ValidationError, validate
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"
TEMPLATE_PREFIX = "WECHAT_TEMPLATE_"
ENV_VERSIONS = ("release", "trial", "develop")  # builds a mini-program code may open
MINIPROGRAM_STATES = ("formal", "trial", "developer")  # builds a subscribe message may open
SMS_PROVIDERS = ("tencent",)  # app/notifications/sms_provider.py
LOGIN_LIMITS = ("LOGIN_LIMIT_PER_ADDRESS", "LOGIN_FAILURES_PER_ADDRESS", "LOGIN_FAILURES_PER_CODE")
LOG_FORMATS = ("json", "text")  # app/logs.py
S3_ADDRESSING_STYLES = ("auto", "path", "virtual")  # app/media/storage.py


class ConfigError(RuntimeError):
    """A setting is missing or wrong; the message says which and how to fix it."""


class _Environment(Env):
    """environs' reader, with a variable set to the empty string taken as unset: env files and
    compose files write `NAME=` for "not set", and that must give the default, not a parse error."""

    def _get_value(self, env_key, default):
        value = super()._get_value(env_key, default)
        return default if value == "" else value


WHOLE = {"invalid": "must be a whole number, got {input!r}", "too_large": "is too large, got {input!r}"}
NUMBER = {"invalid": "must be a number, got {input!r}", "special": "must be a number, not nan or infinity"}


def _at_least(minimum, unit=""):
    return validate.Range(min=minimum, error=f"must be at least {{min}}{unit}, got {{input}}")


def _one_of(allowed, off=None):
    """`off`: how to write the value that turns the feature off, when one does."""
    return validate.OneOf(allowed, error=f"must be {f'{off} or ' if off else ''}one of {{choices}}, got {{input!r}}")


def _rule(check, expected, show=True):
    """A validator from a predicate; `show=False` keeps a secret's value out of the message."""
    def rule(value):
        if not check(value):
            raise ValidationError(f"must be {expected}" + (f", got {value!r}" if show else ""))
    return rule


def _parses(parse, *errors):
    def check(value):
        try:
            parse(value)
        except errors:
            return False
        return True
    return check


def _url(*schemes):
    return lambda value: (lambda url: url.scheme in schemes and bool(url.netloc or url.path))(urlsplit(value))


POSITIVE_SECONDS = validate.Range(min=0, min_inclusive=False, error="must be more than 0 (seconds), got {input}")
IS_HTTP_URL = _url("http", "https")
HTTP_URL = _rule(IS_HTTP_URL, "an http(s) URL")
NOT_A_FILE = _rule(lambda value: not Path(value).exists() or Path(value).is_dir(), "a directory")
REGION = validate.Regexp(r"^[a-z0-9]+(-[a-z0-9]+)*$", error="must be a region name such as ap-guangzhou, got {input!r}")
RATE_LIMIT = _rule(_parses(parse_many, ValueError), "a rate limit such as '60 per minute'")
# The rules on a setting's value, by variable. __init__ applies them to what the environment
# says; validate() applies them again to the attributes, which tests and tools may set directly.
RULES = {
    "DATABASE_URL": [_rule(_parses(make_url, ArgumentError, ValueError),
                           "an SQLAlchemy URL such as postgresql://user:password@host/yuanba", show=False)],
    "REDIS_URL": [_rule(_url("redis", "rediss", "unix"), "a redis://, rediss:// or unix:// URL", show=False)],
    "WECHAT_API_BASE": [HTTP_URL],
    "WECHAT_TIMEOUT": [POSITIVE_SECONDS],
    "MEDIA_ROOT": [NOT_A_FILE],
    "PDF_FONT": [_rule(lambda value: Path(value).is_file(), "a font file that exists")],
    "CONSOLE_DIST": [NOT_A_FILE],
    "MEDIA_MAX_BYTES": [_at_least(1)],
    "MEDIA_MAX_PIXELS": [_at_least(1)],
    "MEDIA_MAX_SIDE": [_at_least(1)],
    "MEDIA_S3_BUCKET": [validate.Regexp(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", error=(
        "must be a bucket name: 3 to 63 lowercase letters, digits, dots and hyphens, got {input!r}"))],
    "MEDIA_S3_ENDPOINT_URL": [HTTP_URL],
    "MEDIA_S3_REGION": [REGION],
    "MEDIA_S3_ADDRESSING_STYLE": [_one_of(S3_ADDRESSING_STYLES)],
    "TOKEN_TTL_SECONDS": [_at_least(1)],
    "JOIN_CODE_TTL_DAYS": [_at_least(1)],
    **{name: [RATE_LIMIT] for name in LOGIN_LIMITS},
    "MAX_CONTENT_LENGTH": [_at_least(1)],
    "GUNICORN_THREADS": [_at_least(1)],
    "DB_POOL_SIZE": [_at_least(1)],
    "DB_MAX_OVERFLOW": [_at_least(-1, " (-1: no limit)")],
    "DB_POOL_TIMEOUT": [POSITIVE_SECONDS],
    "DB_POOL_RECYCLE": [_at_least(-1, " (-1: never)")],
    "DB_STATEMENT_TIMEOUT_MS": [_at_least(0, " (0: no limit)")],
    "WORKER_HOUSEKEEPING_SECONDS": [_at_least(1, " (seconds)")],
    "WORKER_RECONNECT_MAX_SECONDS": [_at_least(1, " (seconds)")],
    "WECHAT_PUSH_TOKEN": [validate.Length(3, 32, error="must be {min} to {max} characters, as WeChat's "
                                                       "message push settings require")],
    "WECHAT_MINIPROGRAM_STATE": [_one_of(MINIPROGRAM_STATES)],
    "WECHAT_ENV_VERSION": [_one_of(ENV_VERSIONS)],
    "TIME_ZONE": [_rule(_parses(ZoneInfo, ZoneInfoNotFoundError, ValueError), "a time zone such as Asia/Shanghai")],
    "SMS_PROVIDER": [_one_of(SMS_PROVIDERS, off="empty (off)")],
    "SMS_ENDPOINT": [_rule(lambda value: IS_HTTP_URL(value) if "://" in value
                           else re.fullmatch(r"[A-Za-z0-9.-]+(:\d+)?", value), "a host name or an http(s) URL")],
    "SMS_REGION": [REGION],
    "SMS_SDK_APP_ID": [validate.Regexp(r"^\d+$", error="must be the SdkAppId's digits, got {input!r}")],
    "SMS_DAILY_LIMIT": [_at_least(1)],
    "SMS_PARAM_MAX_LENGTH": [_at_least(1)],
    "SMS_TIMEOUT": [POSITIVE_SECONDS],
    "LOG_FORMAT": [_one_of(LOG_FORMATS)],
    "METRICS_TOKEN": [validate.Length(min=32, error="must be at least {min} characters (or unset: no /metrics)")],
}
# The attribute a variable sets, where the two names differ.
ATTRIBUTES = {"DATABASE_URL": "SQLALCHEMY_DATABASE_URI"}


def _refuse(errors):
    """One ConfigError naming every bad variable: a deploy is fixed in one go, not one per restart."""
    raise ConfigError("; ".join(f"{name} {message}" for name, messages in errors.items() for message in messages))


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


class _Reader:
    """Reads the variables with environs, each checked by its RULES; close() refuses every bad
    value at once."""

    def __init__(self):
        self.env = _Environment(eager=False)

    def text(self, name, default=None):
        return self.env.str(name, default, validate=RULES.get(name))

    def whole(self, name, default):
        return self.env.int(name, default, validate=RULES.get(name), error_messages=WHOLE)

    def number(self, name, default):
        return self.env.float(name, default, validate=RULES.get(name), error_messages=NUMBER)

    def flag(self, name, default):
        return self.env.bool(name, default, error_messages={"invalid": "must be 1 or 0, got {input!r}"})

    def close(self):
        try:
            self.env.seal()
        except EnvValidationError as error:
            _refuse(error.error_messages)


class BaseConfig:
    APP_ENV = "development"
    TESTING = False
    DEBUG = False

    def __init__(self):
        read = _Reader()
        self.SQLALCHEMY_DATABASE_URI = read.text("DATABASE_URL", f"sqlite:///{INSTANCE / 'yuanba.db'}")
        self.REDIS_URL = read.text("REDIS_URL")
        self.SECRET_KEY = read.text("SECRET_KEY")
        self.WECHAT_APPID = read.text("WECHAT_APPID")
        self.WECHAT_SECRET = read.text("WECHAT_SECRET")
        self.WECHAT_API_BASE = read.text("WECHAT_API_BASE", "https://api.weixin.qq.com")
        # A slow WeChat must not hold a worker thread: connect/read timeout in seconds.
        self.WECHAT_TIMEOUT = read.number("WECHAT_TIMEOUT", 5.0)
        self.MEDIA_ROOT = read.text("MEDIA_ROOT", str(INSTANCE / "media"))
        # The Chinese font PDFs are printed in (app/printing/fonts.py); unset: searched for.
        self.PDF_FONT = read.text("PDF_FONT")
        # The desk console's Vite build, served at /console/ (app/console.py).
        self.CONSOLE_DIST = read.text("CONSOLE_DIST", str(ROOT / "console" / "dist"))
        # Photos (app/media): bytes and pixels refused beyond these (pixels are read from the
        # header, so a decompression bomb is refused before it is decoded); the stored
        # original's longest side is scaled down to MEDIA_MAX_SIDE.
        self.MEDIA_MAX_BYTES = read.whole("MEDIA_MAX_BYTES", 10 * 1024 * 1024)
        self.MEDIA_MAX_PIXELS = read.whole("MEDIA_MAX_PIXELS", 40_000_000)
        self.MEDIA_MAX_SIDE = read.whole("MEDIA_MAX_SIDE", 2560)
        # S3-compatible object storage instead of MEDIA_ROOT, iff a bucket is named.
        self.MEDIA_S3_BUCKET = read.text("MEDIA_S3_BUCKET")
        self.MEDIA_S3_ENDPOINT_URL = read.text("MEDIA_S3_ENDPOINT_URL")
        self.MEDIA_S3_ACCESS_KEY = read.text("MEDIA_S3_ACCESS_KEY")
        self.MEDIA_S3_SECRET_KEY = read.text("MEDIA_S3_SECRET_KEY")
        self.MEDIA_S3_REGION = read.text("MEDIA_S3_REGION", "us-east-1")
        self.MEDIA_S3_ADDRESSING_STYLE = read.text("MEDIA_S3_ADDRESSING_STYLE", "auto")
        self.TOKEN_TTL_SECONDS = read.whole("TOKEN_TTL_SECONDS", 7 * 24 * 3600)
        self.JOIN_CODE_TTL_DAYS = read.whole("JOIN_CODE_TTL_DAYS", 14)
        # Sign-in limits (README: Security, Limits). Before WeChat answers, nobody is known but
        # the address and the code, and one address may be a courtyard's Wi-Fi or a carrier's
        # shared address (CGNAT): successful sign-ins get a ceiling no crowd reaches; what
        # tells abuse is refused ones (a code WeChat does not know, or a used one), counted per
        # address and per code.
        self.LOGIN_LIMIT_PER_ADDRESS = read.text("LOGIN_LIMIT_PER_ADDRESS", "600 per minute")
        self.LOGIN_FAILURES_PER_ADDRESS = read.text("LOGIN_FAILURES_PER_ADDRESS", "60 per minute")
        self.LOGIN_FAILURES_PER_CODE = read.text("LOGIN_FAILURES_PER_CODE", "3 per 5 minutes")
        self.MAX_CONTENT_LENGTH = read.whole("MAX_CONTENT_LENGTH", 10 * 1024 * 1024)
        # The database pool of each process (README: Production, PostgreSQL). A gthread worker's
        # threads share one pool, so it holds a connection per thread; a request that still
        # finds none free within DB_POOL_TIMEOUT seconds answers 503 instead of hanging.
        self.DB_POOL_SIZE = read.whole("DB_POOL_SIZE", read.whole("GUNICORN_THREADS", 4))
        self.DB_MAX_OVERFLOW = read.whole("DB_MAX_OVERFLOW", 2)
        self.DB_POOL_TIMEOUT = read.number("DB_POOL_TIMEOUT", 10.0)
        self.DB_POOL_RECYCLE = read.whole("DB_POOL_RECYCLE", 1800)
        # Check a connection that sat idle before a request uses it, so a dropped one is replaced
        # rather than failed on (app/extensions.py: ping_when_idle); 0 turns it off.
        self.DB_POOL_PRE_PING = read.flag("DB_POOL_PRE_PING", True)
        # PostgreSQL cancels a statement running longer (0: no limit). A gthread worker is not
        # restarted for one stuck thread, so a runaway query would hold it for good.
        self.DB_STATEMENT_TIMEOUT_MS = read.whole("DB_STATEMENT_TIMEOUT_MS", 30000)
        # Built from the DB_* settings in validate() unless set (tests pass their own).
        self.SQLALCHEMY_ENGINE_OPTIONS = None
        # Jobs run in-process unless Redis is configured (decided in validate()).
        self.JOBS_INLINE = None
        # rq workers (app/jobs.py): housekeeping (the outbox sweep, lost poll jobs) every so many
        # seconds, jobs or no jobs; the longest wait between attempts to reach Redis again.
        self.WORKER_HOUSEKEEPING_SECONDS = read.whole("WORKER_HOUSEKEEPING_SECONDS", 60)
        self.WORKER_RECONNECT_MAX_SECONDS = read.whole("WORKER_RECONNECT_MAX_SECONDS", 30)
        # Subscribe-message templates: WECHAT_TEMPLATE_<KIND>=<template id> and optionally
        # WECHAT_TEMPLATE_<KIND>_FIELDS=thing1=title,time2=time (app/notifications/templates.py).
        self.WECHAT_TEMPLATES = {
            name[len(TEMPLATE_PREFIX):].lower(): value for name, value in os.environ.items()
            if name.startswith(TEMPLATE_PREFIX) and value
        }
        # Token of the mini-program's message push (消息推送, plaintext JSON mode): WeChat signs
        # its callbacks (image check verdicts) with it. Unset: the push endpoint answers 404.
        self.WECHAT_PUSH_TOKEN = read.text("WECHAT_PUSH_TOKEN")
        # Which build of the mini-program a subscribe message opens: formal, trial or developer.
        self.WECHAT_MINIPROGRAM_STATE = read.text("WECHAT_MINIPROGRAM_STATE", "formal")
        # Which build the check-in mini-program code opens: release, trial or develop.
        self.WECHAT_ENV_VERSION = read.text("WECHAT_ENV_VERSION", "release")
        # Times in messages to residents are written in this zone.
        self.TIME_ZONE = read.text("TIME_ZONE", "Asia/Shanghai")
        # SMS for households WeChat does not reach (app/notifications/sms.py): off unless a
        # provider is named. Templates: a JSON object, notification kind → approved template id
        # (or {"id", "sign_name", "params"}); each household gets at most SMS_DAILY_LIMIT a day.
        self.SMS_PROVIDER = read.text("SMS_PROVIDER", "")
        self.SMS_ENDPOINT = read.text("SMS_ENDPOINT", "sms.tencentcloudapi.com")
        self.SMS_REGION = read.text("SMS_REGION", "ap-guangzhou")
        self.SMS_SECRET_ID = read.text("SMS_SECRET_ID")
        self.SMS_SECRET_KEY = read.text("SMS_SECRET_KEY")
        self.SMS_SDK_APP_ID = read.text("SMS_SDK_APP_ID")
        self.SMS_SIGN_NAME = read.text("SMS_SIGN_NAME")
        self.SMS_TEMPLATES = read.text("SMS_TEMPLATES", "{}")
        self.SMS_DAILY_LIMIT = read.whole("SMS_DAILY_LIMIT", 3)
        self.SMS_PARAM_MAX_LENGTH = read.whole("SMS_PARAM_MAX_LENGTH", 12)
        self.SMS_TIMEOUT = read.number("SMS_TIMEOUT", 5.0)
        # Observability (README: Production, Metrics and logs). Logs: one JSON object a line in
        # production, readable text for the development server. /metrics answers only requests
        # carrying METRICS_TOKEN as a Bearer token, and 404 while it is unset.
        self.LOG_FORMAT = read.text("LOG_FORMAT", "json" if self.APP_ENV == "production" else "text")
        self.METRICS_TOKEN = read.text("METRICS_TOKEN")
        read.close()
        self.WECHAT_API_BASE = self.WECHAT_API_BASE.rstrip("/")

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
        """The pool sizes and PostgreSQL's statement timeout (DB_POOL_PRE_PING: app/extensions.py,
        ping_when_idle). SQLite in memory keeps SQLAlchemy's own single-connection pool, which
        takes no sizes."""
        options = {}
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
        self._check_rules()
        if bool(self.WECHAT_APPID) != bool(self.WECHAT_SECRET):
            raise ConfigError("WECHAT_APPID and WECHAT_SECRET must be set together")
        if bool(self.MEDIA_S3_ACCESS_KEY) != bool(self.MEDIA_S3_SECRET_KEY):
            raise ConfigError("MEDIA_S3_ACCESS_KEY and MEDIA_S3_SECRET_KEY must be set together")
        missing = self._missing("SMS_SECRET_ID", "SMS_SECRET_KEY", "SMS_SDK_APP_ID") if self.SMS_PROVIDER else []
        if missing:  # its templates are checked in create_app
            raise ConfigError(f"SMS_PROVIDER is set: set {', '.join(missing)} too")
        return self

    def _check_rules(self):
        """RULES on the settings as they stand: a test or a tool may have set an attribute itself."""
        errors = {}
        for name, rules in RULES.items():
            value = getattr(self, ATTRIBUTES.get(name, name), None)
            if value is None or value == "":  # unset: the feature is off or finds its own default
                continue
            for rule in rules:
                try:
                    rule(value)
                except ValidationError as error:
                    errors.setdefault(name, []).extend(error.messages)
        if errors:
            _refuse(errors)

    def _missing(self, *names):
        return [name for name in names if not getattr(self, name)]


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
    if not app_env:
        read = _Reader()
        app_env = read.env.str("APP_ENV", "development", validate=_one_of(CONFIGS))
        read.close()
    return CONFIGS[app_env]().validate()
