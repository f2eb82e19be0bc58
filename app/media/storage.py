"""Where photo bytes live: one interface, a local directory or S3-compatible object storage.

Callers name objects with keys such as ``matters/12/3f9c….jpg`` (`new_key`). Keys are
ASCII segments separated by ``/``, each starting with a letter or digit, so none can climb
out of the root (``..``), be absolute, or collide with the local backend's hidden temporary
files. A bad key is a programming error (`InvalidKey`, a ValueError); a missing object is
`MediaNotFound` (404) and a storage that fails is `StorageUnavailable` (503), both ApiErrors
that answer with the JSON error envelope when they reach a request.
"""
import abc
import logging
import os
import re
import secrets
import tempfile
from contextlib import contextmanager
from pathlib import Path

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from flask import current_app

from app.errors import ApiError
from config import ConfigError

log = logging.getLogger(__name__)

KEY_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*(?:/[A-Za-z0-9][A-Za-z0-9._-]*)*")
MAX_KEY_LENGTH = 512
S3_NOT_FOUND = {"NoSuchKey", "404", "NotFound"}


class InvalidKey(ValueError):
    """A key outside the safe alphabet: a caller's bug, never something to store."""


class MediaNotFound(ApiError):
    """No object under this key (never stored, or deleted)."""

    def __init__(self, key):
        super().__init__(404, "media_not_found", "图片不存在或已删除")
        self.key = key


class StorageUnavailable(ApiError):
    """The disk or the object store failed; the cause is logged, the resident told to retry."""

    def __init__(self):
        super().__init__(503, "media_storage_unavailable", "图片存储暂时不可用，请稍后再试")


def check_key(key):
    """Return `key` if it is safe to use as a path and an object name, else raise InvalidKey."""
    if not isinstance(key, str) or len(key) > MAX_KEY_LENGTH or not KEY_PATTERN.fullmatch(key):
        raise InvalidKey(f"unsafe media key: {key!r}")
    return key


def new_key(prefix, ext):
    """A fresh, unguessable key under `prefix`: new_key("matters/12", "jpg") →
    "matters/12/<32 hex>.jpg". Unguessable so that a key never reveals its neighbours."""
    name = f"{secrets.token_hex(16)}.{ext.lstrip('.').lower()}"
    prefix = prefix.strip("/")
    return check_key(f"{prefix}/{name}" if prefix else name)


class Storage(abc.ABC):
    """Put, get and delete whole objects by key. Implementations are thread-safe."""

    @abc.abstractmethod
    def put(self, key, data, content_type):
        """Store `data` under `key`, replacing what was there; readers see old or new, whole."""

    @abc.abstractmethod
    def get(self, key):
        """The bytes stored under `key`; MediaNotFound if there are none."""

    @abc.abstractmethod
    def delete(self, key):
        """Remove the object; deleting what is not there is not an error (retries are safe)."""


class LocalStorage(Storage):
    """Files under `root` (MEDIA_ROOT). Writes go to a temporary file in the same directory,
    then os.replace() it into place: a crash or a concurrent reader never sees half a photo.
    Files are readable only by the app's user (mkstemp's 0600): photos are served through the
    app, which checks who may see them. The content type is not kept; callers store it."""

    def __init__(self, root):
        self.root = Path(root).resolve()

    def _path(self, key):
        return self.root / check_key(key)

    def put(self, key, data, content_type):
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(temp, path)
            except BaseException:
                Path(temp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            log.error("media put %s failed: %s", key, exc)
            raise StorageUnavailable() from exc

    def get(self, key):
        path = self._path(key)
        try:
            return path.read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise MediaNotFound(key) from None
        except OSError as exc:
            log.error("media get %s failed: %s", key, exc)
            raise StorageUnavailable() from exc

    def delete(self, key):
        path = self._path(key)
        try:
            path.unlink(missing_ok=True)
        except (IsADirectoryError, NotADirectoryError):
            pass  # no object has this key
        except OSError as exc:
            log.error("media delete %s failed: %s", key, exc)
            raise StorageUnavailable() from exc


class S3Storage(Storage):
    """Objects in an S3-compatible bucket (AWS S3, MinIO, Aliyun OSS, Tencent COS, …).

    Without keys, boto3's own credential chain applies (AWS_* variables, instance roles).
    Timeouts and a few retries bound how long a request waits on a slow store; checksums are
    only sent when S3 requires them, because several S3-compatible stores refuse the
    checksum headers newer botocore adds by default. With a custom endpoint, botocore's
    "auto" addressing puts the bucket in the path; stores that want it in the host name
    (Aliyun OSS) need addressing_style="virtual". The bucket must exist."""

    def __init__(self, bucket, endpoint_url=None, access_key=None, secret_key=None,
                 region="us-east-1", *, addressing_style="auto", connect_timeout=5,
                 read_timeout=30, max_attempts=3):
        if bool(access_key) != bool(secret_key):
            raise ConfigError("MEDIA_S3_ACCESS_KEY and MEDIA_S3_SECRET_KEY must be set together")
        if addressing_style not in ("auto", "path", "virtual"):
            raise ConfigError(f"MEDIA_S3_ADDRESSING_STYLE must be auto, path or virtual, "
                              f"got {addressing_style!r}")
        self.bucket = bucket
        config = Config(
            region_name=region, connect_timeout=connect_timeout, read_timeout=read_timeout,
            retries={"mode": "standard", "max_attempts": max_attempts},
            s3={"addressing_style": addressing_style},
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
        )
        # A session of its own: boto3's default session is shared and not thread-safe.
        self.client = boto3.session.Session().client(
            "s3", endpoint_url=endpoint_url or None, aws_access_key_id=access_key or None,
            aws_secret_access_key=secret_key or None, config=config,
        )

    @contextmanager
    def _errors(self, operation, key):
        try:
            yield
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code")
            if code in S3_NOT_FOUND:
                raise MediaNotFound(key) from None
            log.error("media %s %s failed: S3 error %s", operation, key, code)
            raise StorageUnavailable() from exc
        except BotoCoreError as exc:  # connection refused, timeouts, broken responses
            log.error("media %s %s failed: %s", operation, key, exc)
            raise StorageUnavailable() from exc

    def put(self, key, data, content_type):
        check_key(key)
        with self._errors("put", key):
            self.client.put_object(Bucket=self.bucket, Key=key, Body=data, ContentType=content_type)

    def get(self, key):
        check_key(key)
        with self._errors("get", key):
            return self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()

    def delete(self, key):
        check_key(key)
        with self._errors("delete", key):
            self.client.delete_object(Bucket=self.bucket, Key=key)


def build_storage(config):
    """The storage the settings ask for: S3 iff MEDIA_S3_BUCKET is set, else MEDIA_ROOT."""
    if config.get("MEDIA_S3_BUCKET"):
        return S3Storage(
            config["MEDIA_S3_BUCKET"], config.get("MEDIA_S3_ENDPOINT_URL"),
            config.get("MEDIA_S3_ACCESS_KEY"), config.get("MEDIA_S3_SECRET_KEY"),
            config.get("MEDIA_S3_REGION") or "us-east-1",
            addressing_style=config.get("MEDIA_S3_ADDRESSING_STYLE") or "auto",
        )
    return LocalStorage(config["MEDIA_ROOT"])


def get_storage(app=None):
    """The app's storage, built on first use and kept in app.extensions["media_storage"]
    (one boto3 client per app: building one costs tens of milliseconds)."""
    app = app or current_app._get_current_object()
    storage = app.extensions.get("media_storage")
    if storage is None:
        storage = app.extensions.setdefault("media_storage", build_storage(app.config))
    return storage
