#!/usr/bin/env bash
# Installs what Berth needs, builds it, checks formatting and runs every test (privileged tests
# need root: they start real containers).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
swift build --build-tests 2>&1 | tee /tmp/berth-build.log
if grep -q "warning:" /tmp/berth-build.log; then
  echo "the build has warnings" >&2
  exit 1
fi
swift format lint --strict --recursive Sources Tests Package.swift
swift test --skip-build "$@"
