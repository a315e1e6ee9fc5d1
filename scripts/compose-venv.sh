#!/bin/sh
# Installs docker-compose 1.29.2 (PyPI) into a venv, for the daemon's compose test.
# Usage: scripts/compose-venv.sh [DIR]   (default /opt/berth-compose; prints DIR/bin/docker-compose)
# PyYAML 5.4.1 (compose wants <6) does not build with Cython 3: build it without isolation
# against Cython < 3.
set -eu
dir=${1:-/opt/berth-compose}
if [ -x "$dir/bin/docker-compose" ] && "$dir/bin/docker-compose" version >/dev/null 2>&1; then
  echo "$dir/bin/docker-compose"
  exit 0
fi
python3 -m venv "$dir"
"$dir/bin/pip" install -q --upgrade pip >/dev/null
"$dir/bin/pip" install -q 'cython<3.0.0' wheel 'setuptools<70' >/dev/null
"$dir/bin/pip" install -q --no-build-isolation 'PyYAML==5.4.1' >/dev/null
"$dir/bin/pip" install -q docker-compose==1.29.2 'docker<7' 'requests<2.32' 'urllib3<2' >/dev/null
echo "$dir/bin/docker-compose"
