#!/usr/bin/env bash
# Builds Prometheus Alertmanager from the Go module under hack/tools/alertmanager
# into the same cache as hack/build-tools.sh (outside the clone), keyed by the
# version the module pins and the Go version. A second run finds it there and
# returns at once. The integration tests run it against Bosun's alert intake.
#
#   BOSUN_CACHE_DIR   cache root (default: ${XDG_CACHE_HOME:-$HOME/.cache}/bosun)
#
# Prints the path of the alertmanager binary.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${BOSUN_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/bosun}
export GOWORK=off CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-mod=mod

dir="$here/tools/alertmanager"
pkg=github.com/prometheus/alertmanager
# the version go.mod requires (the same reading as build-tools.sh's version_of)
version=$(awk -v dep="$pkg" '$1 == dep { print $2; exit } $1 == "require" && $2 == dep { print $3; exit }' \
  "$dir/go.mod")
bin="$cache/bin/alertmanager-$version-$(go env GOVERSION)"

if [ ! -x "$bin/alertmanager" ]; then
  echo "building alertmanager ($pkg $version) into $bin; the first build takes a few minutes" >&2
  mkdir -p "$bin"
  # The web UI's compiled assets (ui/app/dist, embedded with go:embed) are made
  # by npm in Alertmanager's release process and are not in the Go module. Bosun
  # needs only the API, so the build runs on a vendored copy of the module (the
  # module cache is read-only to overlays) with one placeholder file in their place.
  work=$(mktemp -d)
  trap 'chmod -R u+w "$work"; rm -rf "$work"' EXIT
  cp "$dir/go.mod" "$dir/go.sum" "$work/"
  # -e: vendor in spite of the missing ui/app/dist (the one error it reports, not shown)
  (cd "$work" && go mod vendor -e 2> >(grep -v 'pattern app/dist: no matching files found' >&2))
  mkdir -p "$work/vendor/$pkg/ui/app/dist"
  echo "Alertmanager built for Bosun's tests without its web UI." >"$work/vendor/$pkg/ui/app/dist/placeholder.txt"
  ldflags="-s -w -X github.com/prometheus/common/version.Version=${version#v}"
  ldflags+=" -X github.com/prometheus/common/version.Branch=HEAD"
  (cd "$work" && go build -mod=vendor -trimpath -ldflags "$ldflags" -o "$bin/alertmanager.tmp" "$pkg/cmd/alertmanager")
  mv "$bin/alertmanager.tmp" "$bin/alertmanager"
fi
echo "$bin/alertmanager"
