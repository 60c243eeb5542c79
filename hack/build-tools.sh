#!/usr/bin/env bash
# Builds the local control plane's binaries (etcd, kube-apiserver,
# kube-controller-manager, kube-scheduler, kwok, and kubectl when the machine
# has none) from the Go modules under
# hack/tools/ into a cache outside the clone, keyed by the version each module
# pins. A second run finds them there and returns at once.
#
#   BOSUN_CACHE_DIR   cache root (default: ${XDG_CACHE_HOME:-$HOME/.cache}/bosun)
#
# Prints the directory that holds the binaries.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${BOSUN_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/bosun}
export GOWORK=off CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-mod=mod

# version_of MODULE_DIR DEPENDENCY -> the version go.mod requires
version_of() { awk -v dep="$2" '$1 == dep { print $2; exit } $1 == "require" && $2 == dep { print $3; exit }' "$1/go.mod"; }

kube_version=$(version_of "$here/tools/kube" k8s.io/kubernetes)
etcd_version=$(version_of "$here/tools/etcd" go.etcd.io/etcd/server/v3)
kwok_version=$(version_of "$here/tools/kwok" sigs.k8s.io/kwok)
go_version=$(go env GOVERSION)
bin="$cache/bin/kube-$kube_version-etcd-$etcd_version-kwok-$kwok_version-$go_version"

build() { # build NAME MODULE_DIR PACKAGE [LDFLAGS]
  local name=$1 dir=$2 pkg=$3 ldflags=${4:-}
  [ -x "$bin/$name" ] && return 0
  echo "building $name ($pkg) into $bin; the first build takes several minutes" >&2
  mkdir -p "$bin"
  (cd "$dir" && go build -trimpath -ldflags "-s -w $ldflags" -o "$bin/$name.tmp" "$pkg")
  mv "$bin/$name.tmp" "$bin/$name"
}

ver="-X k8s.io/component-base/version.gitVersion=$kube_version -X k8s.io/component-base/version.gitMajor=1"
ver+=" -X k8s.io/component-base/version.gitMinor=$(echo "$kube_version" | cut -d. -f2)"
build etcd "$here/tools/etcd" .
build kube-apiserver "$here/tools/kube" k8s.io/kubernetes/cmd/kube-apiserver "$ver"
build kube-controller-manager "$here/tools/kube" k8s.io/kubernetes/cmd/kube-controller-manager "$ver"
build kube-scheduler "$here/tools/kube" k8s.io/kubernetes/cmd/kube-scheduler "$ver"
build kwok "$here/tools/kwok" sigs.k8s.io/kwok/cmd/kwok
# kubectl as a person would have it: use the machine's own, or build a matching one
command -v kubectl >/dev/null || build kubectl "$here/tools/kube" k8s.io/kubernetes/cmd/kubectl "$ver"
# KWOK's simulation stages come with its module source: fast node start-up and
# heartbeats, fast pod lifecycle, and the opt-in chaos stages (a pod labelled
# pod-container-running-failed.stage.kwok.x-k8s.io=true fails once Running).
if [ ! -f "$bin/kwok-stages.yaml" ]; then
  stages="$(cd "$here/tools/kwok" && go list -m -f '{{.Dir}}' sigs.k8s.io/kwok)/kustomize/stage"
  for f in "$stages"/node/fast/node-initialize.yaml "$stages"/node/heartbeat/node-heartbeat.yaml \
    "$stages"/pod/fast/pod-{ready,complete,delete}.yaml "$stages"/pod/chaos/*.yaml; do
    echo "---"
    cat "$f"
  done >"$bin/kwok-stages.yaml.tmp"
  mv "$bin/kwok-stages.yaml.tmp" "$bin/kwok-stages.yaml"
fi
echo "$bin"
