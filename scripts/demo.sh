#!/usr/bin/env bash
# The main job end to end on a fresh machine: build berth, make a busybox image from Debian's
# busybox-static, import it, list it, run it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
swift build -c release --static-swift-stdlib --product berth
berth=.build/release/berth
export BERTH_DATA_ROOT=${BERTH_DATA_ROOT:-/var/lib/berth} BERTH_EXEC_ROOT=${BERTH_EXEC_ROOT:-/run/berth}
rootfs=$(scripts/busybox-rootfs.sh)
trap 'rm -rf "$rootfs"' EXIT
set -x
tar -C "$rootfs" -c . | $berth import - busybox
$berth images
$berth run --rm busybox echo hello from a berth container
$berth run --rm busybox sh -c 'echo "hostname: $(hostname)"; echo "pid: $$"; grep CapEff /proc/self/status'
$berth rm -f demo >/dev/null 2>&1 || true
$berth run --name demo busybox true
$berth ps -a
$berth rm demo
