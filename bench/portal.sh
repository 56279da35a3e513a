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
source "$ROOT/scripts/lib/bench.sh"

API_PORT=5495; PORTAL_PORT=5496
bench_infra bench-portal 55492 56439
bench_seed
start_service Api "$API_PORT" "$DATA/run"
start_service Portal "$PORTAL_PORT" "$DATA/run"
wait_services "$API_PORT" "$PORTAL_PORT"
echo "==> portal pages beside GraphQL on $(nproc) cores"
dotnet "$BENCH" portal --api "http://127.0.0.1:$API_PORT" --portal "http://127.0.0.1:$PORTAL_PORT" --tenant acme \
  --client-id acme-partner --secret "$SECRET" --email owner@acme.test --password "$DEMO_PASSWORD" --super "$SUPER_CONN" \
  --runs "${BENCH_RUNS:-200}" --warmups "${BENCH_WARMUPS:-20}" --budget-ms "${BENCH_BUDGET_MS:-100}"
