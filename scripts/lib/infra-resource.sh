#!/usr/bin/env bash
# PostgreSQL and Redis as the AppHost's executable resources (no container runtime): each subcommand stays in the
# foreground, so the orchestrator owns the process. Data under DATA; PostgreSQL refuses to run as root, so as root it
# runs as the postgres user.
#   infra-resource.sh pg-init  DATA          (one-shot; the superuser password in PG_SUPER_PASSWORD)
#   infra-resource.sh postgres DATA PORT
#   infra-resource.sh pg-database DATA PORT NAME   (one-shot, once PostgreSQL answers: creates the database if missing)
#   infra-resource.sh redis    DATA PORT
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/infra.sh"
cmd=$1 data=$2
case "$cmd" in
  pg-init)
    install_prereqs
    mkdir -p "$data"
    if [ "$(id -u)" = 0 ]; then
      chown postgres:postgres "$data"
      d=$data; while [ "$d" != / ]; do d=$(dirname "$d"); chmod o+x "$d" 2>/dev/null || true; done
    fi
    if [ ! -f "$data/pg/PG_VERSION" ]; then
      pwfile=$(mktemp); printf '%s\n' "$PG_SUPER_PASSWORD" >"$pwfile"; chmod 644 "$pwfile"
      pg_as_owner "$(pg_bin)/initdb" -D "$data/pg" -U postgres -E UTF8 --locale=C.UTF-8 \
        --auth-local=trust --auth-host=scram-sha-256 --pwfile="$pwfile" >"$data/initdb.log"
      rm -f "$pwfile"
      echo "initialized $data/pg"
    fi
    mkdir -p "$data/sock"; [ "$(id -u)" = 0 ] && chown postgres:postgres "$data/sock"
    echo "ready" ;;
  postgres)
    port=$3
    # durable (fsync on), sized like the run command's
    exec_pg() { if [ "$(id -u)" = 0 ]; then exec runuser -u postgres -- "$@"; else exec "$@"; fi; }
    exec_pg "$(pg_bin)/postgres" -D "$data/pg" -p "$port" -k "$data/sock" -c listen_addresses=127.0.0.1 \
      -c max_connections=300 -c shared_buffers=${CALLVIA_PG_SHARED_BUFFERS:-1GB} -c max_wal_size=4GB ;;
  pg-database)
    port=$3 name=$4
    exists=$(psql_super "$data" "$port" -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$name'")
    [ "$exists" = 1 ] || psql_super "$data" "$port" -d postgres -c "CREATE DATABASE $name"
    echo "database $name ready" ;;
  redis)
    port=$3
    mkdir -p "$data/redis"
    exec redis-server --port "$port" --bind 127.0.0.1 --appendonly yes --appendfsync everysec --dir "$data/redis" ;;
  *) echo "unknown: $cmd" >&2; exit 2 ;;
esac
