# Sourced by hack/local-up.sh and hack/test.sh: checks the prerequisites and
# installs what the project needs (npm packages, the control plane's binaries).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

need() { command -v "$1" >/dev/null || { echo "bosun: $1 is required: $2" >&2; exit 1; }; }
need node "install Node.js 20.19 or newer"
need npm "install npm (it comes with Node.js)"
need go "install Go 1.26 or newer (it builds etcd, the Kubernetes control plane and KWOK)"
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' ||
  { echo "bosun: Node.js 20.19 or newer is required (found $(node --version))" >&2; exit 1; }

# bubblewrap and prlimit, for the pipeline runner's sandbox: the Debian packages when missing and this is root
# (as CI runs); otherwise say what to install
if ! command -v bwrap >/dev/null || ! command -v prlimit >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "bosun: installing bubblewrap and util-linux (the pipeline runner's sandbox)" >&2
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap util-linux >&2
  fi
  need bwrap "install bubblewrap (Debian: apt-get install bubblewrap): the pipeline runner's sandbox"
  need prlimit "install util-linux (it has prlimit): the pipeline runner's sandbox limits"
fi

# git, for the pipelines' sample repository (git daemon on loopback) and the runner's clones
if ! command -v git >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "bosun: installing git (the pipelines' sample repository and the runner's clones)" >&2
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq git >&2
  fi
  need git "install git (Debian: apt-get install git): the runner clones each stage's source with it"
fi

# npm packages: a clean install whenever package-lock.json changed since the last one
stamp=node_modules/.bosun-package-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "bosun: installing npm packages (npm ci)" >&2
  npm ci --no-audit --no-fund >&2
  echo "$want" >"$stamp"
fi

# The tools, each built from the Go module proxy (or npm, or Debian) into a cache outside the clone. They build
# side by side: on a cold machine one's downloads overlap another's compile; a cached one returns at once.
declare -A build_pid build_out
build() { # build VAR SCRIPT: runs SCRIPT in the background; wait_builds exports VAR as what it printed
  build_out[$1]=$(mktemp)
  "$2" >"${build_out[$1]}" &
  build_pid[$1]=$!
}
wait_builds() {
  local var failed=0
  for var in "${!build_pid[@]}"; do
    if wait "${build_pid[$var]}"; then
      export "$var=$(cat "${build_out[$var]}")"
    else
      echo "bosun: $var: building it failed (its output is above)" >&2
      failed=1
    fi
    rm -f "${build_out[$var]}"
  done
  build_pid=() build_out=()
  [ "$failed" = 0 ] || exit 1
}
# etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok
build BOSUN_BIN_DIR hack/build-tools.sh
# the stage agents' tools (crane, registry and Trivy from the Go module proxy, ESLint from npm); the runner binds
# them into its sandbox
build BOSUN_STAGE_TOOLS hack/build-stage-tools.sh
# what only the tests use: Prometheus Alertmanager (the alert intake's test), helm (the chart's tests), promtool
# (the alert rules' tests), and the GitOps readers: kstatus (sigs.k8s.io/cli-utils) and Argo CD's health-check
# contract (gopher-lua)
if [ -n "${BOSUN_BUILD_TEST_TOOLS:-}" ]; then
  build BOSUN_ALERTMANAGER hack/build-alertmanager.sh
  build BOSUN_HELM hack/build-helm.sh
  build BOSUN_PROMTOOL hack/install-promtool.sh
  build BOSUN_KSTATUS hack/build-kstatus.sh
  build BOSUN_ARGOCD_HEALTH hack/build-argocd-health.sh
fi
wait_builds
export PATH="$BOSUN_BIN_DIR:$PATH"
