#!/usr/bin/env bash
# The first story of the tutorials (seed 000, "Job"): the pi Job, run with kjob exactly as the
# tutorial runs it with kubectl. Uses a throwaway state directory unless KJOB_HOME is set.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${KJOB_HOME:-}" ]; then
  export KJOB_HOME=$(mktemp -d /tmp/kjob-walkthrough.XXXXXX)
  trap 'bin/kjob controller stop >/dev/null 2>&1 || true; rm -rf "$KJOB_HOME"' EXIT
fi
k() { printf '\n$ kjob %s\n' "$*"; bin/kjob "$@"; }

k apply -f fixtures/job-pi.yaml
k get job
k get pods
printf '\n$ kjob get pods -w    # until the pod completes (Ctrl-C stops a watch)\n'
bin/kjob get pods -w & watch=$!
until bin/kjob get job pi | grep -q Complete; do sleep 0.5; done
sleep 1.5; kill -INT "$watch"; wait "$watch" 2>/dev/null || true
pod=$(bin/kjob get pods -o name | head -1 | cut -d/ -f2)
k get job
k logs "$pod"
k describe job pi
k describe pod "$pod"
k get job pi -o wide
k get job pi -o name
k delete job pi
k get pods
