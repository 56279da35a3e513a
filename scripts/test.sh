#!/usr/bin/env bash
# Runs every test against real PostgreSQL and Redis (installed if missing, started on their own ports
# with throw-away data), after a check of the run command (piped, stopped with Ctrl-C); prints one closing
# line "N passed, N failed" computed from the results, and exits non-zero on any failure.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/scripts/lib/infra.sh"
source "$ROOT/scripts/lib/platform.sh"

DATA=$ROOT/.data/test
RESULTS=$ROOT/TestResults
PG_PORT=${CALLVIA_TEST_PG_PORT:-55442}
REDIS_PORT=${CALLVIA_TEST_REDIS_PORT:-56389}

passed=0; failed=0

check() { # check NAME COMMAND...: one smoke assertion, counted with the tests
  if "${@:2}" >/dev/null 2>&1; then passed=$((passed + 1)); echo "  ok    $1"
  else failed=$((failed + 1)); echo "  FAIL  $1"; fi
}

RUNCMD_PG_PORT=55462; RUNCMD_REDIS_PORT=56409

cleanup() {
  # the run-command check's job (its own process group), if it is still running, then what it may have left
  [ -n "${runpid:-}" ] && kill -INT -- "-$runpid" 2>/dev/null && sleep 5
  [ -d "$DATA/runcmd" ] && { stop_redis "$RUNCMD_REDIS_PORT"; stop_postgres "$DATA/runcmd/apphost"; }
  stop_redis "$REDIS_PORT"
  stop_postgres "$DATA"
  rm -rf "$DATA"
}
trap cleanup EXIT

set -e
install_prereqs --browser
# the tests' own ports, the run-command check's and the AppHost test's (tests/Callvia.AppHost.Tests): never a client's local port
reserve_ports "$PG_PORT" "$REDIS_PORT" "$RUNCMD_PG_PORT" "$RUNCMD_REDIS_PORT" 55472 56419
echo "==> npm packages of the conformance tests"
npm ci --prefix "$ROOT/tests/conformance" --no-audit --no-fund --loglevel=error >/dev/null
echo "==> npm packages of the portal's browser checks (axe-core, Lighthouse)"
npm ci --prefix "$ROOT/tests/Callvia.Portal.Tests/browser" --no-audit --no-fund --loglevel=error >/dev/null
cleanup
mkdir -p "$DATA"
rm -rf "$RESULTS"
PG_PASSWORD=$(random_secret)
echo "==> starting throw-away PostgreSQL on $PG_PORT and Redis on $REDIS_PORT"
start_postgres "$DATA" "$PG_PORT" "$PG_PASSWORD" fast
start_redis "$DATA" "$REDIS_PORT"
export CALLVIA_TEST_POSTGRES="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Password=$PG_PASSWORD;Database=postgres"
export CALLVIA_TEST_REDIS="127.0.0.1:$REDIS_PORT"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

echo "==> building"
dotnet build "$ROOT/Callvia.sln" -c Release -nologo -v quiet -clp:ErrorsOnly
set +e

# The services as they are deployed (migrations with demo data, the three services, from outside: health, a partner
# token, a GraphQL query, the portal, an unknown host) are started through the AppHost by
# tests/Callvia.AppHost.Tests/PlatformShould.cs, with the other tests.

# The run command itself, its output piped (as `| tee` does), stopped with Ctrl-C: SIGINT to its whole process group,
# the reader of its output included. It must still stop PostgreSQL and Redis.
echo "==> smoke: the run command, piped through tee, stopped with Ctrl-C"
RUNCMD=$DATA/runcmd; mkdir -p "$RUNCMD"
# job control on: the job gets a process group of its own, as a terminal's foreground job has, and does not start
# with SIGINT ignored (what a script's background job would, so that Ctrl-C could not be tested at all)
set -m
bash -c 'CALLVIA_DATA="$1" CALLVIA_PG_PORT='$RUNCMD_PG_PORT' CALLVIA_REDIS_PORT='$RUNCMD_REDIS_PORT' CALLVIA_API_PORT=5195 CALLVIA_PORTAL_PORT=5196 CALLVIA_JOBS_PORT=5197 CALLVIA_SANDBOX_PORT=5194 CALLVIA_DASHBOARD_PORT=5198 CALLVIA_OTLP_PORT=5199 \
  bash "$2/scripts/run.sh" 2>&1 | tee "$1/out.log" >/dev/null' _ "$RUNCMD" "$ROOT" </dev/null &
runpid=$!
set +m
started=no
for _ in $(seq 1 480); do grep -q "Callvia is running" "$RUNCMD/out.log" 2>/dev/null && { started=yes; break; }; sleep 0.5; done
check "the run command starts the platform" test "$started" = yes
check "its output shows the demo sign-ins" grep -q "owner@acme.test" "$RUNCMD/out.log"
check "its output shows the dashboard's sign-in link" grep -q "login?t=" "$RUNCMD/out.log"
check "the portal answers on acme's host" test "$(curl -s -o /dev/null -w '%{http_code}' http://acme.localhost:5196/account/sign-in)" = 200
kill -INT -- "-$runpid" 2>/dev/null
for _ in $(seq 1 120); do kill -0 "$runpid" 2>/dev/null || break; sleep 0.5; done
check "Ctrl-C through a pipe stops PostgreSQL" bash -c '! (exec 3<>/dev/tcp/127.0.0.1/'$RUNCMD_PG_PORT') 2>/dev/null'
check "Ctrl-C through a pipe stops Redis" bash -c '! redis-cli -p '$RUNCMD_REDIS_PORT' ping >/dev/null 2>&1'
check "Ctrl-C through a pipe stops the services" bash -c '! curl -s -o /dev/null http://127.0.0.1:5195/alive'
check "Ctrl-C through a pipe stops the AppHost and its dashboard" bash -c '! curl -s -o /dev/null http://127.0.0.1:5198/'

echo "==> tests"
dotnet test "$ROOT/Callvia.sln" -c Release --no-build --logger trx --results-directory "$RESULTS" -- RunConfiguration.TreatNoTestsAsError=true
status=$?

# Count from the TRX files (one per test project), not from dotnet test's own summary.
files=$(find "$RESULTS" -name '*.trx' 2>/dev/null | wc -l)
for trx in $(find "$RESULTS" -name '*.trx' 2>/dev/null); do
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
done
if [ "$files" -lt 5 ]; then
  echo "expected results from 5 test projects, found $files" >&2; failed=$((failed + 1))
fi
echo "$passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
