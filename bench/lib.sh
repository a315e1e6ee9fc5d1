# Shared by the bench scripts (sourced, not run): the berth binary under test, Debian's dockerd
# on its own roots, medians, and the results table that bench/all.sh turns into a report.

# Prints the berth binary to measure: $BERTH, or a static release build of berth, berth-monitor
# and berth-init made now.
berth_binary() {
  if [ -n "${BERTH:-}" ]; then echo "$BERTH"; return; fi
  scripts/build-release.sh >&2
  echo "$PWD/.build/release/berth"
}

# start_dockerd WORK [dockerd flags…]: Debian's dockerd on WORK/docker.sock with its own data and
# exec roots (stopped by stop_dockerd WORK); sets the array docker=(docker -H unix://…).
start_dockerd() {
  local work=$1
  shift
  command -v dockerd >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker.io >/dev/null
  dockerd --data-root "$work/docker-data" --exec-root "$work/docker-exec" -H "unix://$work/docker.sock" \
    --pidfile "$work/dockerd.pid" "$@" >"$work/dockerd.log" 2>&1 &
  docker=(docker -H "unix://$work/docker.sock")
  for _ in $(seq 1 100); do "${docker[@]}" version >/dev/null 2>&1 && return; sleep 0.2; done
  echo "dockerd did not start: $(tail -5 "$work/dockerd.log")" >&2
  return 1
}

# stop_dockerd WORK: stops the dockerd start_dockerd WORK started and unmounts what it left.
stop_dockerd() {
  local work=$1
  if [ -f "$work/dockerd.pid" ]; then kill "$(cat "$work/dockerd.pid")" 2>/dev/null && sleep 2; fi
  umount "$work/docker-data/overlay2" "$work/docker-exec/netns/default" 2>/dev/null || true
}

# docker_chains_exist: "yes" when dockerd's iptables chains are already there, else "no".
docker_chains_exist() { iptables -w -S DOCKER >/dev/null 2>&1 && echo yes || echo no; }

# remove_docker_chains HAD: dockerd with its bridge leaves its chains and rules behind; removes
# them unless HAD (from docker_chains_exist before this run) says they were there already.
remove_docker_chains() {
  [ "$1" = no ] || return 0
  local table rule chain
  for table in filter nat; do
    iptables -w -t $table -S | grep -E '^-A .*(DOCKER|docker0)' | sed 's/^-A/-D/' |
      while read -r rule; do eval "iptables -w -t $table $rule" || true; done
    for chain in $(iptables -w -t $table -S | awk '/^-N DOCKER/ {print $2}'); do iptables -w -t $table -X "$chain"; done
  done
}

# median_ms N COMMAND…: the median wall time of N runs of COMMAND, in ms with one decimal.
median_ms() {
  python3 - "$@" <<'PY'
import statistics, subprocess, sys, time
n, cmd = int(sys.argv[1]), sys.argv[2:]
times = []
for _ in range(n):
    t = time.perf_counter(); subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    times.append((time.perf_counter() - t) * 1000)
print(f"{statistics.median(times):.1f}")
PY
}

# record METRIC UNIT BERTH DOCKER BUDGET: prints one result line and, when $BENCH_RESULTS names a
# file, appends it there as a tab-separated row (BUDGET is text such as "<= 0.1x" or "<= 4 MB"),
# tagged with $BENCH_NAME (the script bench/all.sh runs).
record() {
  local ratio
  ratio=$(python3 -c "import sys; b, d = map(float, sys.argv[1:]); print(f'{b / d:.3f}' if d else '-')" "$3" "$4")
  printf '%-58s berth %10s %-5s docker %10s %-5s ratio %6s  budget %s\n' "$1" "$3" "$2" "$4" "$2" "$ratio" "$5"
  if [ -n "${BENCH_RESULTS:-}" ]; then printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" "${BENCH_NAME:-}" >>"$BENCH_RESULTS"; fi
}
