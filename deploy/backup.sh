#!/usr/bin/env bash
# One backup of Yuanba: the database (pg_dump, custom format) and every photo and voice note, into
#   DIR/<UTC time>/database.dump   DIR/<UTC time>/media/<key>
# then only the newest BACKUP_KEEP (default 14) backups are kept. README: Production, Backups and
# restore. Nightly from yuanba-backup.timer; one now: systemctl start yuanba-backup.service
# Reads the app's environment (DATABASE_URL, MEDIA_ROOT or MEDIA_S3_*). Needs pg_dump of the
# server's major version (pg_dump refuses a newer server) and the app's virtualenv.
set -euo pipefail
umask 077

dir=${1:?usage: backup.sh DIR}
keep=${BACKUP_KEEP:-14}
app_dir=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-$app_dir/.venv/bin/python}
: "${DATABASE_URL:?DATABASE_URL is not set: run with the environment of the app (/etc/yuanba/env)}"
case $keep in '' | *[!0-9]* | 0) echo "BACKUP_KEEP must be a whole number of backups ≥ 1, got '$keep'" >&2; exit 2 ;; esac

# Complete backups are the directories named by their time; one being written ends in .partial.
backups() { find "$dir" -mindepth 1 -maxdepth 1 -type d -name '????????T??????Z' | sort; }

mkdir -p "$dir"
previous=$(backups | tail -n 1)
target=$dir/$(date -u +%Y%m%dT%H%M%SZ)
partial=$target.partial
trap 'rm -rf "$partial"' EXIT
mkdir "$partial"

# The database first: every photo a row names was stored before that row was committed, so a
# media copy taken after the dump holds them all.
pg_dump --format=custom --file="$partial/database.dump" "$(sed -E 's#^postgresql\+[a-z0-9]+://#postgresql://#' <<<"$DATABASE_URL")"
pg_restore --list "$partial/database.dump" >/dev/null  # the archive reads back whole

(cd "$app_dir" && "$python" -m deploy.media backup "$partial/media" ${previous:+--previous "$previous/media"})

mv "$partial" "$target"
trap - EXIT
echo "backup: $target ($(du -sh "$target" | cut -f1))"

backups | head -n -"$keep" | while read -r old; do
  rm -rf -- "$old"
  echo "backup: removed $old (keeping the newest $keep)"
done
