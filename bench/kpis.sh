#!/usr/bin/env bash
# KPI and leads-list benchmark (issue 5): fills the demo tenant acme with 1,000,000 leads, 200,000 call logs
# (with usage records) and 20,000 appointments by binary COPY, then measures over real HTTP GraphQL with a
# partner token: kpis for the last full month and for all time, a filtered leads page, its second page by
# cursor and a name search; p50/p99 of 200 sequential runs against the 50 ms p99 budget. Exits 1 on a miss.
#   bash bench/kpis.sh
#   BENCH_LEADS=100000 BENCH_CALLS=20000 BENCH_APPOINTMENTS=2000 BENCH_RUNS=50 bash bench/kpis.sh   # a quick run
# PostgreSQL runs on its own port with throw-away data and fsync off: the load is not what is measured,
# and reads do not depend on it.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/scripts/lib/infra.sh"
source "$ROOT/scripts/lib/platform.sh"

DATA=$ROOT/.data/bench-kpis
PG_PORT=55482; REDIS_PORT=56429; API_PORT=5395

cleanup() {
  stop_services "$DATA/run"
  stop_redis "$REDIS_PORT"
  stop_postgres "$DATA"
  rm -rf "$DATA"
}
trap cleanup EXIT

install_prereqs
rm -rf "$DATA"; mkdir -p "$DATA/run"
SUPER=$(random_secret); OWNER=$(random_secret); APP=$(random_secret); SECRET="partner-$(random_secret 12)"
start_postgres "$DATA" "$PG_PORT" "$SUPER" fast
start_redis "$DATA" "$REDIS_PORT"
provision_database "$DATA" "$PG_PORT" callviadb "$OWNER" "$APP"

export ConnectionStrings__callviadb="Host=127.0.0.1;Port=$PG_PORT;Database=callviadb;Username=callvia_app;Password=$APP"
export ConnectionStrings__callviadb_owner="Host=127.0.0.1;Port=$PG_PORT;Database=callviadb;Username=callvia_owner;Password=$OWNER"
export ConnectionStrings__cache="127.0.0.1:$REDIS_PORT" Auth__TokenKey="$(openssl rand -base64 32)"
export Seed__DemoPassword="Demo-$(random_secret 5)-7" Seed__PartnerSecret="$SECRET" ASPNETCORE_ENVIRONMENT=Production
export Logging__LogLevel__Default=Warning
# one partner token runs 2,000+ sequential queries here: the per-caller rate limit (600/min) is not what is measured
export RateLimits__PerTokenPerMinute=1000000 RateLimits__PerIpPerMinute=1000000

build_services
dotnet build "$ROOT/bench/Callvia.Bench/Callvia.Bench.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null
migrate_database --seed

BENCH="$ROOT/bench/Callvia.Bench/bin/Release/net10.0/Callvia.Bench.dll"
SUPER_CONN="Host=127.0.0.1;Port=$PG_PORT;Database=callviadb;Username=postgres;Password=$SUPER;Command Timeout=900"
echo "==> generating the tenant's data (COPY)"
dotnet "$BENCH" kpis-seed --super "$SUPER_CONN" --tenant acme \
  --leads "${BENCH_LEADS:-1000000}" --calls "${BENCH_CALLS:-200000}" --appointments "${BENCH_APPOINTMENTS:-20000}"

# the load's pages out of the kernel's write-back too (fsync is off): the reads are measured on a machine at rest
sync
start_service Api "$API_PORT" "$DATA/run"
wait_services "$API_PORT"
echo "==> kpis and leads benchmark on $(nproc) cores"
dotnet "$BENCH" kpis --api "http://127.0.0.1:$API_PORT" --tenant acme --client-id acme-partner --secret "$SECRET" \
  --super "$SUPER_CONN" --runs "${BENCH_RUNS:-200}" --warmups "${BENCH_WARMUPS:-30}" --warmup-seconds "${BENCH_WARMUP_SECONDS:-30}" --budget-ms "${BENCH_BUDGET_MS:-50}"
