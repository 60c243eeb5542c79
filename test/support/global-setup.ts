// Starts one local control plane for the whole integration run (envtest-style)
// and installs Bosun's CRDs and RBAC; test files reach it through inject('controlPlane').
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startControlPlane, type ControlPlaneInfo } from '../../hack/control-plane/control-plane.js';
import { installBosun } from './install.js';
import { serveAdmission } from './webhook.js';

declare module 'vitest' {
  export interface ProvidedContext {
    controlPlane: ControlPlaneInfo;
    /** Bosun's admission webhook, served by this process for every test namespace */
    admission: { port: number; caBundle: string };
  }
}

export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'bosun-test-cp-'));
  const started = Date.now();
  const cp = await startControlPlane({ dir, log: (line) => console.log(`[control-plane] ${line}`) });
  installBosun(cp.info.kubeconfigs.admin);
  console.log(`[control-plane] ready with CRDs in ${Date.now() - started} ms (${dir})`);
  project.provide('controlPlane', cp.info);
  const admission = await serveAdmission(cp.info.bosunEtcdUrl);
  project.provide('admission', { port: admission.port, caBundle: admission.caBundle });
  return async () => {
    await admission.close();
    await cp.stop();
    if (!process.env.BOSUN_KEEP_CONTROL_PLANE) rmSync(dir, { recursive: true, force: true });
  };
}
