"""The production entry point: gunicorn with config/gunicorn.conf.py serving wsgi:app."""
import os
import subprocess
import sys
import time
from pathlib import Path

import requests

from tests.conftest import TEST_REDIS_URL

ROOT = Path(__file__).resolve().parent.parent


def test_gunicorn_serves_the_app(app, database_url, free_port):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WECHAT_", "REDIS_URL"))}
    env.update(APP_ENV="testing", DATABASE_URL=database_url, SECRET_KEY="gunicorn-test-key-" + "z" * 32,
               GUNICORN_BIND=f"127.0.0.1:{free_port}", GUNICORN_WORKERS="2", GUNICORN_THREADS="2")
    if TEST_REDIS_URL:
        env["REDIS_URL"] = TEST_REDIS_URL
    base = f"http://127.0.0.1:{free_port}"
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py", "wsgi:app"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                health = requests.get(f"{base}/healthz", timeout=2)
                break
            except requests.RequestException:  # not listening yet, or a worker still booting
                assert server.poll() is None, server.stderr.read().decode()
                assert time.monotonic() < deadline, "gunicorn did not start within 30 s"
                time.sleep(0.2)
        assert health.status_code == 200 and health.json()["database"] == "ok"
        login = requests.post(f"{base}/api/v1/auth/login", json={"code": "dev:gunicorn"}, timeout=5)
        assert login.status_code == 200
        headers = {"Authorization": f"Bearer {login.json()['token']}", "Connection": "close"}
        statuses = {requests.get(f"{base}/api/v1/me", headers=headers, timeout=5).status_code for _ in range(8)}
        assert statuses == {200}
    finally:
        server.terminate()
        server.wait(timeout=20)
