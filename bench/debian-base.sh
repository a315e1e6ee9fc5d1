#!/usr/bin/env bash
# Prints the path of a Debian 12 base image tarball for the build benchmark, bootstrapping it
# with debootstrap the first time (minbase + python3, python3-pip, ca-certificates, with the
# host's CA bundle also installed as /usr/local/share/ca-certificates/host-bundle.crt so pip
# reaches PyPI through the machine's TLS setup). The tarball is cached in
# ${BERTH_BENCH_CACHE:-/var/cache/berth-bench}; delete it to bootstrap again.
set -euo pipefail
cache=${BERTH_BENCH_CACHE:-/var/cache/berth-bench}
tarball=$cache/debian-bookworm-python.tar
if [ -s "$tarball" ]; then echo "$tarball"; exit 0; fi
command -v debootstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >&2
mkdir -p "$cache"
root=$(mktemp -d "$cache/rootfs.XXXXXX")
trap 'umount -R "$root/proc" "$root/sys" "$root/dev" 2>/dev/null || true; rm -rf "$root"' EXIT
start=$(date +%s)
debootstrap --variant=minbase --include=python3,python3-pip,ca-certificates bookworm "$root" \
  http://deb.debian.org/debian >&2
cp /etc/ssl/certs/ca-certificates.crt "$root/usr/local/share/ca-certificates/host-bundle.crt"
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
tar -C "$root" --numeric-owner -cf "$tarball.tmp" .
mv "$tarball.tmp" "$tarball"
echo "debootstrap took $(( $(date +%s) - start )) s" >&2
echo "$tarball"
