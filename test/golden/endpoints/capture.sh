#!/bin/sh
# Captures this directory's goldens: the real kubectl v1.32 against `kjob serve` over the state of
# test/e2e/endpoints.test.ts's pod and Service (ready, then with the readiness probe failing).
# Pod IPs, cluster IPs, ages and the slice's random suffix are normalised as the test does.
#   sh test/golden/endpoints/capture.sh   (as root, from the checkout; needs kubectl)
set -eu
dir=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$dir/../../.." && pwd)
export KJOB_HOME=$(mktemp -d)
K="$root/bin/kjob"
$K apply -f "$dir/web.yaml" >/dev/null
$K serve --port 0 --kubeconfig "$KJOB_HOME/kc" >/dev/null 2>&1 & serve=$!
trap 'kill $serve; $K delete pod web --grace-period=0 --force >/dev/null 2>&1; $K controller stop >/dev/null 2>&1; rm -rf "$KJOB_HOME"' EXIT
until [ -f "$KJOB_HOME/kc" ] && [ "$($K get pod web -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" = True ]; do sleep 0.5; done
sleep 2
norm() { sed -E 's/10\.244\.0\.[0-9]+/<pod-ip>/g; s/10\.96\.[0-9]+\.[0-9]+/<cluster-ip>/g; s/web-[a-z0-9]{5}/web-<suffix>/g; s/ [0-9]+s$/ <age>/'; }
kc() { kubectl --kubeconfig "$KJOB_HOME/kc" "$@" | norm; }
kc get ep > "$dir/get-ep.txt"
kc get endpointslices > "$dir/get-endpointslices.txt"
kc describe svc web > "$dir/describe-svc.txt"
$K exec web -- rm /tmp/ready
until [ "$($K get pod web -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" = False ]; do sleep 0.5; done
sleep 2
kc get ep > "$dir/get-ep-notready.txt"
kc get endpointslices > "$dir/get-endpointslices-notready.txt"
kc describe svc web > "$dir/describe-svc-notready.txt"
