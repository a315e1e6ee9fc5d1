#!/usr/bin/env bash
# The main job end to end on a fresh machine, the tutorial's workflow on a busybox base: build
# berth, make a busybox image from Debian's busybox-static, import it, build an app image from a
# Dockerfile (then again, from cache), run it detached with a published port, fetch its page
# from localhost, look at its logs, stop it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
swift build -c release --static-swift-stdlib --product berth
swift build -c release --static-swift-stdlib --product berth-monitor
swift build -c release --static-swift-stdlib --product berth-init
berth=.build/release/berth
export BERTH_DATA_ROOT=${BERTH_DATA_ROOT:-/var/lib/berth} BERTH_EXEC_ROOT=${BERTH_EXEC_ROOT:-/run/berth}
rootfs=$(scripts/busybox-rootfs.sh)
app=$(mktemp -d /tmp/berth-demo-app.XXXXXX)
trap 'rm -rf "$rootfs" "$app"; $berth rm -f demo >/dev/null 2>&1 || true' EXIT
cat >"$app/Dockerfile" <<'DOCKERFILE'
FROM busybox
WORKDIR /app
COPY index.sh /app/cgi-bin/index
RUN chmod +x /app/cgi-bin/index && echo "built by berth" > /app/built.txt
EXPOSE 80
ENV NAME World
CMD ["httpd", "-f", "-p", "80", "-h", "/app"]
DOCKERFILE
cat >"$app/index.sh" <<'SCRIPT'
#!/bin/sh
echo "Content-Type: text/html"
echo
echo "<h3>Hello $NAME!</h3><b>Hostname:</b> $(hostname)<br/>"
SCRIPT
set -x
tar -C "$rootfs" -c . | $berth import - busybox
$berth build -t friendlyhello "$app"
$berth build -t friendlyhello "$app"          # every step from cache
$berth images
$berth run --rm friendlyhello cat /app/built.txt
$berth rm -f demo >/dev/null 2>&1 || true
$berth run -d --name demo -p 4000:80 friendlyhello
$berth ps
curl -s http://localhost:4000/cgi-bin/index     # Hostname: the container's short id
$berth exec demo cat /app/built.txt
$berth logs demo
$berth stop demo
$berth ps -a
$berth rm demo
