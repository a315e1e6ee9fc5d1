#!/usr/bin/env bash
# Makes a busybox root filesystem from Debian's busybox-static in DIR (default: a temp dir)
# and prints the directory. Used by the demo, the tests and the benchmark.
set -euo pipefail
dir=${1:-$(mktemp -d /tmp/berth-busybox.XXXXXX)}
mkdir -p "$dir"/{bin,etc,root,tmp,home/app}
cp /bin/busybox "$dir/bin/busybox"
for applet in $("$dir/bin/busybox" --list); do
  [ -e "$dir/bin/$applet" ] || ln -s busybox "$dir/bin/$applet"
done
cat > "$dir/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
app:x:1000:1000:app:/home/app:/bin/sh
PASSWD
cat > "$dir/etc/group" <<'GROUP'
root:x:0:
wheel:x:10:app
audio:x:29:app
app:x:1000:
nogroup:x:65534:
GROUP
chmod 1777 "$dir/tmp"
chown 1000:1000 "$dir/home/app"
echo "$dir"
