"""Limits: per-person rate limits with 429 and Retry-After, body sizes, page sizes."""
import io

import pytest

from tests.conftest import login

API = "/api/v1"


@pytest.fixture
def limited(make_app, places):
    return make_app(RATELIMIT_ENABLED=True).test_client()


def test_submissions_are_limited_per_person_not_per_address(limited, places):
    resident, neighbour = login(limited, "resident"), login(limited, "gridworker")
    body = {"title": "路灯坏了", "category": "street_lamp"}
    answers = [limited.post(f"{API}/matters", json=body, headers=resident) for _ in range(11)]
    assert [r.status_code for r in answers] == [201] * 10 + [429]
    refused = answers[-1]
    assert refused.get_json()["error"]["code"] == "rate_limited" and int(refused.headers["Retry-After"]) > 0
    # Another person at the same address (a courtyard on one Wi-Fi) is not held back.
    assert limited.post(f"{API}/matters", json={**body, "building_id": places["b1"]},
                        headers=neighbour).status_code == 201
    # Signing in again gives the same person no fresh allowance.
    again = login(limited, "resident")
    assert again != resident
    assert limited.post(f"{API}/matters", json=body, headers=again).status_code == 429


def test_a_retried_request_replays_instead_of_counting(limited, places):
    headers = {**login(limited, "resident"), "Idempotency-Key": "same-report"}
    body = {"title": "路灯坏了", "category": "street_lamp"}
    answers = [limited.post(f"{API}/matters", json=body, headers=headers) for _ in range(15)]
    assert {r.status_code for r in answers} == {201}
    assert len({r.get_json()["id"] for r in answers}) == 1


def test_bodies_and_pages_are_bounded(make_app, places):
    client = make_app(MAX_CONTENT_LENGTH=4096).test_client()
    resident = login(client, "resident")
    big = client.post(f"{API}/matters", json={"title": "路灯", "category": "street_lamp", "description": "灯" * 5000},
                      headers=resident)
    assert big.status_code == 413 and big.get_json()["error"]["code"] == "payload_too_large"
    upload = client.post(f"{API}/photos", data={"file": (io.BytesIO(b"x" * 10000), "p.jpg")},
                         content_type="multipart/form-data", headers=resident)
    assert upload.status_code == 413
    assert client.get(f"{API}/notifications?limit=101", headers=resident).status_code == 422
