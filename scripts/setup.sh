#!/usr/bin/env bash
# Set kjob up on a Debian or Ubuntu machine: the system packages its pods and its build need (as
# root, or through sudo), then the npm dependencies and the build (npm's prepare step runs tsc).
#   bash scripts/setup.sh        # npm install
#   bash scripts/setup.sh --ci   # npm ci (exactly the lock file)
#
# Each package is checked as a package (dpkg-query), never by a stand-in command that may succeed
# without it; what is missing is installed; what could not be installed is named at the end with
# what will not work without it. On a ready machine this prints nothing but npm's summary.
set -euo pipefail
cd "$(dirname "$0")/.."

# package | what needs it (said when it is missing and cannot be installed)
packages=(
  "bubblewrap|the pod sandbox: without it pods run as plain host processes (no own hostname, /tmp, PID namespace or volumes)"
  "libmath-bigint-perl|the pi Job (fixtures/job-pi.yaml): bookworm's stock Math::BigInt crashes on bpi(2000) with \"Can't use an undefined value as an ARRAY reference\""
  "perl|the pi Job (fixtures/job-pi.yaml) runs perl -Mbignum"
  "iproute2|pods with their own network (a network namespace, veth and address per pod): without it pods share the host network"
  "iputils-ping|the pod-to-pod Job (fixtures/job-pod-to-pod.yaml) pings its peers"
  "bash|the indexed and pod-to-pod Jobs run bash"
  "util-linux|the indexed Job (fixtures/job-indexed.yaml) runs rev; kjob exec and debug enter a container with nsenter and setpriv"
  "bsdutils|kjob exec -it and debug -it give the command a terminal of the container with script(1)"
  "openssl|kjob serve makes its TLS certificate with it (kubectl sends its token only over TLS)"
  "procps|kjob's tests and benchmarks find the processes they started with pgrep"
  "zsh|kjob's tests run the zsh completion script (skipped without it)"
)
# The build's tools: better-sqlite3 is compiled when it has no prebuilt binary for this Node, and
# kjob's native container shim (src/kubelet/shim.c, with the pod network's pod_net.c and
# ip_runner.c) always is (without a C compiler the perl shim, and perl's runs of ip, take its place).
build_packages=(
  "make|compiling better-sqlite3 (npm install fails without it when no prebuilt binary fits)"
  "g++|compiling better-sqlite3 (npm install fails without it when no prebuilt binary fits)"
  "python3|compiling better-sqlite3 (node-gyp; npm install fails without it when no prebuilt binary fits)"
  "gcc|compiling kjob's native container shim and command client: without it each container's shim runs on perl, each pod network namespace is made by runs of ip, which cost the machine more per pod, and each command starts node"
  "libc6-dev|compiling kjob's native container shim and command client (the C library's headers and static library)"
)

installed() { [ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null | cut -c1-2)" = ii ]; }

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "kjob setup: not a Debian or Ubuntu machine (no dpkg-query); install these yourself:" >&2
  for entry in "${packages[@]}" "${build_packages[@]}"; do echo "  ${entry%%|*}: ${entry#*|}" >&2; done
else
  missing=()
  for entry in "${packages[@]}" "${build_packages[@]}"; do
    pkg=${entry%%|*}
    installed "$pkg" || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "kjob setup: installing ${missing[*]}"
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then
      if command -v sudo >/dev/null 2>&1 && { [ -t 0 ] || sudo -n true 2>/dev/null; }; then sudo=sudo; else sudo=none; fi
    fi
    if [ "$sudo" = none ]; then
      echo "kjob setup: not root and no sudo: cannot install packages" >&2
    else
      export DEBIAN_FRONTEND=noninteractive
      # A failed update (no network) leaves the old lists; the install below says what failed.
      $sudo apt-get update -qq >/dev/null 2>&1 || echo "kjob setup: apt-get update failed; trying the package lists this machine has" >&2
      # One by one, so that one package that cannot be had does not keep the others out.
      for pkg in "${missing[@]}"; do
        $sudo apt-get install -y -qq --no-install-recommends "$pkg" >/dev/null 2>&1 || true
      done
    fi
    failed=()
    for entry in "${packages[@]}" "${build_packages[@]}"; do
      pkg=${entry%%|*}
      case " ${missing[*]} " in *" $pkg "*) installed "$pkg" || failed+=("$entry") ;; esac
    done
    if [ ${#failed[@]} -gt 0 ]; then
      echo >&2
      echo "kjob setup: these packages could not be installed; kjob builds and runs, but:" >&2
      for entry in "${failed[@]}"; do echo "  ${entry%%|*}: ${entry#*|}" >&2; done
      echo "  install them with: apt-get install $(for e in "${failed[@]}"; do printf '%s ' "${e%%|*}"; done)" >&2
      echo >&2
    fi
  fi
fi

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  echo "kjob setup: kjob needs Node.js 20 or later (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi

if [ "${1:-}" = --ci ]; then
  npm ci --no-audit --no-fund --loglevel=error
else
  npm install --no-audit --no-fund --loglevel=error
fi
