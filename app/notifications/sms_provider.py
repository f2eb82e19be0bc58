"""The only code that talks to the SMS provider: Tencent Cloud SMS (SendSms, API 2021-01-11)
through its SDK, at SMS_ENDPOINT (README: Notifications, SMS).

Its answers become one of three outcomes, so delivery (tasks.py) can keep its promise of at
most one message: `SmsUnavailable` — the provider certainly did not take it (could not
connect, throttled, an HTTP or internal error it answered with): try later; `SmsNoAnswer` — the
request went out and no answer came: it may have been sent, so never again; `SmsRefused` —
refused for good (a bad number, an unapproved template, a daily cap of the provider's):
recorded, not retried. The provider has no duplicate-safe request id (SessionContext is only
echoed back), hence the care. The phone number is never logged; neither are the SDK's requests.
"""
import logging
from dataclasses import dataclass
from urllib.parse import urlparse

from flask import current_app
from tencentcloud.common.abstract_client import LOGGER_NAME
from tencentcloud.common.credential import Credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.sms.v20210111 import models
from tencentcloud.sms.v20210111.sms_client import SmsClient

from app import metrics
from app.wechat import may_have_reached

# The SDK logs whole requests, the number included, at DEBUG: never, whatever the app's log level.
logging.getLogger(LOGGER_NAME).setLevel(logging.WARNING)

# Answers that mean "not now": the API's rate limit, the provider's own trouble, a number's
# short-term frequency caps. Every other error code is final.
TRANSIENT = ("RequestLimitExceeded", "InternalError", "ServerNetworkError",
             "LimitExceeded.PhoneNumberThirtySecondLimit", "LimitExceeded.PhoneNumberOneHourLimit",
             "LimitExceeded.DeliveryFrequencyLimit")


class SmsUnavailable(Exception):
    """The provider did not take the message; it may be tried again later."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


class SmsNoAnswer(SmsUnavailable):
    """The request reached the provider, which did not answer: it may have been sent."""


class SmsRefused(Exception):
    """The provider refused the message for good (`code`: its error code)."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Sent:
    serial_no: str  # the provider's id of the message, for its delivery reports


def _client():
    config = current_app.config
    endpoint = urlparse(config["SMS_ENDPOINT"] if "://" in config["SMS_ENDPOINT"]
                        else f"https://{config['SMS_ENDPOINT']}")
    http = HttpProfile(protocol=endpoint.scheme, endpoint=endpoint.netloc, reqTimeout=config["SMS_TIMEOUT"])
    # No region breaker: it would switch to a backup host of Tencent's, past SMS_ENDPOINT.
    profile = ClientProfile(httpProfile=http, disable_region_breaker=True)
    return SmsClient(Credential(config["SMS_SECRET_ID"], config["SMS_SECRET_KEY"]), config["SMS_REGION"], profile)


def send(phone, template_id, sign_name, params, context):
    """Send one templated SMS to `phone` (a mainland mobile number); `context` is echoed in the
    provider's delivery reports (our message id). Returns Sent, or raises as the module says."""
    request = models.SendSmsRequest()
    request.PhoneNumberSet = [f"+86{phone}"]
    request.SmsSdkAppId = current_app.config["SMS_SDK_APP_ID"]
    request.TemplateId = template_id
    request.SignName = sign_name
    request.TemplateParamSet = list(params)
    request.SessionContext = context
    try:
        response = _client().SendSms(request)
    except TencentCloudSDKException as exc:
        failure = _outcome(exc)
        metrics.count_sms_send(failure.code)
        raise failure from exc
    [status] = response.SendStatusSet
    metrics.count_sms_send(status.Code)
    if status.Code != "Ok":
        raise _classified(status.Code)
    return Sent(status.SerialNo)


def _outcome(exc):
    code = exc.get_code() or "unknown"
    if code == "ClientNetworkError":  # the SDK wraps requests' exception: did it reach them?
        cause = exc.__context__
        return SmsNoAnswer("no_answer") if cause is None or may_have_reached(cause) else SmsUnavailable("unreachable")
    return _classified(code)


def _classified(code):
    if code.startswith(TRANSIENT):
        return SmsUnavailable(code)
    return SmsRefused(code)
