#!/usr/bin/env bash
# Builds test/kstatus (sigs.k8s.io/cli-utils kstatus, as Flux and kpt read an object's status) into
# the same cache as hack/build-tools.sh (outside the clone), keyed by the cli-utils version its go.mod
# pins, the Go version and a digest of the program's own files. A second run finds it there and
# returns at once. test/gitops/kstatus.test.ts runs it over every phase of every kind.
#
#   BOSUN_CACHE_DIR   cache root (default: ${XDG_CACHE_HOME:-$HOME/.cache}/bosun)
#
# Prints the path of the kstatus binary (tests read it as BOSUN_KSTATUS).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${BOSUN_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/bosun}
export GOWORK=off CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-mod=mod

dir="$here/../test/kstatus"
pkg=sigs.k8s.io/cli-utils
# the version go.mod requires (the same reading as build-tools.sh's version_of)
version=$(awk -v dep="$pkg" '$1 == dep { print $2; exit } $1 == "require" && $2 == dep { print $3; exit }' \
  "$dir/go.mod")
digest=$(cd "$dir" && cat go.mod go.sum ./*.go | sha256sum | cut -c1-12)
bin="$cache/bin/kstatus-cli-utils-$version-$(go env GOVERSION)-$digest"

if [ ! -x "$bin/kstatus" ]; then
  echo "building kstatus ($pkg $version) into $bin; the first build takes a minute or two" >&2
  mkdir -p "$bin"
  (cd "$dir" && go build -trimpath -ldflags "-s -w" -o "$bin/kstatus.tmp" .)
  mv "$bin/kstatus.tmp" "$bin/kstatus"
fi
echo "$bin/kstatus"
