#!/usr/bin/env bash
# Reminders benchmark (issue 15): 100 clients, 100,000 reminders due at the same second among 1,000,000 scheduled
# messages, and 100,000 appointments that ended three days ago. One jobs-service instance sends the due ones to fake
# MessageBird and SendGrid servers on loopback (the tests' fakes, in the benchmark's process): all handed over within
# 60 s of their due time, none twice, none later than 60 s. Then, with the jobs service stopped, the p99 of the claim of
# due messages at a million scheduled (budget < 20 ms), and the 48-hour verification sweep over the ended appointments
# (budget < 30 s). Prints each beside its budget; exits 1 on a miss.
#   bash bench/reminders.sh
#   BENCH_DUE=20000 BENCH_SCHEDULED=200000 BENCH_ENDED=20000 bash bench/reminders.sh   # a quick run
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/scripts/lib/infra.sh"
source "$ROOT/scripts/lib/platform.sh"
source "$ROOT/scripts/lib/bench.sh"

JOBS_PORT=5596; SMS_PORT=5598; EMAIL_PORT=5599
bench_infra bench-reminders 55593 56541
reserve_ports "$JOBS_PORT" "$SMS_PORT" "$EMAIL_PORT"
build_services
dotnet build "$ROOT/bench/Callvia.Bench/Callvia.Bench.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null
migrate_database --seed
echo "==> generating 100 clients' appointments and scheduled messages (COPY)"
DUE_AT=$(dotnet "$BENCH" reminders-seed --super "$SUPER_CONN" --clients 100 --due "${BENCH_DUE:-100000}" \
  --scheduled "${BENCH_SCHEDULED:-1000000}" --ended "${BENCH_ENDED:-100000}" --due-in "${BENCH_DUE_IN:-75}")
sync

status=0
dotnet "$BENCH" reminders --super "$SUPER_CONN" --due-at "$DUE_AT" --sms-port "$SMS_PORT" --email-port "$EMAIL_PORT" --budget-s 60 &
MEASURE=$!
for _ in $(seq 1 120); do [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$SMS_PORT/")" != 000 ] && break; sleep 0.25; done
# the jobs service as deployed, sending (its dialer off: no calls here; its 48-hour sweep off: it is measured alone
# below), its providers the fakes
Messaging__MessageBird__BaseUrl="http://127.0.0.1:$SMS_PORT/" Messaging__MessageBird__AccessKey=live_bench_messagebird_key \
  Messaging__MessageBird__Originator=14155550100 Messaging__SendGrid__BaseUrl="http://127.0.0.1:$EMAIL_PORT/" \
  Messaging__SendGrid__ApiKey=SG.bench_sendgrid_key Messaging__SendGrid__FromEmail=noreply@callvia.example Dialer__Enabled=false \
  Jobs__VerifyAppointments=false \
  start_service Jobs "$JOBS_PORT" "$DATA/run"
wait_services "$JOBS_PORT"
echo "==> sending on $(nproc) cores"
wait "$MEASURE" || status=1

# the statements alone, without the sender beside them
kill "$(cat "$DATA/run/Jobs.pid")"; rm -f "$DATA/run/Jobs.pid"; sleep 2
dotnet "$BENCH" reminders-query --super "$SUPER_CONN" --app "$ConnectionStrings__callviadb" --runs "${BENCH_RUNS:-1000}" --budget-ms 20 || status=1
dotnet "$BENCH" verify-sweep --super "$SUPER_CONN" --budget-s 30 || status=1
exit $status
