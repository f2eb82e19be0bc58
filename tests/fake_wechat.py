"""A fake of WeChat's server API over real HTTP, for app/wechat's client to talk to in tests.

Behaviour is set per login code: `fake.codes["abc"] = {"openid": "o-1"}` answers code2Session
with that body; an `errcode` body answers an error; `fake.delay` makes every answer slow.
Every request is recorded in `fake.requests` as (method, path, query, json body), and its body
as sent in `fake.raw_bodies` as (path, bytes).

Access tokens behave like stable_token: a plain fetch returns the current token while it is
valid, `force_refresh` mints a new one. `expire_token()` makes the current one answer 42001
(a plain fetch then mints a new one); `revoke_token()` makes it answer 40001 while a plain
fetch still returns it (only a forced refresh helps).

Subscribe messages: `fake.send_answers` is a list of answers consumed one per send (None for
success, a body with an errcode, "http500", "html" for a web page instead of JSON (a proxy's),
("slow", seconds) for a success that takes that long, or "hang": `fake.hanging` is set and the
request waits for `fake.release`, then fails unsent — a caller killed meanwhile); when it is
empty a send succeeds. Successful sends are appended to `fake.sent`.

Content security: msgSecCheck answers `risky` when the text holds one of `fake.risky_words`;
mediaCheckAsync records each request in `fake.media_checks` and answers trace-1, trace-2 …
Mini-program codes (getwxacodeunlimit): a PNG signature followed by the scene; each request's
body in `fake.codes_made`. `fake.code_answers` is consumed one per request like `send_answers`
(None, a body with an errcode, or "http500").
"""
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class QuietServer(ThreadingHTTPServer):
    """The fake servers' HTTP server (WeChat's, the SMS provider's)."""

    def handle_error(self, request, client_address):
        """A client that gave up before a deliberately late answer is expected: no traceback.
        Printing one parses source lines with `ast` in this thread, and on Python 3.11 that can
        break a parse running at the same moment in the test's own thread (CPython gh-106905:
        "AST constructor recursion depth mismatch", seen in CI)."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class FakeWeChat:
    def __init__(self):
        self.codes = {}
        self.requests = []
        self.raw_bodies = []
        self.delay = 0.0
        self.token_counter = 0
        self.token_errcode = None
        self.current_token = None
        self.valid_tokens = set()
        self.expired_tokens = set()
        self.send_answers = []
        self.sent = []
        self.hanging = threading.Event()  # a "hang" answer has arrived …
        self.release = threading.Event()  # … and answers (as not delivered) once this is set
        self.risky_words = set()
        self.media_checks = []
        self.codes_made = []
        self.code_answers = []
        self.lock = threading.Lock()
        self.server = QuietServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def paths(self):
        return [path for _, path, _, _ in self.requests]

    def expire_token(self):
        self.valid_tokens.discard(self.current_token)
        self.expired_tokens.add(self.current_token)
        self.current_token = None

    def revoke_token(self):
        self.valid_tokens.discard(self.current_token)

    def _token_error(self, token):
        if token in self.valid_tokens:
            return None
        if token in self.expired_tokens:
            return {"errcode": 42001, "errmsg": "access_token expired"}
        return {"errcode": 40001, "errmsg": "invalid credential"}

    def _answer(self, method, path, query, body):
        with self.lock:
            self.requests.append((method, path, query, body))
        if self.delay:
            time.sleep(self.delay)
        if path == "/cgi-bin/stable_token":
            if self.token_errcode:
                return 200, {"errcode": self.token_errcode, "errmsg": "token refused"}
            with self.lock:
                if self.current_token is None or body.get("force_refresh"):
                    self.token_counter += 1
                    self.valid_tokens.discard(self.current_token)
                    self.current_token = f"token-{self.token_counter}"
                    self.valid_tokens.add(self.current_token)
                return 200, {"access_token": self.current_token, "expires_in": 7200}
        if path == "/sns/jscode2session":
            error = self._token_error(query.get("access_token"))
            if error:
                return 200, error
            answer = self.codes.get(query.get("js_code"))
            if answer is None:
                return 200, {"errcode": 40029, "errmsg": "invalid code"}
            if answer == "http500":
                return 500, {"errmsg": "internal"}
            return 200, answer
        if path == "/cgi-bin/message/subscribe/send":
            error = self._token_error(query.get("access_token"))
            if error:
                return 200, error
            with self.lock:
                answer = self.send_answers.pop(0) if self.send_answers else None
            if isinstance(answer, tuple):
                time.sleep(answer[1])
                answer = None
            if answer == "hang":  # the caller dies meanwhile; WeChat never handled it
                self.hanging.set()
                self.release.wait(60)
                return 500, {"errmsg": "caller gone"}
            if answer == "http500":
                return 500, {"errmsg": "internal"}
            if answer == "html":
                return 200, "<html><body>502 Bad Gateway</body></html>"
            if answer is not None:
                return 200, answer
            with self.lock:
                self.sent.append(body)
                return 200, {"errcode": 0, "errmsg": "ok", "msgid": len(self.sent)}
        if path == "/wxa/getwxacodeunlimit":
            error = self._token_error(query.get("access_token"))
            if error:
                return 200, error
            with self.lock:
                self.codes_made.append(body)
                answer = self.code_answers.pop(0) if self.code_answers else None
            if answer == "http500":
                return 500, {"errmsg": "internal"}
            if answer is not None:
                return 200, answer
            return 200, PNG_SIGNATURE + body["scene"].encode()
        if path == "/wxa/media_check_async":
            error = self._token_error(query.get("access_token"))
            if error:
                return 200, error
            with self.lock:
                self.media_checks.append(body)
                return 200, {"errcode": 0, "errmsg": "ok", "trace_id": f"trace-{len(self.media_checks)}"}
        if path == "/wxa/msg_sec_check":
            error = self._token_error(query.get("access_token"))
            if error:
                return 200, error
            risky = any(word in body.get("content", "") for word in self.risky_words)
            return 200, {"errcode": 0, "errmsg": "ok",
                         "result": {"suggest": "risky" if risky else "pass", "label": 20001 if risky else 100}}
        return 404, {"errcode": 404, "errmsg": "no such api"}

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self, method):
                url = urlparse(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                with fake.lock:
                    fake.raw_bodies.append((url.path, raw))
                body = json.loads(raw) if raw else None
                status, payload = fake._answer(method, url.path, query, body)
                if isinstance(payload, bytes):
                    data, content_type = payload, "image/png"
                elif isinstance(payload, str):
                    data, content_type = payload.encode(), "text/html"
                else:
                    data, content_type = json.dumps(payload).encode(), "application/json"
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                self._serve("GET")

            def do_POST(self):
                self._serve("POST")

            def log_message(self, *args):
                pass

        return Handler
