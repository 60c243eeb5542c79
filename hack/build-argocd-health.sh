#!/usr/bin/env bash
# Builds test/argocd-health (Bosun's Argo CD health check run under Argo CD's own contract, with
# gopher-lua: Argo CD's evaluator does not build from the Go module proxy) into the tool cache
# (hack/build-test-program.sh says how it is keyed). test/gitops/argocd-health.test.ts runs it over
# config/argocd/resource_customizations. Prints the path of the argocd-health binary (tests read it as
# BOSUN_ARGOCD_HEALTH).
set -euo pipefail
exec "$(dirname "${BASH_SOURCE[0]}")/build-test-program.sh" argocd-health github.com/yuin/gopher-lua
