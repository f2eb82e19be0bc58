"""Backups and restore (README: Production, Backups and restore): the drill an office runs before
it needs it. A populated instance — matters with photos, a poll with ballots, audit entries, all
made through the API — is backed up with deploy/backup.sh and restored with deploy/restore.sh
into a new, empty database and an empty media directory; the restored one verifies its audit
log, holds the same rows, and serves the photos.

The drill runs pg_dump and pg_restore, so it needs PostgreSQL (CI's second pass). The media copy
to and from S3 (moto's server) runs on any database.
"""
import io
import os
import shutil
import subprocess
import sys
import uuid

import boto3
import pytest
from sqlalchemy import create_engine, text

from app import create_app
from app.auth.service import find_or_create_user
from app.community import service as community
from app.community.models import Household
from app.extensions import db
from app.media.storage import S3Storage
from tests.conftest import ROOT, TEST_DATABASE_URL, login, make_settings
from tests.factories import jpeg_with_gps, pass_deadline, poll_body
from tests import test_media

API = "/api/v1"
s3_url = test_media.s3_url  # the fixture: moto's S3 server on 127.0.0.1
SECRET_KEY = "backup-drill-secret-key-" + "x" * 32
on_postgresql = pytest.mark.skipif(
    not (TEST_DATABASE_URL or "").startswith("postgresql") or not shutil.which("pg_dump"),
    reason="the restore drill runs pg_dump and pg_restore against PostgreSQL: set TEST_DATABASE_URL "
           "(CI's PostgreSQL pass does) and install the PostgreSQL client")


def run(*command, **env):
    """A deploy script or flask command with only the app's environment, as systemd gives it."""
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env={
        "PATH": os.environ["PATH"], "PYTHON": sys.executable, "SECRET_KEY": SECRET_KEY, **env})


def audit_verify(database_url):
    result = run(sys.executable, "-m", "flask", "--app", "wsgi", "audit", "verify", DATABASE_URL=database_url)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.strip().splitlines()[-1]


def row_counts(database_url):
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return {table.name: connection.scalar(text(f'SELECT count(*) FROM "{table.name}"'))
                    for table in db.metadata.sorted_tables}
    finally:
        engine.dispose()


@pytest.fixture
def empty_database():
    """A new database of its own on the test server, dropped afterwards."""
    name = f"restore_{uuid.uuid4().hex[:8]}"
    admin = create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield TEST_DATABASE_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE {name} WITH (FORCE)"))
        admin.dispose()


def populate(app, client, places):
    """Two matters with a photo each, one classified; a poll both households voted in, closed.
    Returns the photos as the API gave them (with their signed URLs)."""
    with app.app_context():  # h2 gets a head who votes for it
        community.add_member(db.session.get(Household, places["h2"]), find_or_create_user("dev-neighbour"),
                             is_head=True)
        db.session.commit()
    photos = []
    for title in ("单元门口路灯坏了", "楼道堆放杂物"):
        upload = client.post(f"{API}/photos", data={"file": (io.BytesIO(jpeg_with_gps()), "photo.jpg")},
                             content_type="multipart/form-data", headers=login(client, "resident"))
        assert upload.status_code == 201, upload.get_json()
        photos.append(upload.get_json())
        matter = client.post(f"{API}/matters", headers=login(client, "resident"), json={
            "title": title, "description": "请尽快处理", "category": "street_lamp", "photo_ids": [photos[-1]["id"]]})
        assert matter.status_code == 201, matter.get_json()
    classified = client.post(f"{API}/matters/{matter.get_json()['id']}/classify", headers=login(client, "council"),
                             json={"matter_class": "minor", "reason": "楼道清理"})
    assert classified.status_code == 200, classified.get_json()

    poll = client.post(f"{API}/polls", json=poll_body(places), headers=login(client, "staff")).get_json()
    poll = client.post(f"{API}/polls/{poll['id']}/publish", headers=login(client, "staff")).get_json()
    for name in ("resident", "neighbour"):
        ballot = client.post(f"{API}/polls/{poll['id']}/ballots", headers=login(client, name),
                             json={"answers": [{"question_id": poll["questions"][0]["id"], "choices": [0]}]})
        assert ballot.status_code == 201, ballot.get_json()
    pass_deadline(app, poll)
    closed = client.post(f"{API}/polls/{poll['id']}/close", headers=login(client, "staff"))
    assert closed.status_code == 200, closed.get_json()
    return photos


@on_postgresql
def test_a_backup_restores_into_an_empty_database_and_media_store(app, client, places, empty_database, tmp_path):
    photos = populate(app, client, places)
    source = {"DATABASE_URL": TEST_DATABASE_URL, "MEDIA_ROOT": app.config["MEDIA_ROOT"]}
    made = run("deploy/backup.sh", str(tmp_path / "backups"), **source)
    assert made.returncode == 0, made.stdout + made.stderr
    [backup] = (tmp_path / "backups").iterdir()

    restored_media = tmp_path / "restored-media"
    target = {"DATABASE_URL": empty_database, "MEDIA_ROOT": str(restored_media)}
    restored = run("deploy/restore.sh", str(backup), **target)
    assert restored.returncode == 0, restored.stdout + restored.stderr

    # the audit chain is whole and ends where the original's does
    assert audit_verify(empty_database) == audit_verify(TEST_DATABASE_URL)
    counts = row_counts(TEST_DATABASE_URL)
    assert row_counts(empty_database) == counts
    assert counts["matters"] == 2 and counts["matter_photos"] == 2 and counts["poll_ballots"] == 2
    assert counts["audit_entries"] > 0

    restored_app = create_app(make_settings(empty_database, SECRET_KEY=app.config["SECRET_KEY"],
                                            MEDIA_ROOT=str(restored_media)))
    try:
        for photo in photos:
            original, copy = client.get(photo["url"]), restored_app.test_client().get(photo["url"])
            assert copy.status_code == 200 and copy.mimetype == "image/jpeg" and copy.data == original.data
            assert restored_app.test_client().get(photo["thumbnail_url"]).status_code == 200
    finally:
        with restored_app.app_context():
            db.engine.dispose()

    # a second restore onto what is now in use is refused and changes nothing
    again = run("deploy/restore.sh", str(backup), **target)
    assert again.returncode == 1 and "already has" in again.stderr
    assert row_counts(empty_database) == counts


@on_postgresql
def test_nightly_backups_keep_the_newest_and_fetch_only_new_photos(app, client, places, tmp_path):
    photos = populate(app, client, places)
    env = {"DATABASE_URL": TEST_DATABASE_URL, "MEDIA_ROOT": app.config["MEDIA_ROOT"], "BACKUP_KEEP": "2"}
    made = []
    for night in range(3):
        result = run("deploy/backup.sh", str(tmp_path / "backups"), **env)
        assert result.returncode == 0, result.stdout + result.stderr
        made.append(sorted((tmp_path / "backups").iterdir())[-1])
        if night == 0:  # a photo arrives the next day
            photos.append(client.post(f"{API}/photos", data={"file": (io.BytesIO(jpeg_with_gps()), "p.jpg")},
                                      content_type="multipart/form-data", headers=login(client, "resident")).get_json())
    assert sorted((tmp_path / "backups").iterdir()) == made[1:]  # the oldest went
    assert "(0 fetched, " in result.stdout  # the last night had nothing new to fetch
    second, third = (sorted(path.relative_to(backup / "media") for path in (backup / "media").rglob("*")
                            if path.is_file()) for backup in made[1:])
    assert second == third and len(second) == 2 * len(photos)  # each photo and its thumbnail
    for key in third:  # one file on disk, held by both backups
        assert (made[1] / "media" / key).stat().st_ino == (made[2] / "media" / key).stat().st_ino


def test_media_copies_out_of_a_bucket_and_into_an_empty_one(s3_url, tmp_path):
    client = boto3.session.Session().client("s3", endpoint_url=s3_url, aws_access_key_id="test",
                                            aws_secret_access_key="test", region_name="us-east-1")
    source, target = (f"yuanba-{uuid.uuid4().hex[:8]}" for _ in range(2))
    for bucket in (source, target):
        client.create_bucket(Bucket=bucket)
    stored = {"matters/1/a1.jpg": b"photo one", "matters/1/a1-thumb.jpg": b"thumb", "voice/7/b2.m4a": b"voice"}
    for key, data in stored.items():
        S3Storage(source, s3_url, "test", "test").put(key, data, "image/jpeg")

    def media(*args, bucket):
        return run(sys.executable, "-m", "deploy.media", *args, MEDIA_S3_BUCKET=bucket, MEDIA_S3_ENDPOINT_URL=s3_url,
                   MEDIA_S3_ACCESS_KEY="test", MEDIA_S3_SECRET_KEY="test")

    copied = media("backup", str(tmp_path / "media"), bucket=source)
    assert copied.returncode == 0, copied.stderr
    assert {path.relative_to(tmp_path / "media").as_posix(): path.read_bytes()
            for path in (tmp_path / "media").rglob("*") if path.is_file()} == stored
    assert media("check-empty", bucket=target).returncode == 0
    assert media("restore", str(tmp_path / "media"), bucket=target).returncode == 0
    target_storage = S3Storage(target, s3_url, "test", "test")
    assert {key: target_storage.get(key) for key in stored} == stored
    refused = media("check-empty", bucket=target)
    assert refused.returncode == 1 and "already holds objects" in refused.stderr
