#!/usr/bin/env bash
# Builds, migrates and starts the three services; shared by scripts/run.sh and scripts/test.sh.
# Expects ROOT, and the connection settings exported as ConnectionStrings__*.

SERVICES=(Api Jobs Portal)

build_services() {
  echo "==> building the services (Release)"
  for s in "${SERVICES[@]}"; do
    dotnet build "$ROOT/Callvia.$s/Callvia.$s.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null || {
      dotnet build "$ROOT/Callvia.$s/Callvia.$s.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly; return 1; }
  done
}

service_dir() { echo "$ROOT/Callvia.$1/bin/Release/net10.0"; }

# migrate_database [--seed]: the explicit, lock-guarded migration step (as the owner role).
migrate_database() {
  echo "==> migrating the database${1:+ and seeding demo data}"
  (cd "$(service_dir Jobs)" && dotnet Callvia.Jobs.dll migrate "$@" --Logging:LogLevel:Default=Warning)
}

# start_service NAME PORT RUNDIR: in the background, logging to RUNDIR/NAME.log, pid in RUNDIR/NAME.pid
start_service() {
  local name=$1 port=$2 rundir=$3
  if curl -s -o /dev/null "http://127.0.0.1:$port/alive" 2>/dev/null; then
    echo "port $port is already in use (another run?): stop it first" >&2; return 1
  fi
  (cd "$(service_dir "$name")" && exec dotnet "Callvia.$name.dll" --urls "http://localhost:$port" >"$rundir/$name.log" 2>&1) &
  echo $! >"$rundir/$name.pid"
}

# wait_services PORT...: every service's /health answers 200 (PostgreSQL and Redis reachable)
wait_services() {
  local port
  for port in "$@"; do
    if ! wait_http "http://127.0.0.1:$port/health" 90; then
      echo "the service on port $port did not become healthy" >&2; return 1
    fi
  done
}

stop_services() {
  local rundir=$1 f pid
  for f in "$rundir"/*.pid; do
    [ -f "$f" ] || continue
    pid=$(cat "$f"); rm -f "$f"
    kill "$pid" 2>/dev/null || continue
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
}
