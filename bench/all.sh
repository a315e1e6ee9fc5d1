#!/usr/bin/env bash
# Runs every benchmark side by side with Debian's dockerd and writes the table:
# bench/results/latest.md (metric, Berth, Docker in the same run, ratio, budget) and
# bench/results/latest.png (a chart of the same). Usage: bench/all.sh   (root; about 15 minutes)
# bench/all.sh NAME… runs only those (run network monitor build pull daemon) and adds their rows
# to the table. BERTH=path/to/berth measures that binary instead of building a release one.
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
benches=("$@")
if [ ${#benches[@]} -eq 0 ]; then
  benches=(run network monitor build pull daemon)
  : >"$BENCH_RESULTS"
fi
for bench in "${benches[@]}"; do
  if [ -x "bench/$bench.sh" ]; then
    echo "== bench/$bench.sh"
    # A rerun replaces that benchmark's earlier rows.
    awk -F'\t' -v b="$bench" '$6 != b' "$BENCH_RESULTS" >"$BENCH_RESULTS.tmp" || true
    mv "$BENCH_RESULTS.tmp" "$BENCH_RESULTS"
    BENCH_NAME=$bench "bench/$bench.sh"
  fi
done
cpu=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)
cgroup=$([ -f /sys/fs/cgroup/cgroup.controllers ] && echo v2 || echo "v1 (hybrid)")
machine="Debian $(cat /etc/debian_version), kernel $(uname -r), $(nproc) cores ($cpu), $(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1048576 )) GiB, cgroups $cgroup"
/usr/bin/python3 bench/report.py "$BENCH_RESULTS" bench/results/latest.md bench/results/latest.png \
  "$machine" "$(git rev-parse --short HEAD)"
cat bench/results/latest.md
