#!/usr/bin/env bash
# Installs the Debian packages Berth needs to build, test and run.
set -euo pipefail
packages=(libarchive-dev libseccomp-dev pkg-config busybox-static iptables runc skopeo docker.io python3 bc)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q "${missing[@]}"
fi
