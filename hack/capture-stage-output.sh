#!/usr/bin/env bash
# Re-makes src/stages/testdata/ from the real tools: runs the stage agents' commands
# (src/stages/agents.ts) on samples/app and its overlays under test/fixtures/, in temp
# dirs, with go-containerregistry's registry on a free loopback port for the build and
# the image scan. Review the diff, then run the parsers' tests.
#
#   BOSUN_STAGE_TOOLS   the stage tools (default: built or found by hack/build-stage-tools.sh)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export BOSUN_STAGE_TOOLS=${BOSUN_STAGE_TOOLS:-$("$here/build-stage-tools.sh")}
cd "$here/.."
exec npx tsx hack/capture-stage-output.ts
