#!/usr/bin/env bash
# Runs the platform locally: PostgreSQL and Redis (installed if missing, data under .data/run, durable),
# the roles, migrations, demo data, then the API, jobs and portal. Ctrl-C stops everything.
# Safe to run again: data, secrets and demo accounts are kept.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/scripts/lib/infra.sh"
source "$ROOT/scripts/lib/platform.sh"

DATA=${CALLVIA_DATA:-$ROOT/.data/run}
PG_PORT=${CALLVIA_PG_PORT:-55432}
REDIS_PORT=${CALLVIA_REDIS_PORT:-56379}
API_PORT=${CALLVIA_API_PORT:-5080}
PORTAL_PORT=${CALLVIA_PORTAL_PORT:-5081}
JOBS_PORT=${CALLVIA_JOBS_PORT:-5082}

install_prereqs
mkdir -p "$DATA/logs"

# Local secrets, made once per machine and kept out of git (.data is ignored).
if [ ! -f "$DATA/secrets.env" ]; then
  umask 077
  cat >"$DATA/secrets.env" <<SECRETS
PG_SUPER_PASSWORD=$(random_secret)
OWNER_PASSWORD=$(random_secret)
APP_PASSWORD=$(random_secret)
TOKEN_KEY=$(openssl rand -base64 32)
DEMO_PASSWORD=Demo-$(random_secret 5)-7
PARTNER_SECRET=partner-$(random_secret 12)
SECRETS
  umask 022
fi
source "$DATA/secrets.env"

cleanup() {
  trap - INT TERM EXIT
  # Ctrl-C also stops whatever reads our output (`| tee`): writing to it must not end the clean-up half-way
  trap '' PIPE INT
  set +e
  { echo; echo "==> stopping"; } 2>/dev/null
  stop_services "$DATA/logs"
  stop_redis "$REDIS_PORT"
  stop_postgres "$DATA"
  echo "stopped" 2>/dev/null
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

echo "==> starting PostgreSQL on $PG_PORT and Redis on $REDIS_PORT (data in $DATA)"
start_postgres "$DATA" "$PG_PORT" "$PG_SUPER_PASSWORD"
start_redis "$DATA" "$REDIS_PORT" persist
provision_database "$DATA" "$PG_PORT" callviadb "$OWNER_PASSWORD" "$APP_PASSWORD"

export ConnectionStrings__callviadb="Host=127.0.0.1;Port=$PG_PORT;Database=callviadb;Username=callvia_app;Password=$APP_PASSWORD"
export ConnectionStrings__callviadb_owner="Host=127.0.0.1;Port=$PG_PORT;Database=callviadb;Username=callvia_owner;Password=$OWNER_PASSWORD"
export ConnectionStrings__cache="127.0.0.1:$REDIS_PORT"
export Callvia__RootDomain=localhost Auth__TokenKey="$TOKEN_KEY"
export Seed__DemoPassword="$DEMO_PASSWORD" Seed__PartnerSecret="$PARTNER_SECRET"
export ASPNETCORE_ENVIRONMENT=${ASPNETCORE_ENVIRONMENT:-Production} DOTNET_NOLOGO=1

build_services
migrate_database --seed

echo "==> starting the services"
start_service Api "$API_PORT" "$DATA/logs"
start_service Jobs "$JOBS_PORT" "$DATA/logs"
start_service Portal "$PORTAL_PORT" "$DATA/logs"
wait_services "$API_PORT" "$JOBS_PORT" "$PORTAL_PORT"

cat <<INFO

Callvia is running (logs in $DATA/logs). Ctrl-C stops it.

  Portal   http://acme.localhost:$PORTAL_PORT     http://globex.localhost:$PORTAL_PORT
           http://admin.localhost:$PORTAL_PORT    (agency console)
  API      http://acme.localhost:$API_PORT/graphql  (token: POST http://acme.localhost:$API_PORT/connect/token)
  Jobs     http://admin.localhost:$JOBS_PORT/hangfire  (agency admins, after signing in on the admin portal)

Demo sign-ins (local only), password for all: $DEMO_PASSWORD
  owner@acme.test      on http://acme.localhost:$PORTAL_PORT
  owner@globex.test    on http://globex.localhost:$PORTAL_PORT
  admin@callvia.local  (agency admin) on any of them

Partner applications (client credentials): acme-partner / globex-partner, secret $PARTNER_SECRET
  curl -s http://acme.localhost:$API_PORT/connect/token -d grant_type=client_credentials \\
       -d client_id=acme-partner -d client_secret=$PARTNER_SECRET
INFO

# Wait until Ctrl-C, or until a service dies.
while true; do
  for f in "$DATA/logs"/*.pid; do
    [ -f "$f" ] || continue
    if ! kill -0 "$(cat "$f")" 2>/dev/null; then
      echo "$(basename "$f" .pid) exited; see $DATA/logs/$(basename "$f" .pid).log" >&2
      exit 1
    fi
  done
  sleep 2
done
