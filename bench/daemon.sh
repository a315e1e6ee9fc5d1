#!/usr/bin/env bash
# Measures, in one run, side by side with Debian's dockerd (its own roots, its own docker0):
#   idle memory of `berth daemon` vs dockerd + containerd (RSS and private memory, smaps_rollup)
#   docker run --rm busybox true through berth's daemon vs through dockerd, same Docker CLI
# and prints the ratios (budgets: daemon idle RSS <= 20 MB total; run <= 0.2x Docker).
# Usage: bench/daemon.sh [iterations]   (needs root; BERTH=path uses that berth binary)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-20}
command -v dockerd >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker.io >/dev/null
if [ -z "${BERTH:-}" ]; then
  swift build -c release --static-swift-stdlib --product berth >/dev/null
  swift build -c release --product berth-monitor >/dev/null
  swift build -c release --product berth-init >/dev/null
fi
berth=${BERTH:-$PWD/.build/release/berth}
work=$(mktemp -d /tmp/berth-daemonbench.XXXXXX)
had_docker_chains=$(iptables -w -S DOCKER >/dev/null 2>&1 && echo yes || echo no)
cleanup() {
  [ -n "${berth_pid:-}" ] && kill "$berth_pid" 2>/dev/null
  $berth --data-root "$work/berth-data" --exec-root "$work/berth-exec" __networks-cleanup 2>/dev/null || true
  [ -f "$work/dockerd.pid" ] && kill "$(cat "$work/dockerd.pid")" 2>/dev/null && sleep 2
  umount "$work/docker-data/overlay2" 2>/dev/null || true
  rm -rf "$work"
  if [ "$had_docker_chains" = no ]; then
    for table in filter nat; do
      iptables -w -t $table -S | grep -E '^-A .*(DOCKER|docker0)' | sed 's/^-A/-D/' |
        while read -r rule; do eval "iptables -w -t $table $rule" || true; done
      for chain in $(iptables -w -t $table -S | awk '/^-N DOCKER/ {print $2}'); do iptables -w -t $table -X "$chain"; done
    done
  fi
}
trap cleanup EXIT
rootfs=$(scripts/busybox-rootfs.sh "$work/rootfs")
tar -C "$rootfs" -cf "$work/busybox.tar" .

bsock=$work/berth.sock
$berth --data-root "$work/berth-data" --exec-root "$work/berth-exec" daemon -H "unix://$bsock" \
  >"$work/berth.log" 2>&1 &
berth_pid=$!
dsock=$work/docker.sock
dockerd --data-root "$work/docker-data" --exec-root "$work/docker-exec" -H "unix://$dsock" \
  --pidfile "$work/dockerd.pid" >"$work/dockerd.log" 2>&1 &
for _ in $(seq 1 100); do
  docker -H "unix://$dsock" version >/dev/null 2>&1 && docker -H "unix://$bsock" version >/dev/null 2>&1 && break
  sleep 0.2
done
for sock in "$bsock" "$dsock"; do
  docker -H "unix://$sock" import "$work/busybox.tar" busybox >/dev/null
  docker -H "unix://$sock" run --rm busybox true   # bridges made, caches warm
done

median() { # command…: median wall ms of $n runs
  python3 - "$n" "$@" <<'PY'
import statistics, subprocess, sys, time
n, cmd = int(sys.argv[1]), sys.argv[2:]
times = []
for _ in range(n):
    s = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    times.append((time.perf_counter() - s) * 1000)
print(f"{statistics.median(times):.1f}")
PY
}
b=$(median docker -H "unix://$bsock" run --rm busybox true)
d=$(median docker -H "unix://$dsock" run --rm busybox true)

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
printf 'daemon RSS ratio berth/docker %.3f   (budget: berth <= 20 MB)\n' "$(echo "$brss/($drss+$crss)" | bc -l)"
printf 'docker run --rm busybox true via berth daemon  median %8.1f ms\n' "$b"
printf 'docker run --rm busybox true via dockerd       median %8.1f ms\n' "$d"
printf 'run ratio berth/docker %.3f   (budget: <= 0.2x)\n' "$(echo "$b/$d" | bc -l)"
