#!/usr/bin/env bash
# Builds the tools the pipeline stage agents run (src/stages/agents.ts) into the
# same cache as hack/build-tools.sh (outside the clone), keyed by the versions
# hack/tools/stage/go.mod pins, the ESLint version of package-lock.json and the
# Go version. A second run finds them there and returns at once.
#
#   <dir>/bin/crane      builds and pushes the app's OCI image without Docker
#   <dir>/bin/registry   a local OCI registry (-port N; -port 0 picks one and logs it) for tests and local-up
#   <dir>/bin/trivy      the security stage's scanner (offline scanners only)
#   <dir>/bin/eslint     -> ../eslint/node_modules/.bin/eslint (relative: the runner
#                           binds the whole directory read-only at the same path)
#
#   BOSUN_CACHE_DIR   cache root (default: ${XDG_CACHE_HOME:-$HOME/.cache}/bosun)
#
# Prints the directory (put <dir>/bin on PATH; tests read it as BOSUN_STAGE_TOOLS).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
cache=${BOSUN_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/bosun}
# Trivy v0.74 uses encoding/json/v2, which Go 1.26 builds only under this experiment.
export GOWORK=off CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-mod=mod GOEXPERIMENT=jsonv2

mod="$here/tools/stage"
# version_of DEPENDENCY -> the version go.mod requires (as build-tools.sh reads it)
version_of() { awk -v dep="$1" '$1 == dep { print $2; exit } $1 == "require" && $2 == dep { print $3; exit }' \
  "$mod/go.mod"; }
ggcr_version=$(version_of github.com/google/go-containerregistry)
trivy_version=$(version_of github.com/aquasecurity/trivy)
# the ESLint the project itself locks, so the sample app is linted by the same rules engine
eslint_version=$(node -p "require('$root/package-lock.json').packages['node_modules/eslint'].version")
dir="$cache/bin/stage-tools-ggcr-$ggcr_version-trivy-$trivy_version-eslint-$eslint_version-$(go env GOVERSION)"

build() { # build NAME PACKAGE [LDFLAGS]
  local name=$1 pkg=$2 ldflags=${3:-}
  [ -x "$dir/bin/$name" ] && return 0
  echo "building $name ($pkg) into $dir; the first build takes several minutes" >&2
  mkdir -p "$dir/bin"
  (cd "$mod" && go build -trimpath -ldflags "-s -w $ldflags" -o "$dir/bin/$name.tmp" "$pkg")
  mv "$dir/bin/$name.tmp" "$dir/bin/$name"
}

ggcr=github.com/google/go-containerregistry
build crane "$ggcr/cmd/crane" \
  "-X $ggcr/cmd/crane/cmd.Version=$ggcr_version -X $ggcr/pkg/v1/remote/transport.Version=$ggcr_version"
build registry "$ggcr/cmd/registry"
build trivy github.com/aquasecurity/trivy/cmd/trivy \
  "-X github.com/aquasecurity/trivy/pkg/version/app.ver=${trivy_version#v}"

if [ ! -x "$dir/bin/eslint" ]; then
  echo "installing eslint@$eslint_version into $dir/eslint" >&2
  rm -rf "$dir/eslint.tmp"
  npm install --prefix "$dir/eslint.tmp" --no-audit --no-fund --save-exact --loglevel=error \
    "eslint@$eslint_version" >&2
  rm -rf "$dir/eslint"
  mv "$dir/eslint.tmp" "$dir/eslint"
  ln -sfn ../eslint/node_modules/.bin/eslint "$dir/bin/eslint"
fi
echo "$dir"
