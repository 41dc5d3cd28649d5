#!/usr/bin/env bash
# Runs EasyMO Voice against local stand-ins for OpenAI and WhatsApp's Graph API, so that a newcomer can try a whole
# call without any account: the stand-ins (sandbox/EasyMo.Sandbox) start in the background on
# http://127.0.0.1:8090 (SANDBOX_URL to change), then the service runs exactly as scripts/run.sh runs it (local
# PostgreSQL, migrations applied, secrets and the SIP edge attestation key generated into .local/dev.env) with OpenAI
# and Graph pointed at the stand-ins. Ctrl-C stops both. scripts/try-call.sh signs its INVITE with that key as the SIP
# edge would, so a caller who called before is greeted by name.
#
#   scripts/sandbox.sh                  then, in another terminal: scripts/try-call.sh +250788123456
#
# SANDBOX_TURN_DELAY (default 00:00:01) is the pause between two turns of the scripted conversation.
# EASYMO_CALLBACKS_ENABLED=true turns calls back on (GPT-Live outbound, POST /v1/live/sessions): they ring 1 s, then
# answer; a number ending in 9 never answers.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

log() { printf 'sandbox: %s\n' "$*" >&2; }

command -v dotnet >/dev/null 2>&1 || { log "error: the .NET SDK (dotnet) is not on PATH"; exit 1; }
command -v curl >/dev/null 2>&1 || { log "error: curl is not on PATH"; exit 1; }

sandbox_url="${SANDBOX_URL:-http://127.0.0.1:8090}"
mkdir -p .local
sandbox_log=.local/sandbox.log

log "building the stand-ins"
dotnet build sandbox/EasyMo.Sandbox -c Release -v quiet -nologo >/dev/null

dotnet sandbox/EasyMo.Sandbox/bin/Release/net10.0/EasyMo.Sandbox.dll --urls "$sandbox_url" \
    --Sandbox:TurnDelay="${SANDBOX_TURN_DELAY:-00:00:01}" >"$sandbox_log" 2>&1 &
sandbox_pid=$!
stop_sandbox() {
    if kill -0 "$sandbox_pid" 2>/dev/null; then
        kill "$sandbox_pid" 2>/dev/null || true
        wait "$sandbox_pid" 2>/dev/null || true
        log "stand-ins stopped"
    fi
}
trap stop_sandbox EXIT
trap 'exit 130' INT TERM

for _ in $(seq 1 100); do
    curl -fsS "$sandbox_url/" >/dev/null 2>&1 && break
    kill -0 "$sandbox_pid" 2>/dev/null || { log "error: the stand-ins did not start:"; cat "$sandbox_log" >&2; exit 1; }
    sleep 0.1
done
curl -fsS "$sandbox_url/" >/dev/null || { log "error: the stand-ins do not answer on $sandbox_url"; exit 1; }
log "stand-ins for OpenAI and Graph on $sandbox_url (pid $sandbox_pid, log $sandbox_log, what they received: curl $sandbox_url/)"

export OPENAI_BASE_URL="$sandbox_url/v1"
export OPENAI_API_KEY=sandbox
export WHATSAPP_GRAPH_BASE_URL="$sandbox_url"
export WHATSAPP_ACCESS_TOKEN=sandbox
export WHATSAPP_PHONE_NUMBER_ID=sandbox-number
# Any WHATSAPP_* setting makes the app secret and verify token required; these are local-only values.
export WHATSAPP_APP_SECRET="${WHATSAPP_APP_SECRET:-sandbox-app-secret}"
export WHATSAPP_VERIFY_TOKEN="${WHATSAPP_VERIFY_TOKEN:-sandbox-verify-token}"
# Voice-note media comes from the stand-ins on loopback over http: their host is the one media host allowed, and private
# addresses are allowed for it. The service refuses that setting wherever it applies the production requirements (every
# environment but Development, Testing and Sandbox; unset is Production), so the sandbox runs in an environment of its
# own: relaxed as Development is, but without Development's appsettings and user secrets (docs/security.md).
sandbox_host="${sandbox_url#*://}"
sandbox_host="${sandbox_host%%/*}"
if [[ "$sandbox_host" == \[* ]]; then
    sandbox_host="${sandbox_host%%]*}" && sandbox_host="${sandbox_host#[}" # [::1]:8090
else
    sandbox_host="${sandbox_host%%:*}"
fi
export WhatsApp__MediaHosts__0="$sandbox_host"
export WhatsApp__AllowPrivateMediaAddresses=true
export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Sandbox}"
# The sideband monitor follows every accepted call over ws://…/v1/realtime (derived from OPENAI_BASE_URL).
export Sideband__Enabled=true
# Summaries as soon as a call ends, not on the next 10-second sweep.
export Summaries__SweepInterval="${Summaries__SweepInterval:-00:00:01}"

# Calls back (EASYMO_CALLBACKS_ENABLED=true): placed through the stand-ins' GPT-Live outbound fake with a made-up trunk
# (it never leaves this machine), at any hour, the queue looked at every second. A number ending in 9 never answers.
if [[ "${EASYMO_CALLBACKS_ENABLED:-false}" == "true" ]]; then
    export EASYMO_CALLBACK_TRUNK_URL="${EASYMO_CALLBACK_TRUNK_URL:-sips:trunk.sandbox.example:5061}"
    export EASYMO_CALLBACK_TRUNK_USERNAME="${EASYMO_CALLBACK_TRUNK_USERNAME:-sandbox}"
    export EASYMO_CALLBACK_TRUNK_PASSWORD="${EASYMO_CALLBACK_TRUNK_PASSWORD:-sandbox-trunk-password}"
    export EASYMO_CALLBACK_CALLER_NUMBER="${EASYMO_CALLBACK_CALLER_NUMBER:-+250788000111}"
    export Callbacks__CallingHoursStart="${Callbacks__CallingHoursStart:-00:00}"
    export Callbacks__CallingHoursEnd="${Callbacks__CallingHoursEnd:-23:59:59.9999999}"
    export Callbacks__SweepInterval="${Callbacks__SweepInterval:-00:00:01}"
    log "calls back on: ask for one from the dashboard, or POST /api/callbacks {\"phone\":\"+250788123456\"}"
fi

log "then, in another terminal: scripts/try-call.sh +250788123456"
# Not exec: the trap must stop the stand-ins when the service ends.
scripts/run.sh "$@"
