#!/usr/bin/env bash
# Runs every test against real PostgreSQL and Redis (installed if missing, started on their own ports
# with throw-away data), after a smoke run of the real services on other ports; prints one closing
# line "N passed, N failed" computed from the results, and exits non-zero on any failure.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/scripts/lib/infra.sh"
source "$ROOT/scripts/lib/platform.sh"

DATA=$ROOT/.data/test
RESULTS=$ROOT/TestResults
PG_PORT=${CALLVIA_TEST_PG_PORT:-55442}
REDIS_PORT=${CALLVIA_TEST_REDIS_PORT:-56389}
API_PORT=5180; JOBS_PORT=5182; PORTAL_PORT=5181
passed=0; failed=0

check() { # check NAME COMMAND...: one smoke assertion, counted with the tests
  if "${@:2}" >/dev/null 2>&1; then passed=$((passed + 1)); echo "  ok    $1"
  else failed=$((failed + 1)); echo "  FAIL  $1"; fi
}

RUNCMD_PG_PORT=55462; RUNCMD_REDIS_PORT=56409

cleanup() {
  stop_services "$DATA/run" 2>/dev/null
  [ -d "$DATA/runcmd" ] && { stop_services "$DATA/runcmd/logs" 2>/dev/null; stop_redis "$RUNCMD_REDIS_PORT"; stop_postgres "$DATA/runcmd"; }
  stop_redis "$REDIS_PORT"
  stop_postgres "$DATA"
  rm -rf "$DATA"
}
trap cleanup EXIT

set -e
install_prereqs --browser
echo "==> npm packages of the conformance tests"
npm ci --prefix "$ROOT/tests/conformance" --no-audit --no-fund --loglevel=error >/dev/null
cleanup
mkdir -p "$DATA/run"
rm -rf "$RESULTS"
PG_PASSWORD=$(random_secret)
echo "==> starting throw-away PostgreSQL on $PG_PORT and Redis on $REDIS_PORT"
start_postgres "$DATA" "$PG_PORT" "$PG_PASSWORD" fast
start_redis "$DATA" "$REDIS_PORT"
export CALLVIA_TEST_POSTGRES="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Password=$PG_PASSWORD;Database=postgres"
export CALLVIA_TEST_REDIS="127.0.0.1:$REDIS_PORT"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

echo "==> building"
dotnet build "$ROOT/Callvia.Ci.slnf" -c Release -nologo -v quiet -clp:ErrorsOnly
set +e

# The run command's path, on other ports with a throw-away database: migrate (twice: the second is a
# no-op), seed, start the three services, and check them from outside.
echo "==> smoke: the services as the run command starts them"
OWNER_PW=$(random_secret); APP_PW=$(random_secret); DEMO_PW="Demo-$(random_secret 5)-7"; SECRET="partner-$(random_secret 12)"
provision_database "$DATA" "$PG_PORT" callvia_smoke "$OWNER_PW" "$APP_PW"
export ConnectionStrings__callviadb="Host=127.0.0.1;Port=$PG_PORT;Database=callvia_smoke;Username=callvia_app;Password=$APP_PW"
export ConnectionStrings__callviadb_owner="Host=127.0.0.1;Port=$PG_PORT;Database=callvia_smoke;Username=callvia_owner;Password=$OWNER_PW"
export ConnectionStrings__cache="127.0.0.1:$REDIS_PORT" Auth__TokenKey="$(openssl rand -base64 32)"
export Seed__DemoPassword="$DEMO_PW" Seed__PartnerSecret="$SECRET" ASPNETCORE_ENVIRONMENT=Production
check "migrate and seed" migrate_database --seed
check "migrate and seed again (no-op)" migrate_database --seed
start_service Api "$API_PORT" "$DATA/run"; start_service Jobs "$JOBS_PORT" "$DATA/run"; start_service Portal "$PORTAL_PORT" "$DATA/run"
check "the three services report healthy" wait_services "$API_PORT" "$JOBS_PORT" "$PORTAL_PORT"
check "portal sign-in page on acme's host" test "$(curl -s -o /dev/null -w '%{http_code}' "http://acme.localhost:$PORTAL_PORT/account/sign-in")" = 200
check "unknown host answers 404" test "$(curl -s -o /dev/null -w '%{http_code}' "http://nobody.localhost:$PORTAL_PORT/")" = 404
token=$(curl -s "http://acme.localhost:$API_PORT/connect/token" -d grant_type=client_credentials -d client_id=acme-partner -d "client_secret=$SECRET" | sed -n 's/.*"access_token": *"\([^"]*\)".*/\1/p')
check "partner token for acme" test -n "$token"
answer=$(curl -s "http://acme.localhost:$API_PORT/graphql" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
  -d '{"query":"{ client { name } campaigns { nodes { name } } }"}')
check "GraphQL answers acme's client and campaigns" grep -q '"Spring reactivation"' <<<"$answer"
check "GraphQL shows nothing of globex to acme" bash -c '! grep -q "Globex" <<<"$1"' _ "$answer"
stop_services "$DATA/run"
unset ConnectionStrings__callviadb ConnectionStrings__callviadb_owner ConnectionStrings__cache Auth__TokenKey Seed__DemoPassword Seed__PartnerSecret ASPNETCORE_ENVIRONMENT

# The run command itself, its output piped (as `| tee` does), stopped with Ctrl-C: SIGINT to its whole process group,
# the reader of its output included. It must still stop PostgreSQL and Redis.
echo "==> smoke: the run command, piped through tee, stopped with Ctrl-C"
RUNCMD=$DATA/runcmd; mkdir -p "$RUNCMD"
# job control on: the job gets a process group of its own, as a terminal's foreground job has, and does not start
# with SIGINT ignored (what a script's background job would, so that Ctrl-C could not be tested at all)
set -m
bash -c 'CALLVIA_DATA="$1" CALLVIA_PG_PORT='$RUNCMD_PG_PORT' CALLVIA_REDIS_PORT='$RUNCMD_REDIS_PORT' CALLVIA_API_PORT=5195 CALLVIA_PORTAL_PORT=5196 CALLVIA_JOBS_PORT=5197 \
  bash "$2/scripts/run.sh" 2>&1 | tee "$1/out.log" >/dev/null' _ "$RUNCMD" "$ROOT" </dev/null &
runpid=$!
set +m
started=no
for _ in $(seq 1 480); do grep -q "Callvia is running" "$RUNCMD/out.log" 2>/dev/null && { started=yes; break; }; sleep 0.5; done
check "the run command starts the platform" test "$started" = yes
check "its output shows the demo sign-ins" grep -q "owner@acme.test" "$RUNCMD/out.log"
kill -INT -- "-$runpid" 2>/dev/null
for _ in $(seq 1 120); do kill -0 "$runpid" 2>/dev/null || break; sleep 0.5; done
check "Ctrl-C through a pipe stops PostgreSQL" bash -c '! (exec 3<>/dev/tcp/127.0.0.1/'$RUNCMD_PG_PORT') 2>/dev/null'
check "Ctrl-C through a pipe stops Redis" bash -c '! redis-cli -p '$RUNCMD_REDIS_PORT' ping >/dev/null 2>&1'
check "Ctrl-C through a pipe stops the services" bash -c '! curl -s -o /dev/null http://127.0.0.1:5195/alive'

echo "==> tests"
dotnet test "$ROOT/Callvia.Ci.slnf" -c Release --no-build --logger trx --results-directory "$RESULTS" -- RunConfiguration.TreatNoTestsAsError=true
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
