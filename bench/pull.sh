#!/usr/bin/env bash
# Measures `berth pull` and `berth push` next to Debian's dockerd in one run, against Debian's
# docker-registry on loopback (plain HTTP; dockerd gets --insecure-registry for it):
#   1. a multi-layer image of 300 MB+ (4 layers of mixed compressible and random files on busybox)
#      is built by Berth and pushed to an empty registry (Berth's push);
#   2. pulled from there into an empty dockerd and into an empty Berth data root;
#   3. dockerd pushes the image it pulled to a second empty registry (Docker's push).
# Prints the times and the ratios against the budget (<= 0.5x Docker for pull and push).
# Usage: bench/pull.sh   (root). BERTH=path/to/berth uses that binary instead of building one.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
if [ -z "${BERTH:-}" ]; then
  scripts/build-release.sh
  BERTH=$PWD/.build/release/berth
fi
work=$(mktemp -d /tmp/berth-bench-pull.XXXXXX)
sock=$work/docker.sock
pids=()
cleanup() {
  [ -f "$work/dockerd.pid" ] && kill "$(cat "$work/dockerd.pid")" 2>/dev/null && sleep 2
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  umount "$work/docker-data/overlay2" "$work/docker-exec/netns/default" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
registry() { # registry NAME PORT
  mkdir -p "$work/$1"
  cat >"$work/$1/config.yml" <<YML
version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: $work/$1/data}}
http: {addr: "127.0.0.1:$2", secret: bench}
YML
  docker-registry serve "$work/$1/config.yml" >"$work/$1/log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$2/v2/" >/dev/null && break; sleep 0.1; done
}
now() { date +%s.%N; }
p1=$(free_port); registry r1 "$p1"
p2=$(free_port); registry r2 "$p2"
export BERTH_DATA_ROOT=$work/berth-data BERTH_EXEC_ROOT=$work/berth-exec
docker=(docker -H "unix://$sock")
dockerd --data-root "$work/docker-data" --exec-root "$work/docker-exec" -H "unix://$sock" \
  --pidfile "$work/dockerd.pid" --iptables=false --bridge=none --insecure-registry "127.0.0.1:$p1" \
  --insecure-registry "127.0.0.1:$p2" >"$work/dockerd.log" 2>&1 &
for _ in $(seq 1 300); do "${docker[@]}" version >/dev/null 2>&1 && break; sleep 0.2; done

# The image: busybox and four layers of ~80 MB, half text-like (compressible), half random.
rootfs=$(scripts/busybox-rootfs.sh "$work/busybox")
tar -C "$rootfs" -cf "$work/busybox.tar" .
"$BERTH" import "$work/busybox.tar" busybox >/dev/null
ctx=$work/ctx
for l in 1 2 3 4; do
  mkdir -p "$ctx/l$l"
  for f in 1 2 3 4; do
    head -c 10M /dev/urandom >"$ctx/l$l/random$f"
    # Text-like bytes: this machine's docs and libraries (the pipe ends early on purpose).
    { find /usr/share/doc /usr/lib/x86_64-linux-gnu -type f -size -2M 2>/dev/null | xargs cat 2>/dev/null |
      head -c 10M >"$ctx/l$l/text$f"; } || true
  done
done
printf 'FROM busybox\nCOPY l1 /l1\nCOPY l2 /l2\nCOPY l3 /l3\nCOPY l4 /l4\n' >"$ctx/Dockerfile"
"$BERTH" build -q -t bench/big "$ctx" >/dev/null
size=$("$BERTH" image inspect -f '{{.Size}}' bench/big)

ref1=127.0.0.1:$p1/bench/big:latest
"$BERTH" tag bench/big "$ref1"
t0=$(now); "$BERTH" push "$ref1" >"$work/berth-push.log"; t1=$(now)
berth_push=$(echo "$t1 - $t0" | bc)

t0=$(now); "${docker[@]}" pull "$ref1" >"$work/docker-pull.log"; t1=$(now)
docker_pull=$(echo "$t1 - $t0" | bc)

export BERTH_DATA_ROOT=$work/berth-data2
t0=$(now); "$BERTH" pull "$ref1" >"$work/berth-pull.log"; t1=$(now)
berth_pull=$(echo "$t1 - $t0" | bc)

ref2=127.0.0.1:$p2/bench/big:latest
"${docker[@]}" tag "$ref1" "$ref2"
t0=$(now); "${docker[@]}" push "$ref2" >"$work/docker-push.log"; t1=$(now)
docker_push=$(echo "$t1 - $t0" | bc)

printf 'image: %s bytes unpacked, 5 layers\n' "$size"
source bench/lib.sh
record "pull of a $((size / 1000000)) MB, 5-layer image from a local registry" s "$berth_pull" "$docker_pull" "<= 0.5x"
record "push of the same image to an empty repository" s "$berth_push" "$docker_push" "<= 0.5x"
printf 'pull  berth %6.2f s   docker %6.2f s   ratio %.2fx (budget <= 0.5x)\n' \
  "$berth_pull" "$docker_pull" "$(echo "$berth_pull / $docker_pull" | bc -l)"
printf 'push  berth %6.2f s   docker %6.2f s   ratio %.2fx (budget <= 0.5x)\n' \
  "$berth_push" "$docker_push" "$(echo "$berth_push / $docker_push" | bc -l)"
