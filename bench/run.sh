#!/usr/bin/env bash
# Measures, in one run, the median wall time of
#   berth run --rm --network none busybox true
#   runc run on an equivalent bundle
#   docker run --rm --network none busybox true   (Debian's docker.io, its own dockerd)
# and prints the ratios, plus berth's peak memory for that command.
# Usage: bench/run.sh [iterations]   (needs root; installs docker.io and runc when missing)
# BERTH=path/to/berth measures that binary instead of building a release one.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
n=${1:-30}
scripts/deps.sh >/dev/null
berth=$(berth_binary)
work=$(mktemp -d /tmp/berth-bench.XXXXXX)
cleanup() { stop_dockerd "$work"; rm -rf "$work"; }
trap cleanup EXIT
rootfs=$(scripts/busybox-rootfs.sh "$work/rootfs")
tar -C "$rootfs" -cf "$work/busybox.tar" .
export BERTH_DATA_ROOT=$work/berth-data BERTH_EXEC_ROOT=$work/berth-exec
$berth import "$work/busybox.tar" busybox >/dev/null
$berth run --rm --network none busybox true   # warm the seccomp cache

# runc bundle with the same rootfs.
mkdir -p "$work/bundle"
cp -a "$rootfs" "$work/bundle/rootfs"
(cd "$work/bundle" && runc spec && sed -i 's/"terminal": true/"terminal": false/; s/"sh"/"true"/' config.json)

start_dockerd "$work" --iptables=false --bridge=none
"${docker[@]}" import "$work/busybox.tar" busybox >/dev/null
"${docker[@]}" run --rm --network none busybox true

b=$(median_ms "$n" "$berth" run --rm --network none busybox true)
r=$(median_ms "$n" runc run --bundle "$work/bundle" "bench-$$")
d=$(median_ms "$n" "${docker[@]}" run --rm --network none busybox true)
peak=$( { /usr/bin/time -f %M "$berth" run --rm --network none busybox true; } 2>&1 | tail -1)
record "run --rm --network none busybox true (median of $n)" ms "$b" "$d" "<= 0.1x"
echo "runc run on the same rootfs: $r ms (berth/runc $(echo "scale=2; $b / $r" | bc -l), budget <= 1x)"
echo "berth peak RSS for that command: ${peak} KB"
