#!/usr/bin/env bash
# Measures `berth build` next to Debian's dockerd (classic builder, DOCKER_BUILDKIT=0) in one run:
#   1. a tutorial-like image on a locally bootstrapped Debian base (scripts/debian-rootfs.sh):
#      apt step, pip step (flask, redis), COPY of the app — cold build and fully cached rebuild;
#   2. a COPY-heavy image (10,000 small files) on busybox — cold build (--no-cache, median).
# Prints the times and the ratios against the budgets (cached rebuild <= 1.0x Docker, COPY-heavy
# cold build <= 0.5x Docker). Both engines build with --network host (dockerd runs without its
# bridge so it leaves no rules behind). Usage: bench/build.sh [iterations]   (root)
# BERTH=path/to/berth measures that binary instead of building a release one.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
n=${1:-3}
scripts/deps.sh >/dev/null
BERTH=$(berth_binary)
base=$(scripts/debian-rootfs.sh)
work=$(mktemp -d /tmp/berth-bench-build.XXXXXX)
cleanup() { stop_dockerd "$work"; rm -rf "$work"; }
trap cleanup EXIT
export BERTH_DATA_ROOT=$work/berth-data BERTH_EXEC_ROOT=$work/berth-exec
start_dockerd "$work" --iptables=false --bridge=none

rootfs=$(scripts/busybox-rootfs.sh "$work/busybox")
tar -C "$rootfs" -cf "$work/busybox.tar" .
for engine in berth docker; do
  if [ $engine = berth ]; then cli=("$BERTH"); else cli=("${docker[@]}"); fi
  "${cli[@]}" import "$base" debian-bench >/dev/null
  "${cli[@]}" import "$work/busybox.tar" busybox >/dev/null
done

# The tutorial's app, on Debian with pip.
app=$work/app
mkdir -p "$app"
printf 'Flask\nRedis\n' >"$app/requirements.txt"
cat >"$app/app.py" <<'PY'
from flask import Flask
from redis import Redis, RedisError
import os
import socket

redis = Redis(host="redis", db=0, socket_connect_timeout=2, socket_timeout=2)
app = Flask(__name__)

@app.route("/")
def hello():
    try:
        visits = redis.incr("counter")
    except RedisError:
        visits = "<i>cannot connect to Redis, counter disabled</i>"
    html = "<h3>Hello {name}!</h3><b>Hostname:</b> {hostname}<br/><b>Visits:</b> {visits}"
    return html.format(name=os.getenv("NAME", "world"), hostname=socket.gethostname(), visits=visits)

if __name__ == "__main__":
    app.run(host='0.0.0.0', port=80)
PY
cat >"$app/Dockerfile" <<'DOCKERFILE'
FROM debian-bench
RUN apt-get update && apt-get install -y --no-install-recommends python3-pip procps && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt /app/
RUN pip install --break-system-packages --no-cache-dir -r requirements.txt
COPY . /app
EXPOSE 80
ENV NAME World
CMD ["python3", "app.py"]
DOCKERFILE

# 10,000 small files in 100 directories.
heavy=$work/heavy
mkdir -p "$heavy"
python3 - "$heavy" <<'PY'
import os, sys
root = sys.argv[1]
for d in range(100):
    os.makedirs(f"{root}/d{d:03}")
    for f in range(100):
        with open(f"{root}/d{d:03}/f{f:03}.txt", "w") as out:
            out.write(f"file {d}/{f}\n" * 4)
PY
printf 'FROM busybox\nCOPY . /data\n' >"$heavy/Dockerfile"

ms() { echo $(( ($2 - $1) / 1000000 )); }
timed() { # prints elapsed ms of the command; fails the run when it fails
  local s e
  s=$(date +%s%N)
  if ! "$@" >"$work/last.log" 2>&1; then cat "$work/last.log" >&2; return 1; fi
  cat "$work/last.log" >>"${BENCH_LOG:-/dev/null}"
  e=$(date +%s%N)
  ms "$s" "$e"
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
export DOCKER_BUILDKIT=0

bc_cold=$(timed "$BERTH" build --network host -t friendly "$app")
dc_cold=$(timed "${docker[@]}" build --network host -t friendly "$app")
bc_hot=$(for _ in $(seq 1 "$n"); do timed "$BERTH" build --network host -t friendly "$app"; done | median)
dc_hot=$(for _ in $(seq 1 "$n"); do timed "${docker[@]}" build --network host -t friendly "$app"; done | median)
grep -q "Using cache" "$work/last.log"

bh=$(for _ in $(seq 1 "$n"); do timed "$BERTH" build --no-cache -t heavy "$heavy"; done | median)
dh=$(for _ in $(seq 1 "$n"); do timed "${docker[@]}" build --no-cache -t heavy "$heavy"; done | median)

record "tutorial image, cold build (apt, pip)" ms "$bc_cold" "$dc_cold" "-"
record "tutorial image, fully cached rebuild (median of $n)" ms "$bc_hot" "$dc_hot" "<= 1.0x"
record "COPY of 10,000 files, cold build (median of $n)" ms "$bh" "$dh" "<= 0.5x"
