#!/usr/bin/env bash
# supervise.sh PARENT_PID CMD [ARGS...]
# Runs CMD and ends it (TERM, then KILL after 5 s) as soon as PARENT_PID is gone,
# so a control-plane component never outlives the test run or local session
# that started it, even when that process is killed with SIGKILL.
set -u
parent=$1
shift
"$@" &
child=$!
stop() {
  kill -TERM "$child" 2>/dev/null
  for _ in $(seq 50); do kill -0 "$child" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$child" 2>/dev/null
  wait "$child" 2>/dev/null
  exit 0
}
trap stop TERM INT HUP
while kill -0 "$parent" 2>/dev/null && kill -0 "$child" 2>/dev/null; do
  sleep 0.5 &
  wait $! 2>/dev/null
done
if kill -0 "$child" 2>/dev/null; then stop; fi
wait "$child"
