#!/usr/bin/env bash
# Builds helm from the Go module proxy into the same cache as hack/build-tools.sh
# (outside the clone), keyed by the version hack/tools/helm/go.mod pins and the
# Go version. A second run finds it there and returns at once. The chart tests
# (test/chart/, test/integration/chart-*.test.ts) lint, install, upgrade and
# uninstall charts/bosun with it.
#
#   BOSUN_CACHE_DIR   cache root (default: ${XDG_CACHE_HOME:-$HOME/.cache}/bosun)
#
# Prints the path of the helm binary (tests read it as BOSUN_HELM).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${BOSUN_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/bosun}
export GOWORK=off CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-mod=mod

mod="$here/tools/helm"
version=$(awk '$1 == "helm.sh/helm/v3" { print $2; exit }' "$mod/go.mod")
dir="$cache/bin/helm-$version-$(go env GOVERSION)"
if [ ! -x "$dir/helm" ]; then
  echo "building helm $version into $dir; the first build takes a few minutes" >&2
  mkdir -p "$dir"
  (cd "$mod" && go build -trimpath -o "$dir/helm.tmp" \
    -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=$version" helm.sh/helm/v3/cmd/helm)
  mv "$dir/helm.tmp" "$dir/helm"
fi
echo "$dir/helm"
