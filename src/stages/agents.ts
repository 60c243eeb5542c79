// The stage agents: what the runner runs in /workspace (the app's clone at the run's revision)
// for a lint, test, build or security stage that gives no command of its own, the report files
// the command leaves under .bosun/reports/, and how those become the stage's findings.
//
// Env the runner sets: BOSUN_REVISION, BOSUN_ATTEMPT, BOSUN_IMAGE_REPOSITORY (build: where to push),
// BOSUN_IMAGE (security: the image the build pushed, by digest; unset: the workspace only). On PATH:
// node, eslint, crane, trivy (hack/build-stage-tools.sh). Each command keeps its tool's exit code,
// and leaves its report whatever that code is.
//
// Trivy offline (v0.74, checked with the network unshared): the secret scanner (builtin rules,
// compiled in) and the misconfig scanner (its checks are embedded in the binary: with
// --skip-check-update it logs "Falling back to embedded checks" and finds, e.g., Dockerfile
// DS-0002) need nothing from the network; so does the image-config scan of a pulled image. The
// vuln scanner needs its database (`--skip-db-update cannot be specified on the first run`,
// else a download from mirror.gcr.io / ghcr.io), and so it is not used; license works offline
// but is no security finding. Registries on 127.0.0.1 / localhost are reached over plain http with
// no flag (go-containerregistry's rule for loopback, in crane and Trivy alike); any other registry
// must serve TLS that the sandbox's /etc/ssl/certs trusts: TLS checks are never turned off here.
import { parseImageRef } from './build.js';
import { parseEslint } from './eslint.js';
import { parseJunit } from './junit.js';
import type { ParseResult } from './report.js';
import { parseTrivy } from './trivy.js';

export type StageAgentKind = 'lint' | 'test' | 'build' | 'security';

export interface StageAgentSpec {
  /** the command the runner runs in /workspace (the cloned app) when the stage has none of its own */
  command: string[];
  /** report files it writes, relative to /workspace; the runner reads each (bounded) after the command */
  reports: string[];
  /** whether the command needs the network (build pushes to a registry; security reads the image from it) */
  network: boolean;
  /** the reports' text (undefined: the file was not written) → the stage's report */
  parse(files: Record<string, string | undefined>): ParseResult;
}

export const REPORTS_DIR = '.bosun/reports';
const ESLINT_REPORT = `${REPORTS_DIR}/eslint.json`;
const JUNIT_REPORT = `${REPORTS_DIR}/junit.xml`;
const IMAGE_REPORT = `${REPORTS_DIR}/image.txt`;
const TRIVY_FS_REPORT = `${REPORTS_DIR}/trivy-fs.json`;
const TRIVY_IMAGE_REPORT = `${REPORTS_DIR}/trivy-image.json`;

// ESLint exits 1 on lint errors and 2 when it cannot lint; it writes the JSON report in both first cases.
const LINT = `mkdir -p ${REPORTS_DIR}
eslint --format json --output-file ${ESLINT_REPORT} . && rc=0 || rc=$?
echo "eslint exited $rc; its report is ${ESLINT_REPORT}"
exit $rc`;

// The spec reporter to the log, the JUnit reporter to the report file.
const TEST = `mkdir -p ${REPORTS_DIR}
exec node --test --test-reporter=spec --test-reporter-destination=stdout \\
  --test-reporter=junit --test-reporter-destination=${JUNIT_REPORT}`;

// An OCI image without Docker: the workspace (not .git, not .bosun) under /app as one layer on an
// empty base, the same bytes for the same revision (sorted, mtime 0, owned by root), then the
// entrypoint, working dir and a non-root user. crane prints each pushed image by digest.
const BUILD = `set -eu
: "\${BOSUN_IMAGE_REPOSITORY:?the build pushes to BOSUN_IMAGE_REPOSITORY, which the runner sets}"
mkdir -p ${REPORTS_DIR}
tag="$BOSUN_IMAGE_REPOSITORY:\${BOSUN_REVISION:-latest}"
tar -cf .bosun/app.tar --exclude=./.git --exclude=./.bosun --sort=name --mtime=@0 \\
  --owner=0 --group=0 --numeric-owner --transform='s,^\\.,app,' .
layered=$(crane append --oci-empty-base -f .bosun/app.tar -t "$tag")
crane mutate "$layered" --entrypoint node,/app/src/server.js --workdir /app --user 65532:65532 \\
  -t "$tag" >${IMAGE_REPORT}
echo "pushed $(cat ${IMAGE_REPORT})"`;

// Offline scanners only (see above); --quiet keeps the embedded-checks notice out of the log.
const SECURITY = `set -eu
mkdir -p ${REPORTS_DIR}
set -- --scanners secret,misconfig --skip-db-update --skip-java-db-update --skip-check-update \\
  --skip-version-check --offline-scan --cache-dir /tmp/trivy --quiet --format json
trivy fs "$@" --skip-dirs .git,.bosun --output ${TRIVY_FS_REPORT} .
echo "scanned the workspace: ${TRIVY_FS_REPORT}"
if [ -n "\${BOSUN_IMAGE:-}" ]; then
  trivy image "$@" --image-src remote --image-config-scanners misconfig,secret \\
    --output ${TRIVY_IMAGE_REPORT} "$BOSUN_IMAGE"
  echo "scanned $BOSUN_IMAGE: ${TRIVY_IMAGE_REPORT}"
fi`;

const sh = (script: string) => ['sh', '-c', script];
const missing = (file: string, tool: string): ParseResult => ({
  ok: false,
  problem: `${tool} wrote no report (${file}): see the stage's log`,
});

export const STAGE_AGENTS: Record<StageAgentKind, StageAgentSpec> = {
  lint: {
    command: sh(LINT),
    reports: [ESLINT_REPORT],
    network: false,
    parse: (files) => {
      const text = files[ESLINT_REPORT];
      return text === undefined ? missing(ESLINT_REPORT, 'ESLint') : parseEslint(text);
    },
  },
  test: {
    command: sh(TEST),
    reports: [JUNIT_REPORT],
    network: false,
    parse: (files) => {
      const text = files[JUNIT_REPORT];
      return text === undefined ? missing(JUNIT_REPORT, 'node --test') : parseJunit(text);
    },
  },
  build: {
    command: sh(BUILD),
    reports: [IMAGE_REPORT],
    network: true,
    parse: (files) => {
      const text = files[IMAGE_REPORT];
      return text === undefined ? missing(IMAGE_REPORT, 'The build (crane)') : parseImageRef(text);
    },
  },
  security: {
    command: sh(SECURITY),
    reports: [TRIVY_FS_REPORT, TRIVY_IMAGE_REPORT],
    network: true,
    parse: (files) => {
      const fs = files[TRIVY_FS_REPORT];
      if (fs === undefined) return missing(TRIVY_FS_REPORT, 'Trivy');
      const image = files[TRIVY_IMAGE_REPORT];
      return parseTrivy(image === undefined ? [fs] : [fs, image]);
    },
  },
};

/** The agent of a name, as the runner looks it up for a work item (undefined: not one of these). */
export const stageAgent = (name: string): StageAgentSpec | undefined =>
  Object.hasOwn(STAGE_AGENTS, name) ? STAGE_AGENTS[name as StageAgentKind] : undefined;
