#!/usr/bin/env bash
# Dialer benchmark (issue 14): the demo tenant acme with 1,000,000 consented, due leads in 30 time zones, its campaign and
# client limited to 200 concurrent calls; the API, the sandbox simulator answering every call with a 2-second call
# (started, ended, analyzed: signed webhooks through the API) and the jobs service dialing it, each its own process.
# Prints slot utilization (in-call slot-seconds / available, budget >= 95 % while leads are due), the slots held,
# call starts per second beside the limit (200 / 2 s = 100/s), CPU per 1,000 calls per process and for the machine;
# then, with the jobs service stopped, the p99 of the statement that picks the next due leads (budget < 20 ms).
# Exits 1 on a miss.
#   bash bench/dialer.sh
#   BENCH_LEADS=100000 BENCH_SECONDS=30 bash bench/dialer.sh   # a quick run
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/scripts/lib/infra.sh"
source "$ROOT/scripts/lib/platform.sh"
source "$ROOT/scripts/lib/bench.sh"

API_PORT=5595; JOBS_PORT=5596; SANDBOX_PORT=5597
LIMIT=${BENCH_LIMIT:-200}; CALL=${BENCH_CALL_SECONDS:-2}
# BENCH_PROFILE=1: the database's statements ranked by time spent (pg_stat_statements) after the run
[ "${BENCH_PROFILE:-}" = 1 ] && export CALLVIA_PG_EXTRA_OPTS="-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all"
bench_infra bench-dialer 55592 56539
[ "${BENCH_PROFILE:-}" = 1 ] && psql_super "$DATA" "$PG_PORT" -d callviadb -c "CREATE EXTENSION pg_stat_statements"
build_services
dotnet build "$ROOT/Callvia.Sandbox/Callvia.Sandbox.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null
dotnet build "$ROOT/bench/Callvia.Bench/Callvia.Bench.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null
migrate_database --seed
echo "==> generating ${BENCH_LEADS:-1000000} due leads in 30 zones (COPY)"
dotnet "$BENCH" dialer-seed --super "$SUPER_CONN" --tenant acme --leads "${BENCH_LEADS:-1000000}" --limit "$LIMIT"
sync

# sandbox mode, as a local run without a Retell key: the simulator's key is the platform's Retell key
KEY="sim_$(random_secret 24)"
export Dialer__Retell__ApiKey="$KEY" Dialer__Retell__Simulated=true
Sandbox__ApiKey="$KEY" Sandbox__ApiUrl="http://127.0.0.1:$API_PORT/" Sandbox__Ring=00:00:00 Sandbox__CallLength="00:00:0$CALL" \
  Sandbox__FixedLength=true Sandbox__AnalysisDelay=00:00:00.200 Sandbox__Mix__NoAnswer=0 Sandbox__Mix__Busy=0 Sandbox__Mix__Voicemail=0 \
  Sandbox__Mix__NotInterested=0 Sandbox__Mix__Booked=0 Sandbox__Mix__Callback=1 \
  start_service Sandbox "$SANDBOX_PORT" "$DATA/run"
start_service Api "$API_PORT" "$DATA/run"
wait_services "$API_PORT" "$SANDBOX_PORT"
Dialer__Retell__BaseUrl="http://127.0.0.1:$SANDBOX_PORT/" Dialer__Tick="${BENCH_TICK:-00:00:00.250}" \
  start_service Jobs "$JOBS_PORT" "$DATA/run"
wait_services "$JOBS_PORT"

echo "==> the dialer at work on $(nproc) cores"
status=0
dotnet "$BENCH" dialer --super "$SUPER_CONN" --tenant acme --limit "$LIMIT" --call-seconds "$CALL" \
  --seconds "${BENCH_SECONDS:-60}" --warmup "${BENCH_WARMUP:-20}" \
  --pids "jobs=$(cat "$DATA/run/Jobs.pid"),api=$(cat "$DATA/run/Api.pid"),sandbox=$(cat "$DATA/run/Sandbox.pid")" || status=1

if [ "${BENCH_PROFILE:-}" = 1 ]; then
  echo "==> the database's time by statement (pg_stat_statements, the whole run)"
  psql_super "$DATA" "$PG_PORT" -d callviadb -F ' | ' -c "
    SELECT round(total_exec_time)::int AS ms, calls, round((total_exec_time / greatest(calls, 1))::numeric, 3) AS ms_per_call,
           rows, left(regexp_replace(query, '\s+', ' ', 'g'), 160)
    FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 25"
fi
# the statement alone, without the dialer's own claims beside it
kill "$(cat "$DATA/run/Jobs.pid")"; rm -f "$DATA/run/Jobs.pid"; sleep 2
dotnet "$BENCH" dialer-query --super "$SUPER_CONN" --app "$ConnectionStrings__callviadb" --tenant acme \
  --runs "${BENCH_RUNS:-1000}" --budget-ms 20 || status=1
exit $status
