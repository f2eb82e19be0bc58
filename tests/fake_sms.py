"""A fake of Tencent Cloud SMS (SendSms, API 2021-01-11) over real HTTP, for the SDK to talk to.

It checks each request as Tencent would: the TC3-HMAC-SHA256 signature over the body with the
secret key it was given (a wrong one answers AuthFailure.SignatureFailure), the action, version,
region and timestamp headers. Each request is recorded in `fake.requests` as a dict: `body` (the
JSON sent), `headers`, `signature_ok`.

`fake.answers` is consumed one per SendSms: None (or empty list) for success; "throttled"
(RequestLimitExceeded); "internal" (InternalError.ServerError: the provider's trouble);
"http500"; ("refused", code) for a number the provider refuses with `code` in SendStatusSet
(e.g. InvalidParameterValue.IncorrectPhoneNumber); ("slow", seconds) for a success that takes
that long. Successful sends are appended to `fake.sent` (their bodies).
"""
import hashlib
import hmac
import json
import threading
import time
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler

from tests.fake_wechat import QuietServer

SECRET_ID, SECRET_KEY, SDK_APP_ID = "AKIDfake", "fake-secret-key", "1400000001"


def _hmac(key, message):
    return hmac.new(key, message.encode(), hashlib.sha256)


def tc3_signature(secret_key, host, content_type, body, timestamp, service="sms"):
    """Tencent Cloud's TC3-HMAC-SHA256 signature of a POST to / (as documented by Tencent)."""
    date = datetime.fromtimestamp(int(timestamp), timezone.utc).strftime("%Y-%m-%d")
    canonical = "\n".join(["POST", "/", "", f"content-type:{content_type}\nhost:{host}\n", "content-type;host",
                           hashlib.sha256(body).hexdigest()])
    scope = f"{date}/{service}/tc3_request"
    to_sign = "\n".join(["TC3-HMAC-SHA256", str(timestamp), scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = _hmac(_hmac(_hmac(("TC3" + secret_key).encode(), date).digest(), service).digest(), "tc3_request").digest()
    return date, _hmac(key, to_sign).hexdigest()


class FakeSms:
    def __init__(self):
        self.requests = []
        self.sent = []
        self.answers = []
        self.lock = threading.Lock()
        self.serial = 0
        self.server = QuietServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def _signature_ok(self, headers, raw):
        auth = headers.get("Authorization", "")
        timestamp = headers.get("X-TC-Timestamp", "0")
        date, expected = tc3_signature(SECRET_KEY, headers.get("Host", ""), headers.get("Content-Type", ""),
                                       raw, timestamp)
        return auth == (f"TC3-HMAC-SHA256 Credential={SECRET_ID}/{date}/sms/tc3_request, "
                        f"SignedHeaders=content-type;host, Signature={expected}") \
            and abs(time.time() - int(timestamp)) < 300

    def _answer(self, headers, raw):
        body = json.loads(raw or b"{}")
        signature_ok = self._signature_ok(headers, raw)
        with self.lock:
            self.requests.append({"body": body, "headers": headers, "signature_ok": signature_ok})
            answer = self.answers.pop(0) if self.answers else None
        request_id = f"req-{len(self.requests)}"
        if not signature_ok:
            return 200, _error("AuthFailure.SignatureFailure", "signature mismatch", request_id)
        if (headers.get("X-TC-Action"), headers.get("X-TC-Version")) != ("SendSms", "2021-01-11") \
                or not headers.get("X-TC-Region"):
            return 200, _error("InvalidAction", "unexpected action or version", request_id)
        if isinstance(answer, tuple) and answer[0] == "slow":
            time.sleep(answer[1])
            answer = None
        if answer == "http500":
            return 500, {"message": "internal"}
        if answer == "throttled":
            return 200, _error("RequestLimitExceeded", "too many requests", request_id)
        if answer == "internal":
            return 200, _error("InternalError.ServerError", "server error", request_id)
        code = answer[1] if isinstance(answer, tuple) and answer[0] == "refused" else "Ok"
        with self.lock:
            self.serial += 1
            serial = f"serial-{self.serial}"
            if code == "Ok":
                self.sent.append(body)
        statuses = [{"SerialNo": serial if code == "Ok" else "", "PhoneNumber": phone, "Fee": 1 if code == "Ok" else 0,
                     "SessionContext": body.get("SessionContext", ""), "Code": code,
                     "Message": "send success" if code == "Ok" else "refused", "IsoCode": "CN"}
                    for phone in body.get("PhoneNumberSet", [])]
        return 200, {"Response": {"SendStatusSet": statuses, "RequestId": request_id}}

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status, answer = fake._answer(dict(self.headers), raw)
                data = json.dumps(answer).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):  # the caller gave up waiting
                    pass

            def log_message(self, *args):
                pass

        return Handler


def _error(code, message, request_id):
    return {"Response": {"Error": {"Code": code, "Message": message}, "RequestId": request_id}}
