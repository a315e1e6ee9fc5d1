#!/usr/bin/env bash
# Installs the Debian packages Berth needs to build, test and run.
set -euo pipefail
packages=(libarchive-dev libdeflate-dev libseccomp-dev libsqlite3-dev pkg-config busybox-static iptables iproute2 procps curl runc skopeo docker.io python3 python3-pip python3-venv bc debootstrap docker-registry apache2-utils python3-cryptography openssl)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q "${missing[@]}"
fi
# BuildKit's own Dockerfile parser (PyPI `dockerfile`): the parser tests compare against it.
if ! python3 -c "import dockerfile" 2>/dev/null; then
  command -v pip3 >/dev/null || { DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-pip; }
  pip3 install -q --break-system-packages dockerfile==3.4.0 || echo "note: PyPI dockerfile not installed" >&2
fi
# docker-compose 1.29.2 (PyPI) in a venv: the daemon's compose test drives it.
"$(dirname "$0")/compose-venv.sh" >/dev/null || echo "note: docker-compose venv not installed" >&2
