#!/usr/bin/env bash
# Measures, in one run, side by side with Debian's dockerd:
#   - memory of the process that stays with one idle detached container:
#     berth-monitor vs containerd-shim-runc-v2 (RSS and private dirty, from /proc/PID/smaps_rollup)
#   - `stop` of an app that ignores SIGTERM as PID 1 (`sleep`): with --init (budget <= 100 ms)
#     and without (the 10 s timeout, as Docker)
# Usage: bench/monitor.sh   (needs root; installs docker.io when missing)
# BERTH=path/to/berth measures that binary instead of building a release one.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
scripts/deps.sh >/dev/null
berth=$(berth_binary)
work=$(mktemp -d /tmp/berth-bench.XXXXXX)
docker=(docker -H "unix://$work/docker.sock")
cleanup() {
  $berth rm -f bench-idle bench-init bench-noinit >/dev/null 2>&1 || true
  "${docker[@]}" rm -f bench-idle bench-dinit >/dev/null 2>&1 || true
  stop_dockerd "$work"
  rm -rf "$work"
}
trap cleanup EXIT
rootfs=$(scripts/busybox-rootfs.sh "$work/rootfs")
tar -C "$rootfs" -cf "$work/busybox.tar" .
export BERTH_DATA_ROOT=$work/berth-data BERTH_EXEC_ROOT=$work/berth-exec
$berth import "$work/busybox.tar" busybox >/dev/null

start_dockerd "$work" --iptables=false --bridge=none
"${docker[@]}" import "$work/busybox.tar" busybox >/dev/null

memory() { awk '/^Rss:/ {r=$2} /^Private_Dirty:/ {p=$2} END {printf "RSS %6d KB  private dirty %6d KB", r, p}' "/proc/$1/smaps_rollup"; }
rss_mb() { awk '/^Rss:/ {printf "%.1f", $2 / 1024}' "/proc/$1/smaps_rollup"; }

id=$($berth run -d --name bench-idle --network none busybox sleep 1000)
"${docker[@]}" run -d --name bench-idle --network none busybox sleep 1000 >/dev/null
sleep 2
monitor=$(pgrep -f "berth-monitor .*$id" | head -1)
shim=$(pgrep -f "containerd-shim-runc-v2 .*" | head -1)
echo "idle container's monitor:"
echo "  berth-monitor             $(memory "$monitor")"
echo "  containerd-shim-runc-v2   $(memory "$shim")"
record "RSS of one idle container's monitor (shim for Docker)" MB "$(rss_mb "$monitor")" "$(rss_mb "$shim")" "<= 4 MB"

stop_ms() {
  local s e
  s=$(date +%s%N); "$@" >/dev/null; e=$(date +%s%N)
  echo $(( (e - s) / 1000000 ))
}
$berth run -d --init --name bench-init --network none busybox sleep 1000 >/dev/null
$berth run -d --name bench-noinit --network none busybox sleep 1000 >/dev/null
sleep 0.5
"${docker[@]}" run -d --init --name bench-dinit --network none busybox sleep 1000 >/dev/null
sleep 0.5
echo "stop of a container whose PID-1 app ignores SIGTERM (sleep):"
b_init=$(stop_ms "$berth" stop bench-init)
d_init=$(stop_ms "${docker[@]}" stop bench-dinit)
record "stop --init of a sleep that ignores SIGTERM" ms "$b_init" "$d_init" "<= 100 ms"
echo "  berth stop without --init  $(stop_ms "$berth" stop bench-noinit) ms   (Docker: the 10 s timeout)"
