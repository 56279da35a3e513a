#!/usr/bin/env bash
# Billing benchmark (issue 16), two parts: milestone detection per verification for a client with 100,000 shown
# appointments in its ledger (budget p99 < 10 ms); then the month close for 1,000 clients in eight time zones and
# 2,000,000 usage records (budget < 60 s, exact to the cent). Seeds by COPY (October 2026, some late September usage, some November usage after
# the close, some simulated), then runs the jobs service's month close in the benchmark's process with its clock at
# 2026-11-02 12:00 UTC and the invoices made in the fake Stripe on loopback (the tests' fake), and checks each invoice
# against the database's own sum of the client's usage (rounded once), its lines, Stripe's amount, and a second run.
# The milestone part seeds one client's ledger by COPY (4,000 milestones with their invoices, 1,000 corrections) and
# verifies 3,000 more appointments one at a time, timing the ledger's counting inside each verifying transaction.
# Prints each figure beside its budget; exits 1 on a miss (after both parts).
#   bash bench/billing.sh
#   BENCH_CLIENTS=100 BENCH_RECORDS=200000 bash bench/billing.sh   # a quick run
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/scripts/lib/infra.sh"
source "$ROOT/scripts/lib/platform.sh"
source "$ROOT/scripts/lib/bench.sh"

bench_infra bench-billing 55594 56542
build_services
dotnet build "$ROOT/bench/Callvia.Bench/Callvia.Bench.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null
migrate_database
rc=0
# first, on a database at rest (after the close, autovacuum works through the 2,000,000 billed rows for minutes)
echo "==> one client's milestone ledger: ${BENCH_SHOWN:-100000} shown appointments (COPY)"
dotnet "$BENCH" milestones-seed --super "$SUPER_CONN" --shown "${BENCH_SHOWN:-100000}"
echo "==> verifying 3,000 appointments one at a time"
# the code as a long-running jobs service runs it: optimized from the start (tiered compilation would leave the
# milestone-making path, one verification in 25, partly unoptimized for the length of this run)
DOTNET_TieredCompilation=0 dotnet "$BENCH" milestones --super "$SUPER_CONN" --budget-ms 10 || rc=1
echo "==> generating ${BENCH_CLIENTS:-1000} clients and ${BENCH_RECORDS:-2000000} ended calls with their usage (COPY)"
dotnet "$BENCH" billing-seed --super "$SUPER_CONN" --clients "${BENCH_CLIENTS:-1000}" --records "${BENCH_RECORDS:-2000000}"
sync
echo "==> closing the month on $(nproc) cores"
dotnet "$BENCH" billing --super "$SUPER_CONN" --budget-s 60 || rc=1
exit $rc
