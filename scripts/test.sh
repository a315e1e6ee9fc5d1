#!/usr/bin/env bash
# Installs what Berth needs, builds it, checks formatting and runs every test (privileged tests
# need root: they start real containers).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
swift build --build-tests 2>&1 | tee /tmp/berth-build.log
# SwiftPM's notice about a dependency's stray file (swift-distributed-tracing's CMakeLists.txt,
# through async-http-client) is not a warning of this project's code.
if grep "warning:" /tmp/berth-build.log | grep -qv "which are unhandled; explicitly declare them as resources"; then
  echo "the build has warnings" >&2
  exit 1
fi
swift format lint --strict --recursive Sources Tests Package.swift
swift test --skip-build "$@"
