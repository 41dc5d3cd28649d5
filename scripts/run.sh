#!/usr/bin/env bash
# Runs EasyMO Voice on this machine: a local PostgreSQL (provisioned and started by
# scripts/local-postgres.sh), migrations applied at start-up, the service on
# http://127.0.0.1:8080 (EASYMO_URLS to change it), its metrics on http://127.0.0.1:9464/metrics
# (EASYMO_MANAGEMENT_URLS to change it).
#
# Variables already set in the environment win. What is missing for local use is generated once
# into .local/dev.env (a webhook signing secret, an admin token, a pseudonym key and a SIP edge attestation key, never
# committed): sign test webhooks with that secret, call /api with that token; simulate-call and scripts/try-call.sh
# sign their INVITEs with the attestation key as the SIP edge would, so callers are verified.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

log() { printf 'run: %s\n' "$*" >&2; }

command -v dotnet >/dev/null 2>&1 || { log "error: the .NET SDK (dotnet) is not on PATH"; exit 1; }

if [[ -z "${ConnectionStrings__EasyMo:-}" && -z "${DATABASE_URL:-}" ]]; then
    ConnectionStrings__EasyMo="$(scripts/local-postgres.sh start)"
    export ConnectionStrings__EasyMo
    log "database: local PostgreSQL ($ConnectionStrings__EasyMo)"
fi

mkdir -p .local
dev_env=.local/dev.env
if [[ ! -f "$dev_env" ]]; then
    umask 077
    {
        printf 'OPENAI_WEBHOOK_SECRET=whsec_%s\n' "$(head -c 32 /dev/urandom | base64 | tr -d '\n')"
        printf 'EASYMO_ADMIN_TOKEN=%s\n' "$(head -c 32 /dev/urandom | base64 | tr -d '\n/+=')"
    } >"$dev_env"
    log "generated $dev_env (webhook secret and admin token for local use)"
fi
# Added to an older .local/dev.env too: the privacy endpoints and pseudonymisation need a key (docs/privacy.md).
if ! grep -q '^Privacy__PseudonymKey=' "$dev_env"; then
    (umask 077; printf 'Privacy__PseudonymKey=%s\n' "$(head -c 32 /dev/urandom | base64 | tr -d '\n')" >>"$dev_env")
fi
# Added to an older .local/dev.env too: without it every call is unverified, and known callers are not greeted.
if ! grep -q '^SIP_EDGE_ATTESTATION_KEY=' "$dev_env"; then
    (umask 077; printf 'SIP_EDGE_ATTESTATION_KEY=%s\n' "$(head -c 32 /dev/urandom | base64 | tr -d '\n')" >>"$dev_env")
fi
while IFS= read -r line; do
    name="${line%%=*}"
    value="${line#*=}" # everything after the first '=': base64 values end in '='
    [[ -n "$name" && "$name" != "$line" && -z "${!name:-}" ]] && export "$name=$value"
done <"$dev_env"

if [[ -z "${OPENAI_API_KEY:-}" ]]; then
    log "no OpenAI key: run scripts/sandbox.sh for local stand-ins"
    export OPENAI_API_KEY=sk-local-placeholder
    log "warning: OPENAI_API_KEY is not set; OpenAI will refuse the accepts (calls end as failed). Export your key to answer real calls."
fi
export EASYMO_APPLY_MIGRATIONS="${EASYMO_APPLY_MIGRATIONS:-true}"
# A machine of one's own: Development, where http stand-ins and a short token are fine. Unset, .NET would run it as
# Production, which refuses to start without what a deployment needs (docs/security.md, "What production refuses").
export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"

urls="${EASYMO_URLS:-http://127.0.0.1:8080}"
log "serving on $urls (secrets in $dev_env)"
# /metrics is not on $urls: it has a listener of its own (README, "Metrics").
log "metrics: GET /metrics on ${EASYMO_MANAGEMENT_URLS:-http://127.0.0.1:9464} (EASYMO_MANAGEMENT_URLS to change it)"
exec dotnet run --project src/WebApi -c Release -- --urls "$urls"
