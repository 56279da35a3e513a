#!/usr/bin/env bash
# Runs the platform locally through the Aspire AppHost (the one description of the topology): PostgreSQL and
# Redis (containers where a container runtime answers, else the machine's binaries, installed when missing; data
# under $CALLVIA_DATA, durable), migrations with the demo tenants, the API, jobs and portal, and Aspire's dashboard.
# Prints the URLs, the demo sign-ins and the dashboard's sign-in link. Ctrl-C stops everything, also when the output
# is piped. Safe to run again: data, secrets and demo accounts are kept.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/scripts/lib/infra.sh"

DATA=${CALLVIA_DATA:-$ROOT/.data/run}
PG_PORT=${CALLVIA_PG_PORT:-55432}
REDIS_PORT=${CALLVIA_REDIS_PORT:-56379}
API_PORT=${CALLVIA_API_PORT:-5080}
PORTAL_PORT=${CALLVIA_PORTAL_PORT:-5081}
JOBS_PORT=${CALLVIA_JOBS_PORT:-5082}
SANDBOX_PORT=${CALLVIA_SANDBOX_PORT:-5083}
DASHBOARD_PORT=${CALLVIA_DASHBOARD_PORT:-18888}
OTLP_PORT=${CALLVIA_OTLP_PORT:-18889}

install_prereqs
reserve_ports "$PG_PORT" "$REDIS_PORT"
mkdir -p "$DATA/logs"

# Local secrets, made once per machine and kept out of git (.data is ignored).
if [ ! -f "$DATA/secrets.env" ]; then
  umask 077
  cat >"$DATA/secrets.env" <<SECRETS
PG_SUPER_PASSWORD=$(random_secret)
APP_PASSWORD=$(random_secret)
TOKEN_KEY=$(openssl rand -base64 32)
DEMO_PASSWORD=Demo-$(random_secret 5)-7
PARTNER_SECRET=partner-$(random_secret 12)
SECRETS
  umask 022
fi
source "$DATA/secrets.env"

apphost_pid=
cleanup() {
  trap - INT TERM EXIT
  # Ctrl-C also stops whatever reads our output (`| tee`): writing to it must not end the clean-up half-way
  trap '' PIPE INT
  set +e
  { echo; echo "==> stopping"; } 2>/dev/null
  if [ -n "$apphost_pid" ] && kill -0 "$apphost_pid" 2>/dev/null; then
    kill -INT "$apphost_pid" 2>/dev/null  # the AppHost stops every resource it started
    for _ in $(seq 1 120); do kill -0 "$apphost_pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$apphost_pid" 2>/dev/null
  fi
  # whatever a killed AppHost left behind (its executables keep their data folder and ports)
  stop_redis "$REDIS_PORT"
  stop_postgres "$DATA/apphost"
  echo "stopped" 2>/dev/null
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

echo "==> building (Release)"
dotnet build "$ROOT/Callvia.AppHost/Callvia.AppHost.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null || {
  dotnet build "$ROOT/Callvia.AppHost/Callvia.AppHost.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly; exit 1; }

echo "==> starting through the AppHost (log in $DATA/logs/apphost.log)"
# secrets reach the AppHost as its parameters through the environment, never on a command line
(cd "$ROOT/Callvia.AppHost" && exec env \
  "Parameters__postgres-password=$PG_SUPER_PASSWORD" "Parameters__callvia-app-password=$APP_PASSWORD" \
  "Parameters__auth-token-key=$TOKEN_KEY" "Parameters__demo-password=$DEMO_PASSWORD" \
  "Parameters__partner-secret=$PARTNER_SECRET" "Parameters__root-domain=localhost" \
  Callvia__DataDirectory="$DATA/apphost" Callvia__PostgresPort="$PG_PORT" Callvia__RedisPort="$REDIS_PORT" \
  Callvia__Ports__api="$API_PORT" Callvia__Ports__portal="$PORTAL_PORT" Callvia__Ports__jobs="$JOBS_PORT" Callvia__Ports__sandbox="$SANDBOX_PORT" \
  ${CALLVIA_RETELL_API_KEY:+"Parameters__retell-api-key=$CALLVIA_RETELL_API_KEY"} \
  ASPNETCORE_URLS="http://localhost:$DASHBOARD_PORT" ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL="http://localhost:$OTLP_PORT" \
  ASPIRE_ALLOW_UNSECURED_TRANSPORT=true DOTNET_NOLOGO=1 \
  dotnet bin/Release/net10.0/Callvia.AppHost.dll >"$DATA/logs/apphost.log" 2>&1) &
apphost_pid=$!

# ready when every service answers its health check (PostgreSQL, Redis, migrations done before they start)
# (and the sandbox simulator, Retell's stand-in, unless a Retell key was given: CALLVIA_RETELL_API_KEY)
ports="$API_PORT $JOBS_PORT $PORTAL_PORT"
calls="Retell (the key in CALLVIA_RETELL_API_KEY)"
if [ -z "${CALLVIA_RETELL_API_KEY:-}" ]; then
  ports="$ports $SANDBOX_PORT"
  calls="sandbox simulator on http://localhost:$SANDBOX_PORT: the dialer's calls and their bookings are simulated, and marked so"
fi
for port in $ports; do
  for i in $(seq 1 600); do
    kill -0 "$apphost_pid" 2>/dev/null || { echo "the AppHost exited; see $DATA/logs/apphost.log" >&2; tail -20 "$DATA/logs/apphost.log" >&2; exit 1; }
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/health")" = 200 ] && break
    [ "$i" = 600 ] && { echo "port $port did not become healthy; see $DATA/logs/apphost.log" >&2; exit 1; }
    sleep 0.5
  done
done
dashboard=$(grep -o "http://[^ ]*/login?t=[0-9a-f]*" "$DATA/logs/apphost.log" | tail -1)

cat <<INFO

Callvia is running through the Aspire AppHost. Ctrl-C stops it.

  Portal     http://acme.localhost:$PORTAL_PORT     http://globex.localhost:$PORTAL_PORT
             http://admin.localhost:$PORTAL_PORT    (agency console)
  API        http://acme.localhost:$API_PORT/graphql  (token: POST http://acme.localhost:$API_PORT/connect/token)
  Jobs       http://admin.localhost:$JOBS_PORT/hangfire  (agency admins, after signing in on the admin portal)
  Dashboard  ${dashboard:-http://localhost:$DASHBOARD_PORT}   (Aspire: resources, logs, traces, metrics)
  Calls      $calls

Demo sign-ins (local only), password for all: $DEMO_PASSWORD
  owner@acme.test      on http://acme.localhost:$PORTAL_PORT    (client admin)
  user@acme.test       on http://acme.localhost:$PORTAL_PORT    (client user: sees and verifies, does not administer)
  owner@globex.test    on http://globex.localhost:$PORTAL_PORT  (client admin; user@globex.test likewise)
  admin@callvia.local  (agency admin) on any of them

Partner applications (client credentials): acme-partner / globex-partner, secret $PARTNER_SECRET
  curl -s http://acme.localhost:$API_PORT/connect/token -d grant_type=client_credentials \\
       -d client_id=acme-partner -d client_secret=$PARTNER_SECRET
INFO

# Wait until Ctrl-C, or until the AppHost ends.
while kill -0 "$apphost_pid" 2>/dev/null; do sleep 1; done
echo "the AppHost exited; see $DATA/logs/apphost.log" >&2
exit 1
