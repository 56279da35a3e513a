#!/usr/bin/env bash
# Webhook ingest benchmark: signed Retell and Cal.com webhooks across the demo tenants at rising
# concurrency, beside a bare endpoint on the same API that only inserts the raw row. Then the jobs
# service is started and processes everything; the check reports its rate and that
# accepted = stored = processed = applied, with no duplicates. (The jobs service runs after the load,
# not during it: on two cores it would measure the two services' share of the CPU, not the ingest;
# in production they run on separate instances.)
#   bash bench/webhooks.sh                    # concurrency 8,32,64, 5 s each
#   BENCH_CONCURRENCY=16 BENCH_SECONDS=5 bash bench/webhooks.sh
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/scripts/lib/infra.sh"
source "$ROOT/scripts/lib/platform.sh"

DATA=$ROOT/.data/bench-webhooks
PG_PORT=55462; REDIS_PORT=56409; API_PORT=5195; JOBS_PORT=5196

cleanup() {
  stop_services "$DATA/run"
  [ -n "${BENCH_KEEP:-}" ] && { echo "==> BENCH_KEEP: PostgreSQL (port $PG_PORT, socket $DATA/sock) and Redis left running"; return; }
  stop_redis "$REDIS_PORT"
  stop_postgres "$DATA"
  rm -rf "$DATA"
}
trap cleanup EXIT

install_prereqs
rm -rf "$DATA"; mkdir -p "$DATA/run"
SUPER=$(random_secret); OWNER=$(random_secret); APP=$(random_secret)
start_postgres "$DATA" "$PG_PORT" "$SUPER"
start_redis "$DATA" "$REDIS_PORT"
provision_database "$DATA" "$PG_PORT" callviadb "$OWNER" "$APP"

export ConnectionStrings__callviadb="Host=127.0.0.1;Port=$PG_PORT;Database=callviadb;Username=callvia_app;Password=$APP;Maximum Pool Size=200"
export ConnectionStrings__callviadb_owner="Host=127.0.0.1;Port=$PG_PORT;Database=callviadb;Username=callvia_owner;Password=$OWNER"
export ConnectionStrings__cache="127.0.0.1:$REDIS_PORT" Auth__TokenKey="$(openssl rand -base64 32)"
export Seed__DemoPassword="Demo-$(random_secret 5)-7" Seed__PartnerSecret="partner-$(random_secret 12)" ASPNETCORE_ENVIRONMENT=Production
export Logging__LogLevel__Default=Warning Bench__BareEndpoint=true

build_services
dotnet build "$ROOT/bench/Callvia.Bench/Callvia.Bench.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null
migrate_database --seed
start_service Api "$API_PORT" "$DATA/run"
wait_services "$API_PORT"

BENCH="$ROOT/bench/Callvia.Bench/bin/Release/net10.0/Callvia.Bench.dll"
SUPER_CONN="Host=127.0.0.1;Port=$PG_PORT;Database=callviadb;Username=postgres;Password=$SUPER"
echo "==> webhook ingest benchmark on $(nproc) cores"
load=0
dotnet "$BENCH" webhooks --phase load --api "http://127.0.0.1:$API_PORT" --tenants acme,globex --state "$DATA/accepted" \
  --concurrency "${BENCH_CONCURRENCY:-8,32,64}" --seconds "${BENCH_SECONDS:-5}" || load=$?

echo "==> processing: the jobs service"
# the baseline's rows are not provider events: nothing processes them, so they go
PGPASSWORD=$SUPER "$(pg_bin)/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d callviadb -qAtc "DELETE FROM events WHERE provider = 'bare'" >/dev/null
start_service Jobs "$JOBS_PORT" "$DATA/run"
wait_services "$JOBS_PORT"
check=0
dotnet "$BENCH" webhooks --phase check --super "$SUPER_CONN" --state "$DATA/accepted" || check=$?
exit $(( load || check ))
