#!/usr/bin/env bash
# Sends one correctly signed realtime.call.incoming to a running EasyMO Voice, as OpenAI would,
# and prints the answer. For trying the service locally after scripts/run.sh. TRY_RUNTIME=live sends GPT-Live's
# live.transport.incoming instead (run the service with OPENAI_VOICE_RUNTIME=live to have it answered).
#
#   scripts/try-call.sh [CALLER] [DIALED]        default caller +250788123456, dialed +250788000111
#
# EASYMO_URL (default http://127.0.0.1:8080); OPENAI_WEBHOOK_SECRET from the environment or .local/dev.env.
# With SIP_EDGE_ATTESTATION_KEY (environment or .local/dev.env) the INVITE carries the X-EasyMo-Edge header the SIP edge
# adds for a trunk's call (admission try-trunk), so the caller is verified; TRY_UNVERIFIED=1 leaves it out.
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

secret="${OPENAI_WEBHOOK_SECRET:-}"
if [[ -z "$secret" && -f "$repo_root/.local/dev.env" ]]; then
    secret="$(sed -n 's/^OPENAI_WEBHOOK_SECRET=//p' "$repo_root/.local/dev.env")"
fi
[[ "$secret" == whsec_* ]] || { echo "try-call: set OPENAI_WEBHOOK_SECRET (whsec_...) or run scripts/run.sh first" >&2; exit 1; }

edge_key="${SIP_EDGE_ATTESTATION_KEY:-}"
if [[ -z "$edge_key" && -f "$repo_root/.local/dev.env" ]]; then
    edge_key="$(sed -n 's/^SIP_EDGE_ATTESTATION_KEY=//p' "$repo_root/.local/dev.env")"
fi
edge_key="${edge_key%%,*}" # the edge signs with the first key of a rotation

caller="${1:-+250788123456}"
dialed="${2:-+250788000111}"
call_id="rtc_try_$(date +%s%N)"
[[ "${TRY_RUNTIME:-realtime}" == live ]] && call_id="live_try_$(date +%s%N)"
webhook_id="wh_try_$(date +%s%N)"
timestamp="$(date +%s)"
sip_call_id="try-$(date +%s%N)@trunk.example"
edge_header=""
if [[ -n "$edge_key" && "${TRY_UNVERIFIED:-}" != 1 ]]; then
    # X-EasyMo-Edge: v1;adm=…;ts=…;sig=base64url(HMAC-SHA256(key, v1|adm|ts|Call-ID|From URI|To URI)), no padding.
    edge_sig="$(printf 'v1|try-trunk|%s|%s|sip:%s@trunk.example|sip:%s@sip.api.openai.com' "$timestamp" "$sip_call_id" "$caller" "$dialed" \
        | openssl dgst -sha256 -mac HMAC -macopt "key:$edge_key" -binary | base64 | tr '+/' '-_' | tr -d '=\n')"
    edge_header=",{\"name\":\"X-EasyMo-Edge\",\"value\":\"v1;adm=try-trunk;ts=$timestamp;sig=$edge_sig\"}"
fi
event_type=realtime.call.incoming
ids="\"call_id\":\"$call_id\""
if [[ "${TRY_RUNTIME:-realtime}" == live ]]; then
    event_type=live.transport.incoming
    ids="\"type\":\"sip\",\"session_id\":\"$call_id\""
fi
body="{\"object\":\"event\",\"id\":\"evt_$webhook_id\",\"type\":\"$event_type\",\"created_at\":$timestamp,\"data\":{$ids,\"sip_headers\":[{\"name\":\"From\",\"value\":\"<sip:$caller@trunk.example>;tag=1\"},{\"name\":\"To\",\"value\":\"<sip:$dialed@sip.api.openai.com>\"},{\"name\":\"Call-ID\",\"value\":\"$sip_call_id\"}$edge_header]}}"
key_hex="$(printf '%s' "${secret#whsec_}" | base64 -d | od -An -v -tx1 | tr -d ' \n')"
signature="$(printf '%s.%s.%s' "$webhook_id" "$timestamp" "$body" | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$key_hex" -binary | base64)"

curl -sS -X POST "${EASYMO_URL:-http://127.0.0.1:8080}/openai-sip-webhook" \
    -H 'content-type: application/json' \
    -H "webhook-id: $webhook_id" -H "webhook-timestamp: $timestamp" -H "webhook-signature: v1,$signature" \
    --data-binary "$body"
echo
