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
source "$ROOT/scripts/lib/bench.sh"

API_PORT=5395
bench_infra bench-kpis 55482 56429
bench_seed
start_service Api "$API_PORT" "$DATA/run"
wait_services "$API_PORT"
echo "==> kpis and leads benchmark on $(nproc) cores"
dotnet "$BENCH" kpis --api "http://127.0.0.1:$API_PORT" --tenant acme --client-id acme-partner --secret "$SECRET" \
  --super "$SUPER_CONN" --runs "${BENCH_RUNS:-200}" --warmups "${BENCH_WARMUPS:-30}" --warmup-seconds "${BENCH_WARMUP_SECONDS:-30}" --budget-ms "${BENCH_BUDGET_MS:-50}"
