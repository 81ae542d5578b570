#!/usr/bin/env bash
# Start a local PostgreSQL server for the storage tests and print its URL as the last line of stdout.
#
# For CI on a fresh Debian machine, run as root:
#     export IOTPROFILE_TEST_POSTGRES_URL="$(scripts/start-test-postgres.sh | tail -n 1)"
# Safe to run twice: it installs, creates and starts only what is missing. Everything but the URL goes to stderr.
# The role may CREATE DATABASE because the tests make a fresh database per session and drop it afterwards.
set -euo pipefail

PG_USER="${IOTPROFILE_PG_USER:-iotprofile}"
PG_PASSWORD="${IOTPROFILE_PG_PASSWORD:-iotprofile}"
PG_DATABASE="${IOTPROFILE_PG_DATABASE:-iotprofile}"

log() { echo "start-test-postgres: $*" >&2; }

if [[ "$(id -u)" -ne 0 ]]; then
    log "run as root (it installs Debian packages and starts the cluster as the postgres user)"
    exit 1
fi

if ! dpkg-query -W -f='${Status}' postgresql 2>/dev/null | grep -q "install ok installed"; then
    log "installing postgresql"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql >&2
fi

# The newest installed server version; Debian installs one per release (15 on bookworm).
version="$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort -V | tail -n 1)"
if [[ -z "$version" ]]; then
    log "no PostgreSQL server found under /usr/lib/postgresql"
    exit 1
fi

# Some images set create_main_cluster = false in /etc/postgresql-common/createcluster.conf.
if [[ ! -d "/etc/postgresql/$version/main" ]]; then
    log "creating cluster $version/main"
    pg_createcluster "$version" main >&2
fi

if ! pg_ctlcluster "$version" main status >/dev/null 2>&1; then
    log "starting cluster $version/main"
    # Containers have no systemd: start the cluster directly.
    pg_ctlcluster --skip-systemctl-redirect "$version" main start >&2
fi

port="$(pg_conftool -s "$version" main show port 2>/dev/null || echo 5432)"

for _ in $(seq 1 60); do
    if pg_isready -q -h 127.0.0.1 -p "$port"; then
        break
    fi
    sleep 0.5
done
if ! pg_isready -q -h 127.0.0.1 -p "$port"; then
    log "the server on 127.0.0.1:$port does not accept connections after 30 s"
    exit 1
fi

# psql as the postgres superuser over the local socket (peer authentication); cd so it can read its cwd.
as_postgres() { (cd /tmp && runuser -u postgres -- psql -p "$port" -v ON_ERROR_STOP=1 -qtA "$@"); }

as_postgres -v user="$PG_USER" -v password="$PG_PASSWORD" >&2 <<'SQL'
SELECT format(
    CASE WHEN EXISTS (SELECT FROM pg_roles WHERE rolname = :'user')
         THEN 'ALTER ROLE %I LOGIN CREATEDB PASSWORD %L'
         ELSE 'CREATE ROLE %I LOGIN CREATEDB PASSWORD %L' END,
    :'user', :'password') \gexec
SQL

as_postgres -v user="$PG_USER" -v database="$PG_DATABASE" >&2 <<'SQL'
SELECT format('CREATE DATABASE %I OWNER %I', :'database', :'user')
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'database') \gexec
SQL

log "PostgreSQL $version on 127.0.0.1:$port, database $PG_DATABASE, role $PG_USER"
echo "postgresql+psycopg://${PG_USER}:${PG_PASSWORD}@127.0.0.1:${port}/${PG_DATABASE}"
