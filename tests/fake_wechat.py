"""A fake of WeChat's server API over real HTTP, for wechatpy to talk to in tests.

Behaviour is set per login code: `fake.codes["abc"] = {"openid": "o-1"}` answers code2Session
with that body; an `errcode` body answers an error; `fake.delay` makes every answer slow.
Every request is recorded in `fake.requests` as (method, path, query, json body).
"""
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


class FakeWeChat:
    def __init__(self):
        self.codes = {}
        self.requests = []
        self.delay = 0.0
        self.token_counter = 0
        self.token_errcode = None
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def paths(self):
        return [path for _, path, _, _ in self.requests]

    def _answer(self, method, path, query, body):
        self.requests.append((method, path, query, body))
        if self.delay:
            time.sleep(self.delay)
        if path == "/cgi-bin/stable_token":
            if self.token_errcode:
                return 200, {"errcode": self.token_errcode, "errmsg": "token refused"}
            self.token_counter += 1
            return 200, {"access_token": f"token-{self.token_counter}", "expires_in": 7200}
        if path == "/sns/jscode2session":
            if query.get("access_token") not in {f"token-{n}" for n in range(1, self.token_counter + 1)}:
                return 200, {"errcode": 40001, "errmsg": "invalid credential"}
            answer = self.codes.get(query.get("js_code"))
            if answer is None:
                return 200, {"errcode": 40029, "errmsg": "invalid code"}
            if answer == "http500":
                return 500, {"errmsg": "internal"}
            return 200, answer
        return 404, {"errcode": 404, "errmsg": "no such api"}

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self, method):
                url = urlparse(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                body = json.loads(raw) if raw else None
                status, payload = fake._answer(method, url.path, query, body)
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
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
