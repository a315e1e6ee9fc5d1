#!/usr/bin/env bash
# Builds the release binaries berth, berth-monitor and berth-init (or the products named) with
# the flags every release build of Berth uses, so that bench/, demo.sh and order-file.sh share
# one build directory (other flags would rebuild everything):
#   --static-swift-stdlib          the Swift runtime and Foundation linked in: no loader search
#   -function-sections             every function in its own section (Swift and C), so that the
#   -ffunction-sections            link order of scripts/berth.order (Package.swift) can gather
#                                  the code a `run` and an idle daemon touch into a few pages.
#                                  Without it swiftc puts only some functions in sections of their
#                                  own and the rest (specializations, closures, thunks) in one
#                                  .text per file, which moves as a whole. The Swift driver does
#                                  not notice a change of -Xfrontend flags: after changing them,
#                                  delete .build/release/*.build/*.swift.o.
#   --disable-local-rpath          no $ORIGIN rpath: the loader does not probe berth's directory
#                                  for each shared library at every start
# Usage: scripts/build-release.sh [product…]   (quiet unless the build fails)
set -euo pipefail
cd "$(dirname "$0")/.."
products=("$@")
[ ${#products[@]} -gt 0 ] || products=(berth berth-monitor berth-init)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for product in "${products[@]}"; do
  if ! swift build -c release --static-swift-stdlib --disable-local-rpath \
    -Xswiftc -Xfrontend -Xswiftc -function-sections -Xcc -ffunction-sections \
    --product "$product" >"$log" 2>&1; then
    cat "$log" >&2
    exit 1
  fi
done
