// The end-to-end Goal phase and the operator-growth phase without the rest of
// `npm run bench`: a control plane of their own, as run.ts starts it, then
// the phase BOSUN_BENCH_ONLY names (`e2e` or `growth`; both when unset), its
// lines, and its figures as one JSON line last.
//   npx tsx test/bench/e2e-alone.ts   (after hack/lib.sh has put the tools on PATH)
//   BOSUN_BENCH_E2E_GOALS       Goals of the end-to-end phase (default 1000; 0 skips)
//   BOSUN_BENCH_GROWTH_SIZES    Goals the operator starts over (default 1000,10000,50000; '' skips)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startControlPlane } from '../../hack/control-plane/control-plane.js';
import { KubeClient } from '../../src/kube/client.js';
import { KubeRest } from '../../src/kube/rest.js';
import { installBosun } from '../support/install.js';
import { benchGoalsEndToEnd, e2eOptionsFromEnv } from './goals-e2e.js';
import { e2eJson, e2eLines } from './lib/e2e-report.js';
import { growthJson, growthLines } from './lib/growth-report.js';
import { machine, machineLine } from './lib/machine.js';
import { benchOperatorGrowth, growthOptionsFromEnv } from './operator-growth.js';

const say = (line: string) => console.log(`[bench] ${line}`);
const only = process.env.BOSUN_BENCH_ONLY;
if (only && !['e2e', 'growth'].includes(only)) throw new Error(`BOSUN_BENCH_ONLY=${only}: e2e or growth here`);
const e2e = !only || only === 'e2e' ? e2eOptionsFromEnv() : undefined;
const growth = !only || only === 'growth' ? growthOptionsFromEnv() : undefined;

const figures: Record<string, unknown> = {};
const m = machine({});
say(machineLine(m));
figures.machine = m;
const dir = mkdtempSync(join(tmpdir(), 'bosun-bench-'));
say('starting the local control plane');
const cp = await startControlPlane({ dir, nodes: 1 });
try {
  installBosun(cp.info.kubeconfigs.admin);
  const admin = new KubeClient(KubeRest.load(cp.info.kubeconfigs.admin, { maxSockets: 64 }), 'bench');
  if (e2e) {
    say(`--- e2e: ${e2e.goals} two-step scale Goals from creation to Succeeded`);
    const f = await benchGoalsEndToEnd(cp.info, admin, e2e, say);
    for (const line of e2eLines(f)) say(line);
    Object.assign(figures, e2eJson(f));
  }
  if (growth) {
    say(`--- growth: the operator's memory and cold start over ${growth.sizes.join(', ')} finished Goals`);
    const f = await benchOperatorGrowth(cp.info, admin, growth, say);
    for (const line of growthLines(f)) say(line);
    Object.assign(figures, growthJson(f));
  }
  console.log(JSON.stringify(figures));
} finally {
  await cp.stop();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(0);
