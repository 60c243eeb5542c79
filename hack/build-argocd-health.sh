#!/usr/bin/env bash
# Builds test/argocd-health (Bosun's Argo CD health checks run under Argo CD's own contract, with
# gopher-lua: Argo CD's evaluator does not build from the Go module proxy) into the same cache as
# hack/build-tools.sh (outside the clone), keyed by the gopher-lua version its go.mod pins, the Go
# version and a digest of the program's own files. A second run finds it there and returns at once.
# test/gitops/argocd-health.test.ts runs it over config/argocd/resource_customizations.
#
#   BOSUN_CACHE_DIR   cache root (default: ${XDG_CACHE_HOME:-$HOME/.cache}/bosun)
#
# Prints the path of the argocd-health binary (tests read it as BOSUN_ARGOCD_HEALTH).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${BOSUN_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/bosun}
export GOWORK=off CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-mod=mod

dir="$here/../test/argocd-health"
pkg=github.com/yuin/gopher-lua
# the version go.mod requires (the same reading as build-tools.sh's version_of)
version=$(awk -v dep="$pkg" '$1 == dep { print $2; exit } $1 == "require" && $2 == dep { print $3; exit }' \
  "$dir/go.mod")
digest=$(cd "$dir" && cat go.mod go.sum ./*.go | sha256sum | cut -c1-12)
bin="$cache/bin/argocd-health-gopher-lua-$version-$(go env GOVERSION)-$digest"

if [ ! -x "$bin/argocd-health" ]; then
  echo "building argocd-health ($pkg $version) into $bin; the first build takes under a minute" >&2
  mkdir -p "$bin"
  (cd "$dir" && go build -trimpath -ldflags "-s -w" -o "$bin/argocd-health.tmp" .)
  mv "$bin/argocd-health.tmp" "$bin/argocd-health"
fi
echo "$bin/argocd-health"
