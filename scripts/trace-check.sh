#!/usr/bin/env bash
# Checks, on the platform that `bash scripts/run.sh` runs, that a webhook makes one trace across two services on the
# Aspire dashboard: request (api) -> inbox -> batch (jobs) -> its lookups, the event, its save. Signs in as the demo
# owner of acme, sets a throw-away Retell secret for it, sends a signed call_started and reads the trace back through
# the dashboard's telemetry API (its key from the sign-in link's browser token). Prints the trace's spans by service;
# exits non-zero unless the trace holds spans of both api and jobs.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DATA=${CALLVIA_DATA:-$ROOT/.data/run}
API="http://acme.localhost:${CALLVIA_API_PORT:-5080}"
PORTAL="http://acme.localhost:${CALLVIA_PORTAL_PORT:-5081}"
source "$DATA/secrets.env"
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT

link=$(grep -o "http://[^ ]*/login?t=[0-9a-f]*" "$DATA/logs/apphost.log" | tail -1)
[ -n "$link" ] || { echo "no dashboard sign-in link in $DATA/logs/apphost.log: is run.sh running?" >&2; exit 1; }
dashboard=${link%%/login*}
key=$(curl -sf -X POST "$dashboard/api/telemetry/validateToken" -H 'content-type: application/json' -d "{\"token\":\"${link##*t=}\"}" \
  | python3 -c 'import sys, json; print(json.load(sys.stdin).get("apiKey") or "")')

# the demo owner's session (the portal's sign-in form, with its anti-forgery token), then a Retell secret for acme
page=$(curl -s -c "$TMP/jar" -b "$TMP/jar" "$PORTAL/account/sign-in")
csrf=$(grep -o '__RequestVerificationToken[^>]*value="[^"]*"' <<<"$page" | sed 's/.*value="//;s/"$//' | head -1)
curl -s -o /dev/null -c "$TMP/jar" -b "$TMP/jar" -X POST "$PORTAL/account/sign-in" --data-urlencode "Email=owner@acme.test" \
  --data-urlencode "Password=$DEMO_PASSWORD" --data-urlencode "__RequestVerificationToken=$csrf"
secret=trace-check-$(openssl rand -hex 8)
curl -sf -b "$TMP/jar" -H 'content-type: application/json' "$API/graphql" \
  -d "{\"query\":\"mutation { setProviderSecrets(input: { retell: \\\"$secret\\\" }) { errors { message } } }\"}" >/dev/null

# a signed call_started (contracts/retell.md: HMAC-SHA256(key, body + v), v in milliseconds)
body="{\"event\":\"call_started\",\"call\":{\"call_id\":\"trace_$(openssl rand -hex 6)\",\"call_status\":\"ongoing\",\"start_timestamp\":$(date +%s000)}}"
v=$(date +%s%3N)
signature=$(printf '%s%s' "$body" "$v" | openssl dgst -sha256 -hmac "$secret" -hex | awk '{print $NF}')
status=$(curl -s -o /dev/null -w '%{http_code}' -H 'content-type: application/json' -H "x-retell-signature: v=$v,d=$signature" \
  "$API/api/webhooks/retell" -d "$body")
echo "webhook answered $status"

# the event's processing span, then its whole trace (the exporters send every few seconds)
trace=""
for _ in $(seq 1 30); do
  sleep 1
  curl -sf -H "x-api-key: $key" "$dashboard/api/telemetry/spans?search=webhook.process%20retell&limit=50" >"$TMP/spans.json" || continue
  trace=$(python3 - "$TMP/spans.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
spans = [s for rs in doc.get('data', doc).get('resourceSpans', []) for ss in rs.get('scopeSpans', []) for s in ss.get('spans', [])]
spans = [s for s in spans if s['name'].startswith('webhook.process retell')]
print(max(spans, key=lambda s: int(s.get('startTimeUnixNano', 0)))['traceId'] if spans else '')
PY
)
  [ -n "$trace" ] && break
done
[ -n "$trace" ] || { echo "no processing span reached the dashboard" >&2; exit 1; }
sleep 3
curl -sf -H "x-api-key: $key" "$dashboard/api/telemetry/traces/$trace" >"$TMP/trace.json"
python3 - "$TMP/trace.json" "$trace" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
rows = []
for rs in doc.get('data', doc).get('resourceSpans', []):
    service = next((a['value'].get('stringValue') for a in rs.get('resource', {}).get('attributes', []) if a['key'] == 'service.name'), '?')
    for ss in rs.get('scopeSpans', []):
        for s in ss.get('spans', []):
            rows.append((int(s.get('startTimeUnixNano', 0)), service, s['name']))
print(f"trace {sys.argv[2]}:")
for _, service, name in sorted(rows):
    print(f"  {service:<8} {name[:100]}")
services = sorted({r[1] for r in rows})
print("services in the trace:", ", ".join(services))
sys.exit(0 if {'api', 'jobs'} <= set(services) else 1)
PY
