#!/usr/bin/env bash
# Measures, in one run, the median wall time of
#   berth run --rm --network none busybox true
#   runc run on an equivalent bundle
#   docker run --rm --network none busybox true   (Debian's docker.io, its own dockerd)
# and prints the ratios, plus berth's peak memory for that command.
# Usage: bench/run.sh [iterations]   (needs root; installs docker.io and runc when missing)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-30}
scripts/deps.sh
command -v dockerd >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker.io >/dev/null
swift build -c release --static-swift-stdlib --product berth >/dev/null
berth=$PWD/.build/release/berth
work=$(mktemp -d /tmp/berth-bench.XXXXXX)
cleanup() {
  [ -f "$work/dockerd.pid" ] && kill "$(cat "$work/dockerd.pid")" 2>/dev/null && sleep 2
  umount "$work/docker-data/overlay2" 2>/dev/null || true
  rm -rf "$work"
}
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

# Debian's dockerd on its own socket and data root.
sock=$work/docker.sock
dockerd --data-root "$work/docker-data" --exec-root "$work/docker-exec" -H "unix://$sock" \
  --pidfile "$work/dockerd.pid" --iptables=false --bridge=none >"$work/dockerd.log" 2>&1 &
for _ in $(seq 1 100); do docker -H "unix://$sock" version >/dev/null 2>&1 && break; sleep 0.2; done
docker -H "unix://$sock" import "$work/busybox.tar" busybox >/dev/null
docker -H "unix://$sock" run --rm --network none busybox true

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
measure() {
  for i in $(seq 1 "$n"); do
    s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N)
    echo $(( (e - s) / 1000 ))
  done | median
}
b=$(measure $berth run --rm --network none busybox true)
r=$(measure runc run --bundle "$work/bundle" "bench-$$")
d=$(measure docker -H "unix://$sock" run --rm --network none busybox true)
peak=$( { /usr/bin/time -f %M $berth run --rm --network none busybox true; } 2>&1 | tail -1)
printf 'berth run --rm --network none busybox true   median %8.2f ms\n' "$(echo "$b/1000" | bc -l)"
printf 'runc run (same rootfs)                         median %8.2f ms\n' "$(echo "$r/1000" | bc -l)"
printf 'docker run --rm --network none busybox true   median %8.2f ms\n' "$(echo "$d/1000" | bc -l)"
printf 'berth/docker %.3f   berth/runc %.2f   (budget: <= 0.1x docker, <= 1x runc)\n' \
  "$(echo "$b/$d" | bc -l)" "$(echo "$b/$r" | bc -l)"
echo "berth peak RSS for that command: ${peak} KB"
