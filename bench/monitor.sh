#!/usr/bin/env bash
# Measures, in one run, side by side with Debian's dockerd:
#   - memory of the process that stays with one idle detached container:
#     berth-monitor vs containerd-shim-runc-v2 (RSS and private dirty, from /proc/PID/smaps_rollup)
#   - `stop` of an app that ignores SIGTERM as PID 1 (`sleep`): with --init (budget <= 100 ms)
#     and without (the 10 s timeout, as Docker)
# Usage: bench/monitor.sh   (needs root; installs docker.io when missing)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
swift build -c release --static-swift-stdlib >/dev/null
berth=$PWD/.build/release/berth
work=$(mktemp -d /tmp/berth-bench.XXXXXX)
sock=$work/docker.sock
cleanup() {
  $berth rm -f bench-idle bench-init bench-noinit >/dev/null 2>&1 || true
  docker -H "unix://$sock" rm -f bench-idle >/dev/null 2>&1 || true
  [ -f "$work/dockerd.pid" ] && kill "$(cat "$work/dockerd.pid")" 2>/dev/null && sleep 2
  umount "$work/docker-data/overlay2" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
rootfs=$(scripts/busybox-rootfs.sh "$work/rootfs")
tar -C "$rootfs" -cf "$work/busybox.tar" .
export BERTH_DATA_ROOT=$work/berth-data BERTH_EXEC_ROOT=$work/berth-exec
$berth import "$work/busybox.tar" busybox >/dev/null

dockerd --data-root "$work/docker-data" --exec-root "$work/docker-exec" -H "unix://$sock" \
  --pidfile "$work/dockerd.pid" --iptables=false --bridge=none >"$work/dockerd.log" 2>&1 &
for _ in $(seq 1 100); do docker -H "unix://$sock" version >/dev/null 2>&1 && break; sleep 0.2; done
docker -H "unix://$sock" import "$work/busybox.tar" busybox >/dev/null

memory() { awk '/^Rss:/ {r=$2} /^Private_Dirty:/ {p=$2} END {printf "RSS %6d KB  private dirty %6d KB", r, p}' "/proc/$1/smaps_rollup"; }

id=$($berth run -d --name bench-idle --network none busybox sleep 1000)
docker -H "unix://$sock" run -d --name bench-idle --network none busybox sleep 1000 >/dev/null
sleep 2
monitor=$(pgrep -f "berth-monitor .*$id" | head -1)
shim=$(pgrep -f "containerd-shim-runc-v2 .*" | head -1)
echo "idle container's monitor:"
echo "  berth-monitor             $(memory "$monitor")"
echo "  containerd-shim-runc-v2   $(memory "$shim")"

stop_ms() {
  local s e
  s=$(date +%s%N); "$@" >/dev/null; e=$(date +%s%N)
  echo $(( (e - s) / 1000000 ))
}
$berth run -d --init --name bench-init --network none busybox sleep 1000 >/dev/null
$berth run -d --name bench-noinit --network none busybox sleep 1000 >/dev/null
sleep 0.5
echo "stop of a container whose PID-1 app ignores SIGTERM (sleep):"
echo "  berth stop with --init     $(stop_ms "$berth" stop bench-init) ms   (budget <= 100 ms)"
echo "  berth stop without --init  $(stop_ms "$berth" stop bench-noinit) ms   (Docker: the 10 s timeout)"
docker -H "unix://$sock" run -d --init --name bench-dinit --network none busybox sleep 1000 >/dev/null 2>&1 &&
  echo "  docker stop with --init    $(stop_ms docker -H "unix://$sock" stop bench-dinit) ms" ||
  echo "  docker stop with --init    (docker-init not installed)"
