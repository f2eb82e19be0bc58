"""Settings from the environment (config/, README: Environment): every variable the app reads has
a value it refuses at start with a ConfigError naming that variable, every bad value is named at
once, and good values come out typed, with the empty string taken as unset."""
import os

import pytest

from app import create_app
from config import TEMPLATE_PREFIX, ConfigError, load_config

PRODUCTION = {"APP_ENV": "production", "SECRET_KEY": "k" * 40, "WECHAT_APPID": "wx1", "WECHAT_SECRET": "s",
              "DATABASE_URL": "postgresql://db/yuanba"}
SMS = {"SMS_PROVIDER": "tencent", "SMS_SECRET_ID": "AKIDfake", "SMS_SECRET_KEY": "key", "SMS_SDK_APP_ID": "1400000001"}


def without(settings, name):
    return {key: value for key, value in settings.items() if key != name}


# A value (or values) the app refuses for each variable; a bare string is that variable's value.
REFUSED = {
    "APP_ENV": "staging",
    "DATABASE_URL": "not a url",
    "REDIS_URL": "localhost:6379",
    "SECRET_KEY": {**PRODUCTION, "SECRET_KEY": "short"},
    "WECHAT_APPID": {"WECHAT_APPID": "wx1"},
    "WECHAT_SECRET": {"WECHAT_SECRET": "s"},
    "WECHAT_API_BASE": "api.weixin.qq.com",
    "WECHAT_TIMEOUT": "abc",
    "WECHAT_PUSH_TOKEN": "ab",
    "WECHAT_MINIPROGRAM_STATE": "beta",
    "WECHAT_ENV_VERSION": "formal",
    "MEDIA_ROOT": __file__,
    "PDF_FONT": "/nonexistent/font.ttc",
    "CONSOLE_DIST": __file__,
    "MEDIA_MAX_BYTES": "10MB",
    "MEDIA_MAX_PIXELS": "0",
    "MEDIA_MAX_SIDE": "-1",
    "MEDIA_S3_BUCKET": "My_Photos",
    "MEDIA_S3_ENDPOINT_URL": "oss-cn-shanghai.aliyuncs.com",
    "MEDIA_S3_ACCESS_KEY": {"MEDIA_S3_ACCESS_KEY": "id-only"},
    "MEDIA_S3_SECRET_KEY": {"MEDIA_S3_SECRET_KEY": "secret-only"},
    "MEDIA_S3_REGION": "Shanghai East",
    "MEDIA_S3_ADDRESSING_STYLE": "sideways",
    "TOKEN_TTL_SECONDS": "7d",
    "JOIN_CODE_TTL_DAYS": "0",
    "LOGIN_LIMIT_PER_ADDRESS": "lots",
    "LOGIN_FAILURES_PER_ADDRESS": "60",
    "LOGIN_FAILURES_PER_CODE": "3 per fortnightish",
    "MAX_CONTENT_LENGTH": "1.5",
    "GUNICORN_THREADS": "0",
    "DB_POOL_SIZE": "four",
    "DB_MAX_OVERFLOW": "-2",
    "DB_POOL_TIMEOUT": "0",
    "DB_POOL_RECYCLE": "never",
    "DB_POOL_PRE_PING": "maybe",
    "DB_STATEMENT_TIMEOUT_MS": "-1",
    "WORKER_HOUSEKEEPING_SECONDS": "0",
    "WORKER_RECONNECT_MAX_SECONDS": "nan",
    "TIME_ZONE": "Beijing",
    "SMS_PROVIDER": "carrier-pigeon",
    "SMS_ENDPOINT": "sms tencentcloudapi com",
    "SMS_REGION": "GZ!",
    "SMS_SECRET_ID": without(SMS, "SMS_SECRET_ID"),
    "SMS_SECRET_KEY": without(SMS, "SMS_SECRET_KEY"),
    "SMS_SDK_APP_ID": {**SMS, "SMS_SDK_APP_ID": "app-one"},
    "SMS_SIGN_NAME": {**SMS, "SMS_TEMPLATES": '{"meeting_invitation": "1000001"}'},
    "SMS_TEMPLATES": {**SMS, "SMS_TEMPLATES": "{not json"},
    "SMS_DAILY_LIMIT": "0",
    "SMS_PARAM_MAX_LENGTH": "twelve",
    "SMS_TIMEOUT": "-5",
    "LOG_FORMAT": "xml",
    "METRICS_TOKEN": "secret",
}


class RecordingEnviron(dict):
    """os.environ that notes each variable looked up."""

    def __init__(self, values):
        super().__init__(values)
        self.looked_up = set()

    def __getitem__(self, name):
        self.looked_up.add(name)
        return super().__getitem__(name)

    def get(self, name, default=None):
        self.looked_up.add(name)
        return super().get(name, default)


def variables_read(monkeypatch):
    """What starting the app reads, in every environment (production needs its credentials set)."""
    environ = RecordingEnviron({name: value for name, value in os.environ.items() if name not in REFUSED})
    monkeypatch.setattr(os, "environ", environ)
    load_config()
    load_config("testing")
    environ.update(PRODUCTION)
    load_config()
    return {name for name in environ.looked_up if not name.startswith(TEMPLATE_PREFIX)}


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    import config

    monkeypatch.setattr(config, "INSTANCE", tmp_path / "instance")
    for name in REFUSED:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_every_variable_the_app_reads_has_a_refused_value_here(clean_env):
    assert variables_read(clean_env) == set(REFUSED)


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_bad_value_stops_the_app_naming_its_variable(clean_env, name):
    settings = REFUSED[name] if isinstance(REFUSED[name], dict) else {name: REFUSED[name]}
    for variable, value in settings.items():
        clean_env.setenv(variable, value)
    with pytest.raises(ConfigError, match=name):
        create_app()


def test_every_bad_value_is_named_at_once_with_what_it_expects(clean_env):
    for name, value in {"WECHAT_TIMEOUT": "abc", "SMS_DAILY_LIMIT": "x", "WECHAT_MINIPROGRAM_STATE": "beta",
                        "TIME_ZONE": "Beijing", "DB_POOL_SIZE": "0", "METRICS_TOKEN": "short"}.items():
        clean_env.setenv(name, value)
    with pytest.raises(ConfigError) as refused:
        load_config()
    assert sorted(str(refused.value).split("; ")) == [
        "DB_POOL_SIZE must be at least 1, got 0",
        "METRICS_TOKEN must be at least 32 characters (or unset: no /metrics)",
        "SMS_DAILY_LIMIT must be a whole number, got 'x'",
        "TIME_ZONE must be a time zone such as Asia/Shanghai, got 'Beijing'",
        "WECHAT_MINIPROGRAM_STATE must be one of formal, trial, developer, got 'beta'",
        "WECHAT_TIMEOUT must be a number, got 'abc'",
    ]


def test_a_secret_is_not_repeated_in_the_message(clean_env):
    clean_env.setenv("DATABASE_URL", "postgresql://yuanba:hunter2@db:port/yuanba")
    clean_env.setenv("METRICS_TOKEN", "hunter2")
    with pytest.raises(ConfigError) as refused:
        load_config()
    assert "DATABASE_URL" in str(refused.value) and "hunter2" not in str(refused.value)


def test_good_values_parse_and_an_empty_one_means_unset(clean_env, tmp_path):
    font = tmp_path / "font.ttc"
    font.write_bytes(b"")
    for name, value in {"WECHAT_TIMEOUT": "2.5", "GUNICORN_THREADS": "6", "DB_POOL_PRE_PING": "0",
                        "WECHAT_API_BASE": "http://127.0.0.1:8080/", "WECHAT_MINIPROGRAM_STATE": "trial",
                        "SMS_ENDPOINT": "http://127.0.0.1:9000", "PDF_FONT": str(font), "TIME_ZONE": "UTC",
                        "MEDIA_S3_BUCKET": "yuanba-photos", "REDIS_URL": "redis://:secret@redis:6379/0",
                        "MEDIA_MAX_SIDE": "", "SMS_PROVIDER": "", "LOG_FORMAT": ""}.items():
        clean_env.setenv(name, value)
    settings = load_config()
    assert (settings.WECHAT_TIMEOUT, settings.DB_POOL_SIZE, settings.DB_POOL_PRE_PING) == (2.5, 6, False)
    assert settings.WECHAT_API_BASE == "http://127.0.0.1:8080" and settings.WECHAT_MINIPROGRAM_STATE == "trial"
    assert settings.PDF_FONT == str(font) and settings.MEDIA_S3_BUCKET == "yuanba-photos"
    assert (settings.MEDIA_MAX_SIDE, settings.SMS_PROVIDER, settings.LOG_FORMAT) == (2560, "", "text")
    assert settings.SQLALCHEMY_ENGINE_OPTIONS["pool_size"] == 6


def test_a_setting_given_directly_is_checked_as_the_environment_is(clean_env):
    """Tools and tests set attributes on a settings object before validate()."""
    settings = load_config("testing")
    settings.WECHAT_MINIPROGRAM_STATE = "beta"
    settings.MEDIA_MAX_BYTES = 0
    with pytest.raises(ConfigError, match="MEDIA_MAX_BYTES must be at least 1.*WECHAT_MINIPROGRAM_STATE must be"):
        settings.validate()
