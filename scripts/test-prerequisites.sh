#!/usr/bin/env bash
# Installs what the tests run against and a fresh machine lacks, from Debian's packages (as root):
#   postgresql                       the integration tests start a throwaway cluster from its binaries
#   kamailio kamailio-tls-modules    the SIP edge under test (tests/EasyMo.SipEdgeTests)
#   sip-tester                       SIPp, playing Meta, carriers and OpenAI against the edge
#   nftables shellcheck systemd      the edge's host files: nft -c on its firewall (never loaded), ShellCheck on
#                                    install.sh, systemd-analyze verify/security on its units (no running systemd needed)
#   chromium                         the dashboard's browser tests (Playwright drives Debian's Chromium; no download)
#   kubectl                          renders the Kubernetes manifests offline (kubectl kustomize) for their validation
# Idempotent: installs only what is missing. Not root and something missing: says what to install, exits 1.
set -euo pipefail

log() { printf 'test-prerequisites: %s\n' "$*" >&2; }

has_pg_server() {
    [[ -n ${EASYMO_TEST_POSTGRES:-} ]] && return 0 # the tests use that server
    local dir
    for dir in /usr/lib/postgresql/*/bin "$(pg_config --bindir 2>/dev/null || true)"; do
        [[ -x "$dir/initdb" && -x "$dir/pg_ctl" && -x "$dir/postgres" ]] && return 0
    done
    return 1
}

has_kamailio_tls() {
    command -v kamailio >/dev/null 2>&1 || [[ -x /usr/sbin/kamailio ]] || return 1
    compgen -G '/usr/lib/*/kamailio/modules/tls.so' >/dev/null || compgen -G '/usr/lib/kamailio/modules/tls.so' >/dev/null
}

missing=()
has_pg_server || missing+=(postgresql)
command -v kamailio >/dev/null 2>&1 || [[ -x /usr/sbin/kamailio ]] || missing+=(kamailio)
has_kamailio_tls || missing+=(kamailio-tls-modules)
command -v sipp >/dev/null 2>&1 || missing+=(sip-tester)
command -v nft >/dev/null 2>&1 || [[ -x /usr/sbin/nft ]] || missing+=(nftables)
command -v shellcheck >/dev/null 2>&1 || missing+=(shellcheck)
command -v systemd-analyze >/dev/null 2>&1 || missing+=(systemd)
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
command -v kubectl >/dev/null 2>&1 || missing+=(kubectl)

if ((${#missing[@]} == 0)); then
    log "all present."
    exit 0
fi

if [[ $EUID -ne 0 ]]; then
    log "error: missing Debian packages: ${missing[*]} (run this script as root, or: sudo apt-get install ${missing[*]})"
    exit 1
fi

log "installing: ${missing[*]}"
apt-get update -qq
# Debian starts no service in a container without systemd; the tests start their own processes anyway.
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null >/dev/null
has_pg_server || { log "error: installed postgresql but found no initdb, pg_ctl and postgres."; exit 1; }
has_kamailio_tls || { log "error: installed kamailio but its tls module is missing."; exit 1; }
command -v sipp >/dev/null 2>&1 || { log "error: installed sip-tester but sipp is not on PATH."; exit 1; }
command -v nft >/dev/null 2>&1 || [[ -x /usr/sbin/nft ]] || { log "error: installed nftables but nft is missing."; exit 1; }
command -v shellcheck >/dev/null 2>&1 || { log "error: installed shellcheck but it is not on PATH."; exit 1; }
command -v systemd-analyze >/dev/null 2>&1 || { log "error: installed systemd but systemd-analyze is not on PATH."; exit 1; }
[[ -x /usr/bin/chromium ]] || { log "error: installed chromium but /usr/bin/chromium is missing."; exit 1; }
command -v kubectl >/dev/null 2>&1 || { log "error: installed kubectl but it is not on PATH."; exit 1; }
log "installed."
