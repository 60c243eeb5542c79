#!/bin/sh
# Prints the CycloneDX SBOM of the production dependencies installed in DIR
# (after `npm ci --omit=dev` there). The Dockerfile's deps stage runs it, and
# hack/sbom.test.ts runs it the same way. `npm sbom --omit=dev` drops a
# production package that a development dependency names as a peer (yaml, here;
# npm/cli#7909), so npm reads a package.json without devDependencies.
set -eu
cd "$1"
cp package.json package.json.sbom-orig
trap 'mv package.json.sbom-orig package.json' EXIT
node -e 'const fs = require("fs"); const p = JSON.parse(fs.readFileSync("package.json"));
delete p.devDependencies; fs.writeFileSync("package.json", JSON.stringify(p, null, 2));'
npm sbom --omit=dev --sbom-format=cyclonedx --sbom-type=application
