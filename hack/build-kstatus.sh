#!/usr/bin/env bash
# Builds test/kstatus (sigs.k8s.io/cli-utils kstatus, as Flux and kpt read an object's status) into the
# tool cache (hack/build-test-program.sh says how it is keyed). test/gitops/kstatus.test.ts runs it over
# every phase of every kind. Prints the path of the kstatus binary (tests read it as BOSUN_KSTATUS).
set -euo pipefail
exec "$(dirname "${BASH_SOURCE[0]}")/build-test-program.sh" kstatus sigs.k8s.io/cli-utils
