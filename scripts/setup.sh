#!/usr/bin/env bash
# Set kjob up on a fresh Debian/Ubuntu machine: the system tools its pods and build need (as
# root, or through sudo), then the npm dependencies and the build (npm's prepare step runs tsc).
#   bash scripts/setup.sh        # npm install
#   bash scripts/setup.sh --ci   # npm ci (exactly the lock file)
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
# The sandbox for pods: hostname, private /tmp, volumes. Without it pods run as plain processes.
command -v bwrap >/dev/null 2>&1 || need+=(bubblewrap)
# Debian bookworm's stock perl crashes on the pi Job's bpi(2000) ("Can't use an undefined value
# as an ARRAY reference", exit 255); Debian's libmath-bigint-perl fixes it.
perl -Mbignum=bpi -e 'bpi(50)' >/dev/null 2>&1 || need+=(libmath-bigint-perl)
# The pod-to-pod example pings its peers by hostname; job-indexed uses bash and rev.
command -v ping >/dev/null 2>&1 || need+=(iputils-ping)
command -v bash >/dev/null 2>&1 || need+=(bash)
command -v rev >/dev/null 2>&1 || need+=(util-linux)
# better-sqlite3 is compiled from source when its prebuilt binary cannot be downloaded.
command -v make >/dev/null 2>&1 || need+=(make)
command -v g++ >/dev/null 2>&1 || need+=(g++)
command -v python3 >/dev/null 2>&1 || need+=(python3)
if [ ${#need[@]} -gt 0 ]; then
  echo "kjob setup: installing ${need[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq "${need[@]}"
fi

if [ "${1:-}" = --ci ]; then
  npm ci --no-audit --no-fund
else
  npm install --no-audit --no-fund
fi
