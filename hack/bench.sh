#!/usr/bin/env bash
# `npm run bench`: installs what it needs, then runs test/bench/run.ts.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
exec node --import tsx test/bench/run.ts "$@"
