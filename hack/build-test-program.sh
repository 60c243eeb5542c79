#!/usr/bin/env bash
# Builds test/<name>, a small Go program the tests run, into the same cache as hack/build-tools.sh
# (outside the clone), keyed by the version of the module <pkg> its go.mod pins, the Go version and a
# digest of the program's own files. A second run finds it there and returns at once.
#
#   hack/build-test-program.sh <name> <pkg>     e.g. kstatus sigs.k8s.io/cli-utils
#   BOSUN_CACHE_DIR   cache root (default: ${XDG_CACHE_HOME:-$HOME/.cache}/bosun)
#
# Prints the path of the binary.
set -euo pipefail

name=${1:?usage: build-test-program.sh <name> <pkg>}
pkg=${2:?usage: build-test-program.sh <name> <pkg>}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${BOSUN_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/bosun}
export GOWORK=off CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-mod=mod

dir="$here/../test/$name"
# the version go.mod requires (the same reading as build-tools.sh's version_of)
version=$(awk -v dep="$pkg" '$1 == dep { print $2; exit } $1 == "require" && $2 == dep { print $3; exit }' \
  "$dir/go.mod")
digest=$(cd "$dir" && cat go.mod go.sum ./*.go | sha256sum | cut -c1-12)
bin="$cache/bin/$name-$(basename "$pkg")-$version-$(go env GOVERSION)-$digest"

if [ ! -x "$bin/$name" ]; then
  echo "building $name ($pkg $version) into $bin; the first build takes a minute or two" >&2
  mkdir -p "$bin"
  (cd "$dir" && go build -trimpath -ldflags "-s -w" -o "$bin/$name.tmp" .)
  mv "$bin/$name.tmp" "$bin/$name"
fi
echo "$bin/$name"
