#!/usr/bin/env bash
# Regenerates scripts/berth.order, the order in which the linker lays out berth's functions
# (Package.swift passes it to lld with --symbol-ordering-file). The functions that a
# `berth run --rm` and a daemon serving `docker run` execute are put first, so both touch about
# 6 MB of contiguous code instead of pages scattered over 27 MB: fewer page faults at every
# start, and less resident memory in the idle daemon. Names the binary no longer defines
# are ignored by the linker, so a stale order file costs speed, never correctness; rerun this
# after large changes to the run or daemon paths.
#
# Callgrind (valgrind) records every function that runs, not a sample. It runs a stripped copy
# (valgrind cannot read the DWARF 5 of the Swift toolchain); the container's own first process,
# forked under valgrind, fails at its mounts, which only loses the profile of C code after the
# clone, and the daemon starts its helpers natively (BERTH_EXECUTABLE).
# Usage: scripts/order-file.sh   (root)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q valgrind >/dev/null
scripts/build-release.sh
work=$(mktemp -d /tmp/berth-order.XXXXXX)
cleanup() {
  [ -n "${daemon:-}" ] && kill "$daemon" 2>/dev/null
  .build/release/berth --data-root "$work/data" --exec-root "$work/exec" __networks-cleanup 2>/dev/null || true
  [ -n "${KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
objcopy --strip-debug .build/release/berth "$work/berth"
cp .build/release/berth-monitor .build/release/berth-init "$work/"
export BERTH_EXECUTABLE=$work/berth
berth=("$work/berth" --data-root "$work/data" --exec-root "$work/exec")
rootfs=$(scripts/busybox-rootfs.sh "$work/rootfs")
tar -C "$rootfs" -cf "$work/busybox.tar" .
# The daemon on fresh roots, as bench/daemon.sh starts it (migrations, an import through the
# API, containers on the default bridge), then the CLI's `run` on the image it imported.
grind=(valgrind -q --tool=callgrind --demangle=no)
"${grind[@]}" --callgrind-out-file="$work/daemon.%p.cg" \
  "${berth[@]}" daemon -H "unix://$work/berth.sock" >"$work/daemon.log" 2>&1 &
daemon=$!
drive() { # socket: what both profiles make a fresh daemon do (through the Docker CLI)
  local docker=(timeout -s KILL 120 docker -H "unix://$1")
  for _ in $(seq 1 300); do "${docker[@]}" version >/dev/null 2>&1 && break; sleep 0.2; done
  "${docker[@]}" import "$work/busybox.tar" busybox >/dev/null
  for _ in 1 2 3; do "${docker[@]}" run --rm busybox true; done
  "${docker[@]}" run --rm --network none busybox true
  "${docker[@]}" ps -a >/dev/null
  sleep 11 # two periods of the daemon's idle release (IdleMemory): libarchive unloaded
}
drive "$work/berth.sock"
kill -TERM "$daemon"
wait "$daemon" || true
daemon=
"${berth[@]}" run --rm --network none busybox true # caches warm, as in the bench
"${grind[@]}" --callgrind-out-file="$work/run.%p.cg" \
  "${berth[@]}" run --rm --network none busybox true >/dev/null 2>&1 || true
# The CLI's functions first (its forked child's profile, run.1, includes the CLI's up to the
# fork), then the daemon's.
python3 scripts/order-file.py .build/release/berth scripts/berth.order "$work"/run.*.cg "$work"/daemon.*.cg
relink() { # The order file is no input SwiftPM tracks.
  rm -f .build/release/berth
  scripts/build-release.sh berth
}
relink

# Callgrind misses some functions that run natively (helpers, aliases of folded code): append
# the functions whose code still page-faults outside the ordered part, the same workload run
# natively under perf (page-fault events, children followed), and relink; up to eight rounds,
# fewer when one finds nothing new (each round finds what the 64 KB mapped around the last
# round's faults hid). Private functions have no name to list: scripts/private-text.ld gathers
# them instead.
faults() { # the workload's page faults, as order-file.py --faults reads them
  local data=$work/faults.data roots=(--data-root "$work/pf-data" --exec-root "$work/pf-exec") pid
  rm -rf "$work/pf-data" "$work/pf-exec"
  perf record -q -e page-faults -c 1 -d -o "$data" -- \
    .build/release/berth "${roots[@]}" daemon -H "unix://$work/pf.sock" >/dev/null 2>&1 &
  pid=$!
  drive "$work/pf.sock"
  kill -INT "$pid"
  wait "$pid" || true
  .build/release/berth "${roots[@]}" __networks-cleanup
  perf record -q -e page-faults -c 1 -d -o "$data.run" -- \
    .build/release/berth "${roots[@]}" run --rm --network none busybox true
  for f in "$data" "$data.run"; do perf script -i "$f" --show-mmap-events -F pid,addr,ip,dso 2>/dev/null; done
}
command -v perf >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q linux-perf >/dev/null
for _ in 1 2 3 4 5 6 7 8; do
  faults >"$work/faults.txt"
  added=$(python3 scripts/order-file.py .build/release/berth scripts/berth.order --faults "$work/faults.txt")
  echo "$added"
  [[ $added == *"(0 new)"* ]] && break
  relink
done
