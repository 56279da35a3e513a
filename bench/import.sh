#!/usr/bin/env bash
# Lead import benchmark: the API's CSV import over HTTP against PostgreSQL's own COPY of the same rows,
# normalized (the physical limit here), plus the API's memory growth. Prints both side by side.
#   bash bench/import.sh                 # 100,000 and 1,000,000 rows
#   BENCH_ROWS=100000 bash bench/import.sh
# PostgreSQL runs with the run command's durable settings, on its own port with throw-away data.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/scripts/lib/infra.sh"
source "$ROOT/scripts/lib/platform.sh"

DATA=$ROOT/.data/bench
PG_PORT=55452; REDIS_PORT=56399; API_PORT=5190
ROWS=${BENCH_ROWS:-100000,1000000}

cleanup() {
  stop_services "$DATA/run"
  stop_redis "$REDIS_PORT"
  stop_postgres "$DATA"
  rm -rf "$DATA"
}
trap cleanup EXIT

install_prereqs
rm -rf "$DATA"; mkdir -p "$DATA/run" "$DATA/files"
SUPER=$(random_secret); OWNER=$(random_secret); APP=$(random_secret); SECRET="partner-$(random_secret 12)"
start_postgres "$DATA" "$PG_PORT" "$SUPER"
start_redis "$DATA" "$REDIS_PORT"
provision_database "$DATA" "$PG_PORT" callviadb "$OWNER" "$APP"

export ConnectionStrings__callviadb="Host=127.0.0.1;Port=$PG_PORT;Database=callviadb;Username=callvia_app;Password=$APP"
export ConnectionStrings__callviadb_owner="Host=127.0.0.1;Port=$PG_PORT;Database=callviadb;Username=callvia_owner;Password=$OWNER"
export ConnectionStrings__cache="127.0.0.1:$REDIS_PORT" Auth__TokenKey="$(openssl rand -base64 32)"
export Seed__DemoPassword="Demo-$(random_secret 5)-7" Seed__PartnerSecret="$SECRET" ASPNETCORE_ENVIRONMENT=Production
export Logging__LogLevel__Default=Warning Logging__LogLevel__Callvia=Information

build_services
dotnet build "$ROOT/bench/Callvia.Bench/Callvia.Bench.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null
migrate_database --seed
start_service Api "$API_PORT" "$DATA/run"
wait_services "$API_PORT"

echo "==> lead import benchmark (rows: $ROWS) on $(nproc) cores"
status=0
dotnet "$ROOT/bench/Callvia.Bench/bin/Release/net10.0/Callvia.Bench.dll" import \
  --api "http://127.0.0.1:$API_PORT" --tenant acme --client-id acme-partner --secret "$SECRET" \
  --owner "$ConnectionStrings__callviadb_owner" \
  --super "Host=127.0.0.1;Port=$PG_PORT;Database=callviadb;Username=postgres;Password=$SUPER" --api-pid "$(cat "$DATA/run/Api.pid")" --rows "$ROWS" --dir "$DATA/files" || status=$?
grep -h "Import .*staged in" "$DATA/run/Api.log" | sed "s/^ */  api: /" || true
exit $status
