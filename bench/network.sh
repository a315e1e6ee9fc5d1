#!/usr/bin/env bash
# Measures, in one run, side by side with Debian's dockerd (its own roots, its own docker0):
#   run --rm busybox true on the default bridge network (median wall time)
#   1 GiB from a container through a published port to a client on localhost (MB/s)
# Usage: bench/network.sh [iterations]   (needs root; installs docker.io when missing)
# BERTH=path/to/berth measures that binary instead of building a release one.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
n=${1:-20}
scripts/deps.sh >/dev/null
berth=$(berth_binary)
work=$(mktemp -d /tmp/berth-netbench.XXXXXX)
export BERTH_DATA_ROOT=$work/berth-data BERTH_EXEC_ROOT=$work/berth-exec
had_docker_chains=$(docker_chains_exist)
cleanup() {
  $berth __networks-cleanup 2>/dev/null || true
  stop_dockerd "$work"
  rm -rf "$work"
  remove_docker_chains "$had_docker_chains"
}
trap cleanup EXIT
rootfs=$(scripts/busybox-rootfs.sh "$work/rootfs")
tar -C "$rootfs" -cf "$work/busybox.tar" .
$berth import "$work/busybox.tar" busybox >/dev/null
$berth run --rm busybox true   # makes the bridge and warms the seccomp cache

start_dockerd "$work"
"${docker[@]}" import "$work/busybox.tar" busybox >/dev/null
"${docker[@]}" run --rm busybox true

throughput() { # run-prefix…: MB/s of a 1 GiB (sparse) file served by httpd (sendfile) through a
  # published port to curl on localhost
  local port=$((20000 + RANDOM % 9000))
  "$@" -d --name netbench -p "$port:80" busybox sh -c \
    'mkdir /srv && truncate -s 1073741824 /srv/big && exec httpd -f -p 80 -h /srv' >/dev/null
  for _ in $(seq 1 50); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
  curl -s -o /dev/null "http://127.0.0.1:$port/big"   # warm-up: the first transfer is much slower for both
  for _ in 1 2 3; do curl -s -o /dev/null -w '%{speed_download}\n' "http://127.0.0.1:$port/big"; done |
    sort -n | sed -n 2p | awk '{printf "%.0f", $1 / 1e6}'   # median of three
}

b_run=$(median_ms "$n" "$berth" run --rm busybox true)
d_run=$(median_ms "$n" "${docker[@]}" run --rm busybox true)
b_none=$(median_ms "$n" "$berth" run --rm --network none busybox true)
b_tp=$(throughput "$berth" run); $berth rm -f netbench >/dev/null
d_tp=$(throughput "${docker[@]}" run); "${docker[@]}" rm -f netbench >/dev/null
record "run --rm busybox true, default bridge (median of $n)" ms "$b_run" "$d_run" "<= 0.1x"
echo "berth run --rm --network none busybox true in the same run: $b_none ms"
record "1 GiB through a published port to localhost" MB/s "$b_tp" "$d_tp" ">= 1.0x"
