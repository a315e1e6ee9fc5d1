#!/usr/bin/env bash
# Runs every benchmark side by side with Debian's dockerd and writes the table:
# bench/results/latest.md (metric, Berth, Docker in the same run, ratio, budget) and
# bench/results/latest.png (a chart of the same). Usage: bench/all.sh   (root; about 15 minutes)
# BERTH=path/to/berth measures that binary instead of building a release one.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
scripts/deps.sh >/dev/null
/usr/bin/python3 -c "import matplotlib" 2>/dev/null ||
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-matplotlib >/dev/null
BERTH=$(berth_binary)
export BERTH
mkdir -p bench/results
export BENCH_RESULTS=$PWD/bench/results/latest.tsv
: >"$BENCH_RESULTS"
for bench in run network monitor build pull daemon; do
  if [ -x "bench/$bench.sh" ]; then
    echo "== bench/$bench.sh"
    "bench/$bench.sh"
  fi
done
cpu=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)
cgroup=$([ -f /sys/fs/cgroup/cgroup.controllers ] && echo v2 || echo "v1 (hybrid)")
machine="Debian $(cat /etc/debian_version), kernel $(uname -r), $(nproc) cores ($cpu), $(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1048576 )) GiB, cgroups $cgroup"
/usr/bin/python3 bench/report.py "$BENCH_RESULTS" bench/results/latest.md bench/results/latest.png \
  "$machine" "$(git rev-parse --short HEAD)"
cat bench/results/latest.md
