#!/usr/bin/env bash
# The README's run command: installs what it needs, then starts Bosun locally
# (see hack/local-up.ts). Ctrl-C stops everything.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
exec node --import tsx hack/local-up.ts "$@"
