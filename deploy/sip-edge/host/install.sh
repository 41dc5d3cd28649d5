#!/usr/bin/env bash
# install.sh: the EasyMO SIP edge on a Debian host (deploy/sip-edge/README.md, "On a host (Debian)"). As root:
#
#   install.sh --from DIR       the files `sip-edge render --out DIR` wrote on another machine
#                               (kamailio.cfg, tls.cfg, easymo-sip-edge.nft)
#   install.sh --render         render them here with the service's operator tool, from the settings in the
#                               environment (SipEdge__*, OPENAI_PROJECT_ID, SIP_EDGE_ATTESTATION_KEY) or its appsettings.json
#     --operator CMD            the operator tool (default: EasyMo.Operator; e.g. "dotnet /opt/easymo/EasyMo.Operator.dll")
#     --fetch-credentials       passed on to sip-edge render (Meta's password of WHATSAPP_PHONE_NUMBER_ID)
#   and, with either:
#     --config-dir DIR          where the configuration goes (default /etc/kamailio/easymo, which the units name)
#     --root DIR                install into DIR (an image or a chroot) instead of /: no apt-get, units enabled offline,
#                               nothing started, no ownership changed
#     --no-systemctl            install the files; enable, start, restart and reload nothing (prints what it would run)
#     --dry-run                 print every change it would make and make none
#
# In order: Debian's packages kamailio, kamailio-tls-modules and nftables (apt-get, Debian's own archive); the render in a
# staging directory; `kamailio -c` and `nft -c` on it (a failing check stops here and the running edge keeps its
# configuration); the files, the previous ones kept in DIR/previous; the units; Debian's kamailio.service masked (it would
# run its sample configuration on the same ports); then the edge started if it is not running, restarted if kamailio.cfg
# changed (established calls go on, their dialogs are saved and loaded), reloaded if only tls.cfg changed, and its
# firewall loaded again if the rules changed. Idempotent: run again with the same settings, it changes nothing.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=""
config_dir=/etc/kamailio/easymo
from=""
render=0
operator="EasyMo.Operator"
fetch=0
no_systemctl=0
dry_run=0
files=(kamailio.cfg tls.cfg easymo-sip-edge.nft)
units=(easymo-sip-edge.service easymo-sip-edge-firewall.service)
packages=(kamailio kamailio-tls-modules nftables)

log() { printf 'install.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
usage() { sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }

# Says what was done, or what would be under --dry-run.
did() {
    if ((dry_run)); then
        log "would have $*"
    else
        log "$*"
    fi
}

# Runs a command that changes something, or prints it under --dry-run.
run() {
    if ((dry_run)); then
        printf '+ %s\n' "$*"
    else
        "$@"
    fi
}

while (($# > 0)); do
    case $1 in
        --from) from=${2:?--from needs a directory}; shift 2 ;;
        --render) render=1; shift ;;
        --operator) operator=${2:?--operator needs a command}; shift 2 ;;
        --fetch-credentials) fetch=1; shift ;;
        --config-dir) config_dir=${2:?--config-dir needs a directory}; shift 2 ;;
        --root) root=${2:?--root needs a directory}; root=${root%/}; shift 2 ;;
        --no-systemctl) no_systemctl=1; shift ;;
        --dry-run) dry_run=1; shift ;;
        -h | --help) usage ;;
        *) log "unknown argument: $1"; usage ;;
    esac
done

[[ -n $from || $render -eq 1 ]] || { log "say where the configuration comes from: --from DIR or --render"; usage; }
[[ -z $from || $render -eq 0 ]] || die "--from and --render exclude each other."
[[ $config_dir == /* ]] || die "--config-dir must be an absolute path."
if [[ -n $root ]]; then
    [[ -d $root ]] || die "--root $root is not a directory."
    root=$(cd "$root" && pwd)
fi
if [[ -z $root && $EUID -ne 0 && $dry_run -eq 0 ]]; then
    die "run it as root (or with --dry-run to see what it would do, or --root DIR to install into a directory)."
fi

target=$root$config_dir
# systemctl manages services only on a host booted with systemd, for / itself.
manage_services=1
if [[ -n $root || $no_systemctl -eq 1 ]]; then
    manage_services=0
elif [[ ! -d /run/systemd/system ]]; then
    log "systemd is not running here (a container?): the files are installed, no service is started."
    log "(the commands to run once it is are printed at the end)"
    manage_services=0
fi

# 1. Debian's packages, from Debian's own archive.
if [[ -z $root ]]; then
    missing=()
    for package in "${packages[@]}"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
    done
    if ((${#missing[@]} > 0)); then
        log "installing Debian's packages: ${missing[*]}"
        run apt-get update -qq
        run env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
    fi
fi

# 2. The configuration, in a staging directory first: nothing is replaced before it passes the checks.
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
if [[ -n $from ]]; then
    for file in "${files[@]}"; do
        [[ -r $from/$file ]] || die "$from/$file is missing: render with this version of sip-edge render (it writes ${files[*]})."
        cp "$from/$file" "$stage/$file"
    done
else
    read -r -a render_command <<<"$operator"
    render_arguments=(sip-edge render --out "$stage")
    ((fetch)) && render_arguments+=(--fetch-credentials)
    log "rendering: ${render_command[*]} ${render_arguments[*]}"
    "${render_command[@]}" "${render_arguments[@]}" >&2 || die "sip-edge render failed (each problem is a line above): nothing installed."
fi
chmod 0600 "$stage"/*

# 3. The checks: Kamailio's own on the script, nft's on the rules, and the files tls.cfg names.
kamailio=${KAMAILIO:-/usr/sbin/kamailio}
if [[ -x $kamailio ]]; then
    EASYMO_SIP_EDGE_CONFIG=$stage/kamailio.cfg KAMAILIO=$kamailio bash "$here/easymo-sip-edge-ctl" check \
        || die "the rendered kamailio.cfg fails kamailio -c: nothing installed, the running edge keeps its configuration."
elif ((dry_run)); then
    log "kamailio is not installed yet: kamailio -c runs once apt-get has installed it."
else
    die "$kamailio is missing: install Debian's packages ${packages[*]}."
fi
nft=${NFT:-/usr/sbin/nft}
if [[ -x $nft ]]; then
    "$nft" -c -f "$stage/easymo-sip-edge.nft" || die "the rendered easymo-sip-edge.nft fails nft -c: nothing installed."
elif [[ -n $root || $dry_run -eq 1 ]]; then
    log "nft is not installed here: easymo-sip-edge.nft is not checked."
else
    die "$nft is missing: install Debian's package nftables."
fi
for key in certificate private_key ca_list; do
    while read -r path; do
        if [[ ! -r $root$path ]]; then
            if [[ -n $root ]]; then
                log "warning: tls.cfg names $path, which is not in $root yet (Kamailio needs it to start)."
            else
                die "tls.cfg names $path, which is missing or unreadable: copy the certificate and key there first (docs/setup-whatsapp-calls.md, step 6)."
            fi
        fi
    done < <(sed -n "s/^$key = //p" "$stage/tls.cfg")
done

# 4. What changed, compared with what is installed.
changed=()
for file in "${files[@]}"; do
    cmp -s "$stage/$file" "$target/$file" || changed+=("$file")
done
is_changed() { [[ " ${changed[*]} " == *" $1 "* ]]; }

# The kamailio user owns the configuration (it holds the HA1 hashes and the attestation key), on the host itself.
owner=()
if [[ -z $root ]] && getent passwd kamailio >/dev/null; then
    owner=(-o kamailio -g kamailio)
elif [[ -z $root ]] && ((dry_run == 0)); then
    die "the user kamailio is missing: Debian's package kamailio creates it."
fi

# 5. The files.
run install -d -m 0750 "$target"
if ((${#changed[@]} == 0)); then
    log "configuration unchanged in $target"
else
    if [[ -e $target/kamailio.cfg ]]; then
        run install -d -m 0700 "$target/previous"
        for file in "${files[@]}"; do
            if [[ -e $target/$file ]]; then
                run cp -p "$target/$file" "$target/previous/$file"
            fi
        done
        did "kept the previous configuration in $target/previous (install.sh --from $config_dir/previous puts it back)"
    fi
    for file in "${changed[@]}"; do
        if [[ $file == easymo-sip-edge.nft ]]; then
            run install -m 0600 "$stage/$file" "$target/$file" # read by nft, as root
        else
            run install -m 0600 "${owner[@]}" "$stage/$file" "$target/$file"
        fi
        did "installed $target/$file"
    done
fi

units_changed=0
install_if_changed() { # mode source destination
    if ! cmp -s "$2" "$3"; then
        run install -D -m "$1" "$2" "$3"
        did "installed $3"
        units_changed=1
    fi
}
install_if_changed 0755 "$here/easymo-sip-edge-ctl" "$root/usr/local/sbin/easymo-sip-edge-ctl"
for unit in "${units[@]}"; do
    install_if_changed 0644 "$here/$unit" "$root/etc/systemd/system/$unit"
done

# A port below 1024 needs CAP_NET_BIND_SERVICE, which the unit does not grant otherwise.
drop_in=$root/etc/systemd/system/easymo-sip-edge.service.d/low-ports.conf
low_ports=$(sed -n 's/^listen=[a-z]*:.*:\([0-9][0-9]*\)\( advertise .*\)\{0,1\}$/\1/p' "$stage/kamailio.cfg" | awk '$1 < 1024' | sort -un | tr '\n' ' ')
if [[ -n $low_ports ]]; then
    printf '# Written by install.sh: the edge listens on port(s) %sbelow 1024.\n[Service]\nCapabilityBoundingSet=CAP_NET_BIND_SERVICE\nAmbientCapabilities=CAP_NET_BIND_SERVICE\n' "$low_ports" >"$stage/low-ports.conf"
    install_if_changed 0644 "$stage/low-ports.conf" "$drop_in"
elif [[ -e $drop_in ]]; then
    run rm -f "$drop_in"
    did "removed $drop_in (no port below 1024 any more)"
    units_changed=1
fi

# 6. The services.
if [[ -n $root ]]; then
    run systemctl --root="$root" enable "${units[@]}"
    run systemctl --root="$root" mask kamailio.service
    did "installed into $root: easymo-sip-edge enabled; it starts when that system boots."
    exit 0
fi

systemctl_commands=()
if ((units_changed)); then
    systemctl_commands+=("daemon-reload")
fi
systemctl_commands+=("mask --now kamailio.service" "enable ${units[*]}")
if ((manage_services)) && systemctl is-active --quiet easymo-sip-edge-firewall.service; then
    is_changed easymo-sip-edge.nft && systemctl_commands+=("reload easymo-sip-edge-firewall.service")
else
    systemctl_commands+=("start easymo-sip-edge-firewall.service")
fi
if ((manage_services)) && systemctl is-active --quiet easymo-sip-edge.service; then
    if is_changed kamailio.cfg || ((units_changed)); then
        log "kamailio.cfg (or the unit) changed: restarting; established calls go on, calls being set up in that second or two may fail."
        systemctl_commands+=("restart easymo-sip-edge.service")
    elif is_changed tls.cfg; then
        systemctl_commands+=("reload easymo-sip-edge.service")
    fi
else
    systemctl_commands+=("start easymo-sip-edge.service")
fi

if ((manage_services == 0)); then
    log "not managing services; to finish, run:"
    for command in "${systemctl_commands[@]}"; do
        printf '  systemctl %s\n' "$command"
    done
    exit 0
fi

for command in "${systemctl_commands[@]}"; do
    read -r -a words <<<"$command"
    run systemctl "${words[@]}"
done
if ((dry_run == 0)) && ! systemctl is-active --quiet easymo-sip-edge.service; then
    die "easymo-sip-edge is not running: journalctl -u easymo-sip-edge -n 50 says why."
fi
log "done: systemctl status easymo-sip-edge; journalctl -u easymo-sip-edge -f | grep EDGE_"
