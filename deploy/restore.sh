#!/usr/bin/env bash
# Restore one backup made by deploy/backup.sh into an EMPTY database (DATABASE_URL) and an empty
# media store (MEDIA_S3_BUCKET or MEDIA_ROOT), then check the audit log's hash chain.
# README: Production, Backups and restore.
#   restore.sh /var/backups/yuanba/20250101T023000Z
# Run with the app's environment, its DATABASE_URL pointing at a new database (createdb -O yuanba
# yuanba_restored) and its bucket or MEDIA_ROOT empty; no app or worker may be running on them yet.
# Refuses a database that has tables or a store that holds objects: it never overwrites.
set -euo pipefail

backup=${1:?usage: restore.sh BACKUP_DIR/<time>}
app_dir=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-$app_dir/.venv/bin/python}
: "${DATABASE_URL:?DATABASE_URL is not set: run with the environment of the app}"
url=$(sed -E 's#^postgresql\+[a-z0-9]+://#postgresql://#' <<<"$DATABASE_URL")
for part in database.dump media; do
  test -e "$backup/$part" || { echo "restore: $backup/$part is missing: not a complete backup" >&2; exit 2; }
done

tables=$(psql "$url" -XAtqc "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")
if [ "$tables" != 0 ]; then
  echo "restore: the database at DATABASE_URL already has $tables tables: restore only into an empty one" >&2
  exit 1
fi
cd "$app_dir"
"$python" -m deploy.media check-empty

# One transaction: on any error the database is left as empty as it was.
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction --dbname="$url" "$backup/database.dump"
echo "restore: database restored"
"$python" -m deploy.media restore "$backup/media"

"$python" -m flask --app wsgi audit verify
