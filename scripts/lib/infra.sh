#!/usr/bin/env bash
# Shared by scripts/run.sh and scripts/test.sh: installs and starts PostgreSQL and Redis under a
# project-local folder, as root or as a normal user with sudo. Sourced, not executed.

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

# Installs PostgreSQL, Redis (and Chromium with --browser) from Debian's packages when missing.
install_prereqs() {
  local want=()
  [ -n "$(pg_bin)" ] || want+=(postgresql)
  command -v redis-server >/dev/null || want+=(redis-server)
  if [ "${1:-}" = --browser ]; then
    [ -x /usr/bin/chromium ] || want+=(chromium)
    # fonts for readable screenshots; the browser itself needs nothing more
    fc-list 2>/dev/null | grep -qi dejavu || want+=(fonts-dejavu-core)
  fi
  if [ "${1:-}" = --browser ]; then
    # the conformance tests run standard JavaScript tooling (tests/conformance)
    command -v node >/dev/null || want+=(nodejs)
    command -v npm >/dev/null || want+=(npm)
  fi
  command -v curl >/dev/null || want+=(curl)
  command -v openssl >/dev/null || want+=(openssl)
  if [ ${#want[@]} -gt 0 ]; then
    echo "==> installing ${want[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null
  fi
  # Debian starts a cluster and a redis service of its own on install; ours run beside them on other ports.
}

# Runs a PostgreSQL binary as the data folder's owner (postgres refuses to run as root).
pg_as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# start_postgres DATA_DIR PORT SUPERUSER_PASSWORD [fast]
# "fast" (tests only) turns off fsync: never for the run command, which must not lose data.
start_postgres() {
  local data=$1 port=$2 pw=$3 fast=${4:-}
  local bin; bin=$(pg_bin)
  mkdir -p "$data"
  if [ "$(id -u)" = 0 ]; then
    chown postgres:postgres "$data"
    # postgres must be able to reach the folder
    local d=$data; while [ "$d" != / ]; do d=$(dirname "$d"); chmod o+x "$d" 2>/dev/null || true; done
  fi
  if [ ! -f "$data/pg/PG_VERSION" ]; then
    local pwfile; pwfile=$(mktemp); printf '%s\n' "$pw" >"$pwfile"; chmod 644 "$pwfile"
    pg_as_owner "$bin/initdb" -D "$data/pg" -U postgres -E UTF8 --locale=C.UTF-8 \
      --auth-local=trust --auth-host=scram-sha-256 --pwfile="$pwfile" >"$data/initdb.log"
    rm -f "$pwfile"
  fi
  mkdir -p "$data/sock"; [ "$(id -u)" = 0 ] && chown postgres:postgres "$data/sock"
  if ! pg_as_owner "$bin/pg_ctl" -D "$data/pg" status >/dev/null 2>&1; then
    # Durable (fsync, full page writes) but sized for bulk loads: a bigger buffer pool than the
    # 128 MB default keeps the leads indexes in memory, and fewer forced checkpoints during an import.
    local opts="-p $port -k $data/sock -c listen_addresses=127.0.0.1 -c max_connections=300"
    opts="$opts -c shared_buffers=${CALLVIA_PG_SHARED_BUFFERS:-1GB} -c max_wal_size=4GB -c checkpoint_timeout=15min -c wal_buffers=64MB"
    [ "$fast" = fast ] && opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    # more server settings for a measurement (bench/dialer.sh's BENCH_PROFILE: pg_stat_statements)
    opts="$opts ${CALLVIA_PG_EXTRA_OPTS:-}"
    pg_as_owner "$bin/pg_ctl" -D "$data/pg" -l "$data/pg.log" -w -t 60 -o "$opts" start >/dev/null
  fi
}

stop_postgres() {
  local data=$1
  [ -f "$data/pg/PG_VERSION" ] || return 0
  pg_as_owner "$(pg_bin)/pg_ctl" -D "$data/pg" -m fast -w stop >/dev/null 2>&1 || true
}

# psql_super DATA PORT [args...]: psql as the superuser over the folder's socket.
psql_super() {
  local data=$1 port=$2; shift 2
  pg_as_owner "$(pg_bin)/psql" -h "$data/sock" -p "$port" -U postgres -v ON_ERROR_STOP=1 -qAt "$@"
}

# provision_database DATA PORT DB OWNER_PW APP_PW: the owner role owns the tables (migrations run
# as it); the app role owns nothing and is subject to row-level security.
provision_database() {
  local data=$1 port=$2 db=$3 owner_pw=$4 app_pw=$5
  psql_super "$data" "$port" -d postgres <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'callvia_owner') THEN
    CREATE ROLE callvia_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'callvia_app') THEN
    CREATE ROLE callvia_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
  END IF;
END \$\$;
ALTER ROLE callvia_owner PASSWORD '$owner_pw';
ALTER ROLE callvia_app PASSWORD '$app_pw';
SQL
  if [ -z "$(psql_super "$data" "$port" -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" ]; then
    psql_super "$data" "$port" -d postgres -c "CREATE DATABASE \"$db\" OWNER callvia_owner"
  fi
  psql_super "$data" "$port" -d "$db" -c "ALTER SCHEMA public OWNER TO callvia_owner; REVOKE CREATE ON SCHEMA public FROM PUBLIC; GRANT USAGE ON SCHEMA public TO callvia_app"
}

# start_redis DATA_DIR PORT [persist]
start_redis() {
  local data=$1 port=$2 persist=${3:-}
  mkdir -p "$data/redis"
  if redis-cli -p "$port" ping >/dev/null 2>&1; then return 0; fi
  local save=(--save '' --appendonly no)
  [ "$persist" = persist ] && save=(--appendonly yes --appendfsync everysec)
  redis-server --daemonize yes --port "$port" --bind 127.0.0.1 "${save[@]}" --dir "$data/redis" \
    --pidfile "$data/redis/redis.pid" --logfile "$data/redis/redis.log"
  for _ in $(seq 1 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "redis did not start on port $port" >&2; return 1
}

stop_redis() { redis-cli -p "$1" shutdown nosave >/dev/null 2>&1 || true; }

# random_secret [bytes]: hex, safe inside connection strings and SQL literals
# reserve_ports PORT...: takes fixed ports out of the kernel's ephemeral range (32768-60999 here), where our PostgreSQL and
# Redis ports sit: without it a busy test run's outgoing connection may hold, say, 55472 as its local port just when the
# AppHost test binds it ("Address already in use", measured once in CI). Only where /proc allows it (root); else a no-op.
reserve_ports() {
  local file=/proc/sys/net/ipv4/ip_local_reserved_ports current
  [ -w "$file" ] || return 0
  current=$(cat "$file")
  printf '%s\n' "$(printf '%s\n' ${current//,/ } "$@" | grep -v '^$' | sort -un | paste -sd, -)" >"$file" 2>/dev/null || true
}

random_secret() { openssl rand -hex "${1:-24}"; }

# wait_http URL SECONDS: waits for a 200.
wait_http() {
  local url=$1 secs=${2:-60} i
  for i in $(seq 1 $((secs * 4))); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$url" 2>/dev/null)" = 200 ] && return 0
    sleep 0.25
  done
  return 1
}
