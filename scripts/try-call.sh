#!/usr/bin/env bash
# Sends one correctly signed realtime.call.incoming to a running EasyMO Voice, as OpenAI would,
# and prints the answer. For trying the service locally after scripts/run.sh.
#
#   scripts/try-call.sh [CALLER] [DIALED]        default caller +250788123456, dialed +250788000111
#
# EASYMO_URL (default http://127.0.0.1:8080); OPENAI_WEBHOOK_SECRET from the environment or .local/dev.env.
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

secret="${OPENAI_WEBHOOK_SECRET:-}"
if [[ -z "$secret" && -f "$repo_root/.local/dev.env" ]]; then
    secret="$(sed -n 's/^OPENAI_WEBHOOK_SECRET=//p' "$repo_root/.local/dev.env")"
fi
[[ "$secret" == whsec_* ]] || { echo "try-call: set OPENAI_WEBHOOK_SECRET (whsec_...) or run scripts/run.sh first" >&2; exit 1; }

caller="${1:-+250788123456}"
dialed="${2:-+250788000111}"
call_id="rtc_try_$(date +%s%N)"
webhook_id="wh_try_$(date +%s%N)"
timestamp="$(date +%s)"
body="{\"object\":\"event\",\"id\":\"evt_$webhook_id\",\"type\":\"realtime.call.incoming\",\"created_at\":$timestamp,\"data\":{\"call_id\":\"$call_id\",\"sip_headers\":[{\"name\":\"From\",\"value\":\"<sip:$caller@trunk.example>;tag=1\"},{\"name\":\"To\",\"value\":\"<sip:$dialed@sip.api.openai.com>\"}]}}"
key_hex="$(printf '%s' "${secret#whsec_}" | base64 -d | od -An -v -tx1 | tr -d ' \n')"
signature="$(printf '%s.%s.%s' "$webhook_id" "$timestamp" "$body" | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$key_hex" -binary | base64)"

curl -sS -X POST "${EASYMO_URL:-http://127.0.0.1:8080}/openai-sip-webhook" \
    -H 'content-type: application/json' \
    -H "webhook-id: $webhook_id" -H "webhook-timestamp: $timestamp" -H "webhook-signature: v1,$signature" \
    --data-binary "$body"
echo
