#!/usr/bin/env bash
# `npm run bench`: installs what it needs, then runs test/bench/run.ts.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Prometheus Alertmanager, for the heal phase's alerts (cached like the control plane)
BOSUN_ALERTMANAGER=$(hack/build-alertmanager.sh)
export BOSUN_ALERTMANAGER

exec node --import tsx test/bench/run.ts "$@"
