#!/usr/bin/env bash
# Portal benchmark (issue 13): fills the demo tenant acme with 1,000,000 leads, 200,000 call logs (with usage records)
# and 20,000 appointments by binary COPY (the KPI benchmark's seed), starts the API and the portal, and times the
# portal's pages over real HTTP with the demo owner's session — the dashboard, the leads page 1, page 20 (by the
# pages' own next links), a search and a lead's page — beside the same data read through GraphQL with a partner token.
# p50/p95 of 200 sequential runs each; the budget is the portal's p95 < 100 ms. Exits 1 on a miss.
#   bash bench/portal.sh
#   BENCH_LEADS=100000 BENCH_CALLS=20000 BENCH_APPOINTMENTS=2000 BENCH_RUNS=50 bash bench/portal.sh   # a quick run
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/scripts/lib/infra.sh"
source "$ROOT/scripts/lib/platform.sh"

DATA=$ROOT/.data/bench-portal
PG_PORT=55492; REDIS_PORT=56439; API_PORT=5495; PORTAL_PORT=5496

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
DEMO_PASSWORD="Demo-$(random_secret 5)-7"
export Seed__DemoPassword="$DEMO_PASSWORD" Seed__PartnerSecret="$SECRET" ASPNETCORE_ENVIRONMENT=Production
export Logging__LogLevel__Default=Warning
export RateLimits__PerTokenPerMinute=1000000 RateLimits__PerIpPerMinute=1000000

build_services
dotnet build "$ROOT/bench/Callvia.Bench/Callvia.Bench.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null
migrate_database --seed

BENCH="$ROOT/bench/Callvia.Bench/bin/Release/net10.0/Callvia.Bench.dll"
SUPER_CONN="Host=127.0.0.1;Port=$PG_PORT;Database=callviadb;Username=postgres;Password=$SUPER;Command Timeout=900"
echo "==> generating the tenant's data (COPY)"
dotnet "$BENCH" kpis-seed --super "$SUPER_CONN" --tenant acme \
  --leads "${BENCH_LEADS:-1000000}" --calls "${BENCH_CALLS:-200000}" --appointments "${BENCH_APPOINTMENTS:-20000}"
sync
start_service Api "$API_PORT" "$DATA/run"
start_service Portal "$PORTAL_PORT" "$DATA/run"
wait_services "$API_PORT" "$PORTAL_PORT"
echo "==> portal pages beside GraphQL on $(nproc) cores"
dotnet "$BENCH" portal --api "http://127.0.0.1:$API_PORT" --portal "http://127.0.0.1:$PORTAL_PORT" --tenant acme \
  --client-id acme-partner --secret "$SECRET" --email owner@acme.test --password "$DEMO_PASSWORD" --super "$SUPER_CONN" \
  --runs "${BENCH_RUNS:-200}" --warmups "${BENCH_WARMUPS:-20}" --budget-ms "${BENCH_BUDGET_MS:-100}"
