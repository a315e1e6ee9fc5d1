#!/usr/bin/env bash
# The Docker tutorial ("Contain Yourself!") end to end with berth where it says docker: build the
# Flask app of examples/friendlyhello, list images, run Redis and the app detached on one network
# with -p 4000:80, list containers, fetch the page twice (its hostname is the container's short
# id, its visit counter goes up), show the app's log, stop and remove what it started.
#
# On a fresh machine (root): installs what it needs, builds berth, and bootstraps a local Debian
# base image once (debootstrap, cached in /var/cache/berth), because Docker Hub is out of reach;
# python:3-slim and redis are then built from examples/python-base and examples/redis.
#   BERTH=path/to/berth   use that binary (and the berth-monitor/berth-init next to it)
#   DEMO_PORT=4000        the host port to publish
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${BERTH:-}" ]; then
  scripts/deps.sh
  scripts/build-release.sh
  BERTH=$PWD/.build/release/berth
fi
port=${DEMO_PORT:-4000}
export BERTH_DATA_ROOT=${BERTH_DATA_ROOT:-/var/lib/berth} BERTH_EXEC_ROOT=${BERTH_EXEC_ROOT:-/run/berth}
examples=$PWD/examples
base=$(scripts/debian-rootfs.sh)

berth() { "$BERTH" "$@"; }
say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
step() { say "$@"; "$@"; }
cleanup() {
  if [ -n "${app:-}" ]; then berth rm -f "$app" >/dev/null 2>&1 || true; fi
  berth rm -f redis >/dev/null 2>&1 || true
  berth network rm friendlyhello >/dev/null 2>&1 || true
}
trap cleanup EXIT
cleanup

# The base images Docker Hub would provide.
if ! berth image inspect debian:bookworm-slim >/dev/null 2>&1; then
  step berth import "$base" debian:bookworm-slim
fi
step berth build -q -t python:3-slim "$examples/python-base"
step berth build -q -t redis "$examples/redis"

# The tutorial.
cd "$examples/friendlyhello"
step cat Dockerfile
step berth build -t friendlyhello .
step berth image ls
step berth network create friendlyhello
step berth run -d --name redis --network friendlyhello redis
say berth run -d -p "$port:80" --network friendlyhello friendlyhello
app=$(berth run -d -p "$port:80" --network friendlyhello friendlyhello)
echo "$app"
step berth container ls
# Wait for Flask to listen (a 404 for /favicon.ico does not count a visit).
for _ in $(seq 1 100); do curl -s -o /dev/null "http://localhost:$port/favicon.ico" && break; sleep 0.1; done
pages=()
for visit in 1 2; do
  say curl "http://localhost:$port"
  page=$(curl -sS "http://localhost:$port")
  echo "$page"
  pages+=("$page")
done
step berth logs "${app:0:12}"
step berth container stop "${app:0:12}"
step berth container ls -a --filter "id=${app:0:12}"

# What the tutorial promises: the hostname is the short id, the counter goes up.
for visit in 1 2; do
  expected="<h3>Hello World!</h3><b>Hostname:</b> ${app:0:12}<br/><b>Visits:</b> $visit"
  if [ "${pages[visit - 1]}" != "$expected" ]; then
    printf '\ndemo failed: visit %s showed\n  %s\nexpected\n  %s\n' "$visit" "${pages[visit - 1]}" "$expected" >&2
    exit 1
  fi
done
printf '\nThe tutorial works with berth: two visits counted by Redis, served from container %s.\n' "${app:0:12}"
