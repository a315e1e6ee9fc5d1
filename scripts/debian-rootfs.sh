#!/usr/bin/env bash
# Prints the path of a Debian 12 (bookworm) root filesystem tarball, a local stand-in for Docker
# Hub's debian:bookworm-slim: debootstrap --variant=minbase plus ca-certificates, with the host's
# own CAs (/usr/local/share/ca-certificates/*.crt, such as a TLS proxy's) added to the image's
# trust store so that apt and pip inside containers reach the mirrors as the host does.
# Bootstraps it the first time; the tarball is cached in ${BERTH_CACHE:-/var/cache/berth}
# (delete it to bootstrap again). Import it with `berth import TARBALL debian:bookworm-slim`.
set -euo pipefail
cache=${BERTH_CACHE:-/var/cache/berth}
tarball=$cache/debian-bookworm-minbase.tar
if [ -s "$tarball" ]; then echo "$tarball"; exit 0; fi
command -v debootstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >&2
mkdir -p "$cache"
root=$(mktemp -d "$cache/rootfs.XXXXXX")
trap 'umount -R "$root/proc" "$root/sys" "$root/dev" 2>/dev/null || true; rm -rf "$root"' EXIT
start=$(date +%s)
echo "bootstrapping a Debian base with debootstrap (once; log in $cache/debootstrap.log)" >&2
if ! debootstrap --variant=minbase --include=ca-certificates bookworm "$root" http://deb.debian.org/debian \
  >"$cache/debootstrap.log" 2>&1; then
  tail -20 "$cache/debootstrap.log" >&2
  exit 1
fi
cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/" 2>/dev/null || true
chroot "$root" update-ca-certificates >>"$cache/debootstrap.log" 2>&1
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
tar -C "$root" --numeric-owner -cf "$tarball.tmp" .
mv "$tarball.tmp" "$tarball"
echo "debootstrap took $(( $(date +%s) - start )) s" >&2
echo "$tarball"
