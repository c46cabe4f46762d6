#!/usr/bin/env bash
# Re-captures the walkthrough goldens from the REAL kubectl (needs kubectl and ../shared/tools;
# the tests themselves need neither). Runs job-pi with kjob, serves kjob's objects to kubectl
# through kube-mirror, and stores kubectl's describe output, normalised like the tests do.
set -euo pipefail
cd "$(dirname "$0")/../../.."
out=test/golden/walkthrough
export KJOB_HOME=$(mktemp -d) TZ=UTC
trap 'bin/kjob controller stop >/dev/null 2>&1 || true; rm -rf "$KJOB_HOME"' EXIT
bin/kjob apply -f fixtures/job-pi.yaml >/dev/null
until bin/kjob get job pi | grep -q Complete; do sleep 0.5; done
pod=$(bin/kjob get pods -o name | cut -d/ -f2)
tmp=$(mktemp -d)
bin/kjob get jobs,cronjobs,pods,services,events -A -o json >"$tmp/world.json"
port=$((20000 + RANDOM % 20000))
node ../shared/tools/kube-mirror.mjs "$tmp/world.json" "$port" & mirror=$!
sleep 0.5
norm() { node --import tsx -e "import {normalise} from './test/e2e/helpers.ts'; let s='';process.stdin.on('data',d=>s+=d).on('end',()=>process.stdout.write(normalise(s)))"; }
kubectl --server "http://127.0.0.1:$port" describe job pi | norm >"$out/describe-job-pi.txt"
kubectl --server "http://127.0.0.1:$port" describe pod "$pod" | norm >"$out/describe-pod-pi.txt"
kill "$mirror"; rm -rf "$tmp"
echo "captured into $out"
