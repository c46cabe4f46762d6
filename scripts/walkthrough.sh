#!/usr/bin/env bash
# The first story of the tutorials ("Job"): the pi Job, run with kjob exactly as the tutorial
# runs it with kubectl. Uses a throwaway state directory unless KJOB_HOME is set.
#
#   KJOB_WALKTHROUGH_FIXTURE=fixtures/job-failed-demo.yaml   another Job manifest (default job-pi.yaml)
#   KJOB_WALKTHROUGH_TIMEOUT=300                              seconds before it gives up (default 300)
#
# It always ends: when the Job completes (exit 0), when the Job fails or one of its pods fails
# (the story expects the Job to succeed at its first try; a failed pod means this machine cannot
# run it), or at the timeout. On failure it prints why (the Job's conditions, the pod's state and
# events, its last log lines) and exits 1. The `get pods -w` it starts is always stopped.
set -euo pipefail
cd "$(dirname "$0")/.."
fixture=${KJOB_WALKTHROUGH_FIXTURE:-fixtures/job-pi.yaml}
timeout=${KJOB_WALKTHROUGH_TIMEOUT:-300}
watch=""
own_home=""
if [ -z "${KJOB_HOME:-}" ]; then
  KJOB_HOME=$(mktemp -d /tmp/kjob-walkthrough.XXXXXX)
  export KJOB_HOME
  own_home=1
fi
cleanup() {
  if [ -n "$watch" ]; then kill -INT "$watch" 2>/dev/null || true; wait "$watch" 2>/dev/null || true; fi
  if [ -n "$own_home" ]; then
    bin/kjob controller stop >/dev/null 2>&1 || true
    rm -rf "$KJOB_HOME"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

k() { printf '\n$ kjob %s\n' "$*"; bin/kjob "$@"; }

printf '$ kjob apply -f %s\n' "$fixture"
applied=$(bin/kjob apply -f "$fixture")
printf '%s\n' "$applied"
job=$(printf '%s\n' "$applied" | sed -n 's#^job\.batch/\([^ ]*\) .*#\1#p' | head -1)
if [ -z "$job" ]; then
  echo "walkthrough: $fixture holds no Job" >&2
  exit 1
fi
k get job "$job"
# The Job controller creates its pod a moment after the apply (after the engine's start, when no
# engine ran): the listing comes once it has, as it would after a person typed the command (it
# printed "No resources found" on a fast machine). At most about 10 s, for a Job that makes none.
for _ in $(seq 80); do
  [ -n "$(bin/kjob get pods -l "job-name=$job" -o name 2>/dev/null)" ] && break
  sleep 0.1
done
k get pods -l "job-name=$job"
printf '\n$ kjob get pods -l job-name=%s -w    # until the Job finishes (Ctrl-C stops a watch)\n' "$job"
bin/kjob get pods -l "job-name=$job" -w &
watch=$!

# One line: the Job's true condition types, then each pod as NAME=PHASE:RESTARTS... (one
# restart count per container: with restartPolicy OnFailure a failing container restarts in place).
state() {
  bin/kjob get job "$job" -o jsonpath='{range .status.conditions[?(@.status=="True")]}{.type} {end}'
  printf '|'
  bin/kjob get pods -l "job-name=$job" -o jsonpath='{range .items[*]}{.metadata.name}={.status.phase}{range .status.containerStatuses[*]}:{.restartCount}{end} {end}'
}
outcome=""
pod=""
deadline=$((SECONDS + timeout))
while :; do
  s=$(state)
  conditions=${s%%|*}
  pods=${s#*|}
  case " $conditions " in
    *" Complete "*) outcome=complete ;;
    *" Failed "*) outcome=failed ;;
  esac
  for p in $pods; do
    case "$p" in *=Failed*|*:[1-9]*) outcome=${outcome:-pod-failed}; pod=${p%%=*} ;; esac
  done
  [ -z "$outcome" ] && [ "$SECONDS" -ge "$deadline" ] && outcome=timeout
  [ -n "$outcome" ] && break
  sleep 0.5
done
sleep 1.5 # the watch prints the last changes
kill -INT "$watch" 2>/dev/null || true
wait "$watch" 2>/dev/null || true
watch=""

[ -n "$pod" ] || pod=$(printf '%s\n' $pods | head -1 | cut -d= -f1)

if [ "$outcome" != complete ]; then
  {
    echo
    case "$outcome" in
      failed) echo "walkthrough: the Job $job failed." ;;
      pod-failed) echo "walkthrough: a container of pod $pod failed (this story expects the Job to succeed at its first try)." ;;
      timeout) echo "walkthrough: the Job $job did not finish within ${timeout}s." ;;
    esac
    echo
    echo "The Job's conditions:"
    conds=$(bin/kjob get job "$job" -o jsonpath='{range .status.conditions[*]}  {.type}={.status} {.reason}: {.message}{"\n"}{end}')
    if [ -n "$conds" ]; then printf '%s\n' "$conds"; else
      echo "  none yet: the Job controller would create a new pod after a back-off (10s, doubling), up to backoffLimit=$(bin/kjob get job "$job" -o jsonpath='{.spec.backoffLimit}') failures"
    fi
    count() { local v; v=$(bin/kjob get job "$job" -o jsonpath="{.status.$1}"); echo "${v:-0}"; }
    echo "  pods: $(count active) active, $(count succeeded) succeeded, $(count failed) failed"
    if [ -n "$pod" ]; then
      echo
      echo "Pod $pod:"
      bin/kjob get pod "$pod" -o json | node -e '
        const pod = JSON.parse(require("fs").readFileSync(0, "utf8"));
        for (const c of pod.status.containerStatuses ?? []) {
          const t = c.state.terminated ?? c.lastState?.terminated;
          const now = c.state.waiting?.reason ?? (c.state.running ? "Running" : c.state.terminated?.reason);
          console.log(`  container ${c.name}: ${now}, restarts ${c.restartCount}` + (t ? `; ended ${t.reason} with exit code ${t.exitCode}${t.message ? ": " + t.message : ""}` : ""));
        }'
      echo
      echo "Its events:"
      bin/kjob describe pod "$pod" | sed -n '/^Events:/,$p' | tail -n +2
      echo
      echo "The last lines of its log:"
      lines=$(bin/kjob logs "$pod" --tail=10 2>&1 || true)
      if [ -n "$lines" ]; then printf '%s\n' "$lines" | sed 's/^/  /'; else echo "  (the container wrote nothing)"; fi
    fi
  } >&2
  exit 1
fi

k get job "$job"
k logs "$pod"
k describe job "$job"
k describe pod "$pod"
k get job "$job" -o wide
k get job "$job" -o name
# Foreground: kubectl returns once the Job is gone, which the garbage collector lets happen only
# after its pods are: the listing after it is the same every run (with the default, background,
# it may still show the pod, Terminating).
k delete job "$job" --cascade=foreground
k get pods
