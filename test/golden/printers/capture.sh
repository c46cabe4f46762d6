#!/usr/bin/env bash
# Regenerates world.json and the kubectl describe goldens (needs kubectl v1.32 and kube-mirror).
# The world is built with base = the real clock, so kubectl's ages equal kjob's for now = base.
set -eu
cd "$(dirname "$0")"
port=$((20000 + RANDOM % 20000))
base=$(date -u +%Y-%m-%dT%H:%M:%SZ)
node make-world.mjs "$base" > world.json
node /work/shared/tools/kube-mirror.mjs world.json $port 2>/dev/null & m=$!
trap 'kill $m' EXIT
sleep 0.5
k() { kubectl --server http://127.0.0.1:$port --cache-dir /tmp/kjob-printers-cache -n default "$@"; }
# cap OUT TZ ARGS...: run kubectl, retrying until it starts and ends within one wall-clock second;
# that second is recorded in nows.json as the `now` the test must use for OUT.
nows=""
cap() {
  local out=$1 tz=$2; shift 2
  while :; do
    local a b
    a=$(date -u +%s)
    TZ=$tz k "$@" > "$out"
    b=$(date -u +%s)
    [ "$a" = "$b" ] && break
  done
  nows="$nows\"$out\": \"$(date -u -d @$a +%Y-%m-%dT%H:%M:%SZ)\", "
}
cap describe-job-pi.txt UTC describe job pi
cap describe-job-indexed.txt UTC describe job indexed
cap describe-job-sparse.txt UTC describe job sparse
cap describe-job-failing.txt UTC describe job failing
cap describe-pod-pi.txt UTC describe pod pi-x7k2p
cap describe-pod-crash.txt UTC describe pod crash-1
cap describe-pod-pending.txt UTC describe pod pending-1
cap describe-cronjob-hello.txt UTC describe cronjob hello
cap describe-pod-web.txt UTC describe pod web-0
cap describe-cronjob-nightly.txt UTC describe cronjob nightly
cap describe-job-manual.txt UTC describe job manual-1
cap describe-job-pi-newyork.txt America/New_York describe job pi
cap describe-jobs-multi.txt UTC describe job pi failing
cap get-job-pi.yaml UTC get job pi -o yaml
cap get-job-pi.json UTC get job pi -o json
cap get-pod-pi.yaml UTC get pod pi-x7k2p -o yaml
cap get-cronjob-hello.yaml UTC get cronjob hello -o yaml
cap get-jobs-list.yaml UTC get jobs -o yaml
cap get-pod-web.yaml UTC get pod web-0 -o yaml
cap get-pod-web.json UTC get pod web-0 -o json
cap get-cronjob-nightly.yaml UTC get cronjob nightly -o yaml
printf '{%s"base": "%s"}\n' "$nows" "$base" > nows.json
echo "captured at $base"
