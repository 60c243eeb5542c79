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

# npm packages: a clean install whenever package-lock.json changed since the last one
stamp=node_modules/.bosun-package-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "bosun: installing npm packages (npm ci)" >&2
  npm ci --no-audit --no-fund >&2
  echo "$want" >"$stamp"
fi

# etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok (cached outside the clone)
BOSUN_BIN_DIR=$(hack/build-tools.sh)
export BOSUN_BIN_DIR
export PATH="$BOSUN_BIN_DIR:$PATH"
