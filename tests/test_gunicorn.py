"""The production entry point: gunicorn with config/gunicorn.conf.py serving wsgi:app."""
import os

import requests

from tests.conftest import TEST_REDIS_URL, gunicorn


def test_gunicorn_serves_the_app(app, database_url, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WECHAT_", "REDIS_URL"))}
    env.update(APP_ENV="testing", DATABASE_URL=database_url, SECRET_KEY="gunicorn-test-key-" + "z" * 32,
               GUNICORN_WORKERS="2", GUNICORN_THREADS="2")
    if TEST_REDIS_URL:
        env["REDIS_URL"] = TEST_REDIS_URL
    with gunicorn(env, tmp_path / "gunicorn.log") as base:
        assert requests.get(f"{base}/healthz", timeout=5).json()["database"] == "ok"
        login = requests.post(f"{base}/api/v1/auth/login", json={"code": "dev:gunicorn"}, timeout=5)
        assert login.status_code == 200
        headers = {"Authorization": f"Bearer {login.json()['token']}", "Connection": "close"}
        statuses = {requests.get(f"{base}/api/v1/me", headers=headers, timeout=5).status_code for _ in range(8)}
        assert statuses == {200}
