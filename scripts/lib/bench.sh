#!/usr/bin/env bash
# Shared by the benchmarks that read a seeded tenant (bench/kpis.sh, bench/portal.sh): a throw-away PostgreSQL (fsync
# off: the load is not what is measured, and reads do not depend on it) and Redis on the benchmark's own ports, the
# database provisioned, the services' settings exported, all removed on exit. Sourced after infra.sh and platform.sh.

# bench_infra NAME PG_PORT REDIS_PORT: sets DATA, SUPER_CONN, SECRET (the demo partner's) and DEMO_PASSWORD
bench_infra() {
  DATA=$ROOT/.data/$1; PG_PORT=$2; REDIS_PORT=$3
  trap bench_cleanup EXIT
  install_prereqs
  reserve_ports "$PG_PORT" "$REDIS_PORT"
  rm -rf "$DATA"; mkdir -p "$DATA/run"
  local super owner app
  super=$(random_secret); owner=$(random_secret); app=$(random_secret)
  SECRET="partner-$(random_secret 12)"; DEMO_PASSWORD="Demo-$(random_secret 5)-7"
  start_postgres "$DATA" "$PG_PORT" "$super" fast
  start_redis "$DATA" "$REDIS_PORT"
  provision_database "$DATA" "$PG_PORT" callviadb "$owner" "$app"
  export ConnectionStrings__callviadb="Host=127.0.0.1;Port=$PG_PORT;Database=callviadb;Username=callvia_app;Password=$app"
  export ConnectionStrings__callviadb_owner="Host=127.0.0.1;Port=$PG_PORT;Database=callviadb;Username=callvia_owner;Password=$owner"
  export ConnectionStrings__cache="127.0.0.1:$REDIS_PORT" Auth__TokenKey="$(openssl rand -base64 32)"
  export Seed__DemoPassword="$DEMO_PASSWORD" Seed__PartnerSecret="$SECRET" ASPNETCORE_ENVIRONMENT=Production
  export Logging__LogLevel__Default=Warning
  # one partner token runs thousands of sequential queries here: the per-caller rate limit (600/min) is not what is measured
  export RateLimits__PerTokenPerMinute=1000000 RateLimits__PerIpPerMinute=1000000
  SUPER_CONN="Host=127.0.0.1;Port=$PG_PORT;Database=callviadb;Username=postgres;Password=$super;Command Timeout=900"
  BENCH="$ROOT/bench/Callvia.Bench/bin/Release/net10.0/Callvia.Bench.dll"
}

bench_cleanup() {
  stop_services "$DATA/run"
  # BENCH_KEEP=1: the database stays up for a look afterwards (psql with SUPER_CONN's password, printed here)
  [ -n "${BENCH_KEEP:-}" ] && { echo "==> BENCH_KEEP: PostgreSQL on port $PG_PORT (postgres / ${SUPER_CONN##*Password=}) and Redis left running"; return; }
  stop_redis "$REDIS_PORT"
  stop_postgres "$DATA"
  rm -rf "$DATA"
}

# bench_seed: builds the services and the benchmark, migrates with the demo data, and fills the demo tenant acme by COPY
# (BENCH_LEADS, BENCH_CALLS, BENCH_APPOINTMENTS; 1,000,000 / 200,000 / 20,000 by default)
bench_seed() {
  build_services
  dotnet build "$ROOT/bench/Callvia.Bench/Callvia.Bench.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null
  migrate_database --seed
  echo "==> generating the tenant's data (COPY)"
  dotnet "$BENCH" kpis-seed --super "$SUPER_CONN" --tenant acme \
    --leads "${BENCH_LEADS:-1000000}" --calls "${BENCH_CALLS:-200000}" --appointments "${BENCH_APPOINTMENTS:-20000}"
  # the load's pages out of the kernel's write-back too (fsync is off): the reads are measured on a machine at rest
  sync
}
