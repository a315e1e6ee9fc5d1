#!/usr/bin/env bash
# Runs scripts/dockerpy-suite.sh against Debian's dockerd 20.10 on its own roots and socket (the
# reference figure for berth's daemon). Its bridge and address pool are private to this run and
# it touches no iptables rule.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
command -v dockerd >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker.io >/dev/null
work=$(mktemp -d /tmp/berth-dockerpy-dockerd.XXXXXX)
cleanup() {
  [ -f "$work/dockerd.pid" ] && kill "$(cat "$work/dockerd.pid")" 2>/dev/null && sleep 3
  awk -v w="$work" 'index($2, w) == 1 {print $2}' /proc/mounts | sort -r | xargs -r umount -l
  ip link del br-dockerpy 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
ip link add br-dockerpy type bridge 2>/dev/null || true
ip addr add 10.213.0.1/24 dev br-dockerpy 2>/dev/null || true
ip link set br-dockerpy up
dockerd --data-root "$work/data" --exec-root "$work/exec" -H "unix://$work/docker.sock" --pidfile "$work/dockerd.pid" \
  --iptables=false --bridge=br-dockerpy --default-address-pool base=10.214.0.0/16,size=24 >"$work/dockerd.log" 2>&1 &
for _ in $(seq 1 100); do docker -H "unix://$work/docker.sock" version >/dev/null 2>&1 && break; sleep 0.2; done
"$here/dockerpy-suite.sh" "unix://$work/docker.sock" "$@"
