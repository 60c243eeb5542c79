#!/usr/bin/env bash
# The README's test command: installs what it needs, then runs the type check,
# the lint (including the layer rule in the README) and every test, unit and
# integration (a real etcd, kube-apiserver, controller-manager, scheduler and
# KWOK on loopback, a real Alertmanager, and the real helm).
export BOSUN_BUILD_TEST_TOOLS=1
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

echo "bosun: type check" >&2
npm run --silent typecheck
echo "bosun: lint" >&2
npm run --silent lint
echo "bosun: tests" >&2
npx vitest run "$@"
