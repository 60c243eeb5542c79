// No input may make the operator log "(a bug)": specs of every kind, generated
// from the zod schemas with hostile values, go through the real API server
// (CRD schema, CEL and Bosun's webhook); what it accepts, the operator must
// turn into a status with a reason, without a bug, a crash or a retry storm.
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../hack/control-plane/wait.js';
import { API_VERSION, kinds } from '../../src/api/v1alpha1/kinds.js';
import { KubeClient } from '../../src/kube/client.js';
import { bosunResource } from '../../src/kube/resources.js';
import { KubeRest } from '../../src/kube/rest.js';
import { controlPlane, kubectlOk, useNamespace } from '../support/cluster.js';
import { Fuzzer, seeded } from '../support/fuzz.js';
import { startOperator, type RunningOperator } from '../support/operator.js';
import { createDeployment } from '../support/workloads.js';

const PER_KIND = Number(process.env.BOSUN_FUZZ_PER_KIND ?? 60);
const SEED = Number(process.env.BOSUN_FUZZ_SEED ?? Date.now() % 1_000_000);

describe('fuzzed specs of every kind', { timeout: 300_000 }, () => {
  const ns = useNamespace('fuzz');
  let op: RunningOperator;
  let rest: KubeRest;

  beforeAll(async () => {
    await createDeployment(ns(), 'web');
    kubectlOk(['apply', '-f', '-'], {
      namespace: ns(),
      input: JSON.stringify({
        apiVersion: API_VERSION,
        kind: 'RiskPolicy',
        metadata: { name: 'default' },
        spec: { approvers: { users: ['bob'] } },
      }),
    });
    op = await startOperator({ cp: controlPlane(), identity: 'fuzz', namespace: ns() });
    rest = KubeRest.load(controlPlane().kubeconfigs.admin);
  });
  afterAll(async () => {
    await op?.stop();
    rest?.close();
  });

  it(`creates and updates ${PER_KIND} objects of each kind; the operator logs no bug (seed ${SEED})`, async () => {
    const client = new KubeClient(rest, 'fuzz');
    const fuzz = new Fuzzer(seeded(SEED));
    const rows: string[] = [];
    const goals: string[] = [];
    for (const k of kinds) {
      const resource = bosunResource(k);
      const schema = z.toJSONSchema(k.spec, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' });
      let accepted = 0;
      let updated = 0;
      for (let i = 0; i < PER_KIND; i++) {
        const name = `${k.kind.toLowerCase()}-${i}`;
        const obj = { apiVersion: API_VERSION, kind: k.kind, metadata: { name, namespace: ns() } };
        const spec = k.kind === 'Goal' && i % 2 === 0 ? fuzz.goalSpec(schema as never) : fuzz.value(schema as never);
        try {
          await client.create(resource, { ...obj, spec });
          accepted++;
          if (k.kind === 'Goal') goals.push(name);
        } catch {
          continue; // refused at admission: nothing was created
        }
        try {
          // and an update on top of it, as a person editing it would
          await client.patch(resource, ns(), name, { spec: fuzz.value(schema as never) });
          updated++;
        } catch {
          // refused: the object stays as it was
        }
      }
      rows.push(`${k.kind.padEnd(14)} tried ${PER_KIND}, accepted ${accepted}, updates accepted ${updated}`);
    }
    // every Goal the API server accepted gets a status saying where it stands
    const phases = async () => {
      const { items } = await client.list<{ metadata: { name: string }; status?: { phase?: string } }>(
        bosunResource(kinds[0] as (typeof kinds)[number]),
        { namespace: ns() },
      );
      return items;
    };
    await until(
      'every fuzzed Goal to have a phase',
      async () => (await phases()).every((g) => g.status?.phase),
      120_000,
      () => op.log(40),
    );
    const byPhase = new Map<string, number>();
    for (const g of await phases()) byPhase.set(g.status?.phase ?? '-', (byPhase.get(g.status?.phase ?? '-') ?? 0) + 1);
    const bugs = op
      .log(1_000_000)
      .split('\n')
      .filter((l) => l.includes('(a bug)'));
    console.log(
      [
        `seed ${SEED}`,
        ...rows,
        `Goals by phase: ${[...byPhase].map(([p, n]) => `${p} ${n}`).join(', ')}`,
        `"(a bug)" lines in the operator's log: ${bugs.length}`,
      ].join('\n'),
    );
    expect(goals.length).toBeGreaterThan(0);
    expect(bugs).toEqual([]);
    expect(op.proc.exitCode).toBeNull();
  });
});
