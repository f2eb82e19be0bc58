"""The media half of deploy/backup.sh and deploy/restore.sh: photos and voice notes copied out of
the store the app uses (MEDIA_S3_* or MEDIA_ROOT, read from the same environment) into a
directory, one file per object, and back.

    python -m deploy.media backup DIR [--previous DIR]
    python -m deploy.media check-empty
    python -m deploy.media restore DIR

Run from the app's directory with its Python. An object's bytes never change under its key (every
upload gets a fresh one, app.media.storage.new_key), so `backup` hard-links an object the previous
backup already holds instead of fetching it again: each backup is complete on its own, and a night
costs only the photos added that day. Deleting an old backup frees only what no newer one holds.
`restore` writes every object again, so running it a second time after a failure is safe.
"""
import argparse
import mimetypes
import os
import sys
from pathlib import Path

from app.media.storage import InvalidKey, LocalStorage, MediaNotFound, build_storage, check_key
from config import load_config


def _objects(storage):
    """(key, size) of every object in the store. Names that are not keys the app makes (the local
    store's own temporary files, .tmp-…; a folder marker a bucket console left) are skipped."""
    if isinstance(storage, LocalStorage):
        found = ((path.relative_to(storage.root).as_posix(), path.stat().st_size)
                 for path in sorted(storage.root.rglob("*")) if path.is_file())
    else:
        found = ((item["Key"], item["Size"])
                 for page in storage.client.get_paginator("list_objects_v2").paginate(Bucket=storage.bucket)
                 for item in page.get("Contents", []))
    for key, size in found:
        try:
            yield check_key(key), size
        except InvalidKey:
            continue


def _files(directory):
    """(key, path) of every object file in a backup's media directory."""
    for path in sorted(directory.rglob("*")):
        if path.is_file():
            yield check_key(path.relative_to(directory).as_posix()), path


def backup(storage, target, previous=None):
    target.mkdir(parents=True)
    copied = linked = size = 0
    for key, length in _objects(storage):
        path = target / key
        path.parent.mkdir(parents=True, exist_ok=True)
        earlier = previous / key if previous else None
        if earlier and earlier.is_file() and earlier.stat().st_size == length:
            os.link(earlier, path)
            linked += 1
        else:
            try:
                path.write_bytes(storage.get(key))
            except MediaNotFound:  # deleted since it was listed (an account erased meanwhile)
                continue
            copied += 1
        size += length
    print(f"media: {copied + linked} objects, {size} bytes ({copied} fetched, {linked} kept from the previous backup)")


def check_empty(storage):
    first = next(_objects(storage), None)
    if first is not None:
        sys.exit(f"media: the store already holds objects ({first[0]} …): restore only into an empty bucket "
                 "or MEDIA_ROOT")


def restore(storage, source):
    count = 0
    for key, path in _files(source):
        storage.put(key, path.read_bytes(), mimetypes.guess_type(key)[0] or "application/octet-stream")
        count += 1
    print(f"media: {count} objects restored")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m deploy.media", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    backup_command = commands.add_parser("backup", help="copy every object into DIR (which must not exist)")
    backup_command.add_argument("dir", type=Path)
    backup_command.add_argument("--previous", type=Path, help="the previous backup's media directory")
    commands.add_parser("check-empty", help="exit 1 if the store holds any object")
    restore_command = commands.add_parser("restore", help="write every object in DIR into the store")
    restore_command.add_argument("dir", type=Path)
    args = parser.parse_args(argv)

    storage = build_storage(vars(load_config()))
    if args.command == "backup":
        backup(storage, args.dir, args.previous)
    elif args.command == "check-empty":
        check_empty(storage)
    else:
        restore(storage, args.dir)


if __name__ == "__main__":
    main()
