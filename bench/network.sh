#!/usr/bin/env bash
# Measures, in one run, side by side with Debian's dockerd (its own roots, its own docker0):
#   run --rm busybox true on the default bridge network (median wall time)
#   1 GiB from a container through a published port to a client on localhost (MB/s)
# Usage: bench/network.sh [iterations]   (needs root; installs docker.io when missing)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-20}
scripts/deps.sh
command -v dockerd >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker.io >/dev/null
swift build -c release --static-swift-stdlib --product berth >/dev/null
swift build -c release --product berth-monitor >/dev/null
berth=$PWD/.build/release/berth
work=$(mktemp -d /tmp/berth-netbench.XXXXXX)
export BERTH_DATA_ROOT=$work/berth-data BERTH_EXEC_ROOT=$work/berth-exec
had_docker_chains=$(iptables -w -S DOCKER >/dev/null 2>&1 && echo yes || echo no)
cleanup() {
  $berth __networks-cleanup 2>/dev/null || true
  [ -f "$work/dockerd.pid" ] && kill "$(cat "$work/dockerd.pid")" 2>/dev/null && sleep 2
  umount "$work/docker-data/overlay2" 2>/dev/null || true
  rm -rf "$work"
  # dockerd leaves its chains behind; remove them when this run made them.
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
$berth import "$work/busybox.tar" busybox >/dev/null
$berth run --rm busybox true   # makes the bridge and warms the seccomp cache

sock=$work/docker.sock
dockerd --data-root "$work/docker-data" --exec-root "$work/docker-exec" -H "unix://$sock" \
  --pidfile "$work/dockerd.pid" >"$work/dockerd.log" 2>&1 &
for _ in $(seq 1 100); do docker -H "unix://$sock" version >/dev/null 2>&1 && break; sleep 0.2; done
docker="docker -H unix://$sock"
$docker import "$work/busybox.tar" busybox >/dev/null
$docker run --rm busybox true

median() { # command…: median wall ms of $n runs
  python3 - "$n" "$@" <<'PY'
import statistics, subprocess, sys, time
n, cmd = int(sys.argv[1]), sys.argv[2:]
times = []
for _ in range(n):
    t = time.perf_counter(); subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL); times.append((time.perf_counter() - t) * 1000)
print(f"{statistics.median(times):.1f}")
PY
}
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

b_run=$(median $berth run --rm busybox true)
d_run=$(median $docker run --rm busybox true)
b_none=$(median $berth run --rm --network none busybox true)
b_tp=$(throughput $berth run); $berth rm -f netbench >/dev/null
d_tp=$(throughput $docker run); $docker rm -f netbench >/dev/null
echo "run --rm busybox true (bridge): berth ${b_run} ms, Docker ${d_run} ms, ratio $(echo "scale=3; $b_run / $d_run" | bc) (berth with --network none: ${b_none} ms)"
echo "1 GiB via published port to localhost: berth ${b_tp} MB/s, Docker ${d_tp} MB/s, ratio $(echo "scale=3; $b_tp / $d_tp" | bc)"
