#!/usr/bin/env bash
# Measures, in one run, side by side with Debian's dockerd (its own roots, its own docker0):
#   idle memory of `berth daemon` vs dockerd + containerd (RSS and private memory, smaps_rollup)
#   docker run --rm busybox true through berth's daemon vs through dockerd, same Docker CLI
# and prints the ratios (budgets: daemon idle RSS <= 20 MB total; run <= 0.2x Docker).
# Usage: bench/daemon.sh [iterations]   (needs root; BERTH=path uses that berth binary)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
n=${1:-20}
berth=$(berth_binary)
work=$(mktemp -d /tmp/berth-daemonbench.XXXXXX)
had_docker_chains=$(docker_chains_exist)
cleanup() {
  [ -n "${berth_pid:-}" ] && kill "$berth_pid" 2>/dev/null
  $berth --data-root "$work/berth-data" --exec-root "$work/berth-exec" __networks-cleanup 2>/dev/null || true
  stop_dockerd "$work"
  rm -rf "$work"
  remove_docker_chains "$had_docker_chains"
}
trap cleanup EXIT
rootfs=$(scripts/busybox-rootfs.sh "$work/rootfs")
tar -C "$rootfs" -cf "$work/busybox.tar" .

bsock=$work/berth.sock
$berth --data-root "$work/berth-data" --exec-root "$work/berth-exec" daemon -H "unix://$bsock" \
  >"$work/berth.log" 2>&1 &
berth_pid=$!
dsock=$work/docker.sock
start_dockerd "$work"
for _ in $(seq 1 100); do docker -H "unix://$bsock" version >/dev/null 2>&1 && break; sleep 0.2; done
for sock in "$bsock" "$dsock"; do
  docker -H "unix://$sock" import "$work/busybox.tar" busybox >/dev/null
  docker -H "unix://$sock" run --rm busybox true   # bridges made, caches warm
done

b=$(median_ms "$n" docker -H "unix://$bsock" run --rm busybox true)
d=$(median_ms "$n" docker -H "unix://$dsock" run --rm busybox true)

sleep 3   # idle
mem() { # pid: "RSS_KB PRIVATE_KB"
  awk '/^Rss:/ {r=$2} /^Private_Clean:/ {p+=$2} /^Private_Dirty:/ {p+=$2} END {print r, p}' "/proc/$1/smaps_rollup"
}
dockerd_pid=$(cat "$work/dockerd.pid")
containerd_pid=$(pgrep -P "$dockerd_pid" containerd | head -1)
read -r brss bpriv < <(mem "$berth_pid")
read -r drss dpriv < <(mem "$dockerd_pid")
read -r crss cpriv < <(mem "$containerd_pid")
printf 'idle berth daemon          RSS %6.1f MB  private %6.1f MB\n' "$(echo "$brss/1024" | bc -l)" "$(echo "$bpriv/1024" | bc -l)"
printf 'idle dockerd + containerd  RSS %6.1f MB  private %6.1f MB  (dockerd %.1f + containerd %.1f MB RSS)\n' \
  "$(echo "($drss+$crss)/1024" | bc -l)" "$(echo "($dpriv+$cpriv)/1024" | bc -l)" \
  "$(echo "$drss/1024" | bc -l)" "$(echo "$crss/1024" | bc -l)"
record "idle daemon RSS (Docker: dockerd + containerd)" MB "$(echo "scale=1; $brss / 1024" | bc)" \
  "$(echo "scale=1; ($drss + $crss) / 1024" | bc)" "<= 20 MB"
record "docker run --rm busybox true through the daemon (median of $n)" ms "$b" "$d" "<= 0.2x"
